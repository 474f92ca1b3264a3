package callback_test

// Intake (intake.go) of a number asked again.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"

	"github.com/beckonhq/beckon/store"
)

// TestCallbackTryAgainAfterTheCallEnded: a request that ended absorbs no
// repeat of its number. "Try again" after a failure calls again, and
// another visitor typing a number whose call just ended gets a call of
// their own, not "the call has ended" at once; every try counts against
// the number's limit; a request still in progress does absorb repeats.
func TestCallbackTryAgainAfterTheCallEnded(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		// The test polls the visitor's view often: room for it.
		ts := startServer(t, newStore(t), func(c *config.Config) { c.PublicRate, c.PublicBurst = 1000, 1000 })
		_, key, _ := ts.CallbackSite(`,"visitor_retries":0,"limits":{"per_number":2}`)
		post := func(phone, visitor string) map[string]any {
			t.Helper()
			r := ts.PostCallback(key, map[string]any{"phone": phone, "visitor_id": visitor})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			return r.JSON(t)
		}

		const busy = "+79161230002" // the simulator's visitor …02 is busy
		first := post(busy, "v-1")
		if got := ts.waitStatus(key, first["id"].(string), "v-1"); got["status"] != "failed" || got["reason"] != "visitor_busy" {
			t.Fatalf("first try: %v", got)
		}
		retry := post(busy, "v-1")
		if retry["duplicate"] != false || retry["id"] == first["id"] || retry["status"] != "queued" {
			t.Fatalf("try again after a failure returned %v; want a new queued request, not %v", retry, first["id"])
		}
		got := ts.waitStatus(key, retry["id"].(string), "v-1")
		if got["status"] != "failed" || !reached(got, "calling_visitor") {
			t.Fatalf("the new try was not dialled: %v", got)
		}
		// Each try counts against the number's limit (2 an hour here).
		third := ts.PostCallback(key, map[string]any{"phone": busy, "visitor_id": "v-1"})
		servertest.ExpectStatus(t, third, http.StatusTooManyRequests)
		if third.ErrorCode(t) != "rate_limited" {
			t.Fatalf("third try: %s", third.Body)
		}

		const answers = "+79161230055"
		done := post(answers, "v-2")
		if got := ts.waitStatus(key, done["id"].(string), "v-2"); got["status"] != "completed" {
			t.Fatalf("first visitor's call: %v", got)
		}
		other := post(answers, "v-3")
		if other["duplicate"] != false || other["status"] != "queued" {
			t.Fatalf("another visitor typing a number whose call ended got %v", other)
		}
		if got := ts.waitStatus(key, other["id"].(string), "v-3"); got["status"] != "completed" {
			t.Fatalf("second visitor's call: %v", got)
		}

		// In progress (a slot later on): the repeat is the same request. A
		// site of its own, so the tries above do not count.
		siteID, key, _ := ts.CallbackSite(`,"limits":{"per_number":10}`)
		avail := ts.Request("GET", "/w/v1/"+key+"/callbacks/availability", nil, "Origin", shopOrigin)
		servertest.ExpectStatus(t, avail, http.StatusOK)
		slots := avail.JSON(t)["slots"].([]any)
		if len(slots) == 0 {
			t.Fatalf("no slots: %s", avail.Body)
		}
		slot := slots[len(slots)-1].(string)
		later := ts.PostCallback(key, map[string]any{"phone": "+79161230066", "visitor_id": "v-4", "scheduled_at": slot})
		servertest.ExpectStatus(t, later, http.StatusAccepted)
		repeat := post("+79161230066", "v-4")
		if repeat["duplicate"] != true || repeat["id"] != later.JSON(t)["id"] {
			t.Fatalf("a repeat of a request in progress made %v", repeat)
		}
		// Another visitor typing that number is told a call is under way:
		// the request is not theirs to follow, and nothing new is stored.
		stranger := ts.PostCallback(key, map[string]any{"phone": "+79161230066", "visitor_id": "v-5"})
		servertest.ExpectStatus(t, stranger, http.StatusConflict)
		if stranger.ErrorCode(t) != "call_in_progress" {
			t.Fatalf("another visitor repeating a number in progress: %s", stranger.Body)
		}
		list := ts.Request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil, "Authorization", "Bearer "+servertest.AdminToken)
		servertest.ExpectStatus(t, list, http.StatusOK)
		if n := strings.Count(string(list.Body), "+79161230066"); n != 1 {
			t.Fatalf("the number is in %d stored requests, want 1: %s", n, list.Body)
		}
	})
}
