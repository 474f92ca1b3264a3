package socialproof_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestLiveOverSSE(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, nil)
		s.post(t, purchaseEvent("order-1", "Maria", time.Hour))

		stream := openStream(t, s, "")
		var hello liveMsg
		if err := json.Unmarshal([]byte(readSSE(t, stream, 2*time.Second).data), &hello); err != nil || hello.Type != "hello" ||
			!slices.Equal(eventIDs(hello.Events), []string{"order-1"}) {
			t.Fatalf("SSE hello: %+v (%v), want order-1", hello, err)
		}
		ev := purchaseEvent("order-2", "Ivan", 0)
		s.post(t, ev)
		got := readSSE(t, stream, time.Second)
		var m liveMsg
		if err := json.Unmarshal([]byte(got.data), &m); err != nil || m.Type != "event" || m.Event["id"] != "order-2" {
			t.Fatalf("SSE event: %s, want order-2", got.data)
		}
		if want := strconv.FormatFloat(m.Event["seq"].(float64), 'f', 0, 64); got.id != want {
			t.Fatalf("SSE id %q, want the event's seq %s", got.id, want)
		}

		// A browser reconnecting on its own sends the last id: it gets only
		// what was stored after, even an order reported late.
		s.post(t, purchaseEvent("order-late", "Olga", 2*time.Hour))
		if late := readSSE(t, stream, time.Second); !strings.Contains(late.data, `"order-late"`) {
			t.Fatalf("SSE event: %s, want order-late", late.data)
		}
		again := openStream(t, s, s.query("v-sse", "/"), "Last-Event-ID", got.id)
		if err := json.Unmarshal([]byte(readSSE(t, again, 2*time.Second).data), &hello); err != nil ||
			!slices.Equal(eventIDs(hello.Events), []string{"order-late"}) {
			t.Fatalf("hello after Last-Event-ID: %+v (%v), want only order-late", hello, err)
		}
	})
}

func TestLivePolling(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, map[string]any{"viewers": map[string]any{"enabled": true, "threshold": 3, "scope": "page"}})
		first := purchaseEvent("order-1", "Maria", 2*time.Hour)
		s.post(t, first, purchaseEvent("order-2", "Ivan", time.Hour))

		poll := func(visitor string, extra ...string) (answer struct {
			Events  []map[string]any
			Viewers *struct{ Site, Page int }
		}) {
			t.Helper()
			r := ts.Request("GET", "/w/v1/"+s.key+"/live/poll?"+s.query(visitor, "/", extra...), nil, "Origin", shopOrigin)
			servertest.ExpectStatus(t, r, http.StatusOK)
			if err := json.Unmarshal(r.Body, &answer); err != nil {
				t.Fatal(err)
			}
			return answer
		}
		if a := poll("p1"); !slices.Equal(eventIDs(a.Events), []string{"order-2", "order-1"}) || a.Viewers != nil {
			t.Fatalf("first poll: %v, viewers %v; want both events and no count (1 < 3)", eventIDs(a.Events), a.Viewers)
		}
		if a := poll("p2", "since", first["time"].(string)); !slices.Equal(eventIDs(a.Events), []string{"order-2"}) {
			t.Fatalf("poll since a time: %v, want order-2", eventIDs(a.Events))
		}
		if a := poll("p2", "since", "1"); !slices.Equal(eventIDs(a.Events), []string{"order-2"}) {
			t.Fatalf("poll since seq 1: %v, want order-2", eventIDs(a.Events))
		}
		poll("p3")
		poll("p1") // the same visitor again counts once
		deadline := time.Now().Add(3 * time.Second)
		for {
			a := poll("p1")
			if a.Viewers != nil {
				if a.Viewers.Page != 3 || a.Viewers.Site != 3 {
					t.Fatalf("viewers %+v, want the three pollers", *a.Viewers)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("three pollers were not counted within 3 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
		// Pollers count like connections: a WebSocket visitor sees them.
		ws := s.connect(t, "v-ws", "/")
		m := readUntil(t, ws, 3*time.Second, "the count with the pollers", func(m liveMsg) bool {
			return m.Viewers != nil && m.Viewers.Page == 4
		})
		t.Logf("viewers %+v", *m.Viewers)
	})
}
