package callback_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

const ownerPhone = "+79161234567"

func testCallPath(siteID, widgetID string) string {
	return "/api/v1/sites/" + siteID + "/widgets/" + widgetID + "/test-call"
}

// TestTestCallBridges: "call me now" from the dashboard rings the widget's
// manager with the real Twilio client (against the fake, which calls the
// webhooks back signed, in Twilio's order), then dials the given phone and
// bridges; the request and its inbox lead say it was a test.
func TestTestCallBridges(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts, fake := twilioServer(t, newStore(t))
		siteID, _, wid := ts.CallbackSite(`,"visitor_retries":0`)
		r := ts.Admin("POST", testCallPath(siteID, wid), map[string]any{"phone": "8 916 123-45-67"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cb := ts.settled(siteID, r.JSON(t)["id"].(string), fake)
		if cb.Status != callback.StatusCompleted || cb.Manager != "Anna" || cb.Phone != ownerPhone {
			t.Fatalf("test call %s by %q to %s, want completed by Anna to %s; timeline %+v", cb.Status, cb.Manager, cb.Phone, ownerPhone, cb.Timeline)
		}
		var steps []string
		for _, s := range cb.Timeline {
			steps = append(steps, s.Status)
		}
		want := "queued calling_manager manager_answered calling_visitor connected completed"
		if got := strings.Join(steps, " "); got != want {
			t.Fatalf("timeline %q, want %q", got, want)
		}
		if !callback.IsTestCall(cb) || cb.Source != callback.TestCallSource || !strings.Contains(cb.Timeline[0].Detail, "test call by admin token") {
			t.Fatalf("the request is not marked as a test: visitor %q, source %q, first step %+v", cb.VisitorID, cb.Source, cb.Timeline[0])
		}
		var dialled bool
		for _, c := range fake.Calls() {
			dialled = dialled || (c.To == "+79000000010" && len(c.Dials) == 1 && c.Dials[0].Number == ownerPhone)
		}
		if !dialled {
			t.Fatalf("Anna's call did not dial the owner's phone: %+v", fake.Calls())
		}
		lead, err := ts.Store.GetLead(t.Context(), siteID, callback.LeadID(cb.ID))
		if err != nil {
			t.Fatal(err)
		}
		if lead.Source != callback.TestCallSource || !strings.Contains(lead.Summary, "Test call") {
			t.Fatalf("the inbox lead is not marked as a test: %+v", lead)
		}
	})
}

// TestTestCallRefusals: a bad phone is refused at the field and changes
// nothing, a key without widgets:write and another site's key are
// refused, a widget of another type is not found, and the sixth test of
// an hour gets 429 with the wait.
func TestTestCallRefusals(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, _, wid := ts.CallbackSite("")
		path := testCallPath(siteID, wid)

		r := ts.Admin("POST", path, map[string]any{"phone": "12"})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != "phone" {
			t.Fatalf("error at %q, want phone", f)
		}
		r = ts.Admin("POST", path, map[string]any{"phone": "+380501234567"})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.Body), "+380") {
			t.Fatalf("a calling code the widget does not allow is not named: %s", r.Body)
		}
		if n := len(ts.ListCallbacks(siteID)); n != 0 {
			t.Fatalf("refused tests stored %d requests", n)
		}

		reader := ts.CreateKey(siteID, "widgets:read", "leads:read")
		r = ts.Request("POST", path, map[string]any{"phone": ownerPhone}, "Authorization", "Bearer "+reader)
		servertest.ExpectStatus(t, r, http.StatusForbidden)
		other := ts.CreateSite("Other")["id"].(string)
		otherKey := ts.CreateKey(other, "widgets:write")
		r = ts.Request("POST", path, map[string]any{"phone": ownerPhone}, "Authorization", "Bearer "+otherKey)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
		countdown := ts.CreateWidget(siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})
		r = ts.Admin("POST", testCallPath(siteID, countdown["id"].(string)), map[string]any{"phone": ownerPhone})
		servertest.ExpectStatus(t, r, http.StatusNotFound)

		for i := range callback.TestCallsPerHour {
			r = ts.Admin("POST", path, map[string]any{"phone": ownerPhone})
			if r.Status != http.StatusAccepted {
				t.Fatalf("test %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r = ts.Admin("POST", path, map[string]any{"phone": ownerPhone})
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if !strings.Contains(string(r.Body), "5 test calls per hour") || r.Header.Get("Retry-After") == "" {
			t.Fatalf("the limit is not explained: %s (Retry-After %q)", r.Body, r.Header.Get("Retry-After"))
		}
	})
}

// TestTestCallNeedsManagers: a widget without managers, or with nobody at
// work now, is refused before anything is counted or rung.
func TestTestCallNeedsManagers(t *testing.T) {
	ts := startServer(t, servertest.NewStore(t, "embedded"), nil)
	site := ts.CreateSite("Shop", servertest.ShopOrigin)["id"].(string)
	empty := ts.CreateWidget(site, map[string]any{"type": "callback", "settings": map[string]any{}})["id"].(string)
	r := ts.Admin("POST", testCallPath(site, empty), map[string]any{"phone": ownerPhone})
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	if f := r.ErrorField(t); f != "managers" {
		t.Fatalf("error at %q, want managers", f)
	}
	// Anna works one minute a day (00:00–00:01 in the site's zone).
	closed := ts.CreateWidget(site, map[string]any{"type": "callback", "settings": map[string]any{
		"managers": []map[string]any{{"name": "Anna", "phone": "+79000000010", "hours": []map[string]any{{"days": []int{}, "from": "00:00", "to": "00:01"}}}},
	}})["id"].(string)
	r = ts.Admin("POST", testCallPath(site, closed), map[string]any{"phone": ownerPhone})
	if r.Status == http.StatusAccepted {
		t.Skip("the test ran in the one open minute of the day")
	}
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	if r.ErrorCode(t) != "no_manager_available" {
		t.Fatalf("code %q, want no_manager_available: %s", r.ErrorCode(t), r.Body)
	}
	if n := len(ts.ListCallbacks(site)); n != 0 {
		t.Fatalf("refused tests stored %d requests", n)
	}
}

// TestTestCallOfWidgetSwitchedOff: a widget visitors do not see yet can
// be tried: the test call is worked like any other and completes.
func TestTestCallOfWidgetSwitchedOff(t *testing.T) {
	ts := startServer(t, servertest.NewStore(t, "embedded"), nil)
	siteID, key, wid := ts.CallbackSite(`,"visitor_retries":0`)
	servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+siteID+"/widgets/"+wid, map[string]any{"enabled": false}), http.StatusOK)
	r := ts.Admin("POST", testCallPath(siteID, wid), map[string]any{"phone": ownerPhone, "name": "Owner"})
	servertest.ExpectStatus(t, r, http.StatusAccepted)
	id := r.JSON(t)["id"].(string)
	deadline := time.Now().Add(15 * time.Second)
	for {
		cb := ts.adminCallback(siteID, id)
		if cb.Status == callback.StatusCompleted && cb.Name == "Owner" {
			break
		}
		if callback.Final(cb.Status) || time.Now().After(deadline) {
			t.Fatalf("test call of a widget switched off: %s/%s, name %q", cb.Status, cb.Reason, cb.Name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Visitors still cannot ask the switched-off widget.
	r = ts.PostCallback(key, map[string]any{"phone": "+79161234500", "visitor_id": "v1"})
	servertest.ExpectStatus(t, r, http.StatusNotFound)
}
