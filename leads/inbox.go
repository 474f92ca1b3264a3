// Package leads is the site owner's one inbox: the leads every widget
// takes (a quiz's contacts and answers, a callback request) listed, read,
// worked (status and note), exported and erased through the admin API.
// Leads are a platform capability, not a widget's: the server mounts this
// package next to its own routes, and widgets write leads through
// store.Leads.
package leads

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Scopes of site API keys for the inbox. The operator's admin token may
// do everything.
const (
	ScopeRead  = "leads:read"
	ScopeWrite = "leads:write"
)

// Deps are what the inbox needs from the server.
type Deps struct {
	Store store.Store
	Log   *slog.Logger
	// Ctx is the server's life: an export streams after its handler has
	// returned (and the request's context has ended), until Ctx ends.
	Ctx context.Context
	// WriteTimeout bounds each write of a streamed export; the export as
	// a whole may take longer.
	WriteTimeout time.Duration
	// Modules are the widget types served; those that are a VisitorEraser
	// erase their own data of a visitor (erase.go).
	Modules []widgets.Module
}

// Inbox serves the lead inbox's admin routes.
type Inbox struct{ d Deps }

// Mount adds the inbox's routes to the admin router (/api/v1, behind
// authentication).
func Mount(r widgets.Router, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Ctx == nil {
		d.Ctx = context.Background()
	}
	if d.WriteTimeout <= 0 {
		d.WriteTimeout = 15 * time.Second
	}
	ib := &Inbox{d: d}
	r.Add(fiber.MethodGet, "/sites/:id/leads", ib.list)
	r.Add(fiber.MethodGet, "/sites/:id/leads.csv", ib.exportCSV)
	r.Add(fiber.MethodGet, "/sites/:id/leads.jsonl", ib.exportJSONL)
	r.Add(fiber.MethodGet, "/sites/:id/leads/:lid", ib.get)
	r.Add(fiber.MethodPatch, "/sites/:id/leads/:lid", ib.update)
	r.Add(fiber.MethodDelete, "/sites/:id/leads/:lid", ib.delete)
	r.Add(fiber.MethodDelete, "/sites/:id/visitors/:visitor_id", ib.eraseVisitor)
}
