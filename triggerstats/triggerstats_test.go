package triggerstats_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// withTriggers is a pop-up that exit intent and the owner's push show.
const withTriggers = `{"title":"−10% на первый заказ","triggers":{"on":[{"type":"exit_intent"},{"type":"push"}]}}`

// TestEventsAreCounted: what the engine reports comes back from the admin
// API as totals, per trigger, per page and per source, with conversion
// rates, on both stores.
func TestEventsAreCounted(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := start(t, newStore(t))
		wid := e.popup(withTriggers)
		other := e.popup(withTriggers)
		for _, ev := range []map[string]any{
			{"page": "/catalog"},
			{"page": "/catalog", "event": "closed"},
			{"page": "/catalog/gas", "source": "Yandex"},
			{"page": "/catalog/gas", "source": "yandex", "event": "converted"},
			{"page": "/sale"},
			{"page": "/sale", "trigger": "push", "source": "direct"},
			{"page": "/sale", "trigger": "push", "source": "direct", "event": "converted"},
		} {
			servertest.ExpectStatus(t, e.send(wid, "203.0.113.7", event(ev)), http.StatusNoContent)
		}
		servertest.ExpectStatus(t, e.send(other, "203.0.113.7", event(nil)), http.StatusNoContent)

		st := e.stats(wid, "")
		want := func(list, name string, shown, closed, converted float64, rate float64) {
			t.Helper()
			var g map[string]any
			if list == "totals" {
				g = st["totals"].(map[string]any)
			} else if g = group(t, st, list, name); g == nil {
				t.Fatalf("no %s %q in %v", list, name, st[list])
			}
			if g["shown"] != shown || g["closed"] != closed || g["converted"] != converted || g["conversion_rate"] != rate {
				t.Errorf("%s %s: %v, want shown %v closed %v converted %v rate %v", list, name, g, shown, closed, converted, rate)
			}
		}
		want("totals", "", 4, 1, 2, 0.5)
		want("by_trigger", "exit_intent", 3, 1, 1, 0.3333)
		want("by_trigger", "push", 1, 0, 1, 1)
		want("by_page", "/sale", 2, 0, 1, 0.5)
		want("by_page", "/catalog", 1, 1, 0, 0)
		want("by_page", "/catalog/gas", 1, 0, 1, 1)
		want("by_source", "google", 2, 1, 0, 0)
		want("by_source", "yandex", 1, 0, 1, 1)
		want("by_source", "direct", 1, 0, 1, 1)
		if first := st["by_page"].([]any)[0].(map[string]any)["name"]; first != "/sale" {
			t.Errorf("by_page starts with %v, want the most shown, /sale", first)
		}
		if tot := e.stats(other, "")["totals"].(map[string]any); tot["shown"] != 1.0 {
			t.Errorf("the other widget's totals %v, want its own one showing", tot)
		}
	})
}

// TestBadEventsChangeNothing: a bad event is refused naming its field, an
// event for a widget without triggers (or switched off, or unknown) is a
// 404, and none of them is counted.
func TestBadEventsChangeNothing(t *testing.T) {
	e := start(t, servertest.NewStore(t, "embedded"))
	wid := e.popup(withTriggers)
	plain := e.popup(`{"title":"Без триггеров"}`)
	for _, tc := range []struct {
		over  map[string]any
		field string
	}{
		{map[string]any{"visitor_id": ""}, "visitor_id"},
		{map[string]any{"event": "clicked"}, "event"},
		{map[string]any{"trigger": "hover"}, "trigger"},
		{map[string]any{"page": "catalog"}, "page"},
		{map[string]any{"page": "/" + strings.Repeat("a", 300)}, "page"},
		{map[string]any{"source": ""}, "source"},
		{map[string]any{"source": strings.Repeat("s", 101)}, "source"},
	} {
		r := e.send(wid, "203.0.113.8", event(tc.over))
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != tc.field {
			t.Errorf("%v: field %q, want %q", tc.over, f, tc.field)
		}
	}
	servertest.ExpectStatus(t, e.send(plain, "203.0.113.8", event(nil)), http.StatusNotFound)
	servertest.ExpectStatus(t, e.send("w_nosuchwidget", "203.0.113.8", event(nil)), http.StatusNotFound)
	r := e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/trigger-events", `{}`, "Origin", origin, "Content-Type", "text/html")
	servertest.ExpectStatus(t, r, http.StatusUnsupportedMediaType)
	servertest.ExpectStatus(t, e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"enabled": false}), http.StatusOK)
	servertest.ExpectStatus(t, e.send(wid, "203.0.113.8", event(nil)), http.StatusNotFound)

	if tot := e.stats(wid, "")["totals"].(map[string]any); tot["shown"] != 0.0 || tot["closed"] != 0.0 || tot["converted"] != 0.0 {
		t.Errorf("totals %v after refused events, want zeros", tot)
	}
}

// TestDistinctPagesCapped: a day keeps 200 pages apart; the rest count
// under "other", so endless URLs cannot grow a widget's tally without end.
func TestDistinctPagesCapped(t *testing.T) {
	e := start(t, servertest.NewStore(t, "embedded"))
	wid := e.popup(withTriggers)
	for i := range 205 {
		ip := fmt.Sprintf("198.51.100.%d", i%50)
		servertest.ExpectStatus(t, e.send(wid, ip, event(map[string]any{"page": fmt.Sprintf("/p/%d", i)})), http.StatusNoContent)
	}
	// A page it already keeps still counts under its own name.
	servertest.ExpectStatus(t, e.send(wid, "198.51.100.1", event(map[string]any{"page": "/p/3"})), http.StatusNoContent)
	st := e.stats(wid, "")
	pages := st["by_page"].([]any)
	if len(pages) != 201 {
		t.Fatalf("%d pages, want 200 and other", len(pages))
	}
	if o := group(t, st, "by_page", "other"); o == nil || o["shown"] != 5.0 {
		t.Errorf("other %v, want the 5 pages beyond 200", o)
	}
	if p := group(t, st, "by_page", "/p/3"); p == nil || p["shown"] != 2.0 {
		t.Errorf("/p/3 %v, want shown 2", p)
	}
	if tot := st["totals"].(map[string]any); tot["shown"] != 206.0 {
		t.Errorf("totals %v, want all 206 showings", tot)
	}
}

// TestEventsRateLimited: one address gets 120 events at once, then 429
// with Retry-After; others are not held back.
func TestEventsRateLimited(t *testing.T) {
	e := start(t, servertest.NewStore(t, "embedded"))
	wid := e.popup(withTriggers)
	for range 120 {
		servertest.ExpectStatus(t, e.send(wid, "192.0.2.10", event(nil)), http.StatusNoContent)
	}
	r := e.send(wid, "192.0.2.10", event(nil))
	servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" || r.ErrorCode(t) != "rate_limited" {
		t.Errorf("429 without Retry-After or code: %v %s", r.Header, r.Body)
	}
	servertest.ExpectStatus(t, e.send(wid, "192.0.2.11", event(nil)), http.StatusNoContent)
	if tot := e.stats(wid, "")["totals"].(map[string]any); tot["shown"] != 121.0 {
		t.Errorf("totals %v, want 121 (the refused one not counted)", tot)
	}
}

// TestStatsRange: days are the site's (Europe/Moscow); today's events are
// in a range ending today and not in one ending yesterday; bad ranges and
// callers are refused.
func TestStatsRange(t *testing.T) {
	e := start(t, servertest.NewStore(t, "embedded"))
	wid := e.popup(withTriggers)
	servertest.ExpectStatus(t, e.send(wid, "203.0.113.9", event(nil)), http.StatusNoContent)
	msk, _ := time.LoadLocation("Europe/Moscow")
	today := time.Now().In(msk)
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	st := e.stats(wid, "?from="+day(today)+"&to="+day(today))
	if st["from"] != day(today) || st["totals"].(map[string]any)["shown"] != 1.0 {
		t.Errorf("today: %v", st)
	}
	st = e.stats(wid, "?to="+day(today.AddDate(0, 0, -1)))
	if st["from"] != day(today.AddDate(0, 0, -30)) || st["totals"].(map[string]any)["shown"] != 0.0 {
		t.Errorf("30 days up to yesterday: %v", st)
	}
	for q, field := range map[string]string{
		"?from=2026-13-01":               "from",
		"?to=yesterday":                  "to",
		"?from=2026-12-02&to=2026-12-01": "from",
		"?from=2024-01-01&to=2026-12-01": "from",
	} {
		r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/trigger-stats"+q, nil)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != field {
			t.Errorf("%s: field %q, want %q", q, f, field)
		}
	}
	servertest.ExpectStatus(t, e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/w_nosuch/trigger-stats", nil), http.StatusNotFound)

	// A key of the site with widgets:read reads; another site's key learns nothing.
	key := e.CreateKey(e.siteID, "widgets:read")
	r := e.Request("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/trigger-stats", nil, "Authorization", "Bearer "+key)
	servertest.ExpectStatus(t, r, http.StatusOK)
	stranger := e.CreateSite("Чужой")
	key = e.CreateKey(stranger["id"].(string), "widgets:read")
	r = e.Request("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/trigger-stats", nil, "Authorization", "Bearer "+key)
	if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("another site's key: %d %s", r.Status, r.Body)
	}
}

// TestDistinctPagesCappedConcurrently: events of 300 new pages arriving at
// once (16 at a time) keep exactly 200 apart and lose none.
func TestDistinctPagesCappedConcurrently(t *testing.T) {
	e := start(t, servertest.NewStore(t, "embedded"))
	wid := e.popup(withTriggers)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range 300 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := e.send(wid, fmt.Sprintf("198.51.100.%d", i%100), event(map[string]any{"page": fmt.Sprintf("/c/%d", i)}))
			if r.Status != http.StatusNoContent {
				t.Errorf("event %d: %d %s", i, r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	st := e.stats(wid, "")
	if n := len(st["by_page"].([]any)); n != 201 {
		t.Errorf("%d pages, want 200 and other", n)
	}
	if o := group(t, st, "by_page", "other"); o == nil || o["shown"] != 100.0 {
		t.Errorf("other %v, want the 100 pages beyond 200", o)
	}
	if tot := st["totals"].(map[string]any); tot["shown"] != 300.0 {
		t.Errorf("totals %v, want all 300", tot)
	}
}
