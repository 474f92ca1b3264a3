package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/beckonhq/beckon/validate"
)

// receiver is a webhook endpoint that records what it gets and answers
// with respond(n, w, r), n counting requests from 1.
type receiver struct {
	srv     *httptest.Server
	respond func(n int, w http.ResponseWriter, r *http.Request)

	mu   sync.Mutex
	got  []received
	hits int
}

type received struct {
	path   string
	header http.Header
	body   []byte
	at     time.Time
}

func newReceiver(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{respond: respond}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.hits++
		n := rc.hits
		rc.got = append(rc.got, received{r.URL.Path, r.Header.Clone(), body, time.Now()})
		rc.mu.Unlock()
		rc.respond(n, w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func status(code int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// newSender starts a Sender whose results go to the returned channel.
// Unless the test sets them, it reaches loopback (httptest listens there)
// and retries after milliseconds.
func newSender(t *testing.T, opts Options) (*Sender, chan Result) {
	t.Helper()
	results := make(chan Result, 16)
	if opts.Schedule == nil {
		opts.Schedule = []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}
	}
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	opts.OnResult = func(r Result) { results <- r }
	s := New(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, results
}

func waitResult(t *testing.T, results <-chan Result) Result {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery result within 5s")
		return Result{}
	}
}

func send(t *testing.T, s *Sender, hook Webhook) {
	t.Helper()
	if err := s.Send(context.Background(), hook, "callback.connected", map[string]any{"id": "cb_1", "manager": "Ольга"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func counter(result string) float64 {
	var m dto.Metric
	_ = deliveries.WithLabelValues(result).Write(&m)
	return m.GetCounter().GetValue()
}

func TestDeliveryRetriesUntilSuccess(t *testing.T) {
	rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	okBefore, retryBefore := counter(OutcomeOK), counter(resultRetry)
	s, results := newSender(t, Options{AllowPrivate: true})
	hook := Webhook{URL: rc.srv.URL + "/hooks/beckon", Secret: NewSecret()}
	send(t, s, hook)

	r := waitResult(t, results)
	if r.Outcome != OutcomeOK || r.Attempts != 3 || r.Status != http.StatusNoContent || r.Err != nil {
		t.Fatalf("result %+v, want ok after 3 attempts", r)
	}
	got := rc.received()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	for i, req := range got {
		if id := req.header.Get(HeaderID); id != r.ID || !strings.HasPrefix(id, "msg_") {
			t.Errorf("attempt %d: webhook-id %q, want %q for every attempt", i+1, id, r.ID)
		}
		if err := Verify(hook.Secret, req.header, req.body, time.Minute); err != nil {
			t.Errorf("attempt %d: signature does not verify: %v", i+1, err)
		}
		if ct := req.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("attempt %d: Content-Type %q", i+1, ct)
		}
		if string(req.body) != string(got[0].body) {
			t.Errorf("attempt %d: body changed between attempts", i+1)
		}
	}
	var env struct {
		Type      string         `json:"type"`
		Timestamp time.Time      `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}
	if err := json.Unmarshal(got[0].body, &env); err != nil {
		t.Fatalf("body %s: %v", got[0].body, err)
	}
	if env.Type != "callback.connected" || env.Data["manager"] != "Ольга" || time.Since(env.Timestamp) > time.Minute {
		t.Fatalf("envelope %+v", env)
	}
	if d := counter(OutcomeOK) - okBefore; d != 1 {
		t.Errorf("ok counter grew by %v, want 1", d)
	}
	if d := counter(resultRetry) - retryBefore; d != 2 {
		t.Errorf("retry counter grew by %v, want 2", d)
	}
}

func TestDeliveryStatuses(t *testing.T) {
	tests := []struct {
		status   int
		attempts int // 1: final; 3: retried until the schedule ran out
	}{
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusNotFound, 1},
		{http.StatusGone, 1},
		{http.StatusUnprocessableEntity, 1},
		{http.StatusNotModified, 1},
		{http.StatusRequestTimeout, 3},
		{http.StatusTooManyRequests, 3},
		{http.StatusInternalServerError, 3},
		{http.StatusBadGateway, 3},
		{http.StatusServiceUnavailable, 3},
	}
	for _, tc := range tests {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			rc := newReceiver(t, status(tc.status))
			s, results := newSender(t, Options{AllowPrivate: true, Schedule: []time.Duration{time.Millisecond, time.Millisecond}})
			send(t, s, Webhook{URL: rc.srv.URL, Secret: NewSecret()})

			r := waitResult(t, results)
			if r.Outcome != OutcomeFailed || r.Attempts != tc.attempts || r.Status != tc.status {
				t.Fatalf("result %+v, want failed after %d attempts with %d", r, tc.attempts, tc.status)
			}
			// The result comes after the last attempt, with nothing scheduled.
			if n := len(rc.received()); n != tc.attempts {
				t.Fatalf("receiver got %d requests, want %d", n, tc.attempts)
			}
		})
	}
}

func TestDeliveryRetriesNetworkErrors(t *testing.T) {
	rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 { // drop the connection without an answer
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	s, results := newSender(t, Options{AllowPrivate: true})
	send(t, s, Webhook{URL: rc.srv.URL, Secret: NewSecret()})
	if r := waitResult(t, results); r.Outcome != OutcomeOK || r.Attempts != 2 {
		t.Fatalf("result %+v, want ok on the second attempt", r)
	}
}

func TestDeliveryHonoursRetryAfter(t *testing.T) {
	rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	s, results := newSender(t, Options{AllowPrivate: true}) // schedule: milliseconds
	hook := Webhook{URL: rc.srv.URL, Secret: NewSecret()}
	send(t, s, hook)
	if r := waitResult(t, results); r.Outcome != OutcomeOK || r.Attempts != 2 {
		t.Fatalf("result %+v, want ok on the second attempt", r)
	}
	got := rc.received()
	if gap := got[1].at.Sub(got[0].at); gap < 950*time.Millisecond {
		t.Fatalf("second attempt came %v after the first; Retry-After asked for 1s", gap)
	}
	if err := Verify(hook.Secret, got[1].header, got[1].body, time.Minute); err != nil {
		t.Fatalf("retry's signature: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"999999999":                     maxRetryAfter,
		"Sun, 01 Mar 2026 10:02:00 GMT": 2 * time.Minute,
		"Sun, 01 Mar 2026 09:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestRefusesInternalAddresses sends to live servers on loopback and to
// internal addresses with the guard on: every delivery is refused before a
// connection is made, and no server sees a request.
func TestRefusesInternalAddresses(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	_, port, _ := net.SplitHostPort(rc.srv.Listener.Addr().String())

	targets := []string{
		rc.srv.URL,                           // http://127.0.0.1:port
		"http://localhost:" + port + "/hook", // a name resolving to loopback
		"http://[::ffff:127.0.0.1]:" + port + "/hook",
		"http://10.20.30.40/hook",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]:" + port + "/hook",
	}
	var rc6 *receiver
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil { // a live IPv6 loopback server, where available
		rc6 = &receiver{respond: status(http.StatusOK)}
		rc6.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc6.mu.Lock()
			rc6.hits++
			rc6.mu.Unlock()
		}))
		rc6.srv.Listener.Close()
		rc6.srv.Listener = ln
		rc6.srv.Start()
		t.Cleanup(rc6.srv.Close)
		targets = append(targets, rc6.srv.URL)
	}

	refusedBefore := counter(OutcomeRefused)
	s, results := newSender(t, Options{AllowPrivate: false})
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			send(t, s, Webhook{URL: target, Secret: NewSecret()})
			r := waitResult(t, results)
			if r.Outcome != OutcomeRefused || r.Attempts != 1 || !errors.Is(r.Err, ErrForbiddenAddress) {
				t.Fatalf("result %+v, want refused at once", r)
			}
		})
	}
	if n := len(rc.received()); n != 0 {
		t.Fatalf("the loopback server got %d requests, want none", n)
	}
	if rc6 != nil {
		rc6.mu.Lock()
		defer rc6.mu.Unlock()
		if rc6.hits != 0 {
			t.Fatalf("the [::1] server got %d requests, want none", rc6.hits)
		}
	}
	if d := counter(OutcomeRefused) - refusedBefore; d != float64(len(targets)) {
		t.Fatalf("refused counter grew by %v, want %d", d, len(targets))
	}
}

func TestRedirects(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/ok":
			w.WriteHeader(http.StatusOK)
		case p == "/moved-307":
			http.Redirect(w, r, "/ok", http.StatusTemporaryRedirect)
		case p == "/moved-302":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case strings.HasPrefix(p, "/chain/"):
			http.Redirect(w, r, p+"x", http.StatusPermanentRedirect)
		}
	})
	hook := Webhook{Secret: NewSecret()}
	tests := []struct {
		path    string
		outcome string
		paths   []string // what the receiver saw
	}{
		{"/moved-307", OutcomeOK, []string{"/moved-307", "/ok"}},
		{"/moved-302", OutcomeFailed, []string{"/moved-302"}},
		{"/chain/", OutcomeFailed, []string{"/chain/", "/chain/x", "/chain/xx", "/chain/xxx"}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rc.mu.Lock()
			rc.got = nil
			rc.mu.Unlock()
			s, results := newSender(t, Options{AllowPrivate: true})
			hook.URL = rc.srv.URL + tc.path
			send(t, s, hook)
			if r := waitResult(t, results); r.Outcome != tc.outcome || r.Attempts != 1 {
				t.Fatalf("result %+v, want %s after one attempt", r, tc.outcome)
			}
			got := rc.received()
			var paths []string
			for _, g := range got {
				paths = append(paths, g.path)
			}
			if strings.Join(paths, " ") != strings.Join(tc.paths, " ") {
				t.Fatalf("receiver saw %v, want %v", paths, tc.paths)
			}
			if last := got[len(got)-1]; tc.outcome == OutcomeOK {
				if err := Verify(hook.Secret, last.header, last.body, time.Minute); err != nil {
					t.Fatalf("redirected delivery does not verify: %v", err)
				}
			}
		})
	}
}

// blocking returns a receiver that holds each request until release is
// called (or the client gives up), and a channel that says when one arrived.
func blocking(t *testing.T) (rc *receiver, entered chan struct{}, release func()) {
	entered, released := make(chan struct{}, 16), make(chan struct{})
	rc = newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-released:
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	t.Cleanup(release) // runs before the server closes
	return rc, entered, release
}

func TestCloseWaitsForInFlight(t *testing.T) {
	rc, entered, release := blocking(t)
	s, results := newSender(t, Options{AllowPrivate: true})
	send(t, s, Webhook{URL: rc.srv.URL, Secret: NewSecret()})
	<-entered

	closed := make(chan error, 1)
	go func() { closed <- s.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while an attempt was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := s.Send(context.Background(), Webhook{URL: rc.srv.URL, Secret: NewSecret()}, "lead.created", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send while closing: %v, want ErrClosed", err)
	}
	release()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := waitResult(t, results); r.Outcome != OutcomeOK {
		t.Fatalf("result %+v, want the in-flight delivery to finish ok", r)
	}
}

func TestCloseGivesUpAtDeadline(t *testing.T) {
	rc, entered, _ := blocking(t)
	failing := newReceiver(t, status(http.StatusServiceUnavailable))
	s, results := newSender(t, Options{AllowPrivate: true, Schedule: []time.Duration{time.Hour}})
	send(t, s, Webhook{URL: failing.srv.URL, Secret: NewSecret()}) // will wait an hour for its retry
	for len(failing.received()) == 0 {
		time.Sleep(time.Millisecond)
	}
	send(t, s, Webhook{URL: rc.srv.URL, Secret: NewSecret()}) // will hang
	<-entered

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close: %v, want DeadlineExceeded", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Close took %v, want about 100ms", took)
	}
	for range 2 {
		if r := waitResult(t, results); r.Outcome != OutcomeDropped || r.Attempts != 1 {
			t.Fatalf("result %+v, want dropped after one attempt", r)
		}
	}
}

func TestQueueFull(t *testing.T) {
	rc, entered, release := blocking(t)
	s, results := newSender(t, Options{AllowPrivate: true, Workers: 1, QueueSize: 1})
	hook := Webhook{URL: rc.srv.URL, Secret: NewSecret()}
	send(t, s, hook)
	<-entered

	droppedBefore := counter(OutcomeDropped)
	if err := s.Send(context.Background(), hook, "lead.created", nil); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("Send over capacity: %v, want ErrQueueFull", err)
	}
	if r := waitResult(t, results); r.Outcome != OutcomeDropped || r.Attempts != 0 {
		t.Fatalf("result %+v, want dropped before any attempt", r)
	}
	if d := counter(OutcomeDropped) - droppedBefore; d != 1 {
		t.Fatalf("dropped counter grew by %v, want 1", d)
	}
	release()
	if r := waitResult(t, results); r.Outcome != OutcomeOK {
		t.Fatalf("result %+v, want the first delivery ok", r)
	}
	send(t, s, hook) // room again
}

func TestSendRejectsBadInput(t *testing.T) {
	s, _ := newSender(t, Options{})
	good := Webhook{URL: "https://shop.example/hook", Secret: NewSecret()}
	var ve *validate.Error
	if err := s.Send(context.Background(), Webhook{URL: "ftp://x", Secret: good.Secret}, "lead.created", nil); !errors.As(err, &ve) {
		t.Errorf("bad URL: %v, want a *validate.Error", err)
	}
	if err := s.Send(context.Background(), Webhook{URL: good.URL, Secret: "hunter2"}, "lead.created", nil); !errors.Is(err, ErrBadSecret) {
		t.Errorf("bad secret: %v, want ErrBadSecret", err)
	}
	for _, typ := range []string{"", "lead created", "lead..created", ".lead", "lead."} {
		if err := s.Send(context.Background(), good, typ, nil); err == nil {
			t.Errorf("event type %q accepted", typ)
		}
	}
	if err := s.Send(context.Background(), good, "lead.created", make(chan int)); err == nil {
		t.Error("a payload that cannot be encoded was accepted")
	}
}
