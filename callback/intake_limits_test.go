package callback_test

// Intake's limits (intake.go) on requests refused as invalid.

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestMistypedNumbersDoNotLockOut: ten requests refused with 422 use none of
// the visitor's hourly budget; invalid requests have a cap of their own,
// looser than the one on accepted requests, and reaching it does not stop
// a correct request.
func TestMistypedNumbersDoNotLockOut(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), func(c *config.Config) { c.PublicBurst = 1000 })
		const perIP = 4
		_, key, _ := ts.CallbackSite(`,"limits":{"per_ip":` + strconv.Itoa(perIP) + `,"per_visitor":` + strconv.Itoa(perIP) + `}`)
		mistyped := func() servertest.Response {
			return ts.PostCallback(key, map[string]any{"phone": "+7916123", "visitor_id": "vis-1"})
		}
		valid := func(n int) servertest.Response {
			return ts.PostCallback(key, map[string]any{"phone": "+7916123450" + strconv.Itoa(n), "visitor_id": "vis-1"})
		}

		for i := 0; i < 10; i++ {
			r := mistyped()
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if r.ErrorField(t) != "phone" {
				t.Fatalf("422 names %q", r.ErrorField(t))
			}
		}
		servertest.ExpectStatus(t, valid(0), http.StatusAccepted)

		// The cap on invalid requests: the 13th this hour (3 × per_ip = 12).
		for i := 10; i < callback.InvalidPerIPFactor*perIP; i++ {
			servertest.ExpectStatus(t, mistyped(), http.StatusUnprocessableEntity)
		}
		r := mistyped()
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.ErrorCode(t) != "rate_limited" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("invalid cap: %v %s", r.Header, r.Body)
		}

		// Correct requests still count only themselves: per_ip of them.
		for n := 1; n < perIP; n++ {
			servertest.ExpectStatus(t, valid(n), http.StatusAccepted)
		}
		servertest.ExpectStatus(t, valid(perIP), http.StatusTooManyRequests)
	})
}
