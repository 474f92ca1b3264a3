package server_test

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// shopOrigin is the origin of the sites the tests create.
const shopOrigin = "https://shop.example"

// publicBodyLimit is the public API's body limit (docs/API.md: 16 KiB).
const publicBodyLimit = 16 << 10

// configResponse is the body of GET /w/v1/{siteKey}/config, as the loader
// reads it.
type configResponse struct {
	Site    struct{ Key, Locale, Timezone, Region string }
	Widgets []struct{ ID, Type, Bundle string }
}

// mustPrefixes parses CIDRs for BECKON_TRUSTED_PROXIES.
func mustPrefixes(t testing.TB, cidrs ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestPublicConfig(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop", shopOrigin)
		id, key := site["id"].(string), site["key"].(string)
		ts.CreateWidget(id, map[string]any{"type": "callback", "settings": map[string]any{
			"managers": []any{map[string]any{"name": "Anna", "phone": "+79123456789"}}}})
		ts.CreateWidget(id, map[string]any{"type": "countdown", "enabled": false, "settings": map[string]any{
			"mode": "evergreen", "duration_seconds": 600}})
		path := "/w/v1/" + key + "/config"

		r := ts.Request("GET", path, nil, "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != shopOrigin {
			t.Fatalf("Access-Control-Allow-Origin %q, want the site's origin", got)
		}
		if !strings.Contains(r.Header.Get("Vary"), "Origin") {
			t.Fatalf("Vary: %q", r.Header.Get("Vary"))
		}
		var cfg configResponse
		if err := json.Unmarshal(r.Body, &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.Site.Key != key || cfg.Site.Locale != "ru" || cfg.Site.Timezone != "Europe/Moscow" || cfg.Site.Region != "RU" {
			t.Fatalf("site: %+v", cfg.Site)
		}
		if len(cfg.Widgets) != 1 || cfg.Widgets[0].Type != "callback" {
			t.Fatalf("want only the enabled callback widget: %s", r.Body)
		}
		if strings.Contains(string(r.Body), "+79123456789") || strings.Contains(string(r.Body), "managers") {
			t.Fatalf("public config leaks managers: %s", r.Body)
		}

		etag := r.Header.Get("ETag")
		servertest.ExpectStatus(t, ts.Request("GET", path, nil, "Origin", shopOrigin, "If-None-Match", etag), http.StatusNotModified)

		// No Origin (same-origin page, server-side call): served.
		servertest.ExpectStatus(t, ts.Request("GET", path, nil), http.StatusOK)

		r = ts.Request("GET", path, nil, "Origin", "https://evil.example")
		servertest.ExpectStatus(t, r, http.StatusForbidden)
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("foreign origin got an ACAO header")
		}

		r = ts.Request("OPTIONS", path, nil, "Origin", shopOrigin, "Access-Control-Request-Method", "GET")
		servertest.ExpectStatus(t, r, http.StatusNoContent)
		if r.Header.Get("Access-Control-Allow-Origin") != shopOrigin || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Fatalf("preflight headers: %v", r.Header)
		}
		servertest.ExpectStatus(t, ts.Request("OPTIONS", path, nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"), http.StatusForbidden)

		r = ts.Request("GET", "/w/v1/nosuchkey/config", nil, "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
		if r.ErrorCode(t) != "not_found" {
			t.Fatal(string(r.Body))
		}

		r = ts.Request("GET", path, strings.Repeat("x", publicBodyLimit+1), "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusRequestEntityTooLarge)
		if r.ErrorCode(t) != "body_too_large" {
			t.Fatal(string(r.Body))
		}
		for _, r := range []servertest.Response{ts.Request("GET", path, nil, "Origin", "*"), ts.Request("GET", path, nil, "Origin", "null")} {
			if r.Header.Get("Access-Control-Allow-Origin") == "*" {
				t.Fatal("Access-Control-Allow-Origin must never be *")
			}
		}
	})
}

// TestPublicConfigFollowsChanges: an owner's change shows on the very next
// request, with no wait for a cache to expire.
func TestPublicConfigFollowsChanges(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop", shopOrigin)
		id, key := site["id"].(string), site["key"].(string)
		path := "/w/v1/" + key + "/config"
		widgetsIn := func() int {
			r := ts.Request("GET", path, nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			var cfg configResponse
			json.Unmarshal(r.Body, &cfg)
			return len(cfg.Widgets)
		}
		if n := widgetsIn(); n != 0 {
			t.Fatalf("%d widgets", n)
		}
		wid := ts.CreateWidget(id, map[string]any{"type": "callback"})["id"].(string)
		if n := widgetsIn(); n != 1 {
			t.Fatalf("new widget not in config: %d", n)
		}
		ts.Admin("PATCH", "/api/v1/sites/"+id+"/widgets/"+wid, map[string]any{"enabled": false})
		if n := widgetsIn(); n != 0 {
			t.Fatalf("disabled widget still in config")
		}
		ts.Admin("PATCH", "/api/v1/sites/"+id, map[string]any{"origins": []string{"https://new.example"}})
		servertest.ExpectStatus(t, ts.Request("GET", path, nil, "Origin", shopOrigin), http.StatusForbidden)
		servertest.ExpectStatus(t, ts.Request("GET", path, nil, "Origin", "https://new.example"), http.StatusOK)
		ts.Admin("DELETE", "/api/v1/sites/"+id, nil)
		servertest.ExpectStatus(t, ts.Request("GET", path, nil), http.StatusNotFound)
	})
}

// TestConfigInvalidationAcrossReplicas: two servers share one store; a
// change made through one is seen by the other long before its cache entry
// would expire, because the change is published on the store's pub/sub.
func TestConfigInvalidationAcrossReplicas(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		a := servertest.Start(t, st, servertest.Options{})
		b := servertest.Start(t, st, servertest.Options{})
		site := a.CreateSite("Shop", shopOrigin)
		path := "/w/v1/" + site["key"].(string) + "/config"
		servertest.ExpectStatus(t, b.Request("GET", path, nil), http.StatusOK) // b caches it
		a.CreateWidget(site["id"].(string), map[string]any{"type": "callback"})
		deadline := time.Now().Add(3 * time.Second)
		for {
			var cfg configResponse
			json.Unmarshal(b.Request("GET", path, nil).Body, &cfg)
			if len(cfg.Widgets) == 1 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("replica b still serves the old config 3 s after the change")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestPublicRateLimit(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 0.5, 3
	}})
	key := ts.CreateSite("Shop")["key"].(string)
	path := "/w/v1/" + key + "/config"
	for i := 0; i < 3; i++ {
		servertest.ExpectStatus(t, ts.Request("GET", path, nil), http.StatusOK)
	}
	r := ts.Request("GET", path, nil)
	servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
	if r.ErrorCode(t) != "rate_limited" || r.Header.Get("Retry-After") != "2" {
		t.Fatalf("429 without a useful Retry-After: %v %s", r.Header, r.Body)
	}
	// Unknown keys are limited too, so guessing keys is no way around it.
	servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/guess/config", nil), http.StatusTooManyRequests)
}

func TestClientIPBehindProxy(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 0.1, 1
		c.TrustedProxies = mustPrefixes(t, "0.0.0.0/0")
	}})
	key := ts.CreateSite("Shop")["key"].(string)
	path := "/w/v1/" + key + "/config"
	// Behind a trusted proxy each visitor has their own budget...
	servertest.ExpectStatus(t, ts.Request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusOK)
	servertest.ExpectStatus(t, ts.Request("GET", path, nil, "X-Forwarded-For", "203.0.113.8"), http.StatusOK)
	servertest.ExpectStatus(t, ts.Request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusTooManyRequests)

	untrusted := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) { c.PublicRate, c.PublicBurst = 0.1, 1 }})
	key = untrusted.CreateSite("Shop")["key"].(string)
	path = "/w/v1/" + key + "/config"
	// ...but without one, a forged header does not buy a new budget.
	servertest.ExpectStatus(t, untrusted.Request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusOK)
	servertest.ExpectStatus(t, untrusted.Request("GET", path, nil, "X-Forwarded-For", "203.0.113.8"), http.StatusTooManyRequests)
}
