package callback

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/store"
)

// The sweeper's part of the bridge: a request in a non-final state always
// has a job due at its next deadline (NextAt, or a leg's window). When that
// job finds the provider silent past the deadline, it asks the provider how
// the call stands and settles the request from the answer, so a lost
// webhook cannot leave a request hanging.

// settleQuietLegs ends the legs of kind that passed window with no final
// word: from the provider's answer, or by hanging up a call still ringing.
// A leg with no call id (a worker died between recording and dialling) is
// ended as failed and never dialled again.
func (e *Engine) settleQuietLegs(ctx context.Context, sc scope, c store.Callback, kind string, window time.Duration) (store.Callback, error) {
	now := e.now()
	outcomes := map[string]Outcome{}
	for _, l := range c.Legs {
		if l.Kind != kind || l.Attempt != c.Attempt || l.Status == legEnded || now.Before(l.StartedAt.Add(window)) {
			continue
		}
		out, ok := e.askProvider(ctx, l.CallID, OutcomeNoAnswer)
		if ok {
			outcomes[l.ID] = out
		}
	}
	if len(outcomes) == 0 {
		return c, nil
	}
	got, err := e.update(ctx, sc, c, func(c *store.Callback) error {
		n := 0
		for id, out := range outcomes {
			if l := legByID(c, id); l != nil && endLeg(l, out, now) {
				n++
			}
		}
		if n == 0 {
			return errSkip
		}
		return nil
	})
	if errors.Is(err, errSkip) {
		return e.st.GetCallback(ctx, c.SiteID, c.ID)
	}
	return got, err
}

// askProvider says how a quiet call ended. A call still running past its
// window is hung up and counts as ifRunning. ok is false when the provider
// could not be asked; the next job tries again.
func (e *Engine) askProvider(ctx context.Context, callID string, ifRunning Outcome) (out Outcome, ok bool) {
	if callID == "" {
		return OutcomeFailed, true
	}
	st, err := e.prov.CallState(ctx, callID)
	switch {
	case errors.Is(err, ErrUnknownCall):
		return OutcomeFailed, true
	case err != nil:
		e.log.Warn("ask provider about a call", slog.String("call_id", callID), slog.Any("err", err))
		return "", false
	case st.Ended:
		return st.Outcome, true
	}
	if err := e.prov.Hangup(ctx, callID); err != nil {
		e.log.Warn("hang up a quiet call", slog.String("call_id", callID), slog.Any("err", err))
		return "", false
	}
	return ifRunning, true
}

// sweepBridge settles a request whose bridge went quiet past NextAt: a
// visitor leg that never reported, or a connected call whose end was lost.
// It feeds what the provider says through Report, the same path webhooks
// take, so the outcome (retry, fail, complete) is decided in one place.
func (e *Engine) sweepBridge(ctx context.Context, sc scope, c store.Callback) error {
	var visitor, manager *store.Leg
	for i := range c.Legs {
		if l := &c.Legs[i]; l.Kind == LegVisitor && l.Attempt == c.Attempt {
			visitor = l
		}
	}
	if visitor == nil {
		return nil
	}
	for i := range c.Legs {
		// A visitor leg carries the index of the manager who confirmed it.
		if l := &c.Legs[i]; l.Kind == LegManager && l.Attempt == c.Attempt && l.Manager == visitor.Manager {
			manager = l
		}
	}
	callID := visitor.CallID
	if callID == "" && manager != nil {
		callID = manager.CallID // the visitor is dialled from inside the manager's call
	}
	ifRunning := OutcomeNoAnswer
	// A visitor who picked up may be talking while machine detection's
	// verdict is late or lost: that call is never hung up either.
	if c.Status == StatusConnected || visitor.Status == LegAnswered {
		st, err := e.prov.CallState(ctx, callID)
		if err == nil && !st.Ended {
			_, err := e.update(ctx, sc, c, func(c *store.Callback) error {
				if c.Status != StatusConnected && c.Status != StatusCallingVisitor {
					return errSkip
				}
				c.NextAt = e.now().Add(connectedRecheck)
				return nil
			})
			if err != nil {
				return ignoreSkip(err)
			}
			return e.wake(ctx, c, e.now().Add(connectedRecheck))
		}
		ifRunning = OutcomeCompleted
	}
	out, ok := e.askProvider(ctx, callID, ifRunning)
	if !ok {
		return e.wake(ctx, c, e.now().Add(30*time.Second))
	}
	if c.Status == StatusConnected && out != OutcomeFailed {
		out = OutcomeCompleted
	}
	_, err := e.Report(ctx, Event{Ref: LegRef{SiteID: c.SiteID, CallbackID: c.ID, LegID: visitor.ID}, Kind: VisitorEnded, Outcome: out})
	return err
}
