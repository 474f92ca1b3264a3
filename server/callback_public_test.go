package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
)

// callbackSite makes a site (region RU) with a callback widget whose
// settings are merged over two simulated managers who answer.
func (ts *testServer) callbackSite(extra string) (siteID, key, widgetID string) {
	ts.t.Helper()
	site := ts.createSite("Shop", shopOrigin)
	settings := `{"managers":[{"name":"Anna","phone":"+79000000010"},{"name":"Boris","phone":"+79000000020"}]` + extra + `}`
	w := ts.createWidget(site["id"].(string), map[string]any{"type": "callback", "settings": json.RawMessage(settings)})
	return site["id"].(string), site["key"].(string), w["id"].(string)
}

// postCallback sends a visitor's request with the allowed Origin.
func (ts *testServer) postCallback(key string, body map[string]any, headers ...string) response {
	ts.t.Helper()
	return ts.request("POST", "/w/v1/"+key+"/callbacks", body, append([]string{"Origin", shopOrigin}, headers...)...)
}

// waitStatus polls the visitor's view until the request is final.
func (ts *testServer) waitStatus(key, id, visitor string) map[string]any {
	ts.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := ts.request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id="+visitor, nil)
		expectStatus(ts.t, r, http.StatusOK)
		v := r.json(ts.t)
		if callback.Final(v["status"].(string)) {
			return v
		}
		if time.Now().After(deadline) {
			ts.t.Fatalf("request still %v after 10 s", v["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCallbackRequestIsBridged(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, _ := ts.callbackSite("")
		r := ts.postCallback(key, map[string]any{"phone": "8 (916) 123-45-67", "name": "Ivan", "visitor_id": "vis-1",
			"page_url": "https://shop.example/boilers?utm_source=yandex", "referrer": "https://yandex.ru/search",
			"utm": map[string]string{"utm_source": "yandex", "utm_campaign": "winter", "junk": "dropped"}})
		expectStatus(t, r, http.StatusAccepted)
		if r.Header.Get("Access-Control-Allow-Origin") != shopOrigin {
			t.Fatal("no CORS header for the site's origin")
		}
		got := r.json(t)
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
		if strings.Contains(string(ts.request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=vis-1", nil).Body), "Anna") {
			t.Fatal("the visitor's view names the manager")
		}
		// Only its visitor sees it.
		expectStatus(t, ts.request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=vis-2", nil), http.StatusNotFound)
		expectStatus(t, ts.request("GET", "/w/v1/"+key+"/callbacks/"+id, nil), http.StatusNotFound)
		expectStatus(t, ts.request("GET", "/w/v1/"+key+"/callbacks/nope?visitor_id=vis-1", nil), http.StatusNotFound)

		// The owner sees everything that was recorded.
		a := ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks/"+id, nil)
		expectStatus(t, a, http.StatusOK)
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
		{"oversized", valid(map[string]any{"name": strings.Repeat("x", publicBodyLimit)}), 413, ""},
	}
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, _ := ts.callbackSite(`,"consent":{"required":true,"text":{"ru":"Согласен","uk":"Згоден","en":"I agree"}},
			"limits":{"per_ip":1000,"per_visitor":1000}`)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var r response
				switch b := tc.body.(type) {
				case string:
					r = ts.request("POST", "/w/v1/"+key+"/callbacks", b, "Origin", shopOrigin)
				default:
					raw, _ := json.Marshal(b)
					r = ts.request("POST", "/w/v1/"+key+"/callbacks", string(raw), "Origin", shopOrigin)
				}
				expectStatus(t, r, tc.status)
				if f := r.errorField(t); f != tc.field {
					t.Fatalf("field %q, want %q: %s", f, tc.field, r.Body)
				}
			})
		}
		expectStatus(t, ts.request("POST", "/w/v1/nosuchkey/callbacks", valid(nil), "Origin", shopOrigin), http.StatusNotFound)
		expectStatus(t, ts.request("POST", "/w/v1/"+key+"/callbacks", valid(nil), "Origin", "https://evil.example"), http.StatusForbidden)
		if list := ts.listCallbacks(siteID); len(list) != 0 {
			t.Fatalf("refused requests were stored: %+v", list)
		}
	})
}

func (ts *testServer) listCallbacks(siteID string) []store.Callback {
	ts.t.Helper()
	r := ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks", nil)
	expectStatus(ts.t, r, http.StatusOK)
	var body struct{ Callbacks []store.Callback }
	json.Unmarshal(r.Body, &body)
	return body.Callbacks
}

// TestCallbackAbuse: every refusal is a 429 with Retry-After, a 403 or a
// silent drop, and none of them reaches the provider.
func TestCallbackAbuse(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := newTestServer(t, st, func(c *config.Config) { c.TrustedProxies = mustPrefixes(t, "127.0.0.1/32") })
		siteID, key, _ := ts.callbackSite(`,"limits":{"per_number":2,"per_visitor":3,"per_ip":6,"daily_budget":6},
			"blocklist":{"numbers":["+79160000001"],"prefixes":["+7917"],"visitors":["bad-visitor"]}`)
		ip := func(n int) []string { return []string{"X-Forwarded-For", "203.0.113." + strconv.Itoa(n)} }
		req := func(phone, visitor string, n int) response {
			return ts.postCallback(key, map[string]any{"phone": phone, "visitor_id": visitor}, ip(n)...)
		}

		// The same number again within two minutes, from the same visitor
		// (another address: a phone that changed networks): the same request.
		// Another visitor gets 409 (TestCallbackTryAgainAfterTheCallEnded).
		first := req("+79161110001", "v-a", 1)
		expectStatus(t, first, http.StatusAccepted)
		again := req("+7 916 111-00-01", "v-a", 2)
		expectStatus(t, again, http.StatusAccepted)
		if again.json(t)["id"] != first.json(t)["id"] || again.json(t)["duplicate"] != true {
			t.Fatalf("repeat within 2 minutes made a new request: %s vs %s", again.Body, first.Body)
		}
		// Per number: the third ask this hour is refused.
		tooMany := req("+79161110001", "v-c", 3)
		expectStatus(t, tooMany, http.StatusTooManyRequests)
		if ra, _ := strconv.Atoi(tooMany.Header.Get("Retry-After")); ra < 1 || ra > 3600 {
			t.Fatalf("Retry-After %q", tooMany.Header.Get("Retry-After"))
		}
		// Per visitor.
		expectStatus(t, req("+79161110002", "v-d", 4), http.StatusAccepted)
		expectStatus(t, req("+79161110003", "v-d", 4), http.StatusAccepted)
		expectStatus(t, req("+79161110004", "v-d", 4), http.StatusAccepted)
		expectStatus(t, req("+79161110005", "v-d", 4), http.StatusTooManyRequests)
		// Per IP: address 4 has asked 4 times; two more pass, then no more.
		expectStatus(t, req("+79161110006", "v-e", 4), http.StatusAccepted)
		expectStatus(t, req("+79161110007", "v-f", 4), http.StatusAccepted) // the day's 6th: the budget is spent
		perIP := req("+79161110008", "v-g", 4)
		expectStatus(t, perIP, http.StatusTooManyRequests)
		if perIP.errorCode(t) != "rate_limited" {
			t.Fatalf("per IP: %s", perIP.Body)
		}
		// The daily budget is spent: intake pauses until the site's midnight.
		spent := req("+79161110009", "v-h", 9)
		expectStatus(t, spent, http.StatusTooManyRequests)
		if spent.errorCode(t) != "budget_spent" {
			t.Fatalf("code %s", spent.Body)
		}
		// Blocklist: number, prefix, visitor.
		for _, b := range []struct{ phone, visitor string }{{"+79160000001", "v-i"}, {"+79171234567", "v-j"}, {"+79161112233", "bad-visitor"}} {
			r := req(b.phone, b.visitor, 10)
			expectStatus(t, r, http.StatusForbidden)
			if r.errorCode(t) != "blocked" {
				t.Fatalf("blocklist: %s", r.Body)
			}
		}
		// The honeypot: told "queued", nothing stored.
		hp := ts.postCallback(key, map[string]any{"phone": "+79161119999", "visitor_id": "bot", "website": "http://spam.example"}, ip(11)...)
		expectStatus(t, hp, http.StatusAccepted)
		list := ts.listCallbacks(siteID)
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
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		var keys []string
		for range 3 {
			_, key, _ := ts.callbackSite(`,"limits":{"per_number_global":2}`)
			keys = append(keys, key)
		}
		for i, key := range keys {
			r := ts.postCallback(key, map[string]any{"phone": "+79165550000", "visitor_id": "v" + strconv.Itoa(i)})
			want := http.StatusAccepted
			if i == 2 {
				want = http.StatusTooManyRequests
			}
			expectStatus(t, r, want)
		}
	})
}

// TestCallbackProgressStream follows a request over Server-Sent Events
// from queued to completed.
func TestCallbackProgressStream(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		_, key, _ := ts.callbackSite("")
		id := ts.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).json(t)["id"].(string)
		resp, err := testClient.Get(ts.base + "/w/v1/" + key + "/callbacks/" + id + "/events?visitor_id=vis-1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var seen []string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var v struct{ Status string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("event data is not JSON: %q", line)
			}
			if len(seen) == 0 || seen[len(seen)-1] != v.Status {
				seen = append(seen, v.Status)
			}
		}
		// The stream ends after the final state; every step seen is in order.
		if len(seen) < 3 || seen[len(seen)-1] != "completed" || !slices.Contains(seen, "connected") {
			t.Fatalf("stream showed %v", seen)
		}
		order := map[string]int{"queued": 0, "calling_manager": 1, "manager_answered": 2, "calling_visitor": 3, "connected": 4, "completed": 5}
		for i := 1; i < len(seen); i++ {
			if order[seen[i]] <= order[seen[i-1]] {
				t.Fatalf("out of order: %v", seen)
			}
		}
		expectStatus(t, ts.request("GET", "/w/v1/"+key+"/callbacks/"+id+"/events?visitor_id=other", nil), http.StatusNotFound)
	})
}

// TestCallbackOutsideWorkingHours: when nobody works, the widget offers
// slots, "call me now" is refused, and a chosen slot is kept.
func TestCallbackOutsideWorkingHours(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	tomorrow := int(time.Now().In(msk).Add(24 * time.Hour).Weekday())
	hours := `,"working_hours":[{"days":[` + strconv.Itoa(tomorrow) + `],"from":"10:00","to":"12:00"}],"slot_minutes":30`
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, _ := ts.callbackSite(hours)
		r := ts.request("GET", "/w/v1/"+key+"/callbacks/availability", nil, "Origin", shopOrigin)
		expectStatus(t, r, http.StatusOK)
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
		now := ts.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"})
		expectStatus(t, now, http.StatusUnprocessableEntity)
		if now.errorField(t) != "scheduled_at" {
			t.Fatalf("%s", now.Body)
		}
		later := ts.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "scheduled_at": av.Slots[1].Format(time.RFC3339)})
		expectStatus(t, later, http.StatusAccepted)
		list := ts.listCallbacks(siteID)
		if len(list) != 1 || !list[0].Scheduled || !list[0].DueAt.Equal(av.Slots[1]) || list[0].Status != "queued" {
			t.Fatalf("scheduled request %+v", list)
		}
	})
}

// TestIntakeOnlyReplica: a replica with no workers takes requests; another
// replica's workers, sharing the store, bridge them.
func TestIntakeOnlyReplica(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		web := newTestServer(t, st, func(c *config.Config) { c.CallbackWorkers = 0 })
		_, key, _ := web.callbackSite("")
		id := web.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"}).json(t)["id"].(string)
		time.Sleep(500 * time.Millisecond)
		if v := web.request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id=v1", nil).json(t); v["status"] != "queued" {
			t.Fatalf("an intake-only replica worked on the request: %v", v["status"])
		}
		newTestServer(t, st, nil) // a worker replica
		if v := web.waitStatus(key, id, "v1"); v["status"] != "completed" {
			t.Fatalf("the worker replica left it %v", v["status"])
		}
	})
}
