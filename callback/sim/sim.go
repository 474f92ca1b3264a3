// Package sim is the simulated telephony provider, Beckon's default: calls
// that ring, answer and end with realistic delays and report the same events
// a real provider does, so the demo and tests walk the real state machine
// with no account.
//
// Outcomes follow the number's last two digits, like a payment sandbox's
// test cards:
//
//	manager …01  does not answer        visitor …01  does not answer
//	manager …02  is busy                visitor …02  is busy
//	manager …03  answers, never presses visitor …03  an answering machine
//	anything else answers (the manager presses 1) and talks for Talk.
//
// It behaves like a real provider where the bridge depends on it: machine
// detection is asynchronous (the visitor's line picks up, the verdict comes
// Detect later; without detection a machine answers like a person), a
// report the engine could not take (its store is down) is sent again with
// backoff, and CallState answers truthfully for every leg, the visitor's
// included, so the sweeper settles what reports could not.
package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/beckonhq/beckon/callback"
)

// Delays of a simulated call.
type Delays struct {
	Ring   time.Duration // from dialling to ringing
	Answer time.Duration // from ringing to picking up
	Press  time.Duration // from the whisper to pressing the digit
	Talk   time.Duration // length of the conversation
	// Detect is how long machine detection listens after the visitor's
	// line picks up (default: Ring).
	Detect time.Duration
	// Retry is the first wait before a report the engine failed to take
	// is sent again; the wait doubles up to 5 s (default 100 ms). GiveUp
	// bounds how long one report is retried (default 2 minutes): after
	// that the call goes on as if the engine had said nothing, and the
	// engine's sweeper learns the rest from CallState.
	Retry  time.Duration
	GiveUp time.Duration
}

// DefaultDelays feel like a real call, compressed: the demo shows every
// step without a long wait.
var DefaultDelays = Delays{Ring: 400 * time.Millisecond, Answer: 1500 * time.Millisecond,
	Press: 1500 * time.Millisecond, Talk: 8 * time.Second, Detect: time.Second}

const (
	defaultRetry = 100 * time.Millisecond
	maxRetry     = 5 * time.Second
	defaultGive  = 2 * time.Minute
	// keepEnded is how long an ended call is remembered for CallState: far
	// longer than any window after which the sweeper asks.
	keepEnded = time.Hour
	// reportTimeout bounds one report, like a webhook's timeout.
	reportTimeout = 10 * time.Second
)

// Provider simulates calls. Report must be set (Bind) before calls are made.
type Provider struct {
	delays Delays
	rep    callback.Reporter
	log    *slog.Logger

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	calls     map[string]*call
	lastPrune time.Time
}

// call is one leg, the manager's or the visitor's; its fields are guarded
// by Provider.mu.
type call struct {
	ended    bool
	answered bool
	outcome  callback.Outcome
	endedAt  time.Time
	hangup   chan struct{} // closed when the call is hung up
}

// New makes a simulator with the given delays.
func New(d Delays) *Provider {
	if d.Detect <= 0 {
		d.Detect = d.Ring
	}
	if d.Retry <= 0 {
		d.Retry = defaultRetry
	}
	if d.GiveUp <= 0 {
		d.GiveUp = defaultGive
	}
	p := &Provider{delays: d, calls: map[string]*call{}, log: slog.Default().With("provider", "sim")}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Bind sets where events go: the engine.
func (p *Provider) Bind(r callback.Reporter) { p.rep = r }

// Name implements callback.Provider.
func (p *Provider) Name() string { return "sim" }

// Close ends every simulated call and waits for their goroutines.
func (p *Provider) Close() {
	p.cancel()
	p.wg.Wait()
}

// CallManager implements callback.Provider.
func (p *Provider) CallManager(ctx context.Context, mc callback.ManagerCall) (string, error) {
	id := "SIM" + randomHex()
	c := p.newCall(id)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.run(id, c, mc)
	}()
	return id, nil
}

// newCall registers a leg under id, forgetting legs long over.
func (p *Provider) newCall(id string) *call {
	c := &call{hangup: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[id] = c
	if now := time.Now(); now.Sub(p.lastPrune) > time.Minute {
		p.lastPrune = now
		for id, c := range p.calls {
			if c.ended && now.Sub(c.endedAt) > keepEnded {
				delete(p.calls, id)
			}
		}
	}
	return c
}

// Hangup implements callback.Provider: a call in progress ends completed,
// one still ringing canceled, as Twilio says.
func (p *Provider) Hangup(ctx context.Context, callID string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.calls[callID]; c != nil && !c.ended {
		p.endLocked(c, callback.OutcomeCanceled)
		close(c.hangup)
	}
	return nil
}

// CallState implements callback.Provider, for the manager's and the
// visitor's legs alike.
func (p *Provider) CallState(ctx context.Context, callID string) (callback.CallState, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls[callID]
	if c == nil {
		return callback.CallState{}, callback.ErrUnknownCall
	}
	return callback.CallState{Ended: c.ended, Outcome: c.outcome}, nil
}

// endLocked ends c with out unless it ended already; a call that was
// answered ends completed rather than canceled. p.mu is held.
func (p *Provider) endLocked(c *call, out callback.Outcome) {
	if c.ended {
		return
	}
	if out == callback.OutcomeCanceled && c.answered {
		out = callback.OutcomeCompleted
	}
	c.ended, c.outcome, c.endedAt = true, out, time.Now()
}

// end ends c (if it is not over yet) and returns how it ended.
func (p *Provider) end(c *call, out callback.Outcome) callback.Outcome {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLocked(c, out)
	return c.outcome
}

func (p *Provider) answer(c *call) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.answered = true
}

// report sends ev to the engine. An error means the engine could not take
// it (its store is down, say): it is sent again with backoff, as a real
// provider retries a webhook, until it is taken, GiveUp passes or the
// simulator closes. ok is false when it was never taken.
func (p *Provider) report(ev callback.Event) (callback.Reply, bool) {
	wait := p.delays.Retry
	giveUp := time.Now().Add(p.delays.GiveUp)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, reportTimeout)
		reply, err := p.rep.Report(ctx, ev)
		cancel()
		if err == nil {
			return reply, true
		}
		if p.ctx.Err() != nil || time.Now().Add(wait).After(giveUp) {
			p.log.Warn("report not taken; giving up", slog.String("callback_id", ev.Ref.CallbackID),
				slog.String("kind", string(ev.Kind)), slog.Any("err", err))
			return callback.Reply{}, false
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-p.ctx.Done():
			t.Stop()
		}
		wait = min(2*wait, maxRetry)
	}
}

// run plays one manager call and, when confirmed, its visitor leg.
func (p *Provider) run(id string, c *call, mc callback.ManagerCall) {
	ev := func(kind callback.EventKind, out callback.Outcome) callback.Event {
		return callback.Event{Ref: mc.Ref, Kind: kind, CallID: id, Outcome: out}
	}
	end := func(out callback.Outcome) {
		p.report(ev(callback.ManagerEnded, p.end(c, out)))
	}
	if !p.wait(p.delays.Ring, c) {
		end(callback.OutcomeCanceled)
		return
	}
	p.report(ev(callback.ManagerRinging, ""))
	switch suffix(mc.ManagerPhone) {
	case "01":
		p.wait(min(mc.RingTimeout, 3*p.delays.Answer), c)
		end(callback.OutcomeNoAnswer)
		return
	case "02":
		end(callback.OutcomeBusy)
		return
	}
	if !p.wait(p.delays.Answer, c) {
		end(callback.OutcomeCanceled)
		return
	}
	p.answer(c)
	r, _ := p.report(ev(callback.ManagerAnswered, ""))
	if r.Action != callback.ActionConfirm || suffix(mc.ManagerPhone) == "03" {
		p.wait(p.delays.Press, c)
		end(callback.OutcomeCompleted)
		return
	}
	if !p.wait(p.delays.Press, c) {
		end(callback.OutcomeCompleted)
		return
	}
	r, _ = p.report(ev(callback.ManagerConfirmed, ""))
	if r.Action == callback.ActionDial {
		p.bridge(id, c, mc, r)
	}
	end(callback.OutcomeCompleted)
}

// bridge dials the visitor's leg from the manager's call and bridges the
// two until one side hangs up; the manager then hears the reply to the
// visitor's end.
func (p *Provider) bridge(id string, m *call, mc callback.ManagerCall, r callback.Reply) {
	vid := id + "-v"
	v := p.newCall(vid)
	ev := func(kind callback.EventKind, out callback.Outcome) callback.Event {
		ref := callback.LegRef{SiteID: mc.Ref.SiteID, CallbackID: mc.Ref.CallbackID, LegID: r.VisitorLegID}
		return callback.Event{Ref: ref, Kind: kind, CallID: vid, Outcome: out}
	}
	// ended reports the visitor's end; after a visitor not reached the
	// manager hears the reply (what happens next) before hanging up.
	ended := func(out callback.Outcome) {
		out = p.end(v, out)
		p.report(ev(callback.VisitorEnded, out))
		if out != callback.OutcomeCompleted {
			p.wait(p.delays.Ring, m)
		}
	}
	// hungUp: one side hung up while out was still to come.
	hungUp := func() { ended(callback.OutcomeCanceled) }

	if !p.wait(p.delays.Ring, m, v) {
		hungUp()
		return
	}
	p.report(ev(callback.VisitorRinging, ""))
	switch suffix(r.VisitorPhone) {
	case "01":
		if !p.wait(min(r.DialTimeout, 3*p.delays.Answer), m, v) {
			hungUp()
			return
		}
		ended(callback.OutcomeNoAnswer)
		return
	case "02":
		ended(callback.OutcomeBusy)
		return
	}
	if !p.wait(p.delays.Answer, m, v) {
		hungUp()
		return
	}
	p.answer(v)
	machine := suffix(r.VisitorPhone) == "03"
	if r.DetectMachine {
		// Asynchronous detection: the line is up, the verdict comes later.
		p.report(ev(callback.VisitorPickedUp, ""))
		if !p.wait(p.delays.Detect, m, v) {
			hungUp()
			return
		}
		if machine {
			ended(callback.OutcomeMachine)
			return
		}
	}
	p.report(ev(callback.VisitorAnswered, ""))
	p.wait(p.delays.Talk, m, v)
	ended(callback.OutcomeCompleted)
}

// wait sleeps d unless one of calls is hung up or the simulator stops; it
// reports whether the calls are still on.
func (p *Provider) wait(d time.Duration, calls ...*call) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	var second <-chan struct{}
	if len(calls) > 1 {
		second = calls[1].hangup
	}
	select {
	case <-t.C:
		return true
	case <-calls[0].hangup:
		return false
	case <-second:
		return false
	case <-p.ctx.Done():
		return false
	}
}

func suffix(phone string) string {
	if len(phone) < 2 {
		return ""
	}
	return phone[len(phone)-2:]
}

func randomHex() string {
	b := make([]byte, 12)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
