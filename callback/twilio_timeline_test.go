package callback_test

// The request's times through the real Twilio provider and twiliofake.

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestTwilioTimelineOnBeckonsClock: Twilio's clock is an hour ahead and
// runs backwards, 1.5 s per callback, in whole seconds. The timeline and
// the legs still follow Beckon's clock: in order, in milliseconds, no leg
// ending before it started; Twilio's times are kept beside them.
func TestTwilioTimelineOnBeckonsClock(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		var mu sync.Mutex
		twilioClock := time.Now().Add(time.Hour)
		backwards := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			twilioClock = twilioClock.Add(-1500 * time.Millisecond)
			return twilioClock
		}
		ts, fake := twilioServerWith(t, newStore(t), twiliofake.Options{Now: backwards})
		siteID, key, _ := ts.CallbackSite(`,"machine_detection":false`)
		r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)
		cb := ts.settled(siteID, id, fake)
		if cb.Status != callback.StatusCompleted {
			t.Fatalf("status %s", cb.Status)
		}

		subSecond := false
		var connected store.Transition
		for i, step := range cb.Timeline {
			if i > 0 && step.At.Before(cb.Timeline[i-1].At) {
				t.Fatalf("the timeline runs backwards at %d: %+v", i, cb.Timeline)
			}
			subSecond = subSecond || step.At.Nanosecond() != 0
			if step.Status == callback.StatusConnected {
				connected = step
			}
		}
		if !subSecond {
			t.Errorf("every step on a whole second: %+v", cb.Timeline)
		}
		for _, l := range cb.Legs {
			if l.EndedAt.Before(l.StartedAt) {
				t.Errorf("%s leg ended %v before it started %v", l.Kind, l.EndedAt, l.StartedAt)
			}
		}
		// Twilio's own times are kept, as Twilio gave them.
		manager := cb.Legs[0]
		if connected.ProviderAt.IsZero() || connected.ProviderAt.Nanosecond() != 0 || connected.ProviderAt.Before(time.Now().Add(30*time.Minute)) {
			t.Fatalf("connected: provider time %v, want Twilio's whole-second clock", connected.ProviderAt)
		}
		if manager.ProviderEndedAt.IsZero() || !manager.ProviderEndedAt.Before(connected.ProviderAt) || manager.EndedAt.Before(connected.At) {
			t.Fatalf("manager leg: ended %v (Twilio %v), connected %v (Twilio %v)", manager.EndedAt, manager.ProviderEndedAt, connected.At, connected.ProviderAt)
		}
		raw := string(ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks/"+id, nil).Body)
		if !strings.Contains(raw, `"provider_at":`) || !strings.Contains(raw, `"provider_ended_at":`) {
			t.Errorf("the admin API shows no provider times: %s", raw)
		}
	})
}
