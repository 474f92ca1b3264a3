package callback_test

// The visitor's side of the callback widget (http_public.go): taking a
// request, refusing bad input and abuse, the visitor's view of it, the
// availability of working hours.

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestCallbackRequestIsBridged(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, _ := ts.CallbackSite("")
		r := ts.PostCallback(key, map[string]any{"phone": "8 (916) 123-45-67", "name": "Ivan", "visitor_id": "vis-1",
			"page_url": "https://shop.example/boilers?utm_source=yandex", "referrer": "https://yandex.ru/search",
			"utm": map[string]string{"utm_source": "yandex", "utm_campaign": "winter", "junk": "dropped"}})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		if r.Header.Get("Access-Control-Allow-Origin") != shopOrigin {
			t.Fatal("no CORS header for the site's origin")
		}
		got := r.JSON(t)
		id := got["id"].(string)
		if got["status"] != "queued" {
			t.Fatalf("202 body %s", r.Body)
		}
		final := ts.waitStatus(key, id, "vis-1")
		if final["status"] != "completed" {
			t.Fatalf("final %v", final)
		}
		var steps []string
		for _, s := range final["timeline"].([]any) {
			steps = append(steps, s.(map[string]any)["status"].(string))
		}
		want := []string{"queued", "calling_manager", "manager_answered", "calling_visitor", "connected", "completed"}
		if !slices.Equal(steps, want) {
			t.Fatalf("visitor's timeline %v, want %v", steps, want)
		}
		if strings.Contains(string(ts.Request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=vis-1", nil).Body), "Anna") {
			t.Fatal("the visitor's view names the manager")
		}
		// Only its visitor sees it.
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=vis-2", nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/callbacks/"+id, nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/callbacks/nope?visitor_id=vis-1", nil), http.StatusNotFound)

		// The owner sees everything that was recorded.
		a := ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks/"+id, nil)
		servertest.ExpectStatus(t, a, http.StatusOK)
		var cb store.Callback
		json.Unmarshal(a.Body, &cb)
		if cb.Phone != "+79161234567" || cb.Name != "Ivan" || cb.VisitorID != "vis-1" || cb.Source != "yandex" ||
			cb.UTM["utm_campaign"] != "winter" || cb.UTM["junk"] != "" || cb.IP == "" || cb.Manager != "Anna" ||
			cb.Referrer != "https://yandex.ru/search" || cb.PageURL == "" {
			t.Fatalf("stored request lacks what was sent: %s", a.Body)
		}
	})
}

func TestCallbackBadInput(t *testing.T) {
	valid := func(over map[string]any) map[string]any {
		m := map[string]any{"phone": "+79161234567", "visitor_id": "vis-1", "consent": true}
		for k, v := range over {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"malformed JSON", `{"phone":`, 400, ""},
		{"wrong type", valid(map[string]any{"phone": 79161234567}), 400, "phone"},
		{"unknown field", valid(map[string]any{"fone": "1"}), 400, "fone"},
		{"no phone", valid(map[string]any{"phone": nil}), 422, "phone"},
		{"not a number", valid(map[string]any{"phone": "call me maybe"}), 422, "phone"},
		{"too short", valid(map[string]any{"phone": "+7916"}), 422, "phone"},
		{"foreign country", valid(map[string]any{"phone": "+12025550143"}), 422, "phone"},
		{"premium rate", valid(map[string]any{"phone": "+78091234567"}), 422, "phone"},
		{"no visitor id", valid(map[string]any{"visitor_id": nil}), 422, "visitor_id"},
		{"consent not given", valid(map[string]any{"consent": false}), 422, "consent"},
		{"name too long", valid(map[string]any{"name": strings.Repeat("я", 101)}), 422, "name"},
		{"page not a URL", valid(map[string]any{"page_url": "javascript:alert(1)"}), 422, "page_url"},
		{"slot in the past", valid(map[string]any{"scheduled_at": "2020-01-01T10:00:00Z"}), 422, "scheduled_at"},
		{"slot not a time", valid(map[string]any{"scheduled_at": "tomorrow"}), 422, "scheduled_at"},
		{"unknown widget", valid(map[string]any{"widget_id": "wdg_nope"}), 404, ""},
		{"oversized", valid(map[string]any{"name": strings.Repeat("x", 16<<10)}), 413, ""}, // over the public 16 KiB
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, _ := ts.CallbackSite(`,"consent":{"required":true,"text":{"ru":"Согласен","uk":"Згоден","en":"I agree"}},
			"limits":{"per_ip":1000,"per_visitor":1000}`)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var r servertest.Response
				switch b := tc.body.(type) {
				case string:
					r = ts.Request("POST", "/w/v1/"+key+"/callbacks", b, "Origin", shopOrigin)
				default:
					raw, _ := json.Marshal(b)
					r = ts.Request("POST", "/w/v1/"+key+"/callbacks", string(raw), "Origin", shopOrigin)
				}
				servertest.ExpectStatus(t, r, tc.status)
				if f := r.ErrorField(t); f != tc.field {
					t.Fatalf("field %q, want %q: %s", f, tc.field, r.Body)
				}
			})
		}
		servertest.ExpectStatus(t, ts.Request("POST", "/w/v1/nosuchkey/callbacks", valid(nil), "Origin", shopOrigin), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("POST", "/w/v1/"+key+"/callbacks", valid(nil), "Origin", "https://evil.example"), http.StatusForbidden)
		if list := ts.ListCallbacks(siteID); len(list) != 0 {
			t.Fatalf("refused requests were stored: %+v", list)
		}
	})
}

// TestCallbackAbuse: every refusal is a 429 with Retry-After, a 403 or a
// silent drop, and none of them reaches the provider.
func TestCallbackAbuse(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := startServer(t, st, func(c *config.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
		siteID, key, _ := ts.CallbackSite(`,"limits":{"per_number":2,"per_visitor":3,"per_ip":6,"daily_budget":6},
			"blocklist":{"numbers":["+79160000001"],"prefixes":["+7917"],"visitors":["bad-visitor"]}`)
		ip := func(n int) []string { return []string{"X-Forwarded-For", "203.0.113." + strconv.Itoa(n)} }
		req := func(phone, visitor string, n int) servertest.Response {
			return ts.PostCallback(key, map[string]any{"phone": phone, "visitor_id": visitor}, ip(n)...)
		}

		// The same number again within two minutes, from the same visitor
		// (another address: a phone that changed networks): the same request.
		// Another visitor gets 409 (TestCallbackTryAgainAfterTheCallEnded).
		first := req("+79161110001", "v-a", 1)
		servertest.ExpectStatus(t, first, http.StatusAccepted)
		again := req("+7 916 111-00-01", "v-a", 2)
		servertest.ExpectStatus(t, again, http.StatusAccepted)
		if again.JSON(t)["id"] != first.JSON(t)["id"] || again.JSON(t)["duplicate"] != true {
			t.Fatalf("repeat within 2 minutes made a new request: %s vs %s", again.Body, first.Body)
		}
		// Per number: the third ask this hour is refused.
		tooMany := req("+79161110001", "v-c", 3)
		servertest.ExpectStatus(t, tooMany, http.StatusTooManyRequests)
		if ra, _ := strconv.Atoi(tooMany.Header.Get("Retry-After")); ra < 1 || ra > 3600 {
			t.Fatalf("Retry-After %q", tooMany.Header.Get("Retry-After"))
		}
		// Per visitor.
		servertest.ExpectStatus(t, req("+79161110002", "v-d", 4), http.StatusAccepted)
		servertest.ExpectStatus(t, req("+79161110003", "v-d", 4), http.StatusAccepted)
		servertest.ExpectStatus(t, req("+79161110004", "v-d", 4), http.StatusAccepted)
		servertest.ExpectStatus(t, req("+79161110005", "v-d", 4), http.StatusTooManyRequests)
		// Per IP: address 4 has asked 4 times; two more pass, then no more.
		servertest.ExpectStatus(t, req("+79161110006", "v-e", 4), http.StatusAccepted)
		servertest.ExpectStatus(t, req("+79161110007", "v-f", 4), http.StatusAccepted) // the day's 6th: the budget is spent
		perIP := req("+79161110008", "v-g", 4)
		servertest.ExpectStatus(t, perIP, http.StatusTooManyRequests)
		if perIP.ErrorCode(t) != "rate_limited" {
			t.Fatalf("per IP: %s", perIP.Body)
		}
		// The daily budget is spent: intake pauses until the site's midnight.
		spent := req("+79161110009", "v-h", 9)
		servertest.ExpectStatus(t, spent, http.StatusTooManyRequests)
		if spent.ErrorCode(t) != "budget_spent" {
			t.Fatalf("code %s", spent.Body)
		}
		// Blocklist: number, prefix, visitor.
		for _, b := range []struct{ phone, visitor string }{{"+79160000001", "v-i"}, {"+79171234567", "v-j"}, {"+79161112233", "bad-visitor"}} {
			r := req(b.phone, b.visitor, 10)
			servertest.ExpectStatus(t, r, http.StatusForbidden)
			if r.ErrorCode(t) != "blocked" {
				t.Fatalf("blocklist: %s", r.Body)
			}
		}
		// The honeypot: told "queued", nothing stored.
		hp := ts.PostCallback(key, map[string]any{"phone": "+79161119999", "visitor_id": "bot", "website": "http://spam.example"}, ip(11)...)
		servertest.ExpectStatus(t, hp, http.StatusAccepted)
		list := ts.ListCallbacks(siteID)
		if len(list) != 6 {
			t.Fatalf("%d requests stored, want the 6 accepted", len(list))
		}
		for _, c := range list {
			if c.VisitorID == "bot" || c.Phone == "+79160000001" {
				t.Fatalf("a refused request was stored: %+v", c)
			}
		}
	})
}

// TestCallbackNumberLimitAcrossSites: one number asking many sites is
// limited across all of them.
func TestCallbackNumberLimitAcrossSites(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		var keys []string
		for range 3 {
			_, key, _ := ts.CallbackSite(`,"limits":{"per_number_global":2}`)
			keys = append(keys, key)
		}
		for i, key := range keys {
			r := ts.PostCallback(key, map[string]any{"phone": "+79165550000", "visitor_id": "v" + strconv.Itoa(i)})
			want := http.StatusAccepted
			if i == 2 {
				want = http.StatusTooManyRequests
			}
			servertest.ExpectStatus(t, r, want)
		}
	})
}

// TestCallbackOutsideWorkingHours: when nobody works, the widget offers
// slots, "call me now" is refused, and a chosen slot is kept.
func TestCallbackOutsideWorkingHours(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	tomorrow := int(time.Now().In(msk).Add(24 * time.Hour).Weekday())
	hours := `,"working_hours":[{"days":[` + strconv.Itoa(tomorrow) + `],"from":"10:00","to":"12:00"}],"slot_minutes":30`
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, _ := ts.CallbackSite(hours)
		r := ts.Request("GET", "/w/v1/"+key+"/callbacks/availability", nil, "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var av struct {
			Open     bool
			Timezone string
			Slots    []time.Time
		}
		json.Unmarshal(r.Body, &av)
		// Tomorrow's four half-hours, then the same weekday a week on.
		if av.Open || av.Timezone != "Europe/Moscow" || len(av.Slots) != 8 {
			t.Fatalf("availability %s", r.Body)
		}
		for i, s := range av.Slots {
			local := s.In(msk)
			if int(local.Weekday()) != tomorrow || local.Hour() < 10 || local.Hour() >= 12 || local.Minute()%30 != 0 ||
				(i < 4) != (local.Sub(time.Now()) < 48*time.Hour) {
				t.Fatalf("slot %v outside tomorrow's or next week's 10:00-12:00", local)
			}
		}
		now := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"})
		servertest.ExpectStatus(t, now, http.StatusUnprocessableEntity)
		if now.ErrorField(t) != "scheduled_at" {
			t.Fatalf("%s", now.Body)
		}
		later := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "scheduled_at": av.Slots[1].Format(time.RFC3339)})
		servertest.ExpectStatus(t, later, http.StatusAccepted)
		list := ts.ListCallbacks(siteID)
		if len(list) != 1 || !list[0].Scheduled || !list[0].DueAt.Equal(av.Slots[1]) || list[0].Status != "queued" {
			t.Fatalf("scheduled request %+v", list)
		}
	})
}

// TestIntakeOnlyReplica: a replica with no workers takes requests; another
// replica's workers, sharing the store, bridge them.
func TestIntakeOnlyReplica(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		web := startServer(t, st, func(c *config.Config) { c.CallbackWorkers = 0 })
		_, key, _ := web.CallbackSite("")
		id := web.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"}).JSON(t)["id"].(string)
		time.Sleep(500 * time.Millisecond)
		if v := web.Request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=v1", nil).JSON(t); v["status"] != "queued" {
			t.Fatalf("an intake-only replica worked on the request: %v", v["status"])
		}
		startServer(t, st, nil) // a worker replica
		if v := web.waitStatus(key, id, "v1"); v["status"] != "completed" {
			t.Fatalf("the worker replica left it %v", v["status"])
		}
	})
}
