package dashboard

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
)

// SiteNav is the row of a site's sections above every page of the site,
// so each part of the dashboard is one click from the others.
type SiteNav struct {
	SiteID   string
	SiteName string
	Role     string
	Items    []NavItem
	// Script brings the current section into sight where the row
	// scrolls (a phone).
	Script string
}

// NavItem is one section of a site.
type NavItem struct {
	Href    string
	TextKey string
	Current bool
}

// siteSections are a site's sections in the order shown: the path after
// /app/sites/{id}, its text, and whether only who may edit the site's
// settings sees it.
var siteSections = []struct {
	path, text string
	editors    bool
}{
	{"", "sitenav_overview", false},
	{"widgets", "sitenav_widgets", false},
	{"inbox", "sitenav_inbox", false},
	{"analytics", "sitenav_analytics", false},
	{"reviews", "sitenav_reviews", false},
	{"codes", "sitenav_codes", false},
	{"telephony", "sitenav_telephony", false},
	{"notifications", "sitenav_notifications", true},
	{"people", "sitenav_people", false},
	{"keys", "sitenav_keys", true},
	{"audit", "sitenav_audit", true},
}

// siteNav is the navigation of the site a page under /app/sites/{id}/
// belongs to; nil elsewhere and for a site the person may not see.
func (h *handler) siteNav(c *fiber.Ctx) *SiteNav {
	rest, ok := strings.CutPrefix(c.Path(), "/app/sites/")
	id, section, _ := strings.Cut(rest, "/")
	if !ok || id == "" || id == "new" {
		return nil
	}
	section, _, _ = strings.Cut(section, "/")
	ctx := c.UserContext()
	u := user(c)
	if ok, err := h.acc.Can(ctx, u, id, accounts.ViewSite); err != nil || !ok {
		return nil
	}
	site, err := h.Store.GetSite(ctx, id)
	if err != nil {
		return nil
	}
	edit, _ := h.acc.Can(ctx, u, id, accounts.EditSettings)
	nav := &SiteNav{SiteID: id, SiteName: site.Name, Role: h.roleOn(c, id),
		Script: staticURL("sitenav.js")}
	for _, s := range siteSections {
		if s.editors && !edit {
			continue
		}
		href := "/app/sites/" + id
		if s.path != "" {
			href += "/" + s.path
		}
		nav.Items = append(nav.Items, NavItem{Href: href, TextKey: s.text, Current: s.path == section})
	}
	return nav
}
