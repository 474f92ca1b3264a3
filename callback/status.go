package callback

import (
	"time"

	"github.com/beckonhq/beckon/store"
)

// Request statuses, in the order a successful request walks them.
const (
	StatusQueued          = "queued"
	StatusCallingManager  = "calling_manager"
	StatusManagerAnswered = "manager_answered"
	StatusCallingVisitor  = "calling_visitor"
	StatusConnected       = "connected"
	StatusCompleted       = "completed"
	StatusFailed          = "failed"
)

// Reasons a request failed.
const (
	ReasonNoManagerAvailable = "no_manager_available" // nobody works now, or no managers are set
	ReasonManagerNoAnswer    = "manager_no_answer"    // every manager was rung; none confirmed
	ReasonVisitorNoAnswer    = "visitor_no_answer"    // after every retry (an answering machine counts)
	ReasonVisitorBusy        = "visitor_busy"         // after every retry
	ReasonProviderError      = "provider_error"       // the telephony provider failed us
	ReasonCancelled          = "cancelled"            // the manager hung up before the visitor answered, or the visitor was erased before an attempt
	ReasonExpired            = "expired"              // an attempt would have started over MaxLate late (an outage, a crash)
)

// Leg kinds and statuses. A leg's status only moves forward (legRank), so a
// late or repeated webhook cannot take it back.
const (
	LegManager = "manager"
	LegVisitor = "visitor"

	legDialing   = "dialing"   // asked the provider; no word back yet
	legRinging   = "ringing"   // the phone rings
	LegAnswered  = "answered"  // picked up
	LegConfirmed = "confirmed" // the manager pressed the digit
	legEnded     = "ended"
)

var legRank = map[string]int{legDialing: 0, legRinging: 1, LegAnswered: 2, LegConfirmed: 3, legEnded: 4}

// Final reports whether a status is the end of a request.
func Final(status string) bool { return status == StatusCompleted || status == StatusFailed }

// setStatus moves c to status and records the transition; a final status
// also records when the request ended.
func setStatus(c *store.Callback, status, detail string, at time.Time) {
	// A timeline never runs backwards, whatever the clocks of replicas.
	if n := len(c.Timeline); n > 0 && at.Before(c.Timeline[n-1].At) {
		at = c.Timeline[n-1].At
	}
	c.Status = status
	if Final(status) {
		c.EndedAt = at
	}
	c.Timeline = append(c.Timeline, store.Transition{Status: status, At: at, Detail: detail})
}

// erased reports whether request c's visitor had their data erased
// (store.Callback.Redact): no number is left to call, so no attempt of it
// starts again, and its end is no missed call to tell the owner about.
func erased(c store.Callback) bool { return c.Phone == "" }

// fail ends c with reason.
func fail(c *store.Callback, reason string, at time.Time) {
	c.Reason = reason
	c.NextAt = time.Time{}
	setStatus(c, StatusFailed, reason, at)
}

// legByID finds a leg of c.
func legByID(c *store.Callback, id string) *store.Leg {
	for i := range c.Legs {
		if c.Legs[i].ID == id {
			return &c.Legs[i]
		}
	}
	return nil
}

// moveLeg advances a leg's status; it reports false when the leg is
// already there or beyond (a repeated or late event).
func moveLeg(l *store.Leg, status string) bool {
	if legRank[status] <= legRank[l.Status] {
		return false
	}
	l.Status = status
	return true
}

// endLeg ends a leg with outcome unless it has ended already.
func endLeg(l *store.Leg, outcome Outcome, at time.Time) bool {
	if l.Status == legEnded {
		return false
	}
	l.Status, l.Outcome, l.EndedAt = legEnded, string(outcome), maxTime(at, l.StartedAt)
	return true
}

// activeLegs counts legs of kind in attempt that have not ended.
func activeLegs(c *store.Callback, kind string) int {
	n := 0
	for _, l := range c.Legs {
		if l.Kind == kind && l.Attempt == c.Attempt && l.Status != legEnded {
			n++
		}
	}
	return n
}

func maxTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}
