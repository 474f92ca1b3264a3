package api

import (
	"context"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
)

// Scopes a per-site API key may be granted. The operator's admin token may
// do everything on every site.
var Scopes = []string{"site:read", "widgets:read", "widgets:write", "leads:read", "leads:write", "events:write", "deliveries:read", "deliveries:write"}

// Caller is who made an admin API request: the operator, a site's key, or
// a person signed in to the dashboard, whose islands call the same API.
type Caller struct {
	Admin bool
	Key   store.APIKey // set for a site's key
	// User is set when a dashboard session made the request (the
	// operator's too, with Admin). SiteScopes is what they may do on a
	// site: their role's scopes, none when they are no member.
	User       *store.User
	SiteScopes func(ctx context.Context, siteID string) ([]string, error)
	// Lang is the dashboard reader's language for a session's request
	// (ru, uk or en): texts an answer carries for people to read, such as
	// a formula preview's, are told in it. Empty for clients of the API,
	// who read the documented English.
	Lang string
}

// Who names the caller in an audit list: the person's e-mail, the key's
// name, or the operator's token.
func (who Caller) Who() string {
	switch {
	case who.User != nil:
		return who.User.Email
	case who.Admin:
		return "admin token"
	}
	return "API key " + who.Key.Name + " (" + who.Key.Prefix + "…)"
}

const callerLocal = "beckon.caller"

// SetCaller records who the server's authentication found.
func SetCaller(c *fiber.Ctx, who Caller) { c.Locals(callerLocal, who) }

// CallerOf is who made the request (the zero Caller before authentication).
func CallerOf(c *fiber.Ctx) Caller {
	who, _ := c.Locals(callerLocal).(Caller)
	return who
}

// Authorize lets the operator through, and a site key only for its own site
// and only with scope. Another site's resources look absent (404), so a key
// cannot even learn which site ids exist.
func Authorize(c *fiber.Ctx, siteID, scope string) error {
	who := CallerOf(c)
	if who.Admin {
		return nil
	}
	if who.User != nil {
		return authorizeUser(c, who, siteID, scope)
	}
	if who.Key.SiteID != siteID {
		return NotFound("site")
	}
	if scope == "" {
		return Forbidden("this API key lacks the permission: the operator's admin token")
	}
	if !who.Key.HasScope(scope) {
		return Forbidden(fmt.Sprintf("this API key lacks the permission: %s", scope))
	}
	return nil
}

// authorizeUser is Authorize for a dashboard session: a site the person
// is no member of looks absent; a scope their role lacks is 403.
func authorizeUser(c *fiber.Ctx, who Caller, siteID, scope string) error {
	scopes, err := who.SiteScopes(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	if len(scopes) == 0 {
		return NotFound("site")
	}
	if scope == "" {
		return Forbidden("your role on this site does not allow this (the operator's)")
	}
	if !slices.Contains(scopes, scope) {
		return Forbidden(fmt.Sprintf("your role on this site does not allow this (%s)", scope))
	}
	return nil
}

const changesNothingLocal = "beckon.changes_nothing"

// ChangesNothing marks a request that uses POST but changes nothing (a
// preview, a calculation), so the audit of changes leaves it out.
func ChangesNothing(c *fiber.Ctx) { c.Locals(changesNothingLocal, true) }

// ChangedNothing reports whether the handler marked the request so.
func ChangedNothing(c *fiber.Ctx) bool {
	v, _ := c.Locals(changesNothingLocal).(bool)
	return v
}

// RequireAdmin guards operator-only routes that are not about one site.
func RequireAdmin(c *fiber.Ctx) error {
	if !CallerOf(c).Admin {
		return Forbidden("this API key lacks the permission: the operator's admin token")
	}
	return nil
}

// AuthorizedSite authorizes the caller for scope on the route's site
// (":id") and loads it. Authorization comes first, so another site's key
// learns nothing, not even whether the site exists.
func AuthorizedSite(c *fiber.Ctx, sites store.Sites, scope string) (store.Site, error) {
	id := c.Params("id")
	if err := Authorize(c, id, scope); err != nil {
		return store.Site{}, err
	}
	site, err := sites.GetSite(c.UserContext(), id)
	if err != nil {
		return store.Site{}, NotFoundAs(err, "site")
	}
	return site, nil
}
