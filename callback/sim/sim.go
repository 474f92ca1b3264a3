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
package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/beckonhq/beckon/callback"
)

// Delays of a simulated call; Scale multiplies them all.
type Delays struct {
	Ring   time.Duration // from dialling to ringing
	Answer time.Duration // from ringing to picking up
	Press  time.Duration // from the whisper to pressing the digit
	Talk   time.Duration // length of the conversation
}

// DefaultDelays feel like a real call, compressed: the demo shows every
// step without a long wait.
var DefaultDelays = Delays{Ring: 400 * time.Millisecond, Answer: 1500 * time.Millisecond,
	Press: 1500 * time.Millisecond, Talk: 8 * time.Second}

// Provider simulates calls. Report must be set (Bind) before calls are made.
type Provider struct {
	delays Delays
	rep    callback.Reporter

	mu    sync.Mutex
	calls map[string]*call
	wg    sync.WaitGroup
	stop  chan struct{}
	once  sync.Once
}

type call struct {
	ended   bool
	outcome callback.Outcome
	hangup  chan struct{}
}

// New makes a simulator with the given delays.
func New(d Delays) *Provider {
	return &Provider{delays: d, calls: map[string]*call{}, stop: make(chan struct{})}
}

// Bind sets where events go: the engine.
func (p *Provider) Bind(r callback.Reporter) { p.rep = r }

// Name implements callback.Provider.
func (p *Provider) Name() string { return "sim" }

// Close ends every simulated call and waits for their goroutines.
func (p *Provider) Close() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// CallManager implements callback.Provider.
func (p *Provider) CallManager(ctx context.Context, mc callback.ManagerCall) (string, error) {
	id := "SIM" + randomHex()
	c := &call{hangup: make(chan struct{})}
	p.mu.Lock()
	p.calls[id] = c
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.run(id, c, mc)
	}()
	return id, nil
}

// Hangup implements callback.Provider.
func (p *Provider) Hangup(ctx context.Context, callID string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.calls[callID]; c != nil && !c.ended {
		c.ended, c.outcome = true, callback.OutcomeCanceled
		close(c.hangup)
	}
	return nil
}

// CallState implements callback.Provider.
func (p *Provider) CallState(ctx context.Context, callID string) (callback.CallState, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls[callID]
	if c == nil {
		return callback.CallState{}, callback.ErrUnknownCall
	}
	return callback.CallState{Ended: c.ended, Outcome: c.outcome}, nil
}

// run plays one manager call and, when confirmed, its visitor leg.
func (p *Provider) run(id string, c *call, mc callback.ManagerCall) {
	report := func(ref callback.LegRef, kind callback.EventKind, callID string, out callback.Outcome) callback.Reply {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r, _ := p.rep.Report(ctx, callback.Event{Ref: ref, Kind: kind, CallID: callID, Outcome: out})
		return r
	}
	end := func(out callback.Outcome) {
		p.mu.Lock()
		already := c.ended
		c.ended, c.outcome = true, out
		p.mu.Unlock()
		if already {
			out = callback.OutcomeCanceled
		}
		report(mc.Ref, callback.ManagerEnded, id, out)
	}
	if !p.wait(c, p.delays.Ring) {
		end(callback.OutcomeCanceled)
		return
	}
	report(mc.Ref, callback.ManagerRinging, id, "")
	switch suffix(mc.ManagerPhone) {
	case "01":
		p.wait(c, min(mc.RingTimeout, 3*p.delays.Answer))
		end(callback.OutcomeNoAnswer)
		return
	case "02":
		end(callback.OutcomeBusy)
		return
	}
	if !p.wait(c, p.delays.Answer) {
		end(callback.OutcomeCanceled)
		return
	}
	r := report(mc.Ref, callback.ManagerAnswered, id, "")
	if r.Action != callback.ActionConfirm || suffix(mc.ManagerPhone) == "03" {
		p.wait(c, p.delays.Press)
		end(callback.OutcomeCompleted)
		return
	}
	if !p.wait(c, p.delays.Press) {
		end(callback.OutcomeCanceled)
		return
	}
	r = report(mc.Ref, callback.ManagerConfirmed, id, "")
	if r.Action != callback.ActionDial {
		end(callback.OutcomeCompleted)
		return
	}
	vref := callback.LegRef{SiteID: mc.Ref.SiteID, CallbackID: mc.Ref.CallbackID, LegID: r.VisitorLegID}
	vid := id + "-v"
	if !p.wait(c, p.delays.Ring) {
		report(vref, callback.VisitorEnded, vid, callback.OutcomeCanceled)
		end(callback.OutcomeCanceled)
		return
	}
	report(vref, callback.VisitorRinging, vid, "")
	var out callback.Outcome
	switch suffix(r.VisitorPhone) {
	case "01":
		p.wait(c, min(r.DialTimeout, 3*p.delays.Answer))
		out = callback.OutcomeNoAnswer
	case "02":
		out = callback.OutcomeBusy
	case "03":
		p.wait(c, p.delays.Answer)
		out = callback.OutcomeNoAnswer
		if r.DetectMachine {
			out = callback.OutcomeMachine
		}
	}
	if out != "" {
		report(vref, callback.VisitorEnded, vid, out)
		p.wait(c, p.delays.Ring) // the manager hears the reply's message
		end(callback.OutcomeCompleted)
		return
	}
	if !p.wait(c, p.delays.Answer) {
		report(vref, callback.VisitorEnded, vid, callback.OutcomeCanceled)
		end(callback.OutcomeCanceled)
		return
	}
	report(vref, callback.VisitorAnswered, vid, "")
	p.wait(c, p.delays.Talk)
	report(vref, callback.VisitorEnded, vid, callback.OutcomeCompleted)
	end(callback.OutcomeCompleted)
}

// wait sleeps d unless the call is hung up or the simulator stops; it
// reports whether the call is still on.
func (p *Provider) wait(c *call, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.hangup:
		return false
	case <-p.stop:
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
