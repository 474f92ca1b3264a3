// Package codepools is the site owner's promo code pools and the visitor's
// claim of a code. Pools are a site resource, not a widget's: every widget
// that hands out codes (its settings implement widgets.CodeGiver) names a
// pool, and the server mounts this package next to its own routes.
//
// Admin routes (/api/v1, scopes widgets:read and widgets:write):
//
//	POST   /sites/{id}/code-pools             {"name","codes":[…]} → 201 the pool
//	GET    /sites/{id}/code-pools             {"pools":[…]}
//	GET    /sites/{id}/code-pools/{pid}       {"id","name","total","issued",…}
//	POST   /sites/{id}/code-pools/{pid}/codes {"codes":[…]} → {"added","total"}
//	DELETE /sites/{id}/code-pools/{pid}       204
//
// Public route (/w/v1/{siteKey}):
//
//	POST /widgets/{wid}/claim {"visitor_id"} → {"code"}, 410 pool_empty
package codepools

import (
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Scopes of site API keys for pools: they configure widgets, so they share
// the widgets' scopes.
const (
	ScopeRead  = "widgets:read"
	ScopeWrite = "widgets:write"
)

// Deps are what pools need from the server.
type Deps struct {
	Store store.Store
	Log   *slog.Logger
	// ClientIP is the visitor's address, through trusted proxies only
	// (the claim guard counts per address).
	ClientIP func(c *fiber.Ctx) string
	// Conversions counts a claimed code as the widget's conversion in its
	// A/B experiment (widgets.Deps.Conversions); nil counts nothing.
	Conversions widgets.Conversions
	// Variants gives the visitor the offer (code or pool) of their A/B
	// variant (widgets.Deps.Variants); nil: the widget's own.
	Variants widgets.Variants
}

type pools struct{ d Deps }

// Mount adds the admin routes to admin (/api/v1, behind authentication)
// and the claim to public (/w/v1/{siteKey}, behind the site lookup and the
// per-IP rate limit).
func Mount(admin, public widgets.Router, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.ClientIP == nil {
		d.ClientIP = func(c *fiber.Ctx) string { return c.IP() }
	}
	p := &pools{d: d}
	admin.Add(fiber.MethodPost, "/sites/:id/code-pools", p.create)
	admin.Add(fiber.MethodGet, "/sites/:id/code-pools", p.list)
	admin.Add(fiber.MethodGet, "/sites/:id/code-pools/:pid", p.get)
	admin.Add(fiber.MethodPost, "/sites/:id/code-pools/:pid/codes", p.addCodes)
	admin.Add(fiber.MethodDelete, "/sites/:id/code-pools/:pid", p.delete)
	public.Add(fiber.MethodPost, "/widgets/:wid/claim", p.claim)
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newPoolID is a fresh pool ID, "cp_" and 16 random base32 characters.
func newPoolID() string {
	b := make([]byte, 10)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return "cp_" + strings.ToLower(idEncoding.EncodeToString(b))
}
