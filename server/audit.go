package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// auditChange records every change of a site made through the admin API,
// by a key, the operator's token or a dashboard page, in the site's audit
// list ("site:<id>"), which the dashboard's audit page shows. Reads,
// refused requests and POSTs marked api.ChangesNothing (previews) change
// nothing and are not recorded.
func (s *Server) auditChange(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	err := c.Next()
	site := c.Params("id")
	if err != nil || site == "" || c.Response().StatusCode() >= 400 || api.ChangedNothing(c) {
		return err
	}
	who := api.CallerOf(c)
	e := store.AuditEntry{Action: "api_change", SiteID: site, IP: s.clientIP(c),
		Detail: c.Method() + " " + c.Path() + " · " + who.Who()}
	if who.User != nil {
		e.UserID = who.User.ID
	}
	s.accounts().Audit(c.UserContext(), e)
	return nil
}
