package socialproof

import (
	"log/slog"
	"net"
	"slices"
	"sync"
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
	ws := &wsConn{Conn: c.Conn, timeout: l.deps.WriteTimeout}
	if !l.hub.reserve(req.ip) {
		closeWith(ws.Conn, websocket.CloseTryAgainLater, "too many live connections from this address")
		return
	}
	defer l.hub.release(req.ip)
	m, err := l.hub.join(req.site.ID, req.widget.ID, req.page, ws)
	if err != nil {
		closeWith(ws.Conn, websocket.CloseTryAgainLater, "retry later")
		return
	}
	defer l.hub.leave(req.site.ID, m)
	defer m.stop()
	liveOpen.Inc()
	defer liveOpen.Dec()

	hello, seen, _, err := l.hello(l.hub.life, req)
	if err == nil {
		ws.seen = seen
		ws.deadline()
		err = ws.WriteJSON(hello)
	}
	if err != nil {
		m.end()
	}
	m.flush() // what was published while the hello was read, then the turn is free

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

// wsConn writes a member's frames to its WebSocket.
type wsConn struct {
	*websocket.Conn
	timeout time.Duration
	// seen are the ids of the hello's events: they were published before
	// the hello was read, and are skipped if they come again. The first
	// ping forgets them: by then they have all come.
	seen []string
}

func (ws *wsConn) deadline() { _ = ws.SetWriteDeadline(time.Now().Add(ws.timeout)) }

func (ws *wsConn) write(f *frame) error {
	switch f {
	case pingFrame:
		ws.seen = nil
		return ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(ws.timeout))
	case goodbyeFrame:
		// Shutdown: tell the browser to reconnect (to another replica),
		// then close.
		if pm, err := reconnectFrame.websocketFrame(); err == nil {
			_ = ws.SetWriteDeadline(time.Now().Add(drainWrite))
			_ = ws.WritePreparedMessage(pm)
		}
		closeWith(ws.Conn, websocket.CloseGoingAway, "server restarting")
		closeSocket(ws.Conn)
		return errGoodbye
	}
	if f.eventID != "" && slices.Contains(ws.seen, f.eventID) {
		return nil // the hello had it
	}
	pm, err := f.websocketFrame()
	if err != nil {
		return err
	}
	ws.deadline()
	return ws.WritePreparedMessage(pm)
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
