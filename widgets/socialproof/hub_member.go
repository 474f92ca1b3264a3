package socialproof

import (
	"errors"
	"sync"
	"time"
)

// conn is what the hub needs of a live connection (WebSocket or SSE).
type conn interface {
	// write sends one frame; an error ends the connection. Frames of one
	// connection are written one at a time, in order.
	write(f *frame) error
	// tryWrite writes f now if the socket takes it without waiting, and
	// returns what is left to write: nil when all went, f when nothing
	// did (or the connection cannot write without waiting), else the
	// unwritten rest. It never blocks.
	tryWrite(f *frame) (rest *frame, err error)
	// hangUp closes the socket now, which also ends a write blocked on a
	// client that does not read.
	hangUp()
}

// errGoodbye is what a connection's write answers to the goodbye frame,
// after telling the browser to reconnect: the connection ends.
var errGoodbye = errors.New("socialproof: the connection was told to reconnect")

// member is one open connection of a widget on a page. It has no
// goroutine of its own while idle: a frame queued to an idle member starts
// one that writes until the queue is empty. 15,000 idle connections so
// cost no writer stacks, and a slow client holds up nobody but its own
// writer.
type member struct {
	widgetID, page string
	conn           conn
	limit          int // frames queued at most; more drops the member
	pingSlot       int // which second of the ping period it is pinged in

	mu      sync.Mutex
	queue   []*frame
	writing bool // a writer holds the turn (the hello's, or a flush)
	ended   bool
	endedCh chan struct{} // closed when ended
	writers sync.WaitGroup
}

func newMember(widgetID, page string, c conn, limit int) *member {
	m := &member{widgetID: widgetID, page: page, conn: c, limit: limit, endedCh: make(chan struct{})}
	// The joining connection holds the first turn, for its hello.
	m.writing = true
	m.writers.Add(1)
	return m
}

// send queues f without waiting; a member whose queue is full is too slow
// to keep and is dropped (false), so it never holds up the others.
func (m *member) send(f *frame) bool {
	m.mu.Lock()
	if m.ended {
		m.mu.Unlock()
		return true
	}
	if len(m.queue) >= m.limit {
		m.mu.Unlock()
		m.end()
		return false
	}
	m.queue = append(m.queue, f)
	start := !m.writing
	if start {
		m.writing = true
		m.writers.Add(1)
	}
	m.mu.Unlock()
	if start {
		go m.flush()
	}
	return true
}

// sendNow writes f at once when the member is idle and its socket takes
// it whole, as it almost always does: a broadcast then costs no goroutine
// and no timer per connection. Otherwise it is queued as by send (false:
// the member was dropped).
func (m *member) sendNow(f *frame) bool {
	m.mu.Lock()
	if m.ended || m.writing || len(m.queue) > 0 {
		m.mu.Unlock()
		return m.send(f)
	}
	m.writing = true // the turn, for this write
	m.writers.Add(1)
	m.mu.Unlock()

	rest, err := m.conn.tryWrite(f)
	if err != nil {
		m.mu.Lock()
		m.writing = false
		m.mu.Unlock()
		m.writers.Done()
		m.end()
		return true // gone, not slow: its handler leaves the room
	}
	m.mu.Lock()
	if rest != nil {
		// The socket is full: the rest goes first, in a writer that may wait.
		m.queue = append([]*frame{rest}, m.queue...)
	}
	if len(m.queue) == 0 {
		m.writing = false
		m.mu.Unlock()
		m.writers.Done()
		return true
	}
	m.mu.Unlock()
	go m.flush() // keeps the turn and the writers count
	return true
}

// flush writes the queued frames until none is left, then gives up the
// turn. The caller holds the turn.
func (m *member) flush() {
	defer m.writers.Done()
	for {
		m.mu.Lock()
		if len(m.queue) == 0 || m.ended {
			m.queue = nil // an idle member keeps no buffer
			m.writing = false
			m.mu.Unlock()
			return
		}
		f := m.queue[0]
		m.queue[0] = nil
		m.queue = m.queue[1:]
		m.mu.Unlock()
		if err := m.conn.write(f); err != nil {
			m.mu.Lock()
			m.writing = false
			m.mu.Unlock()
			m.finish(!errors.Is(err, errGoodbye)) // a goodbye closes in its own time
			return
		}
	}
}

// end stops writing to the member and hangs up; the connection's own
// goroutine then finds it closed and leaves.
func (m *member) end() { m.finish(true) }

func (m *member) finish(hangUp bool) {
	m.mu.Lock()
	first := !m.ended
	if first {
		m.ended = true
		close(m.endedCh)
	}
	m.mu.Unlock()
	if first && hangUp {
		m.conn.hangUp()
	}
}

// stop ends the member and waits for its writer: after it returns nothing
// writes to the connection, which its handler may then hand back.
func (m *member) stop() {
	m.end()
	m.writers.Wait()
}

// pingFrame and goodbyeFrame are not messages but orders to the writer:
// ping the client, or tell it to reconnect and close (shutdown).
var (
	pingFrame    = &frame{}
	goodbyeFrame = &frame{}
)

// pingSlots is how many one-second slots the ping period has: each member
// is pinged in its own, so 15,000 pings are spread over the period.
func (h *hub) pingSlots() int { return max(1, int(h.opts.PingEvery/time.Second)) }

// runPings pings each member once per PingEvery, a slot of them each
// second, and at shutdown tells every member to reconnect.
func (h *hub) runPings(life <-chan struct{}) {
	t := time.NewTicker(min(time.Second, h.opts.PingEvery))
	defer t.Stop()
	for slot := 0; ; slot = (slot + 1) % h.pingSlots() {
		select {
		case <-life:
			h.sendAll(func(*member) bool { return true }, goodbyeFrame)
			return
		case <-t.C:
			h.sendAll(func(m *member) bool { return m.pingSlot == slot }, pingFrame)
		}
	}
}

// sendAll queues f to the members that match.
func (h *hub) sendAll(match func(*member) bool, f *frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.rooms {
		for m := range r.members {
			if match(m) && !m.send(f) {
				delete(r.members, m)
				liveDropped.Inc()
			}
		}
	}
}
