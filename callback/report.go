package callback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Report implements Reporter: it applies a provider's event to the request
// in one atomic update and says what the provider does next. A leg's status
// only moves forward and a request's status is checked before every move,
// so a repeated event, or one that arrives after a later one, changes
// nothing twice.
func (e *Engine) Report(ctx context.Context, ev Event) (Reply, error) {
	c, err := e.requestRef(ctx, ev.Ref)
	if errors.Is(err, store.ErrNotFound) {
		return e.unknownCallback(ev), nil
	}
	if err != nil {
		return Reply{}, err
	}
	sc, err := e.scopeOf(ctx, c)
	if err != nil {
		return Reply{}, err
	}
	// Beckon's own clock orders the timeline: providers' clocks may be
	// skewed or in whole seconds (ev.ProviderAt is kept beside it).
	at := e.now()
	lang := textsFor(sc.site.Locale)
	var summary string // the quiz lead's, read before the update: the whisper
	if ev.Kind == ManagerAnswered {
		summary = e.requestSummary(ctx, c)
	}
	var (
		reply   Reply
		hangup  []string  // calls to end after the update (all_at_once losers)
		wakeAt  time.Time // another look at the request
		unknown bool
	)
	got, err := e.update(ctx, sc, c, func(c *store.Callback) error {
		reply, hangup, wakeAt, unknown = Reply{Language: lang}, nil, time.Time{}, false
		leg := legByID(c, ev.Ref.LegID)
		if leg == nil {
			unknown = true
			return errSkip
		}
		before, statusBefore, legsBefore, stepsBefore := *leg, c.Status, len(c.Legs), len(c.Timeline)
		if ev.CallID != "" && leg.CallID == "" {
			leg.CallID = ev.CallID
		}
		switch ev.Kind {
		case ManagerRinging, VisitorRinging:
			moveLeg(leg, legRinging)
		case ManagerAnswered:
			e.managerAnswered(c, sc, leg, summary, at, &reply)
		case ManagerConfirmed:
			hangup = e.managerConfirmed(c, sc, leg, at, &reply)
		case ManagerEnded:
			wakeAt = e.managerEnded(c, leg, ev.Outcome, at)
		case VisitorPickedUp:
			wakeAt = visitorPickedUp(c, leg, at)
		case VisitorAnswered:
			wakeAt = visitorAnswered(c, leg, at)
		case VisitorEnded:
			wakeAt = e.visitorEnded(c, sc, leg, ev.Outcome, at, &reply)
		default:
			return fmt.Errorf("callback: unknown event kind %q", ev.Kind)
		}
		stampProviderTime(c, ev, before.Status, stepsBefore)
		if *leg == before && c.Status == statusBefore && len(c.Legs) == legsBefore {
			return errSkip // a repeated or late event: store nothing
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return e.unknownCallback(ev), nil
	}
	if unknown {
		e.log.Warn("event for an unknown leg", slog.String("callback_id", c.ID), slog.String("leg_id", ev.Ref.LegID))
		return Reply{Action: ActionHangup}, nil
	}
	if err = ignoreSkip(err); err != nil {
		return Reply{}, err
	}
	for _, id := range hangup {
		if err := e.prov.Hangup(ctx, id); err != nil {
			e.log.Warn("hang up a losing manager", slog.String("call_id", id), slog.Any("err", err))
		}
	}
	if !wakeAt.IsZero() {
		if err := e.wake(ctx, got, wakeAt); err != nil {
			return reply, err
		}
	}
	return reply, nil
}

// stampProviderTime keeps the provider's time of ev on the steps it added
// and on its leg when the leg ended.
func stampProviderTime(c *store.Callback, ev Event, legBefore string, stepsBefore int) {
	if ev.ProviderAt.IsZero() {
		return
	}
	for i := stepsBefore; i < len(c.Timeline); i++ {
		c.Timeline[i].ProviderAt = ev.ProviderAt
	}
	if l := legByID(c, ev.Ref.LegID); l != nil && legBefore != legEnded && l.Status == legEnded {
		l.ProviderEndedAt = ev.ProviderAt
	}
}

// visitorPickedUp: the visitor's line answered, machine detection still
// listens. The request stays calling_visitor, so a voicemail never counts
// as connected; the verdict is given more time than the ring window.
func visitorPickedUp(c *store.Callback, leg *store.Leg, at time.Time) (wakeAt time.Time) {
	if !moveLeg(leg, LegAnswered) || c.Status != StatusCallingVisitor || leg.Attempt != c.Attempt {
		return time.Time{}
	}
	c.NextAt = at.Add(connectedRecheck)
	return c.NextAt
}

// visitorAnswered: a person is on the line (machine detection said so, or
// none runs); the request is connected.
func visitorAnswered(c *store.Callback, leg *store.Leg, at time.Time) (wakeAt time.Time) {
	moveLeg(leg, LegAnswered) // already there when VisitorPickedUp came first
	if leg.Status != LegAnswered || c.Status != StatusCallingVisitor || leg.Attempt != c.Attempt {
		return time.Time{}
	}
	setStatus(c, StatusConnected, "", at)
	c.NextAt = at.Add(connectedRecheck)
	return c.NextAt
}

// unknownCallback answers an event for a request that does not exist (a
// deleted site, a forged or stale reference): hang up.
func (e *Engine) unknownCallback(ev Event) Reply {
	e.log.Warn("event for an unknown callback", slog.String("callback_id", ev.Ref.CallbackID), slog.String("kind", string(ev.Kind)))
	return Reply{Action: ActionHangup}
}

func (e *Engine) managerAnswered(c *store.Callback, sc scope, leg *store.Leg, summary string, at time.Time, reply *Reply) {
	t := texts[reply.Language]
	if leg.Status == legEnded || leg.Attempt != c.Attempt ||
		(c.Status != StatusCallingManager && c.Status != StatusManagerAnswered) {
		*reply = Reply{Action: ActionHangup, Language: reply.Language, Say: t.Taken}
		return
	}
	moveLeg(leg, LegAnswered)
	if c.Status == StatusCallingManager {
		setStatus(c, StatusManagerAnswered, sc.set.Managers[leg.Manager].Name, at)
	}
	*reply = Reply{Action: ActionConfirm, Language: reply.Language, ConfirmDigit: confirmDigit,
		Say: whisper(reply.Language, sc.site.Name, c.PageTitle, c.PageURL, c.Name, summary, confirmDigit, sc.set.Record)}
}

// managerConfirmed gives the request to the first manager who pressed the
// digit; the visitor's leg is recorded before the reply asks the provider
// to dial it. It returns the other managers' calls to hang up.
func (e *Engine) managerConfirmed(c *store.Callback, sc scope, leg *store.Leg, at time.Time, reply *Reply) []string {
	t := texts[reply.Language]
	// A repeated confirm (a retried webhook) gets the same dial again.
	if leg.Status == LegConfirmed && (c.Status == StatusCallingVisitor || c.Status == StatusConnected) {
		if v := visitorLeg(c); v != nil {
			*reply = e.dialReply(c, sc, v, reply.Language)
		}
		return nil
	}
	if leg.Status == legEnded || leg.Attempt != c.Attempt ||
		(c.Status != StatusCallingManager && c.Status != StatusManagerAnswered) {
		*reply = Reply{Action: ActionHangup, Language: reply.Language, Say: t.Taken}
		return nil
	}
	moveLeg(leg, LegConfirmed)
	m := sc.set.Managers[leg.Manager]
	c.Manager, c.ManagerEmail = m.Name, m.Email
	if c.Status == StatusCallingManager {
		setStatus(c, StatusManagerAnswered, m.Name, at)
	}
	v := store.Leg{ID: newID(), Kind: LegVisitor, Attempt: c.Attempt, Manager: leg.Manager,
		Phone: c.Phone, Status: legDialing, StartedAt: at}
	c.Legs = append(c.Legs, v)
	setStatus(c, StatusCallingVisitor, "", at)
	c.NextAt = at.Add(sc.set.visitorWindow())
	*reply = e.dialReply(c, sc, &v, reply.Language)
	var losers []string
	for i := range c.Legs {
		l := &c.Legs[i]
		if l.Kind == LegManager && l.Attempt == c.Attempt && l.ID != leg.ID && endLeg(l, OutcomeCanceled, at) && l.CallID != "" {
			losers = append(losers, l.CallID)
		}
	}
	return losers
}

func (e *Engine) dialReply(c *store.Callback, sc scope, v *store.Leg, lang string) Reply {
	return Reply{Action: ActionDial, Language: lang, Say: texts[lang].Connecting,
		VisitorLegID: v.ID, VisitorPhone: c.Phone, CallerID: sc.set.CallerID,
		DialTimeout:   time.Duration(sc.set.VisitorRingSeconds) * time.Second,
		DetectMachine: sc.set.MachineDetection != nil && *sc.set.MachineDetection,
		Record:        sc.set.Record}
}

// managerEnded ends a manager's leg. Before the visitor is dialled that
// means "next manager" (the worker decides, at once); after, it ends the
// bridge.
func (e *Engine) managerEnded(c *store.Callback, leg *store.Leg, out Outcome, at time.Time) (wakeAt time.Time) {
	wasConfirmed := leg.Status == LegConfirmed
	if !endLeg(leg, out, at) || leg.Attempt != c.Attempt {
		return time.Time{}
	}
	switch {
	case !wasConfirmed && (c.Status == StatusCallingManager || c.Status == StatusManagerAnswered):
		return at
	case wasConfirmed && c.Status == StatusConnected:
		if v := visitorLeg(c); v != nil {
			endLeg(v, OutcomeCompleted, at)
		}
		setStatus(c, StatusCompleted, "", at)
		c.NextAt = time.Time{}
	case wasConfirmed && c.Status == StatusCallingVisitor:
		if v := visitorLeg(c); v != nil && v.Status != legEnded {
			// The manager hung up while the visitor's phone rang.
			endLeg(v, OutcomeCanceled, at)
			fail(c, ReasonCancelled, at)
		}
	}
	return time.Time{}
}

// visitorEnded ends the visitor's leg: a finished conversation completes
// the request; no answer, busy or a machine schedules another attempt
// until the retries are spent. The reply tells the manager what happens
// next; a repeated event (Twilio reports the end from the visitor's leg and
// from the manager's <Dial>) gets the same reply again.
func (e *Engine) visitorEnded(c *store.Callback, sc scope, leg *store.Leg, out Outcome, at time.Time, reply *Reply) (wakeAt time.Time) {
	lang := reply.Language
	if endLeg(leg, out, at) && leg.Attempt == c.Attempt {
		wakeAt = e.settleVisitor(c, sc, leg, out, at)
	}
	*reply = Reply{Action: ActionHangup, Language: lang, Say: afterVisitor(c, sc, leg, lang)}
	return wakeAt
}

// settleVisitor moves the request on after its visitor's leg ended.
//
// A machine is nobody reached, even on a request already connected: with
// asynchronous detection a provider may bridge a voicemail before its
// verdict. Such a request goes back to queued (or fails), and the leg's
// outcome says machine.
func (e *Engine) settleVisitor(c *store.Callback, sc scope, leg *store.Leg, out Outcome, at time.Time) (wakeAt time.Time) {
	if c.Status != StatusCallingVisitor && c.Status != StatusConnected {
		return time.Time{}
	}
	// "completed" means the visitor answered, even when the "answered"
	// event was lost.
	if out != OutcomeMachine && (c.Status == StatusConnected || out == OutcomeCompleted) {
		if c.Status != StatusConnected {
			setStatus(c, StatusConnected, "", at)
		}
		setStatus(c, StatusCompleted, "", at)
		c.NextAt = time.Time{}
		return time.Time{}
	}
	reason := ReasonVisitorNoAnswer // a machine too, once the retries are spent
	switch out {
	case OutcomeBusy:
		reason = ReasonVisitorBusy
	case OutcomeFailed:
		reason = ReasonProviderError
	}
	why := reason
	if out == OutcomeMachine {
		why = "visitor_machine"
	}
	if c.Attempt <= sc.set.VisitorRetries && reason != ReasonProviderError {
		c.DueAt = at.Add(time.Duration(sc.set.RetryDelaySeconds) * time.Second)
		c.NextAt = c.DueAt
		setStatus(c, StatusQueued, fmt.Sprintf("%s, retry %d of %d", why, c.Attempt, sc.set.VisitorRetries), at)
		return c.DueAt
	}
	fail(c, reason, at)
	return time.Time{}
}

// afterVisitor is what the manager hears once the visitor's leg ended.
func afterVisitor(c *store.Callback, sc scope, leg *store.Leg, lang string) string {
	retryIn := time.Duration(sc.set.RetryDelaySeconds) * time.Second
	switch {
	case leg.Attempt < c.Attempt || c.Status == StatusQueued:
		return afterVisitorSay(lang, Outcome(leg.Outcome), true, retryIn)
	case c.Status == StatusFailed && (c.Reason == ReasonVisitorNoAnswer || c.Reason == ReasonVisitorBusy):
		return afterVisitorSay(lang, Outcome(leg.Outcome), false, retryIn)
	}
	return ""
}

// visitorLeg is the visitor's leg of c's current attempt.
func visitorLeg(c *store.Callback) *store.Leg {
	for i := range c.Legs {
		if l := &c.Legs[i]; l.Kind == LegVisitor && l.Attempt == c.Attempt {
			return l
		}
	}
	return nil
}
