package twilio_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
)

const (
	managerPhone = "+79990000001"
	visitorPhone = "+79990000002"
	siteNumber   = "+74950000000" // the caller id the visitor sees
	defaultFrom  = "+15005550006" // the provider's own number
	visitorLeg   = "leg-v1"
	whisper      = "Заявка с сайта shop.example: Иван. Нажмите 1, чтобы соединиться."
	connecting   = "Соединяю с клиентом."
	noAnswerSay  = "Клиент не ответил. Мы перезвоним ему позже."

	wait = 5 * time.Second
)

var managerRef = callback.LegRef{SiteID: "site1", CallbackID: "cb1", LegID: "leg-m1"}

// recorder is the Reporter: it records events and answers them the way the
// engine would, unless a test scripts otherwise.
type recorder struct {
	mu     sync.Mutex
	events []callback.Event
	reply  func(callback.Event) (callback.Reply, error)
}

func (r *recorder) Report(_ context.Context, ev callback.Event) (callback.Reply, error) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	fn := r.reply
	r.mu.Unlock()
	return fn(ev)
}

func (r *recorder) Events() []callback.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *recorder) setReply(fn func(callback.Event) (callback.Reply, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reply = fn
}

func kinds(evs []callback.Event) []callback.EventKind {
	out := make([]callback.EventKind, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind
	}
	return out
}

func (r *recorder) find(kind callback.EventKind) (callback.Event, bool) {
	for _, ev := range r.Events() {
		if ev.Kind == kind {
			return ev, true
		}
	}
	return callback.Event{}, false
}

// engine answers like the callback engine: confirm with the whisper, dial
// the visitor, and tell the manager when the visitor did not talk.
type engine struct {
	detectMachine bool
	record        bool
}

func (e engine) reply(ev callback.Event) (callback.Reply, error) {
	switch ev.Kind {
	case callback.ManagerAnswered:
		return callback.Reply{Action: callback.ActionConfirm, Say: whisper, Language: "ru", ConfirmDigit: "1"}, nil
	case callback.ManagerConfirmed:
		return callback.Reply{
			Action: callback.ActionDial, Say: connecting, Language: "ru",
			VisitorLegID: visitorLeg, VisitorPhone: visitorPhone, CallerID: siteNumber,
			DialTimeout: 20 * time.Second, DetectMachine: e.detectMachine, Record: e.record,
		}, nil
	case callback.VisitorEnded:
		if ev.Outcome == callback.OutcomeCompleted {
			return callback.Reply{Action: callback.ActionHangup}, nil
		}
		return callback.Reply{Action: callback.ActionHangup, Say: noAnswerSay, Language: "ru"}, nil
	}
	return callback.Reply{}, nil
}

type env struct {
	t      *testing.T
	fake   *twiliofake.Fake
	prov   *twilio.Provider
	rep    *recorder
	public string // PublicURL
	listen string // where the app really listens
}

type envConfig struct {
	public string // PublicURL; default: the listener's URL
	from   string
	engine engine
	voices map[string]string // Options.Voices
	// syncAMD: the fake decides machine or human before the bridge (the
	// in-progress callback carries AnsweredBy); default: Twilio's
	// asynchronous order, the verdict after in-progress.
	syncAMD bool
}

// newEnv starts a Fiber app with the provider's webhooks on 127.0.0.1, a
// fake Twilio, and a provider talking to it through twilio-go. With a
// public URL other than the listener's, the fake reaches the app through a
// "reverse proxy" that maps the public URL onto the listener.
func newEnv(t *testing.T, cfg envConfig) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, listen: "http://" + ln.Addr().String(), rep: &recorder{reply: cfg.engine.reply}}
	e.public = cfg.public
	if e.public == "" {
		e.public = e.listen
	}
	hooks := &http.Client{Timeout: 10 * time.Second}
	if e.public != e.listen {
		hooks.Transport = &reverseProxy{public: e.public, backend: e.listen, next: http.DefaultTransport}
	}
	e.fake = twiliofake.New(twiliofake.Options{
		HTTPClient: hooks,
		Second:     10 * time.Millisecond,
		Step:       2 * time.Millisecond,
		AMDAfter:   20 * time.Millisecond,
		SyncAMD:    cfg.syncAMD,
	})
	from := cfg.from
	if from == "" {
		from = defaultFrom
	}
	e.prov, err = twilio.New(twilio.Options{
		AccountSID: e.fake.AccountSID(),
		AuthToken:  e.fake.AuthToken(),
		From:       from,
		PublicURL:  e.public,
		APIBaseURL: e.fake.URL(),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Voices:     cfg.voices,
	})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	e.prov.Mount(app, e.rep)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(time.Second) })
	t.Cleanup(e.fake.Close) // runs first: no webhook comes after it
	return e
}

// reverseProxy plays a proxy in front of the app: requests to the public
// URL go to the backend with the public path prefix stripped.
type reverseProxy struct {
	public, backend string
	next            http.RoundTripper
}

func (p *reverseProxy) RoundTrip(r *http.Request) (*http.Response, error) {
	rest, ok := strings.CutPrefix(r.URL.String(), p.public)
	if !ok {
		return nil, errors.New("proxy: not a public URL: " + r.URL.String())
	}
	u, err := url.Parse(p.backend + rest)
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.URL = u
	r2.Host = ""
	return p.next.RoundTrip(r2)
}

func managerCall() callback.ManagerCall {
	return callback.ManagerCall{
		Ref:          managerRef,
		ManagerName:  "Anna",
		ManagerPhone: managerPhone,
		Whisper:      whisper,
		Language:     "ru",
		ConfirmDigit: "1",
		RingTimeout:  20 * time.Second,
	}
}

// call rings the manager and waits for every leg to end and for the
// manager's end to be reported.
func (e *env) call(mc callback.ManagerCall) (twiliofake.Call, []callback.Event) {
	e.t.Helper()
	sid, err := e.prov.CallManager(context.Background(), mc)
	if err != nil {
		e.t.Fatalf("CallManager: %v", err)
	}
	if !e.fake.WaitIdle(wait) {
		e.t.Fatalf("calls did not end: %+v", e.fake.Calls())
	}
	eventually(e.t, func() bool { _, ok := e.rep.find(callback.ManagerEnded); return ok })
	c, _ := e.fake.Call(sid)
	return c, e.rep.Events()
}

// child returns the leg the manager's call dialled.
func (e *env) child(parent twiliofake.Call) twiliofake.Call {
	e.t.Helper()
	if len(parent.Children) != 1 {
		e.t.Fatalf("manager call dialled %d legs, want 1", len(parent.Children))
	}
	c, _ := e.fake.Call(parent.Children[0])
	return c
}

// noErrors checks that every webhook the fake made got a 2xx.
func (e *env) noErrors() {
	e.t.Helper()
	for _, c := range e.fake.Calls() {
		if len(c.Errors) > 0 {
			e.t.Errorf("call %s to %s: %v", c.SID, c.To, c.Errors)
		}
	}
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBridge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		engine engine
	}{
		{"plain", engine{}},
		{"record and detect machines", engine{record: true, detectMachine: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{engine: tc.engine})
			m, evs := e.call(managerCall())
			e.noErrors()

			// The manager's leg, as the API was asked.
			if m.To != managerPhone || m.From != defaultFrom || m.Status != "completed" || m.Timeout != 20 {
				t.Errorf("manager call: to %s from %s status %s timeout %d", m.To, m.From, m.Status, m.Timeout)
			}
			answer, _ := url.Parse(m.URL)
			if !strings.HasPrefix(m.URL, e.public+"/hooks/twilio/answer?") ||
				answer.Query().Get("site_id") != "site1" || answer.Query().Get("callback_id") != "cb1" ||
				answer.Query().Get("leg_id") != "leg-m1" {
				t.Errorf("answer URL %s", m.URL)
			}
			if !strings.HasPrefix(m.StatusCallback, e.public+"/hooks/twilio/status?") {
				t.Errorf("status callback %s", m.StatusCallback)
			}
			if want := []string{"initiated", "ringing", "answered", "completed"}; !slices.Equal(m.StatusCallbackEvent, want) {
				t.Errorf("status events %v, want %v", m.StatusCallbackEvent, want)
			}

			// What the manager heard and pressed.
			if want := []string{whisper, connecting}; !slices.Equal(m.SaidTexts(), want) {
				t.Errorf("manager heard %q, want %q", m.SaidTexts(), want)
			}
			if m.Said[0].Language != "ru-RU" {
				t.Errorf("whisper language %q", m.Said[0].Language)
			}
			if m.Digits != "1" {
				t.Errorf("pressed %q", m.Digits)
			}

			// The <Dial>.
			d := m.Dials[0]
			if d.Attrs["answerOnBridge"] != "true" || d.Attrs["callerId"] != siteNumber || d.Attrs["timeout"] != "20" ||
				!strings.HasPrefix(d.Attrs["action"], e.public+"/hooks/twilio/dialed?") {
				t.Errorf("dial attributes %v", d.Attrs)
			}
			if got, want := d.Attrs["record"], map[bool]string{true: "record-from-answer-dual"}[tc.engine.record]; got != want {
				t.Errorf("record = %q, want %q", got, want)
			}
			if d.Number != visitorPhone || d.NumberAttrs["statusCallbackEvent"] != "initiated ringing answered completed" ||
				!strings.HasPrefix(d.NumberAttrs["statusCallback"], e.public+"/hooks/twilio/visitor-status?") {
				t.Errorf("number %s %v", d.Number, d.NumberAttrs)
			}
			if tc.engine.detectMachine != (d.NumberAttrs["machineDetection"] == "Enable") ||
				tc.engine.detectMachine != strings.HasPrefix(d.NumberAttrs["amdStatusCallback"], e.public+"/hooks/twilio/amd?") {
				t.Errorf("machine detection attributes %v", d.NumberAttrs)
			}
			v := e.child(m)
			if v.To != visitorPhone || v.From != siteNumber || v.Status != "completed" || d.DialCallStatus != "completed" {
				t.Errorf("visitor leg: to %s from %s status %s dial status %s", v.To, v.From, v.Status, d.DialCallStatus)
			}

			// The events, in order. The visitor's end comes twice: from its
			// status callback and from the <Dial> action.
			// With detection, picking up is not yet an answer: the
			// verdict ("human") comes after it.
			answered := []callback.EventKind{callback.VisitorAnswered}
			if tc.engine.detectMachine {
				answered = []callback.EventKind{callback.VisitorPickedUp, callback.VisitorAnswered}
			}
			want := slices.Concat([]callback.EventKind{
				callback.ManagerRinging, callback.ManagerAnswered, callback.ManagerConfirmed, callback.VisitorRinging,
			}, answered, []callback.EventKind{callback.VisitorEnded, callback.VisitorEnded, callback.ManagerEnded})
			if got := kinds(evs); !slices.Equal(got, want) {
				t.Fatalf("events %v, want %v", got, want)
			}
			for _, ev := range evs {
				visitor := strings.HasPrefix(string(ev.Kind), "visitor_")
				wantRef, wantSID := managerRef, m.SID
				if visitor {
					wantRef = callback.LegRef{SiteID: "site1", CallbackID: "cb1", LegID: visitorLeg}
					wantSID = v.SID
				}
				if ev.Ref != wantRef || ev.CallID != wantSID {
					t.Errorf("%s: ref %+v call %s, want %+v %s", ev.Kind, ev.Ref, ev.CallID, wantRef, wantSID)
				}
				ended := ev.Kind == callback.VisitorEnded || ev.Kind == callback.ManagerEnded
				if ended && ev.Outcome != callback.OutcomeCompleted || !ended && ev.Outcome != "" {
					t.Errorf("%s: outcome %q", ev.Kind, ev.Outcome)
				}
				// Status callbacks carry Twilio's time, in whole seconds.
				fromStatus := ev.Kind == callback.ManagerRinging || ev.Kind == callback.ManagerEnded || ev.Kind == callback.VisitorRinging
				if fromStatus && (ev.ProviderAt.IsZero() || ev.ProviderAt.Nanosecond() != 0) {
					t.Errorf("%s: provider time %v", ev.Kind, ev.ProviderAt)
				}
			}
		})
	}
}

func TestManagerDoesNotTalk(t *testing.T) {
	for _, tc := range []struct {
		name     string
		behavior twiliofake.Behavior
		outcome  callback.Outcome
	}{
		{"no answer", twiliofake.Behavior{NoAnswer: true, RingFor: 30 * time.Millisecond}, callback.OutcomeNoAnswer},
		{"rings past the timeout", twiliofake.Behavior{Answer: true, RingFor: time.Hour}, callback.OutcomeNoAnswer},
		{"busy", twiliofake.Behavior{Busy: true}, callback.OutcomeBusy},
		{"failed", twiliofake.Behavior{Fail: true}, callback.OutcomeFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{})
			e.fake.Script(managerPhone, tc.behavior)
			m, evs := e.call(managerCall())
			e.noErrors()
			last := evs[len(evs)-1]
			if last.Kind != callback.ManagerEnded || last.Outcome != tc.outcome || last.CallID != m.SID {
				t.Errorf("last event %+v, want manager_ended %s", last, tc.outcome)
			}
			if _, ok := e.rep.find(callback.ManagerAnswered); ok {
				t.Error("manager_answered reported")
			}
			if len(m.Said) > 0 || len(m.Children) > 0 {
				t.Errorf("said %v, dialled %v", m.SaidTexts(), m.Children)
			}
		})
	}
}

func TestVisitorDoesNotTalk(t *testing.T) {
	for _, tc := range []struct {
		name     string
		behavior twiliofake.Behavior
		outcome  callback.Outcome
	}{
		{"busy", twiliofake.Behavior{Busy: true}, callback.OutcomeBusy},
		{"no answer", twiliofake.Behavior{NoAnswer: true, RingFor: 30 * time.Millisecond}, callback.OutcomeNoAnswer},
		{"rings past the dial timeout", twiliofake.Behavior{Answer: true, RingFor: time.Hour}, callback.OutcomeNoAnswer},
		{"failed", twiliofake.Behavior{Fail: true}, callback.OutcomeFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{})
			e.fake.Script(visitorPhone, tc.behavior)
			m, evs := e.call(managerCall())
			e.noErrors()
			var ends []callback.Event
			for _, ev := range evs {
				if ev.Kind == callback.VisitorEnded {
					ends = append(ends, ev)
				}
			}
			if len(ends) == 0 {
				t.Fatalf("no visitor_ended in %v", kinds(evs))
			}
			for _, ev := range ends {
				if ev.Outcome != tc.outcome || ev.Ref.LegID != visitorLeg {
					t.Errorf("visitor_ended %+v, want %s", ev, tc.outcome)
				}
			}
			if _, ok := e.rep.find(callback.VisitorAnswered); ok {
				t.Error("visitor_answered reported")
			}
			// The manager hears what happens next, then the call ends.
			if want := []string{whisper, connecting, noAnswerSay}; !slices.Equal(m.SaidTexts(), want) {
				t.Errorf("manager heard %q, want %q", m.SaidTexts(), want)
			}
			if last := evs[len(evs)-1]; last.Kind != callback.ManagerEnded || last.Outcome != callback.OutcomeCompleted {
				t.Errorf("last event %+v", last)
			}
		})
	}
}

// TestVisitorMachine: whatever the order of the events (asynchronous
// detection: in-progress, then the verdict; synchronous: the verdict in
// in-progress) and whichever machine answered, the visitor's leg is
// reported ended by a machine, never answered, and hung up at once.
func TestVisitorMachine(t *testing.T) {
	for _, order := range []struct {
		name string
		sync bool
	}{{"asynchronous", false}, {"synchronous", true}} {
		for _, verdict := range []string{"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"} {
			t.Run(order.name+"/"+verdict, func(t *testing.T) {
				e := newEnv(t, envConfig{engine: engine{detectMachine: true}, syncAMD: order.sync})
				// The machine would talk for an hour: only detection ends it.
				e.fake.Script(visitorPhone, twiliofake.Behavior{Answer: true, AnsweredBy: verdict, TalkFor: time.Hour})
				m, evs := e.call(managerCall())
				e.noErrors()
				v := e.child(m)
				if v.AnsweredBy != verdict || v.EndedAt.Sub(v.AnsweredAt) > 2*time.Second {
					t.Errorf("visitor leg answered by %q, lasted %s", v.AnsweredBy, v.EndedAt.Sub(v.AnsweredAt))
				}
				var ends int
				for _, ev := range evs {
					switch ev.Kind {
					case callback.VisitorEnded:
						ends++
						if ev.Outcome != callback.OutcomeMachine || ev.CallID != v.SID {
							t.Errorf("visitor_ended %+v, want machine", ev)
						}
					case callback.VisitorAnswered:
						t.Errorf("a machine reported as answered: %v", kinds(evs))
					}
				}
				if ends == 0 {
					t.Fatalf("no visitor_ended in %v", kinds(evs))
				}
				_, pickedUp := e.rep.find(callback.VisitorPickedUp)
				if pickedUp == order.sync {
					t.Errorf("picked-up reported %v with synchronous detection %v: %v", pickedUp, order.sync, kinds(evs))
				}
				if got := m.SaidTexts(); got[len(got)-1] != noAnswerSay {
					t.Errorf("manager heard %q", got)
				}
			})
		}
	}
}

// TestVisitorHumanWithDetection: a person (or a verdict of unknown) is
// answered, in both orders; asynchronously the pick-up comes first.
func TestVisitorHumanWithDetection(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sync    bool
		verdict string
		want    []callback.EventKind
	}{
		{"asynchronous human", false, "human", []callback.EventKind{callback.VisitorRinging, callback.VisitorPickedUp, callback.VisitorAnswered}},
		{"asynchronous unknown", false, "unknown", []callback.EventKind{callback.VisitorRinging, callback.VisitorPickedUp, callback.VisitorAnswered}},
		{"synchronous human", true, "human", []callback.EventKind{callback.VisitorRinging, callback.VisitorAnswered}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{engine: engine{detectMachine: true}, syncAMD: tc.sync})
			e.fake.Script(visitorPhone, twiliofake.Behavior{Answer: true, AnsweredBy: tc.verdict, TalkFor: 100 * time.Millisecond})
			m, evs := e.call(managerCall())
			e.noErrors()
			if v := e.child(m); v.AnsweredBy != tc.verdict {
				t.Errorf("answered by %q", v.AnsweredBy)
			}
			var got []callback.EventKind
			for _, ev := range evs {
				switch ev.Kind {
				case callback.VisitorEnded:
					if ev.Outcome != callback.OutcomeCompleted {
						t.Errorf("visitor_ended %+v", ev)
					}
				case callback.VisitorRinging, callback.VisitorPickedUp, callback.VisitorAnswered:
					// The synchronous verdict comes twice (in-progress and
					// the amd webhook): the engine sees it once.
					if !slices.Contains(got, ev.Kind) {
						got = append(got, ev.Kind)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("visitor events %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConfirmDigit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		digits      string
		hangUpAfter time.Duration
		confirmed   bool
		heard       []string
	}{
		{"wrong, then right", "21", 0, true, []string{whisper, "Это не та клавиша. Нажмите 1, чтобы соединиться с клиентом.", connecting}},
		{"wrong twice", "23", 0, false, []string{whisper, "Это не та клавиша. Нажмите 1, чтобы соединиться с клиентом.", "До свидания."}},
		{"no key: the prompt once more, then goodbye", "", 0, false, []string{whisper, "Нажмите 1, чтобы соединиться с клиентом.", "Клавиша не нажата. До свидания."}},
		{"hangs up instead", "", 30 * time.Millisecond, false, []string{whisper}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{})
			e.fake.Script(managerPhone, twiliofake.Behavior{Answer: true, Digits: tc.digits, HangUpAfter: tc.hangUpAfter})
			m, _ := e.call(managerCall())
			e.noErrors()
			if _, ok := e.rep.find(callback.ManagerConfirmed); ok != tc.confirmed {
				t.Errorf("confirmed = %v", ok)
			}
			if !slices.Equal(m.SaidTexts(), tc.heard) {
				t.Errorf("heard %q, want %q", m.SaidTexts(), tc.heard)
			}
			if ended, _ := e.rep.find(callback.ManagerEnded); ended.Outcome != callback.OutcomeCompleted {
				t.Errorf("manager_ended %+v", ended)
			}
		})
	}
}

func TestHangupReplies(t *testing.T) {
	taken := "Заявку уже принял другой менеджер."
	for _, kind := range []callback.EventKind{callback.ManagerAnswered, callback.ManagerConfirmed} {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t, envConfig{})
			e.rep.setReply(func(ev callback.Event) (callback.Reply, error) {
				if ev.Kind == kind {
					return callback.Reply{Action: callback.ActionHangup, Say: taken, Language: "ru"}, nil
				}
				return engine{}.reply(ev)
			})
			m, _ := e.call(managerCall())
			e.noErrors()
			if got := m.SaidTexts(); got[len(got)-1] != taken || len(m.Children) > 0 {
				t.Errorf("heard %q, dialled %v", got, m.Children)
			}
		})
	}
}

func TestWhisperEscaped(t *testing.T) {
	e := newEnv(t, envConfig{})
	say := `Заявка от <Ivan & Co> "VIP"`
	e.rep.setReply(func(ev callback.Event) (callback.Reply, error) {
		if ev.Kind == callback.ManagerAnswered {
			return callback.Reply{Action: callback.ActionConfirm, Say: say, Language: "en"}, nil
		}
		return engine{}.reply(ev)
	})
	m, _ := e.call(managerCall())
	e.noErrors()
	if len(m.Said) == 0 || m.Said[0].Text != say || m.Said[0].Language != "en-US" {
		t.Fatalf("heard %+v", m.Said)
	}

	// The TwiML itself.
	res, body := e.post("/hooks/twilio/answer?"+refQuery(managerRef).Encode(), url.Values{"CallSid": {m.SID}, "CallStatus": {"in-progress"}}, true)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "&lt;Ivan &amp; Co&gt;") || strings.Contains(body, "<Ivan") {
		t.Errorf("not escaped: %s", body)
	}
}

func refQuery(ref callback.LegRef) url.Values {
	return url.Values{"site_id": {ref.SiteID}, "callback_id": {ref.CallbackID}, "leg_id": {ref.LegID}}
}

// post sends a webhook to the app's listener; signed, it carries the
// signature Twilio would compute over the public URL.
func (e *env) post(pathQuery string, form url.Values, signed bool) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.listen+pathQuery, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signed {
		req.Header.Set("X-Twilio-Signature", twiliofake.Sign(e.fake.AuthToken(), e.public+pathQuery, form))
	}
	return do(e.t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestWebhookSignature(t *testing.T) {
	// Behind a proxy: Twilio signs the public URL, the app listens elsewhere.
	e := newEnv(t, envConfig{public: "https://beckon.example/prefix"})
	q := refQuery(managerRef)
	q.Set("digit", "1")
	q.Set("try", "1")
	pathQuery := "?" + q.Encode()
	form := url.Values{
		"CallSid": {"CA0123456789abcdef0123456789abcdef"}, "CallStatus": {"ringing"},
		"Digits": {"1"}, "DialCallStatus": {"busy"}, "AnsweredBy": {"machine_start"},
	}
	for _, hook := range []string{"answer", "confirm", "dialed", "status", "visitor-status", "amd"} {
		path := "/hooks/twilio/" + hook + pathQuery
		for _, tc := range []struct {
			name string
			sig  string
		}{
			{"missing", ""},
			{"wrong token", twiliofake.Sign("not-the-token", e.public+path, form)},
			{"over the listener's URL", twiliofake.Sign(e.fake.AuthToken(), e.listen+path, form)},
			{"over other parameters", twiliofake.Sign(e.fake.AuthToken(), e.public+path, url.Values{"CallSid": {"CA1"}})},
			{"over another leg", twiliofake.Sign(e.fake.AuthToken(), e.public+strings.Replace(path, "leg-m1", "leg-x", 1), form)},
		} {
			req, _ := http.NewRequest(http.MethodPost, e.listen+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.sig != "" {
				req.Header.Set("X-Twilio-Signature", tc.sig)
			}
			if res, _ := do(t, req); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s, signature %s: status %d, want 403", hook, tc.name, res.StatusCode)
			}
		}
	}
	if evs := e.rep.Events(); len(evs) > 0 {
		t.Fatalf("reported %v", kinds(evs))
	}

	// Signed over the public URL, each is taken.
	e.rep.setReply(func(callback.Event) (callback.Reply, error) { return callback.Reply{}, nil })
	for _, hook := range []string{"answer", "confirm", "dialed", "status", "visitor-status", "amd"} {
		if res, body := e.post("/hooks/twilio/"+hook+pathQuery, form, true); res.StatusCode/100 != 2 {
			t.Errorf("%s: status %d %s", hook, res.StatusCode, body)
		}
	}
	want := []callback.EventKind{callback.ManagerAnswered, callback.ManagerConfirmed, callback.VisitorEnded,
		callback.ManagerRinging, callback.VisitorRinging, callback.VisitorEnded}
	if got := kinds(e.rep.Events()); !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
}

func TestBehindProxy(t *testing.T) {
	e := newEnv(t, envConfig{public: "https://beckon.example/prefix"})
	m, evs := e.call(managerCall())
	e.noErrors()
	if !strings.HasPrefix(m.URL, "https://beckon.example/prefix/hooks/twilio/answer?") {
		t.Errorf("answer URL %s", m.URL)
	}
	if _, ok := e.rep.find(callback.VisitorAnswered); !ok || evs[len(evs)-1].Kind != callback.ManagerEnded {
		t.Errorf("events %v", kinds(evs))
	}
}

func TestReportFails(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.rep.setReply(func(ev callback.Event) (callback.Reply, error) {
		if ev.Kind == callback.ManagerAnswered {
			return callback.Reply{}, errors.New("store down")
		}
		return callback.Reply{}, nil
	})
	m, _ := e.call(managerCall())
	var failed bool
	for _, w := range m.Webhooks {
		if w.Kind == "url" && w.Status == http.StatusInternalServerError {
			failed = true
		}
	}
	if !failed || len(m.Said) > 0 {
		t.Errorf("webhooks %+v, said %v", m.Webhooks, m.SaidTexts())
	}
	if ended, _ := e.rep.find(callback.ManagerEnded); ended.Outcome != callback.OutcomeCompleted {
		t.Errorf("manager_ended %+v", ended)
	}
}

func TestCreateFails(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable} {
		e := newEnv(t, envConfig{})
		e.fake.FailNextCreates(1, status)
		_, err := e.prov.CallManager(context.Background(), managerCall())
		var re *twclient.TwilioRestError
		if !errors.As(err, &re) || re.Status != status {
			t.Fatalf("status %d: err %v", status, err)
		}
		if creates := e.fake.Creates(); len(creates) != 1 || creates[0].Status != status || creates[0].To != managerPhone {
			t.Errorf("creates %+v", creates)
		}
		if len(e.fake.Calls()) != 0 {
			t.Errorf("a call was placed")
		}
		// The next one goes through.
		if _, err := e.prov.CallManager(context.Background(), managerCall()); err != nil {
			t.Errorf("second create: %v", err)
		}
	}
}

// TestCallerID: the manager sees the provider's own number; the visitor
// sees the reply's (the widget's caller_id).
func TestCallerID(t *testing.T) {
	e := newEnv(t, envConfig{})
	m, _ := e.call(managerCall())
	if v := e.child(m); m.From != defaultFrom || v.From != siteNumber {
		t.Errorf("manager saw %s, visitor saw %s; want %s and %s", m.From, v.From, defaultFrom, siteNumber)
	}

	// No number: nothing is sent.
	p, err := twilio.New(twilio.Options{AccountSID: e.fake.AccountSID(), AuthToken: e.fake.AuthToken(),
		PublicURL: e.public, APIBaseURL: e.fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CallManager(context.Background(), managerCall()); err == nil {
		t.Error("no caller id: no error")
	}
	if n := len(e.fake.Creates()); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestHangup(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	e.fake.Script(managerPhone, twiliofake.Behavior{Answer: true, RingFor: time.Hour})
	mc := managerCall()
	mc.RingTimeout = time.Hour
	sid, err := e.prov.CallManager(ctx, mc)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { c, _ := e.fake.Call(sid); return c.Status == "ringing" })
	if err := e.prov.Hangup(ctx, sid); err != nil {
		t.Fatalf("hang up a ringing call: %v", err)
	}
	if c, ok := e.fake.WaitEnded(sid, wait); !ok || c.Status != "canceled" {
		t.Errorf("call %+v", c)
	}
	eventually(t, func() bool { _, ok := e.rep.find(callback.ManagerEnded); return ok })
	if ev, _ := e.rep.find(callback.ManagerEnded); ev.Outcome != callback.OutcomeCanceled {
		t.Errorf("manager_ended %+v", ev)
	}

	// Ended calls, and calls Twilio never heard of, need no hanging up.
	if err := e.prov.Hangup(ctx, sid); err != nil {
		t.Errorf("hang up an ended call: %v", err)
	}
	if err := e.prov.Hangup(ctx, "CA00000000000000000000000000000000"); err != nil {
		t.Errorf("hang up an unknown call: %v", err)
	}

	// A call in progress: the manager talks to the visitor.
	e.fake.Script(managerPhone, twiliofake.DefaultBehavior)
	e.fake.Script(visitorPhone, twiliofake.Behavior{Answer: true, TalkFor: time.Hour})
	sid, err = e.prov.CallManager(ctx, managerCall())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { _, ok := e.rep.find(callback.VisitorAnswered); return ok })
	if err := e.prov.Hangup(ctx, sid); err != nil {
		t.Fatalf("hang up a call in progress: %v", err)
	}
	if !e.fake.WaitIdle(wait) {
		t.Fatal("calls did not end")
	}
	if m, _ := e.fake.Call(sid); m.Status != "completed" || e.child(m).Status != "completed" {
		t.Errorf("manager %s, visitor %s", m.Status, e.child(m).Status)
	}
	eventually(t, func() bool {
		var ends int
		for _, ev := range e.rep.Events() {
			if ev.CallID == sid && ev.Kind == callback.ManagerEnded && ev.Outcome == callback.OutcomeCompleted ||
				ev.Kind == callback.VisitorEnded && ev.Outcome == callback.OutcomeCompleted {
				ends++
			}
		}
		return ends >= 2
	})
}

func TestCallState(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx := context.Background()
	if _, err := e.prov.CallState(ctx, "CA00000000000000000000000000000000"); !errors.Is(err, callback.ErrUnknownCall) {
		t.Errorf("unknown sid: %v", err)
	}
	if _, err := e.prov.CallState(ctx, "../Accounts"); !errors.Is(err, callback.ErrUnknownCall) {
		t.Errorf("malformed sid: %v", err)
	}

	e.fake.Script(managerPhone, twiliofake.Behavior{Answer: true, RingFor: time.Hour})
	mc := managerCall()
	mc.RingTimeout = time.Hour
	sid, err := e.prov.CallManager(ctx, mc)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.prov.CallState(ctx, sid); err != nil || st.Ended {
		t.Errorf("ringing: %+v %v", st, err)
	}
	_ = e.prov.Hangup(ctx, sid)
	e.fake.WaitEnded(sid, wait)
	if st, err := e.prov.CallState(ctx, sid); err != nil || !st.Ended || st.Outcome != callback.OutcomeCanceled {
		t.Errorf("canceled: %+v %v", st, err)
	}

	e.fake.Script(managerPhone, twiliofake.Behavior{Busy: true})
	m, _ := e.call(managerCall())
	if st, err := e.prov.CallState(ctx, m.SID); err != nil || !st.Ended || st.Outcome != callback.OutcomeBusy {
		t.Errorf("busy: %+v %v", st, err)
	}
	e.fake.Script(managerPhone, twiliofake.DefaultBehavior)
	m, _ = e.call(managerCall())
	if st, err := e.prov.CallState(ctx, m.SID); err != nil || !st.Ended || st.Outcome != callback.OutcomeCompleted {
		t.Errorf("completed: %+v %v", st, err)
	}
}

func TestCallManagerHonoursContext(t *testing.T) {
	e := newEnv(t, envConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.prov.CallManager(ctx, managerCall()); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

func TestNew(t *testing.T) {
	for _, o := range []twilio.Options{
		{AuthToken: "t", PublicURL: "https://b.example"},
		{AccountSID: "AC1", PublicURL: "https://b.example"},
		{AccountSID: "AC1", AuthToken: "t"},
		{AccountSID: "AC1", AuthToken: "t", PublicURL: "b.example"},
		{AccountSID: "AC1", AuthToken: "t", PublicURL: "https://b.example", APIBaseURL: "::"},
	} {
		if _, err := twilio.New(o); err == nil {
			t.Errorf("New(%+v): no error", o)
		}
	}
	p, err := twilio.New(twilio.Options{AccountSID: "AC1", AuthToken: "t", PublicURL: "https://b.example/"})
	if err != nil || p.Name() != "twilio" {
		t.Fatalf("%v %v", p, err)
	}
}
