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

// serveWebsocket runs one upgraded connection: this goroutine reads (only
// pongs and the close are expected), a second one writes.
func (l *live) serveWebsocket(conn *fiberws.Conn) {
	req := conn.Locals(liveRequestLocal).(*liveRequest)
	if !l.hub.reserve(req.ip) {
		closeWith(conn.Conn, websocket.CloseTryAgainLater, "too many live connections from this address")
		return
	}
	defer l.hub.release(req.ip)
	m, err := l.hub.join(req.site.ID, req.widget.ID, req.page, func() { closeSocket(conn.Conn) })
	if err != nil {
		closeWith(conn.Conn, websocket.CloseTryAgainLater, "retry later")
		return
	}
	defer l.hub.leave(req.site.ID, m)
	liveOpen.Inc()
	defer liveOpen.Dec()

	conn.SetReadLimit(maxInbound)
	pongWait := l.opts.PongWait
	_ = conn.SetReadDeadline(time.Now().Add(pongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(pongWait)) })

	stop := make(chan struct{})
	written := make(chan struct{})
	go func() {
		defer close(written)
		l.writeWebsocket(conn.Conn, req, m, stop)
	}()
	for {
		// Browsers send nothing; a message within the limit is ignored, a
		// larger one ends the connection (ReadMessage answers it with the
		// close code 1009).
		if _, _, err := conn.ReadMessage(); err != nil {
			break
		}
	}
	close(stop)
	<-written
}

// writeWebsocket sends the hello, then the hub's messages and pings, until
// the reader stops, the hub drops the connection or the server shuts down.
// Whatever ends it closes the connection, which ends the reader too.
func (l *live) writeWebsocket(conn *websocket.Conn, req *liveRequest, m *member, stop <-chan struct{}) {
	defer closeSocket(conn)
	timeout := l.deps.WriteTimeout
	hello, seen, _, err := l.hello(l.hub.life, req)
	if err != nil {
		l.deps.Log.Warn("live: hello", slog.Any("err", err))
		closeWith(conn, websocket.CloseTryAgainLater, "retry later")
		return
	}
	_ = conn.SetWriteDeadline(time.Now().Add(timeout))
	if conn.WriteJSON(hello) != nil {
		return
	}
	ping := time.NewTicker(l.opts.PingEvery)
	defer ping.Stop()
	for {
		select {
		case f := <-m.out:
			if f.eventID != "" && slices.Contains(seen, f.eventID) {
				continue // the hello had it
			}
			pm, err := f.websocketFrame()
			if err != nil {
				l.deps.Log.Error("live: prepare frame", slog.Any("err", err))
				continue
			}
			_ = conn.SetWriteDeadline(time.Now().Add(timeout))
			if conn.WritePreparedMessage(pm) != nil {
				return
			}
		case <-ping.C:
			// Events the hello had were published before it was read: by
			// now they have all come, so the ids are no longer needed.
			seen = nil
			if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(timeout)) != nil {
				return
			}
		case <-m.dropped:
			return // too slow to keep: closed without ceremony
		case <-stop:
			return
		case <-l.hub.life.Done():
			// Shutdown: tell the browser to reconnect (to another replica),
			// then close.
			if pm, err := reconnectFrame.websocketFrame(); err == nil {
				_ = conn.SetWriteDeadline(time.Now().Add(drainWrite))
				_ = conn.WritePreparedMessage(pm)
			}
			closeWith(conn, websocket.CloseGoingAway, "server restarting")
			return
		}
	}
}

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
