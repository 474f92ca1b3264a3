package callback_test

// The visitor's progress stream (http_stream.go, hub.go): Server-Sent
// Events of a request from queued to final.

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// slowCall is a bridge whose conversation lasts several times the write
// timeout the stream tests give the server.
var slowCall = sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond,
	Press: 40 * time.Millisecond, Talk: 3500 * time.Millisecond}

const streamTestWriteTimeout = time.Second

// slowCallServer runs a server on st whose calls are slowCall, with the
// write timeout of streamTestWriteTimeout and heartbeats every 200 ms.
func slowCallServer(t *testing.T, st store.Store) *testServer {
	t.Helper()
	return startWith(t, st, sim.New(slowCall), callback.ModuleOptions{StreamHeartbeat: 200 * time.Millisecond},
		servertest.Options{Server: server.Options{WriteTimeout: streamTestWriteTimeout}})
}

type sseEvent struct {
	id       int
	status   string
	timeline []string
}

// sseReader reads a progress stream line by line.
type sseReader struct {
	t     *testing.T
	resp  *http.Response
	sc    *bufio.Scanner
	pings int
}

// openStream opens the progress stream of vis-1's request id.
func (ts *testServer) openStream(t *testing.T, key, id, lastEventID string) *sseReader {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.Base+"/w/v1/"+key+"/callbacks/"+id+"/events?visitor_id=vis-1", nil)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: %s", resp.Status)
	}
	return &sseReader{t: t, resp: resp, sc: bufio.NewScanner(resp.Body)}
}

// next returns the next state event; ok is false when the stream ended.
func (r *sseReader) next() (ev sseEvent, ok bool) {
	r.t.Helper()
	id := -1
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case strings.HasPrefix(line, ":"):
			r.pings++
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.Atoi(strings.TrimPrefix(line, "id: "))
		case strings.HasPrefix(line, "data: "):
			var v struct {
				Status   string
				Timeline []struct{ Status string }
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &v); err != nil {
				r.t.Fatalf("event data: %v", err)
			}
			ev = sseEvent{id: id, status: v.Status}
			for _, s := range v.Timeline {
				ev.timeline = append(ev.timeline, s.Status)
			}
			if id < 0 {
				r.t.Fatalf("event without id: %+v", ev)
			}
			return ev, true
		}
	}
	return ev, false
}

// follow reads the stream to its end and returns its last state event,
// checking that event ids only grow.
func (r *sseReader) follow() sseEvent {
	r.t.Helper()
	var last sseEvent
	for {
		ev, ok := r.next()
		if !ok {
			return last
		}
		if ev.id <= last.id {
			r.t.Fatalf("event id %d after %d", ev.id, last.id)
		}
		last = ev
	}
}

// TestCallbackProgressStream follows a request over Server-Sent Events
// from queued to completed.
func TestCallbackProgressStream(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		_, key, _ := ts.CallbackSite("")
		id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).JSON(t)["id"].(string)
		resp, err := servertest.Client.Get(ts.Base + "/w/v1/" + key + "/callbacks/" + id + "/events?visitor_id=vis-1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var seen []string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var v struct{ Status string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("event data is not JSON: %q", line)
			}
			if len(seen) == 0 || seen[len(seen)-1] != v.Status {
				seen = append(seen, v.Status)
			}
		}
		// The stream ends after the final state; every step seen is in order.
		if len(seen) < 3 || seen[len(seen)-1] != "completed" || !slices.Contains(seen, "connected") {
			t.Fatalf("stream showed %v", seen)
		}
		order := map[string]int{"queued": 0, "calling_manager": 1, "manager_answered": 2, "calling_visitor": 3, "connected": 4, "completed": 5}
		for i := 1; i < len(seen); i++ {
			if order[seen[i]] <= order[seen[i-1]] {
				t.Fatalf("out of order: %v", seen)
			}
		}
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/callbacks/"+id+"/events?visitor_id=other", nil), http.StatusNotFound)
	})
}

// TestProgressStreamOfALongCallWithDefaults: a conversation of 35 s, more
// than twice the server's default write timeout, followed on one stream
// with the server as operators run it (no timeout shortened), with the
// default heartbeats between changes.
func TestProgressStreamOfALongCallWithDefaults(t *testing.T) {
	t.Parallel()
	longCall := sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond,
		Press: 40 * time.Millisecond, Talk: 35 * time.Second}
	ts := startWith(t, servertest.NewStore(t, "embedded"), sim.New(longCall), callback.ModuleOptions{}, servertest.Options{})
	_, key, _ := ts.CallbackSite("")
	id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).JSON(t)["id"].(string)
	opened := time.Now()
	stream := ts.openStream(t, key, id, "")
	last := stream.follow()
	if last.status != "completed" {
		t.Fatalf("the stream ended at %q after %v", last.status, time.Since(opened))
	}
	if open := time.Since(opened); open < 30*time.Second {
		t.Fatalf("the call took only %v; the test must outlive the 15 s write timeout", open)
	}
	if stream.pings < 2 {
		t.Fatalf("%d heartbeats in a 35 s conversation, want 2 (every 15 s)", stream.pings)
	}
}

// TestProgressStreamOutlivesWriteTimeout: a bridge that lasts more than
// three times the server's write timeout is followed to its end on one
// stream, with heartbeats while nothing changes and ids that only grow.
func TestProgressStreamOutlivesWriteTimeout(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := slowCallServer(t, newStore(t))
		_, key, _ := ts.CallbackSite("")
		id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).JSON(t)["id"].(string)
		opened := time.Now()
		stream := ts.openStream(t, key, id, "")
		last := stream.follow()
		if last.status != "completed" {
			t.Fatalf("the stream ended at %q after %v", last.status, time.Since(opened))
		}
		if open := time.Since(opened); open < 3*streamTestWriteTimeout {
			t.Fatalf("the call took only %v; the test must outlive the write timeout", open)
		}
		if stream.pings == 0 {
			t.Fatal("no heartbeat during the conversation")
		}
	})
}

// TestProgressStreamResumes: a widget that reconnects with the last event
// id it saw is not sent the same state again, and the next state it gets
// holds every step, the ones before the break included.
func TestProgressStreamResumes(t *testing.T) {
	ts := slowCallServer(t, servertest.NewStore(t, "embedded"))
	_, key, _ := ts.CallbackSite("")
	id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).JSON(t)["id"].(string)
	first := ts.openStream(t, key, id, "")
	var seen sseEvent
	for seen.status != "connected" {
		ev, ok := first.next()
		if !ok {
			t.Fatalf("stream ended at %q before the call connected", seen.status)
		}
		seen = ev
	}
	first.resp.Body.Close()

	// Without an id, a new stream starts with the current state...
	fresh, _ := ts.openStream(t, key, id, "").next()
	if fresh.id != seen.id || fresh.status != "connected" {
		t.Fatalf("a new stream began with %+v, want the current state %+v", fresh, seen)
	}
	// ...with it, the state already seen is skipped.
	resumed := ts.openStream(t, key, id, strconv.Itoa(seen.id))
	ev, ok := resumed.next()
	if !ok || ev.id <= seen.id || ev.status != "completed" {
		t.Fatalf("after id %d the resumed stream sent %+v (ok %v)", seen.id, ev, ok)
	}
	if strings.Join(ev.timeline[:len(seen.timeline)], ",") != strings.Join(seen.timeline, ",") {
		t.Fatalf("steps before the break are missing: %v, had %v", ev.timeline, seen.timeline)
	}
}

// slowRead is a store whose next GetCallback, once armed, answers with
// what it read only after the request has become final: every change of
// the call lands while a progress stream is reading the request.
type slowRead struct {
	store.Store
	armed atomic.Bool
}

func (s *slowRead) GetCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	cb, err := s.Store.GetCallback(ctx, siteID, id)
	if err != nil || !s.armed.CompareAndSwap(true, false) {
		return cb, err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if now, err := s.Store.GetCallback(context.Background(), siteID, id); err == nil && callback.Final(now.Status) {
			break
		}
	}
	return cb, err
}

// TestProgressStreamSeesChangesDuringItsFirstRead: changes published while
// the stream reads the request are not lost (it watches before it reads).
// One replica takes the request and serves the stream; another one's
// workers bridge the call, so only the stream's reads are slowed.
func TestProgressStreamSeesChangesDuringItsFirstRead(t *testing.T) {
	st := servertest.NewStore(t, "embedded")
	slow := &slowRead{Store: st}
	web := startServer(t, slow, func(c *config.Config) { c.CallbackWorkers = 0 })
	_, key, _ := web.CallbackSite("")
	id := web.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"}).JSON(t)["id"].(string)
	startWith(t, st, sim.New(sim.Delays{Ring: 100 * time.Millisecond, Answer: 100 * time.Millisecond,
		Press: 100 * time.Millisecond, Talk: 500 * time.Millisecond}), callback.ModuleOptions{}, servertest.Options{})
	slow.armed.Store(true)
	stream := web.openStream(t, key, id, "")
	var events []sseEvent
	for {
		ev, ok := stream.next()
		if !ok {
			break
		}
		events = append(events, ev)
	}
	if len(events) < 2 || events[0].status == "completed" || events[len(events)-1].status != "completed" {
		t.Fatalf("the stream showed %+v; want the state first read, then the final one", events)
	}
}
