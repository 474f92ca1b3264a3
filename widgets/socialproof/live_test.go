package socialproof_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// publicFields are all a browser may learn of an event.
var publicFields = []string{"id", "type", "name", "city", "product", "url", "image", "text", "time", "seq"}

func TestLiveHelloThenEventsAndDeletes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, nil)
		s.post(t, purchaseEvent("order-1", "Maria Ivanova", 2*time.Hour), purchaseEvent("order-2", "Ivan Petrov", time.Hour),
			purchaseEvent("order-old", "Olga", 8*24*time.Hour)) // older than max_age (7 days)

		ws := s.connect(t, "v1", "/")
		hello := recv(t, ws, 2*time.Second)
		if hello.Type != "hello" {
			t.Fatalf("first liveMsg %q, want hello", hello.Type)
		}
		if got := eventIDs(hello.Events); !slices.Equal(got, []string{"order-2", "order-1"}) {
			t.Fatalf("hello events %v, want the two within max_age, newest first", got)
		}
		for k := range hello.Events[0] {
			if !slices.Contains(publicFields, k) {
				t.Errorf("hello event has field %q, which browsers must not get", k)
			}
		}

		start := time.Now()
		s.post(t, purchaseEvent("order-3", "Anna Smirnova", 0))
		m := readUntil(t, ws, time.Second, "event order-3", func(m liveMsg) bool { return m.Type == "event" })
		if m.Event["id"] != "order-3" {
			t.Fatalf("event %v, want order-3", m.Event["id"])
		}
		t.Logf("event arrived %s after the POST began", time.Since(start))

		servertest.ExpectStatus(t, ts.Admin("DELETE", "/api/v1/sites/"+s.id+"/events/order-1", nil), http.StatusNoContent)
		m = readUntil(t, ws, time.Second, "delete of order-1", func(m liveMsg) bool { return m.Type == "delete" })
		if m.ID != "order-1" {
			t.Fatalf("delete of %q, want order-1", m.ID)
		}

		// A repeated id is no new event, and one older than max_age is never
		// shown: nothing is sent for either.
		s.post(t, purchaseEvent("order-3", "Anna Smirnova", 0), purchaseEvent("order-late", "Olga", 9*24*time.Hour),
			purchaseEvent("order-4", "Petr", 0))
		m = readUntil(t, ws, time.Second, "event order-4", func(m liveMsg) bool { return m.Type == "event" })
		if m.Event["id"] != "order-4" {
			t.Fatalf("after a repeat and an old event, event %v, want order-4", m.Event["id"])
		}
	})
}

func TestLiveResumesSince(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, nil)
		first := purchaseEvent("order-1", "Maria", 2*time.Hour)
		s.post(t, first, purchaseEvent("order-2", "Ivan", time.Hour))

		hello := recv(t, s.connect(t, "v1", "/"), 2*time.Second)
		last := 0.0 // the largest seq the visitor got, as the widget keeps it
		for _, ev := range hello.Events {
			last = max(last, ev["seq"].(float64))
		}
		if last == 0 {
			t.Fatalf("hello events %v carry no seq", hello.Events)
		}
		// While the visitor is away, a shop reports an order late: it
		// happened before both events the visitor has. Once it has reached
		// the pages open meanwhile, the visitor comes back.
		open := s.connect(t, "v2", "/")
		recv(t, open, 2*time.Second)
		s.post(t, purchaseEvent("order-late", "Olga", 3*time.Hour))
		readUntil(t, open, 2*time.Second, "order-late on an open page", func(m liveMsg) bool { return m.Type == "event" })
		ws := s.connect(t, "v1", "/", "since", strconv.FormatFloat(last, 'f', 0, 64))
		if got := eventIDs(recv(t, ws, 2*time.Second).Events); !slices.Equal(got, []string{"order-late"}) {
			t.Fatalf("hello after since=%v has %v, want only the event stored since, order-late", last, got)
		}

		// A page with an older widget resumes by time, as before.
		ws = s.connect(t, "v1", "/", "since", first["time"].(string))
		if got := eventIDs(recv(t, ws, 2*time.Second).Events); !slices.Equal(got, []string{"order-2"}) {
			t.Fatalf("hello after since=<time> has %v, want order-2", got)
		}
		bad, resp, err := s.dial(t, "v1", "/", "since", "yesterday")
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("since=yesterday: %v, %v; want 422 before the upgrade", bad, err)
		}
	})
}

func TestLiveRefusedBeforeUpgrade(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)
	cases := []struct {
		name, origin, query string
		status              int
	}{
		{"foreign origin", "https://evil.example", s.query("v1", "/"), http.StatusForbidden},
		{"unknown widget", shopOrigin, "widget_id=nope&page=/", http.StatusNotFound},
		{"page not a path", shopOrigin, s.query("v1", "https://shop.example/"), http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, resp, err := s.dialWith(t, websocket.DefaultDialer, c.origin, c.query)
			if !errors.Is(err, websocket.ErrBadHandshake) || resp.StatusCode != c.status {
				t.Fatalf("got %v, %v; want HTTP %d and no upgrade", ws, err, c.status)
			}
		})
	}
	// A plain GET (no upgrade) is told where to go.
	r := ts.Request("GET", "/w/v1/"+s.key+"/live?"+s.query("v1", "/"), nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusUpgradeRequired)
}

func TestLiveOversizedMessageCloses(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)
	ws := s.connect(t, "v1", "/")
	recv(t, ws, 2*time.Second) // hello
	if err := ws.ws.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 1024))); err != nil {
		t.Fatal(err)
	}
	_, err := ws.next(2 * time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("after a 1 KiB liveMsg: %v, want close 1009 (liveMsg too big)", err)
	}
	// A small one is ignored: the connection stays.
	ws = s.connect(t, "v2", "/")
	recv(t, ws, 2*time.Second)
	if err := ws.ws.WriteMessage(websocket.TextMessage, []byte(`{"hi":1}`)); err != nil {
		t.Fatal(err)
	}
	s.post(t, purchaseEvent("order-1", "Maria", 0))
	readUntil(t, ws, 2*time.Second, "the event after a small liveMsg", func(m liveMsg) bool { return m.Type == "event" })
}

func TestLivePerAddressCap(t *testing.T) {
	lo := fastLive
	lo.ConnsPerIP = 2
	ts := startLive(t, servertest.NewStore(t, "embedded"), lo)
	s := newLiveSite(t, ts, nil)
	for i := range 2 {
		recv(t, s.connect(t, "v", "/"), 2*time.Second)
		_ = i
	}
	_, resp, err := s.dial(t, "v", "/")
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third connection from one address: %v; want 429", err)
	}
}

func TestLiveShutdownSendsReconnect(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)
	ws := s.connect(t, "v1", "/")
	recv(t, ws, 2*time.Second)
	stream := openStream(t, s, "")
	readSSE(t, stream, 2*time.Second) // hello

	done := make(chan error, 1)
	go func() { done <- ts.Srv.Shutdown(context.Background()) }()
	if m := recv(t, ws, 2*time.Second); m.Type != "reconnect" {
		t.Fatalf("at shutdown: %q, want reconnect", m.Type)
	}
	_, err := ws.next(2 * time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("after reconnect: %v, want close 1001 (going away)", err)
	}
	if m := readSSE(t, stream, 2*time.Second); m.data != `{"type":"reconnect"}` {
		t.Fatalf("SSE at shutdown: %s, want reconnect", m)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not finish within 5 s of its live connections closing")
	}
}

// sseMessage is one liveMsg of the SSE feed.
type sseMessage struct{ id, data string }

// openStream opens the SSE feed with query (a visitor on / when "") and
// delivers its messages.
func openStream(t *testing.T, s liveSite, query string, headers ...string) <-chan sseMessage {
	t.Helper()
	if query == "" {
		query = s.query("v-sse", "/")
	}
	req, err := http.NewRequest("GET", s.ts.Base+"/w/v1/"+s.key+"/live/events?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", shopOrigin)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("SSE: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseMessage, 100)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var m sseMessage
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				m.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				m.data = strings.TrimPrefix(line, "data: ")
			case line == "" && m.data != "":
				out <- m
				m = sseMessage{}
			}
		}
	}()
	return out
}

// readSSE waits up to d for the stream's next liveMsg.
func readSSE(t *testing.T, stream <-chan sseMessage, d time.Duration) sseMessage {
	t.Helper()
	select {
	case m, ok := <-stream:
		if !ok {
			t.Fatal("the SSE stream ended")
		}
		return m
	case <-time.After(d):
		t.Fatalf("no SSE liveMsg within %s", d)
	}
	return sseMessage{}
}

// The server pings; a client that answers stays, one that answers nothing
// within PongWait is closed.
func TestLivePingsAndPongWait(t *testing.T) {
	lo := fastLive
	lo.PingEvery, lo.PongWait = 100*time.Millisecond, 500*time.Millisecond
	ts := startLive(t, servertest.NewStore(t, "embedded"), lo)
	s := newLiveSite(t, ts, nil)

	answers := s.connect(t, "v1", "/") // reads, so gorilla answers each ping
	recv(t, answers, 2*time.Second)
	silent, _, err := s.dial(t, "v2", "/") // reads nothing, so never answers
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lo.PongWait)

	s.post(t, purchaseEvent("order-1", "Maria", 0))
	readUntil(t, answers, 2*time.Second, "the event, after many ping periods", func(m liveMsg) bool { return m.Type == "event" })
	late := followConn(silent)
	for {
		m, err := late.next(2 * time.Second)
		if err != nil {
			if strings.Contains(err.Error(), "no message within") {
				t.Fatal("the connection that never answered a ping is still open")
			}
			break
		}
		if m.Type == "event" {
			t.Fatal("the connection that never answered a ping still got the event")
		}
	}
}
