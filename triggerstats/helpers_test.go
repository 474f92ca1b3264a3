package triggerstats_test

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// env is a server with one site.
type env struct {
	*servertest.Server
	t       *testing.T
	siteID  string
	siteKey string
}

// start runs a server on st with one site (time zone Europe/Moscow). The
// test client is a trusted proxy, so a test speaks for several visitors'
// addresses (X-Forwarded-For).
func start(t *testing.T, st store.Store) *env {
	ts := servertest.Start(t, st, servertest.Options{Config: func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 10_000, 10_000
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
	site := ts.CreateSite("Магазин")
	id := site["id"].(string)
	servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+id, map[string]any{"timezone": "Europe/Moscow"}), http.StatusOK)
	return &env{Server: ts, t: t, siteID: id, siteKey: site["key"].(string)}
}

// popup creates a pop-up with settings (a JSON object) and returns its id.
func (e *env) popup(settings string) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(settings)})["id"].(string)
}

// send posts one trigger event as the engine's beacon does (text/plain),
// from address ip.
func (e *env) send(wid, ip string, ev map[string]any) servertest.Response {
	e.t.Helper()
	body, _ := json.Marshal(ev)
	return e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/trigger-events", string(body),
		"Origin", origin, "Content-Type", "text/plain;charset=UTF-8", "X-Forwarded-For", ip)
}

// event is a valid event; over replaces fields.
func event(over map[string]any) map[string]any {
	ev := map[string]any{"visitor_id": "0123456789abcdef0123456789abcdef", "event": "shown", "trigger": "exit_intent",
		"page": "/catalog", "source": "google"}
	for k, v := range over {
		ev[k] = v
	}
	return ev
}

// stats reads the widget's trigger stats with query q ("" or "?from=…").
func (e *env) stats(wid, q string) map[string]any {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/trigger-stats"+q, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	return r.JSON(e.t)
}

// group finds name in a stats list (by_trigger, by_page, by_source) as
// "shown/closed/converted rate"; "" when absent.
func group(t *testing.T, st map[string]any, list, name string) map[string]any {
	t.Helper()
	for _, g := range st[list].([]any) {
		if m := g.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}
