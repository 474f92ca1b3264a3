package notify

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/beckonhq/beckon/store"
)

func counter(result string) float64 {
	var m dto.Metric
	_ = deliveries.WithLabelValues(result).Write(&m)
	return m.GetCounter().GetValue()
}

func send(t *testing.T, s *Sender, m Message) string {
	t.Helper()
	id, err := s.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	return id
}

// TestDeliveredAfterRestart: a message stored by one process is delivered
// by the next one after the store was closed and opened again, signed, with
// the webhook-id and body it was stored with.
func TestDeliveredAfterRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		rc := newReceiver(t, status(http.StatusNoContent))
		var eps endpoints
		eps.set("w1", rc.hook("/hooks/beckon"))
		clk := newClock()

		before := open()
		id := send(t, New(before, eps.lookup, testOptions(clk)), message("w1")) // never runs: the process "dies"
		if err := before.Close(); err != nil {
			t.Fatal(err)
		}

		after := open()
		run(t, New(after, eps.lookup, testOptions(clk)))
		log := waitLog(t, after, "site-1", 1)
		got := rc.received()
		if len(got) != 1 || got[0].id != id || got[0].path != "/hooks/beckon" {
			t.Fatalf("receiver got %+v, want one delivery of %s", got, id)
		}
		var env struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(got[0].body, &env); err != nil || env.Type != "callback.missed" || env.Data["phone"] != "+79161234567" || env.Data["name"] != "Ольга" {
			t.Fatalf("body %s (%v)", got[0].body, err)
		}
		if a := log[0]; a.NotificationID != id || a.Status != http.StatusNoContent || a.Attempt != 1 || !a.NextAt.IsZero() ||
			a.URL != rc.srv.URL+"/hooks/beckon" || a.EventType != "callback.missed" || a.Error != "" || a.Duration <= 0 {
			t.Fatalf("log entry %+v", a)
		}
		if n := notification(t, after, "site-1", id); n.State != store.NotificationDelivered || n.Attempts != 1 {
			t.Fatalf("notification %+v, want delivered after 1 attempt", n)
		}
	})
}

// TestRetriesWithBackoffUntilSuccess: a receiver that fails three times
// gets the same message (same webhook-id, same body, a fresh valid
// signature) again after about 5 s, 10 s and 20 s of the schedule's clock,
// and nothing after it answered 2xx.
func TestRetriesWithBackoffUntilSuccess(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		const failures = 3
		rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n <= failures {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		var eps endpoints
		eps.set("w1", rc.hook("/hook"))
		clk := newClock()
		st := open()
		s := New(st, eps.lookup, testOptions(clk))
		run(t, s)
		retriesBefore := counter(resultRetry)
		id := send(t, s, message("w1"))

		want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second}
		for i, delay := range want {
			a := waitLog(t, st, "site-1", i+1)[0]
			if a.Attempt != i+1 || a.Status != http.StatusServiceUnavailable || !strings.Contains(a.Error, "503") {
				t.Fatalf("attempt %d: %+v", i+1, a)
			}
			if got := a.NextAt.Sub(a.At); got < delay*8/10 || got > delay*12/10 {
				t.Fatalf("attempt %d: next in %v, want %v ±20%%", i+1, got, delay)
			}
			if n := notification(t, st, "site-1", id); n.State != store.NotificationPending || !n.NextAt.Equal(a.NextAt) {
				t.Fatalf("after attempt %d: %+v", i+1, n)
			}
			if got := len(rc.received()); got != i+1 {
				t.Fatalf("receiver got %d requests before the retry was due, want %d", got, i+1)
			}
			clk.set(a.NextAt)
		}
		last := waitLog(t, st, "site-1", failures+1)[0]
		if last.Status != http.StatusOK || !last.NextAt.IsZero() || last.Attempt != failures+1 {
			t.Fatalf("last attempt %+v", last)
		}
		if n := notification(t, st, "site-1", id); n.State != store.NotificationDelivered || n.Attempts != failures+1 {
			t.Fatalf("notification %+v", n)
		}
		got := rc.received()
		for _, r := range got {
			if r.id != id || string(r.body) != string(got[0].body) {
				t.Fatalf("a retry changed the message: %+v vs %+v", r, got[0])
			}
		}
		if d := counter(resultRetry) - retriesBefore; d != failures {
			t.Fatalf("retry counter grew by %v, want %d", d, failures)
		}
		// Long after, nothing is due any more.
		clk.set(clk.Now().Add(48 * time.Hour))
		if claimed, err := st.ClaimNotifications(context.Background(), clk.Now(), 10, time.Minute); err != nil || len(claimed) != 0 {
			t.Fatalf("claimable after delivery: %+v %v", claimed, err)
		}
	})
}

// TestGivesUpAfterADay: against a receiver that is always down, attempts
// go on with growing delays (at most an hour apart) until a day after the
// event, then the notification ends failed with the reason in the log.
func TestGivesUpAfterADay(t *testing.T) {
	rc := newReceiver(t, status(http.StatusBadGateway))
	var eps endpoints
	eps.set("w1", rc.hook("/"))
	clk := newClock()
	st := backings["embedded"](t)()
	s := New(st, eps.lookup, testOptions(clk))
	run(t, s)
	start := clk.Now()
	id := send(t, s, message("w1"))
	var prev time.Duration
	for i := 1; ; i++ {
		a := waitLog(t, st, "site-1", i)[0]
		if a.At.After(start.Add(DefaultGiveUpAfter)) {
			t.Fatalf("attempt %d at %v, more than a day after %v", i, a.At, start)
		}
		if a.NextAt.IsZero() {
			if !strings.Contains(a.Error, "gave up after") || i < 20 || i > 40 {
				t.Fatalf("attempt %d ended it: %+v", i, a)
			}
			break
		}
		delay := a.NextAt.Sub(a.At)
		if delay > DefaultMaxRetry*12/10 || delay < prev*8/10/2 {
			t.Fatalf("attempt %d: next in %v after %v", i, delay, prev)
		}
		prev = delay
		clk.set(a.NextAt)
	}
	if n := notification(t, st, "site-1", id); n.State != store.NotificationFailed {
		t.Fatalf("notification %+v, want failed", n)
	}
}

// TestAnswers: which answers end a notification and which are retried.
func TestAnswers(t *testing.T) {
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
		case p == "/busy":
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusTooManyRequests)
		default: // "/status/NNN"
			var code int
			json.Unmarshal([]byte(strings.TrimPrefix(p, "/status/")), &code)
			w.WriteHeader(code)
		}
	})
	clk := newClock()
	st := backings["embedded"](t)()
	var eps endpoints
	s := New(st, eps.lookup, testOptions(clk))
	run(t, s)
	entries := 0
	for _, tc := range []struct {
		path  string
		state string
		err   string
	}{
		{"/ok", store.NotificationDelivered, ""},
		{"/moved-307", store.NotificationDelivered, ""},
		{"/moved-302", store.NotificationFailed, "only 307 and 308"},
		{"/chain/", store.NotificationFailed, "redirects"},
		{"/status/400", store.NotificationFailed, "400"},
		{"/status/404", store.NotificationFailed, "404"},
		{"/status/410", store.NotificationFailed, "410"},
		{"/status/408", store.NotificationPending, "408"},
		{"/status/500", store.NotificationPending, "500"},
		{"/busy", store.NotificationPending, "429"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			widget := "w" + tc.path
			eps.set(widget, rc.hook(tc.path))
			id := send(t, s, message(widget))
			entries++
			a := waitLog(t, st, "site-1", entries)[0]
			if a.NotificationID != id || !strings.Contains(a.Error, tc.err) {
				t.Fatalf("log entry %+v, want an error mentioning %q", a, tc.err)
			}
			if n := notification(t, st, "site-1", id); n.State != tc.state {
				t.Fatalf("state %s, want %s", n.State, tc.state)
			}
			if tc.path == "/busy" && a.NextAt.Sub(a.At) < 600*time.Second {
				t.Fatalf("Retry-After: 600 ignored: next in %v", a.NextAt.Sub(a.At))
			}
		})
	}
}

// TestRefusesInternalAddresses: with the guard on, a URL that resolves to
// loopback is refused before any connection; the receiver sees nothing and
// the log says why.
func TestRefusesInternalAddresses(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	_, port, _ := net.SplitHostPort(rc.srv.Listener.Addr().String())
	clk := newClock()
	st := backings["embedded"](t)()
	var eps endpoints
	opts := testOptions(clk)
	opts.AllowPrivate = false
	s := New(st, eps.lookup, opts)
	run(t, s)
	refusedBefore := counter(OutcomeRefused)
	for i, target := range []string{rc.srv.URL + "/hook", "http://localhost:" + port + "/hook", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		widget := "w" + target
		eps.set(widget, Webhook{URL: target, Secret: rc.secret})
		id := send(t, s, message(widget))
		a := waitLog(t, st, "site-1", i+1)[0]
		if a.NotificationID != id || !strings.Contains(a.Error, "internal") {
			t.Fatalf("%s: log entry %+v", target, a)
		}
		if n := notification(t, st, "site-1", id); n.State != store.NotificationFailed {
			t.Fatalf("%s: state %s, want failed", target, n.State)
		}
	}
	if got := rc.received(); len(got) != 0 {
		t.Fatalf("the loopback receiver got %d requests, want none", len(got))
	}
	if d := counter(OutcomeRefused) - refusedBefore; d != 3 {
		t.Fatalf("refused counter grew by %v, want 3", d)
	}
}

// TestEndpointAtEachAttempt: retries go to the URL and secret the widget
// has at the time (an owner who fixes the URL gets them there); a widget
// without a notify_url any more cancels the notification; a secret that is
// not whsec_ (saved before secrets were checked) ends it with the reason.
func TestEndpointAtEachAttempt(t *testing.T) {
	down := newReceiver(t, status(http.StatusServiceUnavailable))
	fixed := newReceiver(t, status(http.StatusOK))
	clk := newClock()
	st := backings["embedded"](t)()
	var eps endpoints
	s := New(st, eps.lookup, testOptions(clk))
	run(t, s)

	eps.set("moved", down.hook("/"))
	id := send(t, s, message("moved"))
	a := waitLog(t, st, "site-1", 1)[0]
	eps.set("moved", fixed.hook("/new"))
	clk.set(a.NextAt)
	if a := waitLog(t, st, "site-1", 2)[0]; a.URL != fixed.srv.URL+"/new" || a.Status != http.StatusOK {
		t.Fatalf("retry went to %+v", a)
	}
	if got := fixed.received(); len(got) != 1 || got[0].id != id {
		t.Fatalf("fixed receiver got %+v", got)
	}

	id = send(t, s, message("gone"))
	if a := waitLog(t, st, "site-1", 3)[0]; a.NotificationID != id || !strings.Contains(a.Error, "no notify_url") {
		t.Fatalf("log entry %+v", a)
	}
	if n := notification(t, st, "site-1", id); n.State != store.NotificationCancelled {
		t.Fatalf("state %s, want cancelled", n.State)
	}

	eps.set("bad-secret", Webhook{URL: fixed.srv.URL, Secret: "nope"})
	id = send(t, s, message("bad-secret"))
	if a := waitLog(t, st, "site-1", 4)[0]; a.NotificationID != id || !strings.Contains(a.Error, "notify_secret") {
		t.Fatalf("log entry %+v", a)
	}
	if got := len(fixed.received()); got != 1 {
		t.Fatalf("a message with a bad secret reached the receiver (%d requests)", got)
	}
}

// TestShutdownFinishesAttemptInFlight: when Run's context ends during an
// attempt, the attempt completes and is recorded before Run returns, so it
// is not made again after the restart.
func TestShutdownFinishesAttemptInFlight(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		close(arrived)
		<-release
		w.WriteHeader(http.StatusOK)
	})
	var eps endpoints
	eps.set("w1", rc.hook("/"))
	clk := newClock()
	st := backings["embedded"](t)()
	s := New(st, eps.lookup, testOptions(clk))
	stop := run(t, s)
	id := send(t, s, message("w1"))
	<-arrived
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Run returned with an attempt under way")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-stopped
	if n := notification(t, st, "site-1", id); n.State != store.NotificationDelivered {
		t.Fatalf("state %s after shutdown, want delivered", n.State)
	}
}

// TestSend: a repeated Send of one MessageID stores one message; invalid
// event types and a store that does not take the message are errors the
// caller sees (nothing is acknowledged that is not stored).
func TestSend(t *testing.T) {
	clk := newClock()
	open := backings["embedded"](t)
	st := open()
	var eps endpoints
	s := New(st, eps.lookup, testOptions(clk))
	m := message("w1")
	m.ID = MessageID("site-1/callback.missed/cb_1")
	for range 2 {
		if id := send(t, s, m); id != m.ID {
			t.Fatalf("Send returned %s, want %s", id, m.ID)
		}
	}
	if n, err := st.PendingNotifications(context.Background()); err != nil || n != 1 {
		t.Fatalf("pending %d (%v), want 1", n, err)
	}
	if strings.ContainsAny(m.ID[4:], ".=") || len(m.ID) != 4+26 {
		t.Fatalf("MessageID %q", m.ID)
	}
	bad := message("w1")
	bad.EventType = "callback missed"
	if _, err := s.Send(context.Background(), bad); err == nil {
		t.Fatal("an event type with a space was accepted")
	}
	droppedBefore := counter(OutcomeDropped)
	st.Close()
	if _, err := s.Send(context.Background(), message("w1")); err == nil {
		t.Fatal("Send to a closed store succeeded")
	}
	if d := counter(OutcomeDropped) - droppedBefore; d != 1 {
		t.Fatalf("dropped counter grew by %v, want 1", d)
	}
}

// TestConcurrentSenders: two replicas' senders on one store deliver each of
// many messages once (while nothing fails, at least once is exactly once).
func TestConcurrentSenders(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		rc := newReceiver(t, status(http.StatusOK))
		var eps endpoints
		eps.set("w1", rc.hook("/"))
		clk := newClock()
		a := open()
		b := a // the embedded store's file is one process's
		if a.Kind() == "redis" {
			b = open()
		}
		sa, sb := New(a, eps.lookup, testOptions(clk)), New(b, eps.lookup, testOptions(clk))
		run(t, sa)
		run(t, sb)
		const total = 40
		var wg sync.WaitGroup
		for i := range total {
			wg.Go(func() {
				s := sa
				if i%2 == 1 {
					s = sb
				}
				if _, err := s.Send(context.Background(), message("w1")); err != nil {
					t.Errorf("Send: %v", err)
				}
			})
		}
		wg.Wait()
		waitLog(t, a, "site-1", total)
		seen := map[string]int{}
		for _, r := range rc.received() {
			seen[r.id]++
		}
		if len(seen) != total {
			t.Fatalf("%d distinct messages delivered, want %d", len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s delivered %d times", id, n)
			}
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"30":                            30 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"999999999":                     24 * time.Hour,
		"Sun, 01 Mar 2026 10:02:00 GMT": 2 * time.Minute,
		"Sun, 01 Mar 2026 09:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestPendingGauge: the outbox's depth is exported as soon as a sender
// runs.
func TestPendingGauge(t *testing.T) {
	clk := newClock()
	st := backings["embedded"](t)()
	var eps endpoints
	s := New(st, eps.lookup, testOptions(clk))
	for range 3 {
		send(t, s, message("w1"))
	}
	clk.set(clk.Now().Add(-time.Hour)) // none is due yet, so all three wait
	pending.Set(-1)
	run(t, s)
	waitFor(t, "the gauge to show 3 pending", func() bool {
		var m dto.Metric
		_ = pending.Write(&m)
		return m.GetGauge().GetValue() == 3
	})
}
