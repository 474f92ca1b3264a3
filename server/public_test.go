package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
)

const shopOrigin = "https://shop.example"

func TestPublicConfig(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		site := ts.createSite("Shop", shopOrigin)
		id, key := site["id"].(string), site["key"].(string)
		ts.createWidget(id, map[string]any{"type": "callback", "settings": map[string]any{
			"managers": []any{map[string]any{"name": "Anna", "phone": "+79123456789"}}}})
		ts.createWidget(id, map[string]any{"type": "quiz", "enabled": false, "settings": map[string]any{
			"title": "Q", "questions": []any{map[string]any{"text": "?", "options": []string{"a", "b"}}}}})
		path := "/w/v1/" + key + "/config"

		r := ts.request("GET", path, nil, "Origin", shopOrigin)
		expectStatus(t, r, http.StatusOK)
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
		expectStatus(t, ts.request("GET", path, nil, "Origin", shopOrigin, "If-None-Match", etag), http.StatusNotModified)

		// No Origin (same-origin page, server-side call): served.
		expectStatus(t, ts.request("GET", path, nil), http.StatusOK)

		r = ts.request("GET", path, nil, "Origin", "https://evil.example")
		expectStatus(t, r, http.StatusForbidden)
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("foreign origin got an ACAO header")
		}

		r = ts.request("OPTIONS", path, nil, "Origin", shopOrigin, "Access-Control-Request-Method", "GET")
		expectStatus(t, r, http.StatusNoContent)
		if r.Header.Get("Access-Control-Allow-Origin") != shopOrigin || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Fatalf("preflight headers: %v", r.Header)
		}
		expectStatus(t, ts.request("OPTIONS", path, nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"), http.StatusForbidden)

		r = ts.request("GET", "/w/v1/nosuchkey/config", nil, "Origin", shopOrigin)
		expectStatus(t, r, http.StatusNotFound)
		if r.errorCode(t) != "not_found" {
			t.Fatal(string(r.Body))
		}

		r = ts.request("GET", path, strings.Repeat("x", publicBodyLimit+1), "Origin", shopOrigin)
		expectStatus(t, r, http.StatusRequestEntityTooLarge)
		if r.errorCode(t) != "body_too_large" {
			t.Fatal(string(r.Body))
		}
		for _, r := range []response{ts.request("GET", path, nil, "Origin", "*"), ts.request("GET", path, nil, "Origin", "null")} {
			if r.Header.Get("Access-Control-Allow-Origin") == "*" {
				t.Fatal("Access-Control-Allow-Origin must never be *")
			}
		}
	})
}

// TestPublicConfigFollowsChanges: an owner's change shows on the very next
// request, with no wait for a cache to expire.
func TestPublicConfigFollowsChanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		site := ts.createSite("Shop", shopOrigin)
		id, key := site["id"].(string), site["key"].(string)
		path := "/w/v1/" + key + "/config"
		widgetsIn := func() int {
			r := ts.request("GET", path, nil)
			expectStatus(t, r, http.StatusOK)
			var cfg configResponse
			json.Unmarshal(r.Body, &cfg)
			return len(cfg.Widgets)
		}
		if n := widgetsIn(); n != 0 {
			t.Fatalf("%d widgets", n)
		}
		wid := ts.createWidget(id, map[string]any{"type": "callback"})["id"].(string)
		if n := widgetsIn(); n != 1 {
			t.Fatalf("new widget not in config: %d", n)
		}
		ts.admin("PATCH", "/api/v1/sites/"+id+"/widgets/"+wid, map[string]any{"enabled": false})
		if n := widgetsIn(); n != 0 {
			t.Fatalf("disabled widget still in config")
		}
		ts.admin("PATCH", "/api/v1/sites/"+id, map[string]any{"origins": []string{"https://new.example"}})
		expectStatus(t, ts.request("GET", path, nil, "Origin", shopOrigin), http.StatusForbidden)
		expectStatus(t, ts.request("GET", path, nil, "Origin", "https://new.example"), http.StatusOK)
		ts.admin("DELETE", "/api/v1/sites/"+id, nil)
		expectStatus(t, ts.request("GET", path, nil), http.StatusNotFound)
	})
}

// TestConfigInvalidationAcrossReplicas: two servers share one store; a
// change made through one is seen by the other long before its cache entry
// would expire, because the change is published on the store's pub/sub.
func TestConfigInvalidationAcrossReplicas(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		a := newTestServer(t, st, nil)
		b := newTestServer(t, st, nil)
		site := a.createSite("Shop", shopOrigin)
		path := "/w/v1/" + site["key"].(string) + "/config"
		expectStatus(t, b.request("GET", path, nil), http.StatusOK) // b caches it
		a.createWidget(site["id"].(string), map[string]any{"type": "callback"})
		deadline := time.Now().Add(3 * time.Second)
		for {
			var cfg configResponse
			json.Unmarshal(b.request("GET", path, nil).Body, &cfg)
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
	ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 0.5, 3
	})
	key := ts.createSite("Shop")["key"].(string)
	path := "/w/v1/" + key + "/config"
	for i := 0; i < 3; i++ {
		expectStatus(t, ts.request("GET", path, nil), http.StatusOK)
	}
	r := ts.request("GET", path, nil)
	expectStatus(t, r, http.StatusTooManyRequests)
	if r.errorCode(t) != "rate_limited" || r.Header.Get("Retry-After") != "2" {
		t.Fatalf("429 without a useful Retry-After: %v %s", r.Header, r.Body)
	}
	// Unknown keys are limited too, so guessing keys is no way around it.
	expectStatus(t, ts.request("GET", "/w/v1/guess/config", nil), http.StatusTooManyRequests)
}

func TestClientIPBehindProxy(t *testing.T) {
	ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 0.1, 1
		c.TrustedProxies = mustPrefixes(t, "0.0.0.0/0")
	})
	key := ts.createSite("Shop")["key"].(string)
	path := "/w/v1/" + key + "/config"
	// Behind a trusted proxy each visitor has their own budget...
	expectStatus(t, ts.request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusOK)
	expectStatus(t, ts.request("GET", path, nil, "X-Forwarded-For", "203.0.113.8"), http.StatusOK)
	expectStatus(t, ts.request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusTooManyRequests)

	untrusted := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) { c.PublicRate, c.PublicBurst = 0.1, 1 })
	key = untrusted.createSite("Shop")["key"].(string)
	path = "/w/v1/" + key + "/config"
	// ...but without one, a forged header does not buy a new budget.
	expectStatus(t, untrusted.request("GET", path, nil, "X-Forwarded-For", "203.0.113.7"), http.StatusOK)
	expectStatus(t, untrusted.request("GET", path, nil, "X-Forwarded-For", "203.0.113.8"), http.StatusTooManyRequests)
}
