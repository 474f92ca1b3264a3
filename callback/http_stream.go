package callback

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Bounds of one progress stream: a bridge takes a few minutes at most, and
// the widget reconnects (or polls) if a stream ends early.
const (
	streamMaxAge = 15 * time.Minute
	// streamRetryMillis tells the browser how soon to reconnect.
	streamRetryMillis = 2000
)

// events is GET /w/v1/{siteKey}/callbacks/{id}/events?visitor_id=…:
// Server-Sent Events with the request's state, now and at every change,
// until it is final. Changes reach every replica through the store's
// pub/sub (see callbackHub).
//
// Each event carries the whole state, timeline included, and its id is
// the number of steps in the timeline. A browser that reconnects sends the
// last id it saw (Last-Event-ID) and gets the state again only if it moved
// on since, so nothing is missed and nothing repeated.
func (m *Module) events(c *fiber.Ctx) error {
	key := widgets.SiteOf(c).ID + "/" + c.Params("id")
	// Watch before reading: a change that lands between the read and the
	// watch would otherwise go unseen until the next one.
	changed := m.hub.watch(key)
	cb, err := m.visitorsCallback(c)
	if err != nil {
		m.hub.unwatch(key, changed)
		return err
	}
	seen := c.Get("Last-Event-ID")
	// The stream outlives the server's WriteTimeout, which would cut it:
	// a deadline set here replaces it, and each write below sets its own.
	if err := c.Context().SetWriteDeadline(time.Now().Add(m.deps.WriteTimeout)); err != nil {
		m.hub.unwatch(key, changed)
		return err
	}
	out := &sseWriter{conn: c.Context().Conn(), timeout: m.deps.WriteTimeout}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer m.hub.unwatch(key, changed)
		out.w = w
		m.stream(out, cb, seen, changed)
	})
	return nil
}

// sseWriter writes events, each under its own write deadline.
type sseWriter struct {
	w       *bufio.Writer
	conn    net.Conn
	timeout time.Duration
}

func (o *sseWriter) send(text string) error {
	if err := o.conn.SetWriteDeadline(time.Now().Add(o.timeout)); err != nil {
		return err
	}
	if _, err := o.w.WriteString(text); err != nil {
		return err
	}
	return o.w.Flush()
}

// eventID is the id of the event that shows cb: its number of steps, which
// only grows.
func eventID(cb store.Callback) string { return strconv.Itoa(len(cb.Timeline)) }

func (o *sseWriter) state(cb store.Callback) error {
	body, err := json.Marshal(viewOf(cb))
	if err != nil {
		return err
	}
	return o.send("id: " + eventID(cb) + "\nevent: state\ndata: " + string(body) + "\n\n")
}

func (m *Module) stream(out *sseWriter, cb store.Callback, seen string, changed <-chan struct{}) {
	if out.send("retry: "+strconv.Itoa(streamRetryMillis)+"\n\n") != nil {
		return
	}
	if eventID(cb) != seen {
		if out.state(cb) != nil {
			return
		}
	}
	if Final(cb.Status) {
		return
	}
	deadline := time.NewTimer(streamMaxAge)
	defer deadline.Stop()
	ping := time.NewTicker(m.opts.StreamHeartbeat)
	defer ping.Stop()
	last := cb.Status + "/" + eventID(cb)
	for {
		select {
		case <-changed:
			ctx, cancel := context.WithTimeout(m.ctx, api.StoreDeadline)
			fresh, err := m.deps.Store.GetCallback(ctx, cb.SiteID, cb.ID)
			cancel()
			if err != nil {
				continue // the next change or ping tries again
			}
			if now := fresh.Status + "/" + eventID(fresh); now != last {
				last = now
				if out.state(fresh) != nil || Final(fresh.Status) {
					return
				}
			}
		case <-ping.C:
			// A comment line: keeps proxies from closing an idle stream and
			// tells us when the visitor has gone (the write fails).
			if out.send(": ping\n\n") != nil {
				return
			}
		case <-deadline.C:
			return
		case <-m.ctx.Done():
			return
		}
	}
}
