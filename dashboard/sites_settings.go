package dashboard

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// mountSites adds the sites' pages: the list with "New site", a site's
// settings with its snippet and install check, and its API keys.
func (h *handler) mountSites(u fiber.Router) {
	u.Get("/", h.sitesPage)
	u.Get("/sites/new", h.newSitePage)
	u.Post("/sites", h.createSite)
	u.Get("/sites/:id", h.sitePage)
	u.Post("/sites/:id", h.updateSite)
	u.Get("/sites/:id/keys", h.keysPage)
	u.Post("/sites/:id/keys", h.createKey)
	u.Get("/sites/:id/keys/:kid/revoke", h.revokeKeyPage)
	u.Post("/sites/:id/keys/:kid/revoke", h.revokeKey)
}

// sitesData is the sites list's; New is the new-site form, for the
// operator only: creating a site is the operator's, as in the admin API.
type sitesData struct {
	Sites []accounts.SiteRole
	New   bool
}

func (h *handler) sitesPage(c *fiber.Ctx) error {
	list, err := h.acc.Sites(c.UserContext(), user(c))
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "sites", "sites_title", sitesData{Sites: list, New: h.mayCreateSites(c)})
}

// mayCreateSites: creating a site is the operator's, as in the admin API
// (whoever runs the server decides which sites it serves).
func (h *handler) mayCreateSites(c *fiber.Ctx) bool { return user(c).Operator && h.Sites != nil }

// newSitePage is the site form, empty, with the admin API's defaults.
func (h *handler) newSitePage(c *fiber.Ctx) error {
	if !h.mayCreateSites(c) {
		return h.notFound(c)
	}
	return h.render(c, http.StatusOK, "site", "site_new", siteData{Edit: true, Form: h.siteFormView(newSiteForm(h.lang(c).Code))})
}

func (h *handler) createSite(c *fiber.Ctx) error {
	if !h.mayCreateSites(c) {
		return h.notFound(c)
	}
	form := siteFormOf(c)
	site, err := h.Sites.CreateSite(c.UserContext(), form)
	if field, msg, ok := fieldError(h.lang(c), form, err); ok {
		d := siteData{Edit: true, Form: h.siteFormView(form)}
		d.Form.Errors = map[string]string{field: msg}
		return h.render(c, http.StatusUnprocessableEntity, "site", "site_new", d, "site_not_saved")
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.audit(c, site.ID, "site.created")
	h.flash(c, "site_created")
	return c.Redirect("/app/sites/"+site.ID, http.StatusSeeOther)
}

// siteData is a site page's.
type siteData struct {
	Site    store.Site
	Role    string
	Widgets int
	// Edit: the user may change the settings (owners, the operator);
	// managers see the same form read-only.
	Edit    bool
	Manage  bool
	Form    siteFormView
	Snippet string
	Seen    []sightingView
	CopyJS  string
}

func (h *handler) siteData(c *fiber.Ctx, site store.Site, form SiteForm) (siteData, error) {
	ctx := c.UserContext()
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return siteData{}, err
	}
	d := siteData{Site: site, Role: h.roleOn(c, site.ID), Widgets: len(ws), Form: h.siteFormView(form),
		Snippet: snippet(h.Cfg.PublicURL, site.Key), CopyJS: staticURL("copy.js")}
	d.Edit, _ = h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	d.Edit = d.Edit && h.Sites != nil
	d.Manage, _ = h.acc.Can(ctx, user(c), site.ID, accounts.ManagePeople)
	d.Seen, err = h.sightings(c, site)
	return d, err
}

func (h *handler) sitePage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	d, err := h.siteData(c, site, formOfSite(site))
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "site", "site", d)
}

func (h *handler) updateSite(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok || h.Sites == nil {
		return h.notFound(c)
	}
	form := siteFormOf(c)
	updated, err := h.Sites.UpdateSite(c.UserContext(), site.ID, form)
	if field, msg, ok := fieldError(h.lang(c), form, err); ok {
		d, err := h.siteData(c, site, form)
		if err != nil {
			return h.fail(c, err)
		}
		d.Form.Errors = map[string]string{field: msg}
		return h.render(c, http.StatusUnprocessableEntity, "site", "site", d, "site_not_saved")
	}
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.audit(c, updated.ID, "site.updated")
	h.flash(c, "site_saved")
	return c.Redirect("/app/sites/"+updated.ID, http.StatusSeeOther)
}
