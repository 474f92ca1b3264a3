package callback_test

import (
	"context"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
)

// TestErasedRequestIsNotCalled: a request whose visitor was erased before
// its attempt (a slot chosen for later, or a retry) rings nobody when it
// falls due: it fails as cancelled without a leg, and the owner gets no
// missed-callback notification, while a request that really was missed
// still gets one.
func TestErasedRequestIsNotCalled(t *testing.T) {
	e := newEnv(t, `{"managers":[{"name":"Anna","phone":"+79000000010"}],"visitor_retries":0}`)
	ctx := context.Background()
	c := e.request("+79161234567", time.Now().UTC().Add(2*time.Second))
	if _, err := e.st.RedactCallback(ctx, e.site.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	got := e.waitFinal(c.ID, 10*time.Second)
	if got.Status != callback.StatusFailed || got.Reason != callback.ReasonCancelled || len(got.Legs) != 0 || got.Attempt != 0 {
		t.Fatalf("erased request: %s (%s), attempt %d, legs %+v; want failed, cancelled, nobody rung", got.Status, got.Reason, got.Attempt, got.Legs)
	}

	// A request nobody answers ("…01": no answer) is missed, and told.
	missed := e.request("+79161234501", time.Now().UTC())
	e.waitFinal(missed.ID, 10*time.Second)
	select {
	case told := <-e.missed:
		if told.ID != missed.ID {
			t.Fatalf("the owner was told of %s (the erased one is %s), want %s", told.ID, c.ID, missed.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no missed-callback notification for the missed request")
	}
}
