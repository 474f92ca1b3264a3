package callback_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestOwnersEditReachesAQueuedRetry: a request waiting for its next
// attempt is worked with the widget as its owner last saved it. Anna takes
// the first attempt, the visitor's line is busy; while the retry waits,
// the owner replaces the managers with Vera through the API, and the retry
// rings Vera. The engine reads the server's one cache of sites, whose
// entries live 30 s: the retry, 10 s on, finds the edit only because the
// edit dropped the cached site at once.
func TestOwnersEditReachesAQueuedRetry(t *testing.T) {
	const busy, vera = "+79161234502", "+79000000030" // the simulator's visitor …02 is busy
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Parallel() // most of it is the retry delay
		ts := startServer(t, newStore(t), nil)
		siteID, key, wid := ts.CallbackSite(`,"visitor_retries":1,"retry_delay_seconds":10`)
		r := ts.PostCallback(key, map[string]any{"phone": busy, "visitor_id": "v1"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)

		cb := ts.waitFor(siteID, id, 10*time.Second, func(cb store.Callback) bool {
			return cb.Status == callback.StatusQueued && cb.Attempt == 1
		})
		if len(cb.Legs) == 0 || cb.Legs[0].Phone != "+79000000010" {
			t.Fatalf("first attempt's legs %+v, want Anna's first", cb.Legs)
		}

		path := "/api/v1/sites/" + siteID + "/widgets/" + wid
		settings := ts.Admin("GET", path, nil).JSON(t)["settings"].(map[string]any)
		settings["managers"] = []any{map[string]any{"name": "Vera", "phone": vera}}
		servertest.ExpectStatus(t, ts.Admin("PATCH", path, map[string]any{"settings": settings}), http.StatusOK)

		cb = ts.waitFor(siteID, id, 25*time.Second, func(cb store.Callback) bool { return callback.Final(cb.Status) })
		if cb.Attempt != 2 || cb.Status != callback.StatusFailed || cb.Reason != callback.ReasonVisitorBusy {
			t.Fatalf("%s/%s after %d attempts, want failed/visitor_busy after 2", cb.Status, cb.Reason, cb.Attempt)
		}
		var retried []string
		for _, l := range cb.Legs {
			if l.Attempt == 2 && l.Kind == callback.LegManager {
				retried = append(retried, l.Phone)
			}
		}
		if len(retried) != 1 || retried[0] != vera {
			t.Fatalf("the retry rang %v, want only Vera (%s), the managers saved while it waited", retried, vera)
		}
	})
}

// waitFor polls the stored request until cond holds.
func (ts *testServer) waitFor(siteID, id string, within time.Duration, cond func(store.Callback) bool) store.Callback {
	ts.T.Helper()
	deadline := time.Now().Add(within)
	for {
		cb := ts.adminCallback(siteID, id)
		if cond(cb) {
			return cb
		}
		if time.Now().After(deadline) {
			ts.T.Fatalf("request %s after %v: %s, attempt %d, timeline %+v", id, within, cb.Status, cb.Attempt, cb.Timeline)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
