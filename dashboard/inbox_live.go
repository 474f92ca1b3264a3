package dashboard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// The live inbox: a Server-Sent Events stream of the site's new leads,
// fed by the store's pub/sub (store.LeadsChannel, published by both
// stores when a lead is created), so a lead taken on any replica shows on
// every open inbox. Delivery is best effort like pub/sub itself: the page
// read from the store is the truth, the stream a hint.
const (
	livePing = 20 * time.Second // a comment line: keeps proxies open, finds gone browsers
	// liveLife ends a stream (the browser reconnects at once): a session
	// revoked or a membership removed stops the stream within it.
	liveLife  = 10 * time.Minute
	liveWrite = 10 * time.Second
	liveQueue = 32 // messages waiting for a slow browser; more are dropped
)

var liveStreams = promauto.NewGauge(prometheus.GaugeOpts{
	Name: "beckon_dashboard_inbox_live_streams", Help: "Open live-inbox streams (SSE) of the dashboard.",
})

// liveLead is one event of the stream: the new lead's id and its row,
// rendered in the reader's language.
type liveLead struct {
	ID   string `json:"id"`
	Row  string `json:"row"`
	Text string `json:"text"` // what a screen reader announces
}

func (h *handler) inboxLive(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.WorkInbox)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	l := h.lang(c)
	v, err := h.viewer(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	shutdown := c.Context().Done()
	ctx, cancel := context.WithTimeout(context.Background(), liveLife)
	added := make(chan store.LeadAdded, liveQueue)
	// Subscribe first, then answer: a lead stored once the page has its
	// stream is never missed.
	err = h.Store.Subscribe(ctx, store.LeadsChannel(site.ID), func(p []byte) {
		var m store.LeadAdded
		if json.Unmarshal(p, &m) != nil {
			return
		}
		select {
		case added <- m:
		default: // a browser this far behind reloads anyway
		}
	})
	if err != nil {
		cancel()
		return h.fail(c, fmt.Errorf("dashboard: subscribe to new leads: %w", err))
	}
	// Then the backlog: leads newer than what the page shows (?since=,
	// the newest row's cursor) or than the last event a reconnecting
	// browser got (Last-Event-ID), so nothing falls between.
	since := c.Get("Last-Event-ID")
	if since == "" {
		since = c.Query("since")
	}
	backlog, err := h.liveBacklog(c.UserContext(), site.ID, since)
	if err != nil {
		cancel()
		return h.fail(c, err)
	}
	if err := c.Context().SetWriteDeadline(time.Now().Add(liveWrite)); err != nil {
		cancel()
		return err
	}
	conn := c.Context().Conn()
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		liveStreams.Inc()
		defer liveStreams.Dec()
		s := liveStream{w: w, conn: conn}
		if s.send("retry: 3000\n: live\n\n") != nil {
			return
		}
		sent := map[string]bool{}
		for _, ld := range backlog {
			sent[ld.ID] = true
			if s.event(h.liveEvent(ctx, site.ID, store.LeadAdded{ID: ld.ID}, l, v)) != nil {
				return
			}
		}
		ping := time.NewTicker(livePing)
		defer ping.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-shutdown:
				return
			case <-ping.C:
				if s.send(": ping\n\n") != nil {
					return
				}
			case m := <-added:
				if sent[m.ID] {
					continue // sent with the backlog
				}
				ev, id, err := h.liveEvent(ctx, site.ID, m, l, v)
				if err != nil {
					h.Log.Warn("dashboard: live inbox row", slog.String("site_id", site.ID), slog.String("lead_id", m.ID), slog.Any("err", err))
					continue
				}
				if s.event(ev, id, nil) != nil {
					return
				}
			}
		}
	})
	return nil
}

// liveBacklogMax bounds the leads a (re)connecting stream catches up
// with; a browser further behind has the page to reload.
const liveBacklogMax = 50

// liveBacklog is the site's leads newer than the cursor since, oldest
// first; none without a valid cursor.
func (h *handler) liveBacklog(ctx context.Context, siteID, since string) ([]store.Lead, error) {
	after, ok := decodeInboxCursor(since)
	if !ok {
		return nil, nil
	}
	newest, err := h.Store.ListLeads(ctx, siteID, store.LeadFilter{Limit: liveBacklogMax})
	if err != nil {
		return nil, fmt.Errorf("dashboard: live backlog: %w", err)
	}
	var out []store.Lead
	for _, ld := range newest {
		if !newerThan(ld, after) {
			break
		}
		out = append(out, ld)
	}
	slices.Reverse(out)
	return out, nil
}

// newerThan orders leads as the inbox does: by time, then id.
func newerThan(l store.Lead, c store.LeadCursor) bool {
	return l.CreatedAt.After(c.CreatedAt) || (l.CreatedAt.Equal(c.CreatedAt) && l.ID > c.ID)
}

// liveEvent reads the new lead and renders its row; id is its cursor,
// the event's SSE id.
func (h *handler) liveEvent(ctx context.Context, siteID string, m store.LeadAdded, l Lang, v *leadViewer) (ev []byte, id string, err error) {
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ld, err := h.Store.GetLead(rctx, siteID, m.ID)
	if err != nil {
		return nil, "", err
	}
	if ok, err := v.sees(rctx, ld); !ok || err != nil {
		return nil, "", err
	}
	label := ""
	if w, err := h.Store.GetWidget(rctx, siteID, ld.WidgetID); err == nil {
		label = widgetLabel(w)
	}
	var buf bytes.Buffer
	if err := h.pages.byName["inbox"].ExecuteTemplate(&buf, "inbox_row", leadRow{Lead: ld, SiteID: siteID, Widget: label, L: l}); err != nil {
		return nil, "", err
	}
	who := ld.Contact.Name
	if who == "" {
		who = ld.Contact.Phone + ld.Contact.Email
	}
	ev, err = json.Marshal(liveLead{ID: ld.ID, Row: buf.String(), Text: l.F("inbox_live_one", "who", who)})
	return ev, encodeInboxCursor(store.LeadCursor{CreatedAt: ld.CreatedAt, ID: ld.ID}), err
}

// liveStream writes to one browser, each write under its own deadline.
type liveStream struct {
	w    *bufio.Writer
	conn net.Conn
}

// event sends one lead's event; a lead that could not be read (erased
// meanwhile) or is not the reader's (ev nil) is skipped.
func (s liveStream) event(ev []byte, id string, err error) error {
	if err != nil || ev == nil {
		return nil
	}
	return s.send("event: lead\nid: " + id + "\ndata: " + string(ev) + "\n\n")
}

func (s liveStream) send(text string) error {
	if err := s.conn.SetWriteDeadline(time.Now().Add(liveWrite)); err != nil {
		return err
	}
	if _, err := s.w.WriteString(text); err != nil {
		return err
	}
	return s.w.Flush()
}
