package codepools_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// coupon is a widget type of these tests only: its settings implement
// widgets.CodeGiver as the pop-up's will, so the claim route is tested
// without it. It borrows the countdown's bundle (the server starts only
// with built bundles).
type coupon struct{}

type couponSettings struct {
	Shared      string `json:"shared"`
	PoolID      string `json:"pool_id"`
	ClaimsPerIP int    `json:"claims_per_ip"`
}

func (s *couponSettings) Normalize(store.Site) error { return nil }
func (s *couponSettings) Public() any                { return map[string]any{} }
func (s *couponSettings) Codes() (widgets.CodeOffer, bool) {
	return widgets.CodeOffer{Shared: s.Shared, PoolID: s.PoolID, ClaimsPerIP: s.ClaimsPerIP}, s.Shared != "" || s.PoolID != ""
}

func (coupon) Type() string                             { return "coupon" }
func (coupon) Bundle() string                           { return "countdown" }
func (coupon) NewSettings() widgets.Settings            { return new(couponSettings) }
func (coupon) Texts() []string                          { return nil }
func (coupon) Mount(widgets.Deps, widgets.Routes) error { return nil }

// plain is a widget type whose settings give no codes.
type plain struct{}

type plainSettings struct{}

func (*plainSettings) Normalize(store.Site) error { return nil }
func (*plainSettings) Public() any                { return map[string]any{} }

func (plain) Type() string                             { return "plain" }
func (plain) Bundle() string                           { return "countdown" }
func (plain) NewSettings() widgets.Settings            { return new(plainSettings) }
func (plain) Texts() []string                          { return nil }
func (plain) Mount(widgets.Deps, widgets.Routes) error { return nil }

// env is a server with the coupon and plain types and one site.
type env struct {
	*servertest.Server
	t       *testing.T
	siteID  string
	siteKey string
}

// start runs a server on st with a per-IP rate limit high enough for the
// concurrency tests (the claim's own guard is what they exercise).
func start(t *testing.T, st store.Store) *env {
	ts := servertest.Start(t, st, servertest.Options{
		Config: func(c *config.Config) {
			c.PublicRate, c.PublicBurst = 10_000, 10_000
			// The test client is a proxy, so a test may speak for several
			// visitors' addresses (X-Forwarded-For).
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		},
		Modules: func(config.Config) []widgets.Module {
			return []widgets.Module{coupon{}, plain{}}
		},
	})
	site := ts.CreateSite("Shop")
	return &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
}

func (e *env) pools() string { return "/api/v1/sites/" + e.siteID + "/code-pools" }

// createPool makes a pool through the API and returns its id.
func (e *env) createPool(name string, codes []string) string {
	e.t.Helper()
	r := e.Admin("POST", e.pools(), map[string]any{"name": name, "codes": codes})
	servertest.ExpectStatus(e.t, r, http.StatusCreated)
	return r.JSON(e.t)["id"].(string)
}

// pool reads a pool's counts through the API.
func (e *env) pool(id string) (total, issued int) {
	e.t.Helper()
	r := e.Admin("GET", e.pools()+"/"+id, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	m := r.JSON(e.t)
	return int(m["total"].(float64)), int(m["issued"].(float64))
}

// wantCounts fails unless the pool has total codes, issued handed out.
func (e *env) wantCounts(id string, total, issued int) {
	e.t.Helper()
	if gotTotal, gotIssued := e.pool(id); gotTotal != total || gotIssued != issued {
		e.t.Fatalf("pool %s: total %d, issued %d; want %d and %d", id, gotTotal, gotIssued, total, issued)
	}
}

// couponWidget makes an enabled coupon widget with settings and returns its id.
func (e *env) couponWidget(settings map[string]any) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": "coupon", "settings": settings})["id"].(string)
}

// claim is a visitor's claim from the shop's page.
func (e *env) claim(widgetID, visitor string, headers ...string) servertest.Response {
	e.t.Helper()
	return e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+widgetID+"/claim", map[string]any{"visitor_id": visitor},
		append([]string{fiber.HeaderOrigin, "https://shop.example"}, headers...)...)
}

// claimed is the code of a 200 claim.
func (e *env) claimed(widgetID, visitor string) string {
	e.t.Helper()
	r := e.claim(widgetID, visitor)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	return r.JSON(e.t)["code"].(string)
}

// numbered is n codes "<prefix>-0" … "<prefix>-(n-1)".
func numbered(prefix string, n int) []string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return list
}
