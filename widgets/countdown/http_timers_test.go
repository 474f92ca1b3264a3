package countdown_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// timerOrigin is the origin of the test sites' pages.
const timerOrigin = "https://shop.example"

// timerServer is a test server with the countdown widget's calls.
type timerServer struct{ *servertest.Server }

// startTimers starts a server with the default modules on st; config may
// change its configuration.
func startTimers(t *testing.T, st store.Store, config func(*config.Config)) timerServer {
	t.Helper()
	return timerServer{servertest.Start(t, st, servertest.Options{Config: config})}
}

// site makes a site with a countdown widget of settings.
func (ts timerServer) site(settings string) (siteID, key, widgetID string) {
	ts.T.Helper()
	site := ts.CreateSite("Shop", timerOrigin)
	w := ts.CreateWidget(site["id"].(string), map[string]any{"type": "countdown", "settings": json.RawMessage(settings)})
	return site["id"].(string), site["key"].(string), w["id"].(string)
}

// timerAnswer is the body of POST /w/v1/{siteKey}/timers/{widgetId}.
type timerAnswer struct {
	Deadline time.Time
	Now      time.Time
	State    string
}

// post asks for a visitor's deadline from the site's page.
func (ts timerServer) post(key, wid string, body map[string]any) timerAnswer {
	ts.T.Helper()
	r := ts.Request("POST", "/w/v1/"+key+"/timers/"+wid, body, "Origin", timerOrigin)
	servertest.ExpectStatus(ts.T, r, http.StatusOK)
	var a timerAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		ts.T.Fatal(err)
	}
	return a
}

// stats is what the owner sees of the widget's timers.
func (ts timerServer) stats(siteID, wid string) store.TimerStats {
	ts.T.Helper()
	r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/timer-stats", nil)
	servertest.ExpectStatus(ts.T, r, http.StatusOK)
	var body struct{ Stats store.TimerStats }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		ts.T.Fatal(err)
	}
	return body.Stats
}

// TestTimerModes: a fixed deadline is the owner's instant, a recurring one
// the next time of day in the site's zone, an evergreen one each visitor's
// own, kept across their views.
func TestTimerModes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startTimers(t, newStore(t), nil)

		_, key, wid := ts.site(`{"mode":"fixed","deadline":"2030-01-01T00:00:00+03:00"}`)
		a := ts.post(key, wid, map[string]any{"visitor_id": "v1"})
		if !a.Deadline.Equal(time.Date(2029, 12, 31, 21, 0, 0, 0, time.UTC)) || a.State != "running" || time.Since(a.Now).Abs() > 5*time.Second {
			t.Fatalf("fixed: %+v", a)
		}

		_, key, wid = ts.site(`{"mode":"recurring","time":"23:59"}`)
		a = ts.post(key, wid, map[string]any{"visitor_id": "v1"})
		msk, _ := time.LoadLocation("Europe/Moscow")
		if local := a.Deadline.In(msk); local.Hour() != 23 || local.Minute() != 59 || a.Deadline.Sub(a.Now) > 24*time.Hour || !a.Deadline.After(a.Now) {
			t.Fatalf("recurring: %+v", a)
		}

		// Evergreen: from this visitor's first view, the same on every later view.
		_, key, wid = ts.site(`{"mode":"evergreen","duration_seconds":3600}`)
		first := ts.post(key, wid, map[string]any{"visitor_id": "v1"})
		if d := first.Deadline.Sub(first.Now); d < 3599*time.Second || d > 3600*time.Second {
			t.Fatalf("evergreen: first deadline %v ahead", d)
		}
		time.Sleep(1100 * time.Millisecond)
		again := ts.post(key, wid, map[string]any{"visitor_id": "v1"})
		if !again.Deadline.Equal(first.Deadline) {
			t.Fatalf("the deadline moved on a second view: %v then %v", first.Deadline, again.Deadline)
		}
		other := ts.post(key, wid, map[string]any{"visitor_id": "v2"})
		if !other.Deadline.After(first.Deadline) {
			t.Fatalf("a later visitor got %v, not their own later deadline (first: %v)", other.Deadline, first.Deadline)
		}
	})
}

// TestTimerHonestUnderConcurrency: two tabs (or twenty) opening at once get
// one deadline.
func TestTimerHonestUnderConcurrency(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startTimers(t, newStore(t), func(c *config.Config) { c.PublicBurst = 1000 })
		_, key, wid := ts.site(`{"mode":"evergreen","duration_seconds":900}`)
		var wg sync.WaitGroup
		got := make([]timerAnswer, 20)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = ts.post(key, wid, map[string]any{"visitor_id": "tabs"})
			}()
		}
		wg.Wait()
		for _, a := range got[1:] {
			if !a.Deadline.Equal(got[0].Deadline) {
				t.Fatalf("concurrent first views got different deadlines: %v and %v", got[0].Deadline, a.Deadline)
			}
		}
	})
}

// TestTimerExpiryAndCooldown: an expired evergreen deadline stays expired
// unless the owner set a cool-down, after which a new cycle may start.
func TestTimerExpiryAndCooldown(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startTimers(t, newStore(t), nil)
		_, key, never := ts.site(`{"mode":"evergreen","duration_seconds":1}`)
		_, key2, cool := ts.site(`{"mode":"evergreen","duration_seconds":1,"cooldown_seconds":1}`)
		first := ts.post(key, never, map[string]any{"visitor_id": "v"})
		firstCool := ts.post(key2, cool, map[string]any{"visitor_id": "v"})
		time.Sleep(2200 * time.Millisecond)
		late := ts.post(key, never, map[string]any{"visitor_id": "v"})
		if late.State != "expired" || !late.Deadline.Equal(first.Deadline) {
			t.Fatalf("without a cool-down the timer restarted: %+v (first %v)", late, first.Deadline)
		}
		next := ts.post(key2, cool, map[string]any{"visitor_id": "v"})
		if next.State != "running" || !next.Deadline.After(firstCool.Deadline.Add(time.Second)) {
			t.Fatalf("after the cool-down no new cycle: %+v (first %v)", next, firstCool.Deadline)
		}
	})
}

// TestTimerBadInput: a malformed or oversized visitor id, an unknown field,
// a foreign origin or another widget's id is refused and starts nothing.
func TestTimerBadInput(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startTimers(t, newStore(t), nil)
		siteID, key, wid := ts.site(`{"mode":"evergreen","duration_seconds":60}`)
		path := "/w/v1/" + key + "/timers/" + wid
		for _, tc := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"visitor_id":`, 400, ""},
			{`{"visitor_id":7}`, 400, "visitor_id"},
			{`{}`, 422, "visitor_id"},
			{`{"visitor_id":"` + string(bytes.Repeat([]byte("v"), 65)) + `"}`, 422, "visitor_id"},
			{`{"visitor_id":"v","extra":1}`, 400, "extra"},
		} {
			r := ts.Request("POST", path, tc.body, "Origin", timerOrigin)
			servertest.ExpectStatus(t, r, tc.status)
			if f := r.ErrorField(t); f != tc.field {
				t.Fatalf("%s: field %q, want %q", tc.body, f, tc.field)
			}
		}
		servertest.ExpectStatus(t, ts.Request("POST", path, `{"visitor_id":"v"}`, "Origin", "https://evil.example"), http.StatusForbidden)
		servertest.ExpectStatus(t, ts.Request("POST", "/w/v1/"+key+"/timers/wdg_nope", `{"visitor_id":"v"}`, "Origin", timerOrigin), http.StatusNotFound)
		// Refused requests started nothing.
		if st := ts.stats(siteID, wid); st.Started != 0 {
			t.Fatalf("a refused request started a timer: %+v", st)
		}
	})
}
