package quiz_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/quiz"
)

// TestSessionLimit: one visitor starts the quiz at most
// DefaultSessionsPerVisitor times an hour; the next start is refused and
// stores no session.
func TestSessionLimit(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		for range quiz.DefaultSessionsPerVisitor {
			q.startSession("v1", nil)
		}
		r := q.public("POST", "/sessions", map[string]any{"visitor_id": "v1"})
		expectCode(t, r, http.StatusTooManyRequests, "rate_limited")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		q.startSession("v2", nil) // another visitor on the same address still may
	})
}

// TestRefusedLeadsLimit: an address that keeps sending forms that fail
// their checks is stopped after InvalidLeadsFactor × DefaultLeadsPerIP
// refusals (a script cannot probe for ever); a form that passes them is
// still taken, as in the callback intake.
func TestRefusedLeadsLimit(t *testing.T) {
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	sid := q.startSession("v1", nil)
	q.finish(sid, "v1")
	for i := range quiz.InvalidLeadsFactor * quiz.DefaultLeadsPerIP {
		expectInvalid(t, q.lead(sid, "v1", map[string]any{"phone": fmt.Sprint(i)}), "phone")
	}
	expectCode(t, q.lead(sid, "v1", map[string]any{"phone": "1"}), http.StatusTooManyRequests, "rate_limited")
	if n := len(q.leads()); n != 0 {
		t.Fatalf("%d leads", n)
	}
	servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated)
}
