package socialproof_test

import (
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beckonhq/beckon/server/servertest"
)

// A client that stops reading is dropped once its queue is full; the
// others get every event as fast as before.
func TestLiveSlowClientIsDroppedWithoutDelayingOthers(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)

	// The slow client's socket takes 4 KiB and it never reads, so the
	// server's writes to it soon block.
	small := &websocket.Dialer{NetDialContext: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}).DialContext}
	slowWS, _, err := s.dialWith(t, small, shopOrigin, s.query("slow", "/"))
	if err != nil {
		t.Fatal(err)
	}
	fast := s.connect(t, "fast", "/")
	recv(t, fast, 2*time.Second)

	// Each event's frame is about 4.5 KB: 1,500 of them are more than the
	// sockets' buffers (4 MiB at most here) and the send queue hold.
	const batches, perBatch = 15, 100
	product := strings.Repeat("Apple Watch ", 16)
	link := "https://shop.example/watch?ref=" + strings.Repeat("x", 1960)
	start := time.Now()
	for b := range batches {
		evs := make([]map[string]any, perBatch)
		for i := range evs {
			ev := purchaseEvent(fmt.Sprintf("order-%d-%d", b, i), "Maria Ivanova", 0)
			ev["product"], ev["url"], ev["image"] = product, link, link
			evs[i] = ev
		}
		s.post(t, evs...)
	}
	posted := time.Since(start)
	got := 0
	for got < batches*perBatch {
		m := readUntil(t, fast, 5*time.Second, fmt.Sprintf("event %d of %d", got+1, batches*perBatch), func(m liveMsg) bool { return m.Type == "event" })
		if m.Event["product"] != product {
			t.Fatalf("event %v", m.Event)
		}
		got++
	}
	t.Logf("%d events posted in %s; the fast client had them all %s after the first POST", got, posted, time.Since(start))
	if late := time.Since(start) - posted; late > 2*time.Second {
		t.Fatalf("the fast client got the last event %s after the last POST", late)
	}

	// The slow client now reads what reached its socket, then finds the
	// connection closed: it was dropped, not waited for.
	slow := followConn(slowWS)
	n := 0
	for {
		m, err := slow.next(5 * time.Second)
		if err != nil {
			if strings.Contains(err.Error(), "no liveMsg within") {
				t.Fatalf("the slow client's connection is still open after %d messages", n)
			}
			break
		}
		if m.Type == "event" {
			n++
		}
	}
	if n >= batches*perBatch {
		t.Fatalf("the slow client got all %d events: it was never dropped", n)
	}
	t.Logf("the slow client got %d events before it was dropped", n)
}
