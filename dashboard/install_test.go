package dashboard_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// waitForPage reloads path until it shows text (the install check is
// written off the request path), failing after 10 s.
func (b *browser) waitForPage(path, text string) page {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := b.get(path)
		if strings.Contains(p.Body, text) {
			return p
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never showed %q: %.3000s", path, text, p.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInstallCheck, on both stores: a config request from an allowed
// origin shows on the site page as "we saw your snippet there", with its
// age in words; other origins stay "not seen yet". Requests are recorded
// at most once a minute per origin, and requests without an Origin or
// from a foreign one are not sightings.
func TestInstallCheck(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		site := d.CreateSite("Shop", "https://shop.example", "https://www.shop.example", "https://blog.example")
		id, key := site["id"].(string), site["key"].(string)
		op := d.browser(t, "operator")
		op.setup()
		path := "/app/sites/" + id
		config := func(origin string, status int) {
			t.Helper()
			var h []string
			if origin != "" {
				h = []string{"Origin", origin}
			}
			servertest.ExpectStatus(t, d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, h...), status)
		}
		wantBody(t, "before", op.get(path), "Not seen on https://shop.example yet.", "Not seen on https://www.shop.example yet.")

		config("", http.StatusOK)
		config("https://evil.example", http.StatusForbidden)
		// Beckon's own origin (the dashboard's preview) is served, but it
		// is no install on the owner's site.
		config(d.Base, http.StatusOK)
		config("https://shop.example", http.StatusOK)
		p := op.waitForPage(path, "We saw your snippet on https://shop.example just now.")
		wantBody(t, "after one", p, "Not seen on https://www.shop.example yet.", "Not seen on https://blog.example yet.")
		if seen, _ := d.Store.SnippetSightings(t.Context(), id); len(seen) != 1 {
			t.Fatalf("sightings: %+v (no Origin and a foreign one are not sightings)", seen)
		}

		d.clock.Add(2 * time.Minute)
		wantBody(t, "two minutes later", op.get(path), "We saw your snippet on https://shop.example 2 minutes ago.")
		wantBody(t, "two minutes later, in Russian", op.get(path+"?lang=ru"), "Мы видели ваш код на https://shop.example 2 минуты назад.")
		op.get(path + "?lang=en")

		// A minute has passed: the next request is recorded again.
		config("https://shop.example", http.StatusOK)
		op.waitForPage(path, "We saw your snippet on https://shop.example just now.")
		// Within the minute it is not: after 50 s a request, then another
		// origin's, which the one writer stores after any earlier one.
		d.clock.Add(50 * time.Second)
		config("https://shop.example", http.StatusOK)
		config("https://www.shop.example", http.StatusOK)
		p = op.waitForPage(path, "We saw your snippet on https://www.shop.example just now.")
		d.clock.Add(20 * time.Second)
		wantBody(t, "throttled", op.get(path), "We saw your snippet on https://shop.example 1 minute ago.", "We saw your snippet on https://www.shop.example just now.")

		// An origin taken off the site leaves the check.
		servertest.ExpectStatus(t, d.Admin(http.MethodPatch, "/api/v1/sites/"+id, map[string]any{"origins": []string{"https://blog.example"}}), http.StatusOK)
		p = op.get(path)
		if strings.Contains(p.Body, "on https://shop.example") || strings.Contains(p.Body, "on https://www.shop.example") {
			t.Fatalf("a removed origin is still checked: %.2000s", p.Body)
		}
		wantBody(t, "after removing origins", p, "Not seen on https://blog.example yet.")
	})
}
