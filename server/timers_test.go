package server

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
)

// timerSite makes a site with a countdown widget of settings.
func (ts *testServer) timerSite(settings string) (siteID, key, widgetID string) {
	ts.t.Helper()
	site := ts.createSite("Shop", shopOrigin)
	w := ts.createWidget(site["id"].(string), map[string]any{"type": "countdown", "settings": json.RawMessage(settings)})
	return site["id"].(string), site["key"].(string), w["id"].(string)
}

type timerAnswer struct {
	Deadline time.Time
	Now      time.Time
	State    string
}

func (ts *testServer) postTimer(key, wid string, body map[string]any) timerAnswer {
	ts.t.Helper()
	r := ts.request("POST", "/w/v1/"+key+"/timers/"+wid, body, "Origin", shopOrigin)
	expectStatus(ts.t, r, http.StatusOK)
	var a timerAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		ts.t.Fatal(err)
	}
	return a
}

func TestTimerModes(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)

		_, key, wid := ts.timerSite(`{"mode":"fixed","deadline":"2030-01-01T00:00:00+03:00"}`)
		a := ts.postTimer(key, wid, map[string]any{"visitor_id": "v1"})
		if !a.Deadline.Equal(time.Date(2029, 12, 31, 21, 0, 0, 0, time.UTC)) || a.State != "running" || time.Since(a.Now).Abs() > 5*time.Second {
			t.Fatalf("fixed: %+v", a)
		}

		_, key, wid = ts.timerSite(`{"mode":"recurring","time":"23:59"}`)
		a = ts.postTimer(key, wid, map[string]any{"visitor_id": "v1"})
		msk, _ := time.LoadLocation("Europe/Moscow")
		if local := a.Deadline.In(msk); local.Hour() != 23 || local.Minute() != 59 || a.Deadline.Sub(a.Now) > 24*time.Hour || !a.Deadline.After(a.Now) {
			t.Fatalf("recurring: %+v", a)
		}

		// Evergreen: from this visitor's first view, the same on every later view.
		_, key, wid = ts.timerSite(`{"mode":"evergreen","duration_seconds":3600}`)
		first := ts.postTimer(key, wid, map[string]any{"visitor_id": "v1"})
		if d := first.Deadline.Sub(first.Now); d < 3599*time.Second || d > 3600*time.Second {
			t.Fatalf("evergreen: first deadline %v ahead", d)
		}
		time.Sleep(1100 * time.Millisecond)
		again := ts.postTimer(key, wid, map[string]any{"visitor_id": "v1"})
		if !again.Deadline.Equal(first.Deadline) {
			t.Fatalf("the deadline moved on a second view: %v then %v", first.Deadline, again.Deadline)
		}
		other := ts.postTimer(key, wid, map[string]any{"visitor_id": "v2"})
		if !other.Deadline.After(first.Deadline) {
			t.Fatalf("a later visitor got %v, not their own later deadline (first: %v)", other.Deadline, first.Deadline)
		}
	})
}

// TestTimerHonestUnderConcurrency: two tabs (or twenty) opening at once get
// one deadline.
func TestTimerHonestUnderConcurrency(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), func(c *config.Config) { c.PublicBurst = 1000 })
		_, key, wid := ts.timerSite(`{"mode":"evergreen","duration_seconds":900}`)
		var wg sync.WaitGroup
		got := make([]timerAnswer, 20)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = ts.postTimer(key, wid, map[string]any{"visitor_id": "tabs"})
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
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		_, key, never := ts.timerSite(`{"mode":"evergreen","duration_seconds":1}`)
		_, key2, cool := ts.timerSite(`{"mode":"evergreen","duration_seconds":1,"cooldown_seconds":1}`)
		first := ts.postTimer(key, never, map[string]any{"visitor_id": "v"})
		firstCool := ts.postTimer(key2, cool, map[string]any{"visitor_id": "v"})
		time.Sleep(2200 * time.Millisecond)
		late := ts.postTimer(key, never, map[string]any{"visitor_id": "v"})
		if late.State != "expired" || !late.Deadline.Equal(first.Deadline) {
			t.Fatalf("without a cool-down the timer restarted: %+v (first %v)", late, first.Deadline)
		}
		next := ts.postTimer(key2, cool, map[string]any{"visitor_id": "v"})
		if next.State != "running" || !next.Deadline.After(firstCool.Deadline.Add(time.Second)) {
			t.Fatalf("after the cool-down no new cycle: %+v (first %v)", next, firstCool.Deadline)
		}
	})
}

func TestTimerEmailGIF(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, wid := ts.timerSite(`{"mode":"evergreen","duration_seconds":7200,"color":"#2563eb"}`)
		path := "/w/v1/" + key + "/timers/" + wid + "/email.gif"
		// An e-mail image: no Origin, no cookie.
		r := ts.request("GET", path+"?r=rcpt-1", nil)
		expectStatus(t, r, http.StatusOK)
		if r.Header.Get("Content-Type") != "image/gif" || r.Header.Get("Cache-Control") == "" ||
			!bytes.Contains([]byte(r.Header.Get("Cache-Control")), []byte("no-store")) || r.Header.Get("Set-Cookie") != "" {
			t.Fatalf("headers %v", r.Header)
		}
		img, err := gif.DecodeAll(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("not a GIF: %v", err)
		}
		if len(img.Image) != 60 || img.Config.Width != 480 || img.Config.Height != 120 {
			t.Fatalf("%d frames of %dx%d, want 60 of 480x120", len(img.Image), img.Config.Width, img.Config.Height)
		}
		for i, d := range img.Delay {
			if d != 100 {
				t.Fatalf("frame %d delay %d, want 100 (1 s)", i, d)
			}
		}
		// The first open started the recipient's deadline; the site shows
		// the same one to a visitor who came from the e-mail's link.
		a := ts.postTimer(key, wid, map[string]any{"visitor_id": "another-device", "recipient": "rcpt-1"})
		if d := a.Deadline.Sub(a.Now); d > 7200*time.Second || d < 7190*time.Second {
			t.Fatalf("the site's deadline for the recipient is %v ahead, want the e-mail's", d)
		}
		expectStatus(t, ts.request("GET", path, nil), http.StatusUnprocessableEntity)
		expectStatus(t, ts.request("GET", "/w/v1/"+key+"/timers/wdg_nope/email.gif?r=x", nil), http.StatusNotFound)

		// Ended: one "offer ended" frame.
		_, key2, wid2 := ts.timerSite(`{"mode":"fixed","deadline":"2020-01-01T00:00:00Z"}`)
		r = ts.request("GET", "/w/v1/"+key2+"/timers/"+wid2+"/email.gif?r=rcpt-1", nil)
		expectStatus(t, r, http.StatusOK)
		if img, err := gif.DecodeAll(bytes.NewReader(r.Body)); err != nil || len(img.Image) != 1 {
			t.Fatalf("ended image: %v", err)
		}

		// The owner sees who started and who is still running.
		st := ts.admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/timer-stats", nil)
		expectStatus(t, st, http.StatusOK)
		var stats struct{ Stats store.TimerStats }
		json.Unmarshal(st.Body, &stats)
		if stats.Stats.Started != 1 || stats.Stats.Running != 1 || stats.Stats.Expired != 0 {
			t.Fatalf("stats %s", st.Body)
		}
	})
}

func TestTimerBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, wid := ts.timerSite(`{"mode":"evergreen","duration_seconds":60}`)
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
			r := ts.request("POST", path, tc.body, "Origin", shopOrigin)
			expectStatus(t, r, tc.status)
			if f := r.errorField(t); f != tc.field {
				t.Fatalf("%s: field %q, want %q", tc.body, f, tc.field)
			}
		}
		expectStatus(t, ts.request("POST", path, `{"visitor_id":"v"}`, "Origin", "https://evil.example"), http.StatusForbidden)
		expectStatus(t, ts.request("POST", "/w/v1/"+key+"/timers/wdg_nope", `{"visitor_id":"v"}`, "Origin", shopOrigin), http.StatusNotFound)
		// Refused requests started nothing.
		st := ts.admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/timer-stats", nil)
		var stats struct{ Stats store.TimerStats }
		json.Unmarshal(st.Body, &stats)
		if stats.Stats.Started != 0 {
			t.Fatalf("a refused request started a timer: %s", st.Body)
		}
	})
}
