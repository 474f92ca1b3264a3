package callback

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/store"
)

// advance is one worker step on a request: start an attempt when it is due,
// move on when a manager's leg ended, and ask the provider about calls that
// went quiet. Every decision is taken inside an atomic update that first
// checks its premise, so two workers holding the same request (a duplicate
// or taken-over job) never both ring someone.
func (e *Engine) advance(ctx context.Context, c store.Callback) error {
	if Final(c.Status) {
		return e.missedAgain(ctx, c)
	}
	now := e.now()
	if c.Status == StatusQueued && now.Before(c.DueAt) {
		return e.wake(ctx, c, c.DueAt)
	}
	sc, err := e.scopeOf(ctx, c)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// The widget was deleted: nobody can be rung for it.
			_, err = e.update(ctx, scope{}, c, func(c *store.Callback) error {
				if Final(c.Status) {
					return errSkip
				}
				fail(c, ReasonNoManagerAvailable, now)
				return nil
			})
			return ignoreSkip(err)
		}
		return err
	}
	switch c.Status {
	case StatusQueued:
		return e.startAttempt(ctx, sc, c)
	case StatusCallingManager, StatusManagerAnswered:
		return e.checkManagers(ctx, sc, c)
	default: // calling_visitor, connected
		return e.checkBridge(ctx, sc, c)
	}
}

// startAttempt rings the first available manager (in_order) or all of them
// (all_at_once), unless the attempt is more than MaxLate overdue.
func (e *Engine) startAttempt(ctx context.Context, sc scope, c store.Callback) error {
	now := e.now()
	avail := sc.set.available(now, sc.loc)
	if len(avail) > 0 && sc.set.Strategy != "all_at_once" {
		avail = avail[:1]
	}
	var legs []store.Leg
	got, err := e.update(ctx, sc, c, func(c *store.Callback) error {
		legs = nil
		if c.Status != StatusQueued || now.Before(c.DueAt) {
			return errSkip
		}
		if now.Sub(c.DueAt) > MaxLate {
			fail(c, ReasonExpired, now)
			return nil
		}
		if erased(*c) {
			fail(c, ReasonCancelled, now)
			return nil
		}
		if len(avail) == 0 {
			fail(c, ReasonNoManagerAvailable, now)
			return nil
		}
		c.Attempt++
		for _, i := range avail {
			legs = append(legs, store.Leg{ID: newID(), Kind: LegManager, Attempt: c.Attempt, Manager: i,
				Phone: sc.set.Managers[i].Phone, Status: legDialing, StartedAt: now})
		}
		c.Legs = append(c.Legs, legs...)
		setStatus(c, StatusCallingManager, attemptDetail(c.Attempt), now)
		c.NextAt = now.Add(sc.set.managerWindow())
		return nil
	})
	if err != nil || len(legs) == 0 {
		return ignoreSkip(err)
	}
	for _, l := range legs {
		e.dialManager(ctx, sc, got, l)
	}
	return e.wake(ctx, got, got.NextAt)
}

// dialManager asks the provider for a manager's leg. The leg was recorded
// before the call ("dialing"), so a worker that dies here leaves a leg that
// times out, never one that is dialled twice.
func (e *Engine) dialManager(ctx context.Context, sc scope, c store.Callback, l store.Leg) {
	m := sc.set.Managers[l.Manager]
	said := whisper(sc.site.Locale, sc.site.Name, c.PageTitle, c.PageURL, c.Name, e.leadSummary(ctx, c), confirmDigit, sc.set.Record)
	start := time.Now()
	callID, err := e.prov.CallManager(ctx, ManagerCall{
		Ref:          LegRef{SiteID: c.SiteID, CallbackID: c.ID, LegID: l.ID},
		ManagerName:  m.Name,
		ManagerPhone: m.Phone,
		Whisper:      said,
		Language:     sc.site.Locale,
		ConfirmDigit: confirmDigit,
		RingTimeout:  time.Duration(sc.set.ManagerRingSeconds) * time.Second,
		Record:       sc.set.Record,
	})
	providerCalls.WithLabelValues(e.prov.Name(), resultLabel(err)).Observe(time.Since(start).Seconds())
	if err != nil {
		e.log.Warn("ring manager", slog.String("callback_id", c.ID), slog.String("provider", e.prov.Name()), slog.Any("err", err))
	}
	now := e.now()
	_, uerr := e.update(ctx, sc, c, func(c *store.Callback) error {
		leg := legByID(c, l.ID)
		if leg == nil {
			return errSkip
		}
		if err != nil {
			if !endLeg(leg, OutcomeFailed, now) {
				return errSkip
			}
			c.NextAt = now // move on at once
			return nil
		}
		if leg.CallID != "" {
			return errSkip // an event told us first
		}
		leg.CallID = callID
		return nil
	})
	if uerr = ignoreSkip(uerr); uerr != nil {
		e.log.Error("record manager leg", slog.String("callback_id", c.ID), slog.Any("err", uerr))
	}
	if err != nil {
		if werr := e.wake(ctx, c, now); werr != nil {
			e.log.Error("schedule callback", slog.Any("err", werr))
		}
	}
}

// checkManagers settles manager legs that went quiet past their window,
// then rings the next manager or ends the request when none is left.
func (e *Engine) checkManagers(ctx context.Context, sc scope, c store.Callback) error {
	now := e.now()
	c, err := e.settleQuietLegs(ctx, sc, c, LegManager, sc.set.managerWindow())
	if err != nil {
		return err
	}
	if activeLegs(&c, LegManager) > 0 {
		return e.wake(ctx, c, e.nextDeadline(c, LegManager, sc.set.managerWindow()))
	}
	next := -1
	if sc.set.Strategy != "all_at_once" {
		next = sc.set.nextManager(c, now, sc.loc)
	}
	var leg *store.Leg
	got, err := e.update(ctx, sc, c, func(c *store.Callback) error {
		leg = nil
		if (c.Status != StatusCallingManager && c.Status != StatusManagerAnswered) || activeLegs(c, LegManager) > 0 {
			return errSkip
		}
		if next < 0 {
			fail(c, managersFailure(c), now)
			return nil
		}
		l := store.Leg{ID: newID(), Kind: LegManager, Attempt: c.Attempt, Manager: next,
			Phone: sc.set.Managers[next].Phone, Status: legDialing, StartedAt: now}
		c.Legs = append(c.Legs, l)
		leg = &c.Legs[len(c.Legs)-1]
		if c.Status != StatusCallingManager {
			setStatus(c, StatusCallingManager, "next manager", now)
		}
		c.NextAt = now.Add(sc.set.managerWindow())
		return nil
	})
	if err != nil || leg == nil {
		return ignoreSkip(err)
	}
	e.dialManager(ctx, sc, got, *leg)
	return e.wake(ctx, got, got.NextAt)
}

// managersFailure says why no manager took the request: the provider failed
// every leg, or people did not answer.
func managersFailure(c *store.Callback) string {
	for _, l := range c.Legs {
		if l.Kind == LegManager && l.Attempt == c.Attempt && l.Outcome != string(OutcomeFailed) {
			return ReasonManagerNoAnswer
		}
	}
	return ReasonProviderError
}

// checkBridge looks after a request whose visitor leg is dialling or
// connected: when the provider went quiet it asks how the calls stand.
func (e *Engine) checkBridge(ctx context.Context, sc scope, c store.Callback) error {
	now := e.now()
	if now.Before(c.NextAt) {
		return e.wake(ctx, c, c.NextAt)
	}
	return e.sweepBridge(ctx, sc, c)
}

// nextDeadline is when the earliest active leg of kind goes past window.
func (e *Engine) nextDeadline(c store.Callback, kind string, window time.Duration) time.Time {
	var at time.Time
	for _, l := range c.Legs {
		if l.Kind == kind && l.Attempt == c.Attempt && l.Status != legEnded {
			if d := l.StartedAt.Add(window); at.IsZero() || d.Before(at) {
				at = d
			}
		}
	}
	if at.IsZero() {
		at = e.now()
	}
	return at
}

func attemptDetail(n int) string {
	if n == 1 {
		return ""
	}
	return "attempt " + itoa(n)
}

func ignoreSkip(err error) error {
	if errors.Is(err, errSkip) {
		return nil
	}
	return err
}

const confirmDigit = "1"
