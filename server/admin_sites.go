package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/nyaruka/phonenumbers"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// siteInput is the body of POST and PATCH /api/v1/sites; pointers tell
// "absent" from "empty" for PATCH.
type siteInput struct {
	Name     *string   `json:"name"`
	Origins  *[]string `json:"origins"`
	Timezone *string   `json:"timezone"`
	Locale   *string   `json:"locale"`
	Region   *string   `json:"region"`

	FollowBrowserLanguage *bool `json:"follow_browser_language"`
}

// apply copies the given fields onto site and validates the result.
func (in siteInput) apply(site *store.Site) error {
	if in.Name != nil {
		site.Name = strings.TrimSpace(*in.Name)
	}
	if in.Origins != nil {
		origins, err := normalizeOrigins(*in.Origins)
		if err != nil {
			return err
		}
		site.Origins = origins
	}
	if in.Timezone != nil {
		site.Timezone = *in.Timezone
	}
	if in.Locale != nil {
		site.Locale = *in.Locale
	}
	if in.Region != nil {
		site.Region = strings.ToUpper(*in.Region)
	}
	if in.FollowBrowserLanguage != nil {
		site.FollowBrowserLanguage = *in.FollowBrowserLanguage
	}
	return validateSite(*site)
}

func validateSite(s store.Site) error {
	if err := validate.Text("name", s.Name, true, 100); err != nil {
		return err
	}
	if len(s.Origins) == 0 {
		return validate.Field("origins", "at least one origin such as https://shop.example is required")
	}
	if s.Timezone == "" {
		return validate.Field("timezone", "is required, e.g. Europe/Moscow")
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
		return validate.Field("timezone", "unknown time zone %q; use an IANA name such as Europe/Moscow", s.Timezone)
	}
	if err := validate.OneOf("locale", s.Locale, validate.Locales...); err != nil {
		return err
	}
	if phonenumbers.GetCountryCodeForRegion(s.Region) == 0 {
		return validate.Field("region", "unknown region %q; use a two-letter country code such as RU, UA or US", s.Region)
	}
	return nil
}

// normalizeOrigins reduces each entry to scheme://host[:port] as browsers
// send it in the Origin header, rejecting anything with a path or query.
func normalizeOrigins(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for i, raw := range in {
		field := "origins[" + itoa(i) + "]"
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, validate.Field(field, "must be an origin such as https://shop.example")
		}
		if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, validate.Field(field, "must be only scheme://host[:port], without path, query or user")
		}
		o := u.Scheme + "://" + strings.ToLower(u.Host)
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	if len(out) > 50 {
		return nil, validate.Field("origins", "at most 50 origins are allowed")
	}
	return out, nil
}

func (s *Server) createSite(c *fiber.Ctx) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in siteInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	now := time.Now().UTC()
	site := store.Site{ID: newID("site"), Key: randomToken(10), Locale: "en", Region: "US", Timezone: "UTC", CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&site); err != nil {
		return err
	}
	if err := s.store.CreateSite(c.UserContext(), site); err != nil {
		return err
	}
	s.configChanged(c, site.Key)
	return c.Status(http.StatusCreated).JSON(site)
}

func (s *Server) listSites(c *fiber.Ctx) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	sites, err := s.store.ListSites(c.UserContext())
	if err != nil {
		return err
	}
	if sites == nil {
		sites = []store.Site{}
	}
	return c.JSON(fiber.Map{"sites": sites})
}

func (s *Server) getSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := authorize(c, id, "site:read"); err != nil {
		return err
	}
	site, err := s.store.GetSite(c.UserContext(), id)
	if err != nil {
		return notFoundAs(err, "site")
	}
	return c.JSON(site)
}

func (s *Server) updateSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := authorize(c, id, ""); err != nil {
		return err
	}
	var in siteInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	site, err := s.store.UpdateSite(c.UserContext(), id, func(site *store.Site) error {
		site.UpdatedAt = time.Now().UTC()
		return in.apply(site)
	})
	if err != nil {
		return notFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	return c.JSON(site)
}

func (s *Server) deleteSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := authorize(c, id, ""); err != nil {
		return err
	}
	site, err := s.store.GetSite(c.UserContext(), id)
	if err != nil {
		return notFoundAs(err, "site")
	}
	if err := s.store.DeleteSite(c.UserContext(), id); err != nil {
		return notFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	return c.SendStatus(http.StatusNoContent)
}
