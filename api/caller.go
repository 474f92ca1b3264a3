package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
)

// Scopes a per-site API key may be granted. The operator's admin token may
// do everything on every site.
var Scopes = []string{"site:read", "widgets:read", "widgets:write", "leads:read", "leads:write", "events:write", "deliveries:read", "deliveries:write"}

// Caller is who made an admin API request: the operator, or a site's key.
type Caller struct {
	Admin bool
	Key   store.APIKey // set when !Admin
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
	if who.Key.SiteID != siteID {
		return NotFound("site")
	}
	if scope == "" || !who.Key.HasScope(scope) {
		need := scope
		if need == "" {
			need = "the operator's admin token"
		}
		return Forbidden("this API key lacks the permission: " + need)
	}
	return nil
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
