package callback_test

// The bridge end to end through the real Twilio provider (callback/twilio)
// against twiliofake, a local fake of Twilio's REST API that calls the
// server's webhooks back, signed: calls, outcomes, replays, takeovers.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestTwilioBridge(t *testing.T) {
	const anna, boris, visitor = "+79000000010", "+79000000020", "+79161234567"
	cases := []struct {
		name     string
		script   map[string]twiliofake.Behavior
		failures int // provider 5xx on the next creates
		status   string
		reason   string
		manager  string
		check    func(t *testing.T, fake *twiliofake.Fake, cb store.Callback)
	}{
		{name: "connected", status: "completed", manager: "Anna", check: func(t *testing.T, fake *twiliofake.Fake, cb store.Callback) {
			calls := fake.Calls()
			var mgr twiliofake.Call
			for _, c := range calls {
				if c.To == anna {
					mgr = c
				}
			}
			said := strings.Join(mgr.SaidTexts(), " | ")
			if !strings.Contains(said, "Shop") || !strings.Contains(said, "Ivan") || !strings.Contains(said, "1") {
				t.Fatalf("the manager's whisper lacks the site, the name or the digit: %q", said)
			}
			if len(mgr.Dials) != 1 || mgr.Dials[0].Number != visitor || mgr.Dials[0].Attrs["answerOnBridge"] != "true" ||
				mgr.Dials[0].Attrs["callerId"] != "+74950000000" {
				t.Fatalf("visitor not dialled with answerOnBridge and the site's caller id: %+v", mgr.Dials)
			}
			for _, w := range mgr.Webhooks {
				if w.Status >= 300 {
					t.Fatalf("webhook %s answered %d", w.Kind, w.Status)
				}
			}
			// Managers see BECKON_TWILIO_FROM, the visitor the widget's caller_id.
			for _, c := range fake.Creates() {
				if c.From != "+15005550006" {
					t.Fatalf("the manager's call to %s came from %s, want BECKON_TWILIO_FROM", c.To, c.From)
				}
			}
			if v, _ := fake.Call(mgr.Children[0]); v.From != "+74950000000" {
				t.Fatalf("the visitor saw %s, want the widget's caller_id", v.From)
			}
		}},
		{name: "manager never answers", script: map[string]twiliofake.Behavior{anna: {NoAnswer: true}}, status: "completed", manager: "Boris",
			check: func(t *testing.T, _ *twiliofake.Fake, cb store.Callback) {
				if cb.Legs[0].Outcome != string(callback.OutcomeNoAnswer) {
					t.Fatalf("Anna's leg: %+v", cb.Legs[0])
				}
			}},
		{name: "all managers busy", script: map[string]twiliofake.Behavior{anna: {Busy: true}, boris: {Busy: true}}, status: "failed", reason: "manager_no_answer"},
		{name: "visitor busy", script: map[string]twiliofake.Behavior{visitor: {Busy: true}}, status: "failed", reason: "visitor_busy",
			check: func(t *testing.T, fake *twiliofake.Fake, cb store.Callback) {
				for _, c := range fake.Calls() {
					if c.To == anna && !slices.ContainsFunc(c.SaidTexts(), func(s string) bool { return strings.Contains(s, "занята") }) {
						t.Fatalf("Anna was not told the client's line is busy: %q", c.SaidTexts())
					}
				}
			}},
		{name: "provider 5xx", failures: 10, status: "failed", reason: "provider_error", check: func(t *testing.T, fake *twiliofake.Fake, cb store.Callback) {
			if len(fake.Calls()) != 0 {
				t.Fatalf("calls placed although every create failed: %d", len(fake.Calls()))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
				ts, fake := twilioServer(t, newStore(t))
				for n, b := range tc.script {
					fake.Script(n, b)
				}
				if tc.failures > 0 {
					fake.FailNextCreates(tc.failures, 500)
				}
				siteID, key, _ := ts.CallbackSite(`,"caller_id":"+74950000000","visitor_retries":0`)
				r := ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1", "name": "Ivan", "page_url": "https://shop.example/boilers"})
				servertest.ExpectStatus(t, r, http.StatusAccepted)
				cb := ts.settled(siteID, r.JSON(t)["id"].(string), fake)
				if cb.Status != tc.status || cb.Reason != tc.reason || (tc.manager != "" && cb.Manager != tc.manager) {
					t.Fatalf("%s/%s by %q, want %s/%s by %q; timeline %+v", cb.Status, cb.Reason, cb.Manager, tc.status, tc.reason, tc.manager, cb.Timeline)
				}
				if tc.check != nil {
					tc.check(t, fake, cb)
				}
			})
		})
	}
}

// TestTwilioWebhooksReplayed: every webhook of a finished bridge sent
// again, signed, in order and reversed, changes nothing; a bad signature
// gets 403.
func TestTwilioWebhooksReplayed(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts, fake := twilioServer(t, newStore(t))
		siteID, key, _ := ts.CallbackSite("")
		id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"}).JSON(t)["id"].(string)
		done := ts.settled(siteID, id, fake)
		var hooks []twiliofake.Webhook
		for _, c := range fake.Calls() {
			hooks = append(hooks, c.Webhooks...)
		}
		if len(hooks) < 5 {
			t.Fatalf("only %d webhooks recorded", len(hooks))
		}
		send := func(h twiliofake.Webhook, signature string) int {
			req, _ := http.NewRequest("POST", h.URL, strings.NewReader(h.Form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", signature)
			resp, err := servertest.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		for round := range 2 {
			for i := range hooks {
				h := hooks[i]
				if round == 1 {
					h = hooks[len(hooks)-1-i]
				}
				if status := send(h, twiliofake.Sign(fake.AuthToken(), h.URL, h.Form)); status >= 300 {
					t.Fatalf("replayed %s webhook answered %d", h.Kind, status)
				}
			}
		}
		after := ts.adminCallback(siteID, id)
		a, _ := json.Marshal(after)
		b, _ := json.Marshal(done)
		if string(a) != string(b) {
			t.Fatalf("replayed webhooks changed the request:\nbefore %s\nafter  %s", b, a)
		}
		forged := hooks[0]
		forged.Form = url.Values{"CallSid": {"CAforged"}, "CallStatus": {"busy"}}
		if status := send(forged, twiliofake.Sign("wrong-token", forged.URL, forged.Form)); status != http.StatusForbidden {
			t.Fatalf("a badly signed webhook got %d, want 403", status)
		}
		if status := send(forged, ""); status != http.StatusForbidden {
			t.Fatalf("an unsigned webhook got %d, want 403", status)
		}
	})
}

// TestTwilioDeadWorkerTakenOver: a worker recorded Anna's leg and died
// before Twilio was asked. After the job's lease another worker takes it;
// Anna is never dialled, Boris is, once.
func TestTwilioDeadWorkerTakenOver(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts, fake := twilioServer(t, st)
		siteID, _, wid := ts.CallbackSite("")
		ctx := context.Background()
		now := time.Now().UTC()
		started := now.Add(-2 * time.Minute) // past the leg's window: the dead worker is long gone
		cb := store.Callback{ID: callback.NewID(), SiteID: siteID, WidgetID: wid, Phone: "+79161234567", VisitorID: "v1",
			DueAt: started, Status: callback.StatusCallingManager, Attempt: 1, CreatedAt: started, UpdatedAt: started,
			Timeline: []store.Transition{{Status: "queued", At: started}, {Status: "calling_manager", At: started}},
			Legs:     []store.Leg{{ID: "dead-leg", Kind: "manager", Attempt: 1, Manager: 0, Phone: "+79000000010", Status: "dialing", StartedAt: started}}}
		// CreateCallback enqueues the job as the dead worker's intake did.
		if _, _, err := st.CreateCallback(ctx, cb, now); err != nil {
			t.Fatal(err)
		}
		got := ts.settled(siteID, cb.ID, fake)
		if got.Status != "completed" || got.Manager != "Boris" {
			t.Fatalf("%s by %q; legs %+v", got.Status, got.Manager, got.Legs)
		}
		var annas, boriss int
		for _, c := range fake.Creates() {
			switch c.To {
			case "+79000000010":
				annas++
			case "+79000000020":
				boriss++
			}
		}
		if annas != 0 || boriss != 1 {
			t.Fatalf("Twilio was asked to ring Anna %d and Boris %d times, want 0 and 1", annas, boriss)
		}
	})
}

// TestTwilioScheduledRequest: a request for a slot is dialled at its time,
// not before.
func TestTwilioScheduledRequest(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts, fake := twilioServer(t, st)
		siteID, _, wid := ts.CallbackSite("")
		now := time.Now().UTC()
		due := now.Add(1500 * time.Millisecond)
		cb := store.Callback{ID: callback.NewID(), SiteID: siteID, WidgetID: wid, Phone: "+79161234567", VisitorID: "v1",
			DueAt: due, Scheduled: true, Status: callback.StatusQueued, CreatedAt: now, UpdatedAt: now,
			Timeline: []store.Transition{{Status: "queued", At: now}}, Legs: []store.Leg{}}
		if _, _, err := st.CreateCallback(context.Background(), cb, now); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		if n := len(fake.Creates()); n != 0 {
			t.Fatalf("%d calls placed half a second before the slot", n)
		}
		got := ts.settled(siteID, cb.ID, fake)
		if got.Status != "completed" {
			t.Fatalf("status %s", got.Status)
		}
		if first := fake.Creates()[0].At; first.Before(due) {
			t.Fatalf("manager rung at %v, before the slot at %v", first, due)
		}
	})
}
