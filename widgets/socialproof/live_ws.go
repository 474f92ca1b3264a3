package socialproof

import (
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
	fiberws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
)

// liveRequestLocal carries the checked request from the route to the
// upgraded connection.
const liveRequestLocal = "socialproof.live"

// Buffers of one connection: the browser sends nothing but pongs, and the
// server's messages are a few hundred bytes, so small buffers keep 15,000
// connections within a few hundred megabytes. Write buffers are pooled:
// a connection holds one only while it writes.
const (
	readBufferSize  = 256
	writeBufferSize = 1024
)

// drainWrite bounds writing the reconnect message and the close frame at
// shutdown: a client that does not take them within it is closed anyway.
const drainWrite = time.Second

// websocketUpgrader upgrades checked requests. The Origin was checked by
// the public router before (a foreign origin gets its 403 there); the
// upgrader accepts what reaches it.
func (l *live) websocketUpgrader() fiber.Handler {
	return fiberws.New(l.serveWebsocket, fiberws.Config{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   readBufferSize,
		WriteBufferSize:  writeBufferSize,
		WriteBufferPool:  &sync.Pool{},
		RecoverHandler: func(c *fiberws.Conn) {
			if err := recover(); err != nil {
				l.deps.Log.Error("live: panic in a connection", slog.Any("err", err))
				c.Close()
			}
		},
	})
}

// websocketRoute is GET /w/v1/{siteKey}/live: the widget's live feed over
// WebSocket (see docs/API.md).
func (l *live) websocketRoute(c *fiber.Ctx) error {
	req, err := l.parseLiveRequest(c)
	if err != nil {
		return err
	}
	if !fiberws.IsWebSocketUpgrade(c) {
		return &api.Error{Status: fiber.StatusUpgradeRequired, Code: "upgrade_required",
			Message: "connect with WebSocket, or use live/events (SSE) or live/poll"}
	}
	// Refused here with a plain 429 while that is still possible; the slot
	// is taken after the upgrade, where its release is certain.
	if !l.hub.hasRoom(req.ip) {
		return tooManyConnections()
	}
	c.Locals(liveRequestLocal, req)
	return l.upgrader(c)
}

// serveWebsocket runs one upgraded connection in the goroutine that reads
// it (only pongs and the close are expected); writes happen in short-lived
// goroutines while there is something to write (see member).
func (l *live) serveWebsocket(c *fiberws.Conn) {
	req := c.Locals(liveRequestLocal).(*liveRequest)
	ws := newWSConn(c.Conn, l.deps.WriteTimeout)
	if !l.hub.reserve(req.ip) {
		closeWith(ws.Conn, websocket.CloseTryAgainLater, "too many live connections from this address")
		return
	}
	defer l.hub.release(req.ip)
	m, err := l.hub.join(req.site.ID, req.member(), req.page, ws)
	if err != nil {
		closeWith(ws.Conn, websocket.CloseTryAgainLater, "retry later")
		return
	}
	defer l.hub.leave(req.site.ID, m)
	defer m.stop()
	liveOpen.Inc()
	defer liveOpen.Dec()

	hello, seen, _, err := l.hello(l.hub.life, req)
	var text []byte
	if err == nil {
		text, err = json.Marshal(hello)
	}
	if err == nil {
		ws.seen = seen
		err = ws.write(textFrame(text))
	}
	if err != nil {
		m.end()
	}
	m.flush() // what was published while the hello was read, then the turn is free

	answerPings(ws, m)
	ws.SetReadLimit(maxInbound)
	pongWait := l.opts.PongWait
	_ = ws.SetReadDeadline(time.Now().Add(pongWait))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		// Browsers send nothing; a message within the limit is ignored, a
		// larger one ends the connection (ReadMessage answers it with the
		// close code 1009).
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

// answerPings makes the connection's pongs go through m's writer. Frames
// go straight to the socket (see wsConn), so a pong must take the writer's
// turn like any other frame rather than be written by the library from
// the reading goroutine. Browsers do not ping; this keeps the protocol for
// clients that do.
func answerPings(ws *wsConn, m *member) {
	ws.SetPingHandler(func(data string) error {
		m.send(&frame{wire: websocketFrame(opPong, []byte(data))})
		return nil
	})
}

// wsConn writes a member's frames to its WebSocket. Frames are written to
// the socket itself, already encoded (frame.wire), not through the
// library's writer: a broadcast's write to an idle connection is then one
// non-blocking system call with no deadline to set (tryWrite), and only a
// socket that cannot take it at once gets a writer that waits, under the
// write timeout (write). The member's turn keeps them one at a time.
type wsConn struct {
	*websocket.Conn
	sock    net.Conn        // the TCP connection under the WebSocket
	raw     syscall.RawConn // its descriptor; nil if it has none (then every write waits in a writer)
	timeout time.Duration
	// seen are the ids of the hello's events: they were published before
	// the hello was read, and are skipped if they come again. The first
	// ping forgets them: by then they have all come.
	seen []string

	// The one non-blocking write in progress (see tryWrite): its bytes
	// and result, and the callback given to raw.Write, made once so that
	// writes allocate nothing.
	pending  []byte
	written  int
	errno    error
	writeNow func(fd uintptr) bool
}

func newWSConn(c *websocket.Conn, timeout time.Duration) *wsConn {
	ws := &wsConn{Conn: c, sock: socketOf(c), timeout: timeout}
	if sc, ok := ws.sock.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			ws.raw = raw
		}
	}
	ws.writeNow = func(fd uintptr) bool {
		ws.written, ws.errno = syscall.Write(int(fd), ws.pending)
		return true // never wait for the socket here: write does that
	}
	return ws
}

// socketOf is the innermost connection under c that carries the frames
// as they are: fasthttp's hijacked connection and the server's listener
// wrap it, the first with UnsafeConn, the other with NetConn. A TLS
// connection also has NetConn, but under it are encrypted bytes: it is
// where unwrapping stops (and, having no descriptor, its frames are
// written through it).
func socketOf(c *websocket.Conn) net.Conn {
	nc := c.NetConn()
	for range 8 { // wrappers are few; the bound guards against a cycle
		switch w := nc.(type) {
		case *tls.Conn:
			return nc
		case interface{ UnsafeConn() net.Conn }:
			nc = w.UnsafeConn()
		case interface{ NetConn() net.Conn }:
			nc = w.NetConn()
		default:
			return nc
		}
	}
	return nc
}

func (ws *wsConn) tryWrite(f *frame) (*frame, error) {
	if f.wire == nil || ws.raw == nil {
		return f, nil // pings and goodbyes are written by write
	}
	if ws.skip(f) {
		return nil, nil
	}
	ws.pending = f.wire
	err := ws.raw.Write(ws.writeNow)
	n, errno := ws.written, ws.errno
	ws.pending, ws.errno = nil, nil
	switch {
	case err != nil:
		return nil, err // closed
	case errno == syscall.EAGAIN || errno == syscall.EINTR:
		return f, nil
	case errno != nil:
		return nil, errno
	case n < len(f.wire):
		return &frame{wire: f.wire[n:]}, nil
	}
	return nil, nil
}

// skip says whether f is an event the hello already had.
func (ws *wsConn) skip(f *frame) bool {
	return f.eventID != "" && slices.Contains(ws.seen, f.eventID)
}

// pingWire is a ping with no payload.
var pingWire = websocketFrame(opPing, nil)

// write writes f, waiting for the socket at most the write timeout.
func (ws *wsConn) write(f *frame) error {
	switch f {
	case pingFrame:
		ws.seen = nil
		return ws.writeWaiting(pingWire)
	case goodbyeFrame:
		// Shutdown: tell the browser to reconnect (to another replica),
		// then close.
		_ = ws.sock.SetWriteDeadline(time.Now().Add(drainWrite))
		_, _ = ws.sock.Write(reconnectFrame.wire)
		closeWith(ws.Conn, websocket.CloseGoingAway, "server restarting")
		closeSocket(ws.Conn)
		return errGoodbye
	}
	if ws.skip(f) {
		return nil
	}
	return ws.writeWaiting(f.wire)
}

// writeWaiting writes b under the write timeout, then clears the
// deadline: a deadline left behind would fail the next tryWrite once past.
func (ws *wsConn) writeWaiting(b []byte) error {
	if err := ws.sock.SetWriteDeadline(time.Now().Add(ws.timeout)); err != nil {
		return err
	}
	if _, err := ws.sock.Write(b); err != nil {
		return err
	}
	return ws.sock.SetWriteDeadline(time.Time{})
}

func (ws *wsConn) hangUp() { closeSocket(ws.Conn) }

// closeWith sends a close frame with code and reason, best effort.
func closeWith(conn *websocket.Conn, code int, reason string) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason),
		time.Now().Add(drainWrite))
}

// closeSocket closes the connection's socket now, which ends a write
// blocked on it and the reader. conn.Close alone does not: fasthttp closes
// a hijacked connection itself, once the handler has returned.
func closeSocket(conn *websocket.Conn) {
	nc := conn.NetConn()
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		nc = u.UnsafeConn()
	}
	_ = nc.Close()
}
