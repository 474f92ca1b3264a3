// Package twiliofake is a local stand-in for Twilio's Voice REST API that
// speaks the real protocol, for tests and load tools.
//
// It serves the Calls resource (create, fetch, update) on an httptest
// server, checks Basic auth, and plays every call out in a goroutine the way
// Twilio would: signed status callbacks, the answer URL, TwiML (<Say>,
// <Gather>, <Dial><Number>, <Pause>, <Redirect>, <Hangup>) with <Gather> and
// <Dial> actions, child legs with their own callbacks and answering machine
// detection. How each phone number behaves is scripted with Script; what
// happened is read back with Calls, and WaitFor waits for it.
//
//	fake := twiliofake.New(twiliofake.Options{})
//	defer fake.Close()
//	fake.Script("+79990000002", twiliofake.Behavior{Busy: true, RingFor: 50 * time.Millisecond})
//	// point the provider's APIBaseURL at fake.URL(), its credentials at
//	// fake.AccountSID() and fake.AuthToken()
package twiliofake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Options configure a fake. Zero values give working defaults.
type Options struct {
	AccountSID string // default: a random AC…
	AuthToken  string // default: random
	// HTTPClient sends the webhooks (default: 15s timeout, like Twilio's).
	// Give one with a rewriting transport to play a reverse proxy. Close
	// closes its idle connections.
	HTTPClient *http.Client
	// Second is how long one of Twilio's seconds lasts here: the Timeout of
	// a call, the timeout of <Dial> and <Gather>, <Pause length>. Default:
	// a real second; tests use a few milliseconds.
	Second time.Duration
	// Step is how long each <Say> takes and how long before a key is
	// pressed or a call goes from one state to the next. Default 2ms.
	Step time.Duration
	// AMDAfter is how long machine detection listens before it decides.
	// Default 20ms.
	AMDAfter time.Duration
	// SyncAMD picks the order of machine detection on a <Number>. False
	// (the default) is Twilio's asynchronous order: the leg is bridged at
	// once, its in-progress status callback carries no AnsweredBy, and the
	// verdict comes AMDAfter later to amdStatusCallback. True: detection
	// decides before the leg is bridged, so the in-progress callback
	// already carries AnsweredBy and amdStatusCallback follows at once.
	// (Calls created through the API follow their AsyncAmd parameter.)
	SyncAMD bool
	// Now is Twilio's clock, read for the Timestamp of status callbacks
	// (whole seconds, as Twilio writes it). Default time.Now; tests give a
	// skewed or backward clock.
	Now func() time.Time
	// Default is how numbers without a Script behave (default:
	// DefaultBehavior).
	Default *Behavior
}

// Behavior is how the phone at one number behaves.
type Behavior struct {
	// Answer: picks up after RingFor (unless the call's timeout ends the
	// ringing first). When neither Answer, Busy nor Fail is set the phone
	// rings (RingFor, or the whole timeout when zero) and nobody answers.
	Answer  bool
	RingFor time.Duration
	// Digits are the keys pressed, one <Gather> after another: each takes
	// up to its numDigits from the front ("21": a wrong key, then 1). A
	// <Gather> with no keys left times out.
	Digits string
	// TalkFor is how long this party talks when it was dialled by <Dial>
	// before hanging up (0: until the other side hangs up).
	TalkFor time.Duration
	// HangUpAfter: a party called through the API hangs up this long after
	// answering, whatever it hears (0: stays until the TwiML ends).
	HangUpAfter time.Duration
	Busy        bool // the line is busy
	NoAnswer    bool // rings and nobody answers
	Fail        bool // the call cannot be placed: "failed"
	// Machine: an answering machine picks up. Where detection was asked
	// for, AnsweredBy says machine_start; otherwise it is like a human.
	Machine bool
	// AnsweredBy, when set, is the verdict machine detection gives
	// instead: human, unknown, machine_start, machine_end_beep,
	// machine_end_silence, machine_end_other or fax.
	AnsweredBy string
}

// DefaultBehavior answers quickly, presses 1 and talks briefly.
var DefaultBehavior = Behavior{Answer: true, RingFor: 10 * time.Millisecond, Digits: "1", TalkFor: 50 * time.Millisecond}

// Call is what the fake knows about one leg; Calls returns copies.
type Call struct {
	SID       string
	ParentSID string // the calling leg of a <Dial>ed leg
	Direction string // outbound-api (created through the API) or outbound-dial
	To, From  string
	// Status is Twilio's: queued, initiated, ringing, in-progress,
	// completed, busy, no-answer, failed, canceled.
	Status     string
	AnsweredBy string // with machine detection: human, unknown, machine_…, fax

	// What the API was asked (outbound-api legs): the form as posted, and
	// the parameters the fake acts on.
	Form                url.Values
	URL                 string
	StatusCallback      string
	StatusCallbackEvent []string
	Timeout             int
	MachineDetection    string
	AsyncAmd            bool   // the verdict goes to AsyncAmdStatusCallback while the TwiML runs
	AmdStatusCallback   string // where the verdict goes (AsyncAmdStatusCallback, <Number amdStatusCallback>)

	Said     []Said    // what the party heard, in order
	Digits   string    // keys pressed
	Dials    []Dial    // <Dial>s this leg ran
	Children []string  // sids of the legs it dialled
	Webhooks []Webhook // requests the fake made for this leg
	Errors   []string  // what went wrong: failed webhooks, bad TwiML

	CreatedAt, AnsweredAt, EndedAt time.Time
	Duration                       int // seconds in progress, as Twilio rounds them (at least 1 when answered)
}

// Ended tells whether the call is over.
func (c Call) Ended() bool {
	switch c.Status {
	case "completed", "busy", "no-answer", "failed", "canceled":
		return true
	}
	return false
}

// SaidTexts returns the texts of Said.
func (c Call) SaidTexts() []string {
	out := make([]string, len(c.Said))
	for i, s := range c.Said {
		out[i] = s.Text
	}
	return out
}

// Said is one <Say>.
type Said struct {
	Text     string
	Language string
	Voice    string
}

// Dial is one <Dial> verb as the fake ran it.
type Dial struct {
	Attrs          map[string]string // the <Dial> attributes, as given
	Number         string
	NumberAttrs    map[string]string // the <Number> attributes
	ChildSID       string
	DialCallStatus string
}

// Webhook is one request the fake made.
type Webhook struct {
	Kind   string // status, url, gather, dial-action, amd, redirect, number-url
	URL    string
	Form   url.Values
	Status int    // the response's status; 0 when the request failed
	Err    string // transport error
	At     time.Time
}

// CreateRequest records one POST to Calls.json as it arrived.
type CreateRequest struct {
	At     time.Time
	To     string
	From   string // the caller id asked for
	Status int    // what the fake answered
	SID    string // the call's sid when created
}

// Fake is a running fake Twilio.
type Fake struct {
	opts   Options
	srv    *httptest.Server
	client *http.Client

	ctx    context.Context // ends at Close: every leg stops
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	scripts  map[string]Behavior
	calls    map[string]*call
	order    []*call
	creates  []CreateRequest
	failN    int
	failCode int
	changed  chan struct{} // closed and replaced on every change
}

// New starts a fake on a local port.
func New(opts Options) *Fake {
	if opts.AccountSID == "" {
		opts.AccountSID = "AC" + randomHex(16)
	}
	if opts.AuthToken == "" {
		opts.AuthToken = randomHex(16)
	}
	if opts.Second <= 0 {
		opts.Second = time.Second
	}
	if opts.Step <= 0 {
		opts.Step = 2 * time.Millisecond
	}
	if opts.AMDAfter <= 0 {
		opts.AMDAfter = 20 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	f := &Fake{
		opts:    opts,
		client:  opts.HTTPClient,
		scripts: make(map[string]Behavior),
		calls:   make(map[string]*call),
		changed: make(chan struct{}),
	}
	if f.client == nil {
		f.client = &http.Client{Timeout: 15 * time.Second}
	}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.srv = httptest.NewServer(f.routes())
	return f
}

// URL is the API's base URL, in place of https://api.twilio.com.
func (f *Fake) URL() string { return f.srv.URL }

// AccountSID is the account the API accepts.
func (f *Fake) AccountSID() string { return f.opts.AccountSID }

// AuthToken is the account's token: the API's password and the webhooks'
// signing key.
func (f *Fake) AuthToken() string { return f.opts.AuthToken }

// Close hangs every call up without further webhooks, waits for the legs'
// goroutines and stops the server.
func (f *Fake) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.cancel()
	f.wg.Wait()
	f.srv.Close()
	f.client.CloseIdleConnections()
}

// Script sets how the phone at number behaves from the next call on.
func (f *Fake) Script(number string, b Behavior) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[number] = b
}

// FailNextCreates makes the next n creates fail with status (e.g. 500, 503,
// 429) and Twilio's error JSON.
func (f *Fake) FailNextCreates(n int, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failN, f.failCode = n, status
}

// Calls returns every leg, in the order they were placed.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Call, len(f.order))
	for i, c := range f.order {
		out[i] = c.snapshot()
	}
	return out
}

// Call returns one leg.
func (f *Fake) Call(sid string) (Call, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.calls[sid]
	if !ok {
		return Call{}, false
	}
	return c.snapshot(), true
}

// Creates returns every POST to Calls.json with the time it arrived.
func (f *Fake) Creates() []CreateRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.creates)
}

// WaitFor waits until cond holds, checking it after every change, and
// tells whether it did within timeout. cond may call the fake's methods.
func (f *Fake) WaitFor(cond func() bool, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-t.C:
			return cond()
		}
	}
}

// WaitEnded waits for the leg sid to end and returns it.
func (f *Fake) WaitEnded(sid string, timeout time.Duration) (Call, bool) {
	var c Call
	ok := f.WaitFor(func() bool {
		var found bool
		c, found = f.Call(sid)
		return found && c.Ended()
	}, timeout)
	return c, ok
}

// WaitIdle waits until every leg has ended.
func (f *Fake) WaitIdle(timeout time.Duration) bool {
	return f.WaitFor(func() bool {
		for _, c := range f.Calls() {
			if !c.Ended() {
				return false
			}
		}
		return true
	}, timeout)
}

// notify wakes WaitFor; f.mu is held.
func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// update changes c under the lock and wakes the waiters.
func (f *Fake) update(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
	f.notify()
}

func (f *Fake) behavior(number string) Behavior {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.scripts[number]; ok {
		return b
	}
	if f.opts.Default != nil {
		return *f.opts.Default
	}
	return DefaultBehavior
}

// call is a leg while it runs; its public part is guarded by Fake.mu.
type call struct {
	Call
	behavior Behavior
	keys     string          // keys not yet pressed
	events   map[string]bool // status callback events asked for
	seq      int             // SequenceNumber of status callbacks
	amd      bool            // machine detection asked for
	// numberURL is the <Number url> of a dialled leg: TwiML played to
	// the called party once it answers, before the bridge.
	numberURL string

	ctx      context.Context // ends when the leg is hung up (API, parent, Close)
	cancel   context.CancelFunc
	redirect chan next // from the update API
	endAs    string    // the status the API ended it with
}

func (c *call) snapshot() Call {
	s := c.Call
	s.Form = cloneValues(c.Form)
	s.StatusCallbackEvent = slices.Clone(c.StatusCallbackEvent)
	s.Said = slices.Clone(c.Said)
	s.Dials = make([]Dial, len(c.Dials))
	for i, d := range c.Dials {
		d.Attrs = maps.Clone(d.Attrs)
		d.NumberAttrs = maps.Clone(d.NumberAttrs)
		s.Dials[i] = d
	}
	s.Children = slices.Clone(c.Children)
	s.Webhooks = make([]Webhook, len(c.Webhooks))
	for i, w := range c.Webhooks {
		w.Form = cloneValues(w.Form)
		s.Webhooks[i] = w
	}
	s.Errors = slices.Clone(c.Errors)
	return s
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newSID() string { return "CA" + randomHex(16) }
