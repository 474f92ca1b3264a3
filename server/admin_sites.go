package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/beckonhq/beckon/api"

	"github.com/gofiber/fiber/v2"
	"github.com/nyaruka/phonenumbers"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// maxOrigins bounds a site's origins: the pages of one site, not a list of
// the web.
const maxOrigins = 50

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
	if err := validate.Line("name", s.Name, true, 100); err != nil {
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

// normalizeOrigins reduces each entry to the form browsers send in the
// Origin header (see validate.Origin), dropping duplicates.
func normalizeOrigins(in []string) ([]string, error) {
	if len(in) > maxOrigins {
		return nil, validate.Field("origins", "has %d entries; at most %d are allowed", len(in), maxOrigins)
	}
	out := make([]string, 0, len(in))
	for i, raw := range in {
		o, err := validate.Origin("origins["+itoa(i)+"]", raw)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Server) createSite(c *fiber.Ctx) error {
	if err := api.RequireAdmin(c); err != nil {
		return err
	}
	var in siteInput
	if err := api.DecodeBody(c, &in); err != nil {
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
	return c.Status(http.StatusCreated).JSON(siteView(site))
}

func (s *Server) listSites(c *fiber.Ctx) error {
	if err := api.RequireAdmin(c); err != nil {
		return err
	}
	sites, err := s.store.ListSites(c.UserContext())
	if err != nil {
		return err
	}
	if sites == nil {
		sites = []store.Site{}
	}
	for i := range sites {
		sites[i] = siteView(sites[i])
	}
	return c.JSON(fiber.Map{"sites": sites})
}

func (s *Server) getSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "site:read"); err != nil {
		return err
	}
	site, err := s.store.GetSite(c.UserContext(), id)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	return c.JSON(siteView(site))
}

func (s *Server) updateSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, ""); err != nil {
		return err
	}
	var in siteInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	site, err := s.store.UpdateSite(c.UserContext(), id, func(site *store.Site) error {
		site.UpdatedAt = time.Now().UTC()
		return in.apply(site)
	})
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	return c.JSON(siteView(site))
}

func (s *Server) deleteSite(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, ""); err != nil {
		return err
	}
	site, err := s.store.GetSite(c.UserContext(), id)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	// Share links are found by their token's hash, outside the site's own
	// data: revoked first, so none outlives its site.
	links, err := s.store.ListShareLinks(c.UserContext(), id)
	if err != nil {
		return err
	}
	for _, l := range links {
		if err := s.store.RevokeShareLink(c.UserContext(), id, l.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if err := s.store.DeleteSite(c.UserContext(), id); err != nil {
		return api.NotFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	return c.SendStatus(http.StatusNoContent)
}
