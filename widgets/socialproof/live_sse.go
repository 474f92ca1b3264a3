package socialproof

import (
	"bufio"
	"encoding/json"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// sseRetryMillis tells the browser how soon to reconnect a stream.
const sseRetryMillis = 3000

// eventsRoute is GET /w/v1/{siteKey}/live/events: the live feed as
// Server-Sent Events, for networks that block WebSocket. The messages are
// the WebSocket's, one per "data:" line. An event's SSE id is its seq, so
// a browser that reconnects on its own (Last-Event-ID) resumes after it.
func (l *live) eventsRoute(c *fiber.Ctx) error {
	req, err := l.parseLiveRequest(c)
	if err != nil {
		return err
	}
	if last := c.Get("Last-Event-ID"); last != "" {
		if since, ok := parseCursor(last); ok {
			req.since = req.since.later(since)
		}
	}
	if !l.hub.hasRoom(req.ip) {
		return tooManyConnections()
	}
	// The stream outlives the server's WriteTimeout, which would cut it:
	// a deadline set here replaces it, and each write sets its own.
	if err := c.Context().SetWriteDeadline(time.Now().Add(l.deps.WriteTimeout)); err != nil {
		return err
	}
	out := &sseStream{conn: c.Context().Conn(), timeout: l.deps.WriteTimeout}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		out.w = w
		l.streamEvents(out, req)
	})
	return nil
}

func (l *live) streamEvents(out *sseStream, req *liveRequest) {
	if !l.hub.reserve(req.ip) {
		return
	}
	defer l.hub.release(req.ip)
	m, err := l.hub.join(req.site.ID, req.member(), req.page, out)
	if err != nil {
		return
	}
	defer l.hub.leave(req.site.ID, m)
	defer m.stop()
	liveOpen.Inc()
	defer liveOpen.Dec()

	hello, seen, newest, err := l.hello(l.hub.life, req)
	var text []byte
	if err == nil {
		text, err = json.Marshal(hello)
	}
	if err == nil {
		out.seen = seen
		id := ""
		if newest > 0 {
			id = strconv.FormatInt(newest, 10)
		}
		if err = out.send("retry: " + strconv.Itoa(sseRetryMillis) + "\n\n"); err == nil {
			err = out.message(text, id)
		}
	}
	if err != nil {
		m.end()
	}
	m.flush()
	// The stream stays open until the member ends: a write failed (the
	// visitor left: pings find out), it fell behind, or the server said
	// goodbye.
	<-m.endedCh
}

// sseStream writes a member's frames to its stream, each write under its
// own deadline.
type sseStream struct {
	w       *bufio.Writer
	conn    net.Conn
	timeout time.Duration
	seen    []string // as wsConn's
}

func (o *sseStream) write(f *frame) error {
	switch f {
	case pingFrame:
		o.seen = nil
		// A comment line keeps proxies from closing an idle stream and
		// tells us when the visitor has gone (the write fails).
		return o.send(": ping\n\n")
	case goodbyeFrame:
		_ = o.message(reconnectFrame.text, "")
		return errGoodbye
	}
	if f.eventID != "" && slices.Contains(o.seen, f.eventID) {
		return nil
	}
	id := ""
	if f.eventSeq > 0 {
		id = strconv.FormatInt(f.eventSeq, 10)
	}
	return o.message(f.text, id)
}

// tryWrite leaves every frame to write: a stream's frame is a buffered
// write and a flush, done by the member's writer under a deadline.
func (o *sseStream) tryWrite(f *frame) (*frame, error) { return f, nil }

func (o *sseStream) hangUp() { _ = o.conn.Close() }

func (o *sseStream) send(text string) error {
	if err := o.conn.SetWriteDeadline(time.Now().Add(o.timeout)); err != nil {
		return err
	}
	if _, err := o.w.WriteString(text); err != nil {
		return err
	}
	return o.w.Flush()
}

// message writes one message, with its SSE id when it has one.
func (o *sseStream) message(text []byte, id string) error {
	head := "event: message\n"
	if id != "" {
		head = "id: " + id + "\n" + head
	}
	return o.send(head + "data: " + string(text) + "\n\n")
}
