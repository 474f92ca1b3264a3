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
	return exportsOver(h, h.Store)
}

// exportsOver is the exports reading leads from st: the store itself, or
// for a manager the leads they see (visibleLeads).
func exportsOver(h *handler, st store.Store) *inboxExports {
	r := routeCatcher{}
	leads.Mount(r, leads.Deps{Store: st, Log: h.Log})
	return &inboxExports{h: h, csvRoute: r["GET /sites/:id/leads.csv"], jsonRoute: r["GET /sites/:id/leads.jsonl"]}
}

func (e *inboxExports) csv(c *fiber.Ctx) error {
	return e.serve(c, func(x *inboxExports) fiber.Handler { return x.csvRoute })
}
func (e *inboxExports) jsonl(c *fiber.Ctx) error {
	return e.serve(c, func(x *inboxExports) fiber.Handler { return x.jsonRoute })
}

// serve lets a person who may work the site's inbox download it: the
// request then acts as a read-only key of that site alone (leads:read).
// The export applies the type and status filters (the API's); the page's
// other filters are not the export's. A manager's export holds the
// leads their inbox shows (inbox_own.go).
func (e *inboxExports) serve(c *fiber.Ctx, routeOf func(*inboxExports) fiber.Handler) error {
	site, ok, err := e.h.site(c, accounts.WorkInbox)
	if err != nil {
		return e.h.fail(c, err)
	}
	if !ok {
		return e.h.notFound(c)
	}
	v, err := e.h.viewer(c, site)
	if err != nil {
		return e.h.fail(c, err)
	}
	route := routeOf(e)
	if v != nil {
		route = routeOf(exportsOver(e.h, visibleLeads{Store: e.h.Store, v: v}))
	}
	if route == nil {
		return e.h.notFound(c)
	}
	api.SetCaller(c, api.Caller{Key: store.APIKey{SiteID: site.ID, Scopes: []string{leads.ScopeRead}}})
	return route(c)
}
