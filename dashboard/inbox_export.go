package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/leads"
	"github.com/beckonhq/beckon/store"
)

// inboxExports serves the inbox's CSV and JSONL downloads with the leads
// package's own streaming export (the admin API's, same columns, same
// paging), under the session's authority instead of a bearer token.
type inboxExports struct {
	h         *handler
	csvRoute  fiber.Handler
	jsonRoute fiber.Handler
}

// routeCatcher is a widgets.Router that keeps the handlers the leads
// package would add to the admin API, so the dashboard can call two of them.
type routeCatcher map[string]fiber.Handler

func (r routeCatcher) Add(method, path string, handlers ...fiber.Handler) fiber.Router {
	r[method+" "+path] = handlers[len(handlers)-1]
	return nil
}

func newInboxExports(h *handler) *inboxExports {
	r := routeCatcher{}
	leads.Mount(r, leads.Deps{Store: h.Store, Log: h.Log})
	return &inboxExports{h: h, csvRoute: r["GET /sites/:id/leads.csv"], jsonRoute: r["GET /sites/:id/leads.jsonl"]}
}

func (e *inboxExports) csv(c *fiber.Ctx) error   { return e.serve(c, e.csvRoute) }
func (e *inboxExports) jsonl(c *fiber.Ctx) error { return e.serve(c, e.jsonRoute) }

// serve lets a person who may work the site's inbox download it: the
// request then acts as a read-only key of that site alone (leads:read).
// The export applies the type and status filters (the API's); the page's
// other filters are not the export's.
func (e *inboxExports) serve(c *fiber.Ctx, route fiber.Handler) error {
	site, ok, err := e.h.site(c, accounts.WorkInbox)
	if err != nil {
		return e.h.fail(c, err)
	}
	if !ok || route == nil {
		return e.h.notFound(c)
	}
	api.SetCaller(c, api.Caller{Key: store.APIKey{SiteID: site.ID, Scopes: []string{leads.ScopeRead}}})
	return route(c)
}
