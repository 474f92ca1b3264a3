package leads

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// exportPage is how many leads an export reads from the store at a time:
// an export holds one page in memory, never the whole inbox.
const exportPage = 500

// rowWriter writes one format of export: a head once, then each lead.
type rowWriter interface {
	head() error
	row(l store.Lead) error
	// flush hands what is buffered to the connection's writer.
	flush() error
}

// exportJSONL is GET /api/v1/sites/{id}/leads.jsonl?type=&status=: the
// inbox newest first, one lead per line as the API shows it.
func (ib *Inbox) exportJSONL(c *fiber.Ctx) error {
	return ib.export(c, "application/x-ndjson", "jsonl", func(w *bufio.Writer, _ store.Site) rowWriter {
		return jsonlWriter{w: w}
	})
}

type jsonlWriter struct{ w *bufio.Writer }

func (j jsonlWriter) head() error { return nil }

func (j jsonlWriter) row(l store.Lead) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if _, err := j.w.Write(b); err != nil {
		return err
	}
	return j.w.WriteByte('\n')
}

func (j jsonlWriter) flush() error { return nil }

// export streams the site's leads matching the request's filters. The
// first page is read before the response starts, so a refused request or
// a store that is down gets a proper error status; later pages are read
// while streaming, each with its own store deadline, and written each
// under its own write deadline (an export of a large inbox outlives the
// server's WriteTimeout). A page that cannot be read breaks the download
// (see below). Leads are read by cursor, so a lead created
// meanwhile is neither repeated nor makes another skip.
//
// The caller has checked the format's own options (the CSV separator);
// open makes the format's writer once the stream starts.
func (ib *Inbox) export(c *fiber.Ctx, contentType, ext string, open func(*bufio.Writer, store.Site) rowWriter) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeRead)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	f.Limit = exportPage
	first, err := ib.d.Store.ListLeads(c.UserContext(), site.ID, f)
	if err != nil {
		return err
	}
	conn := c.Context().Conn()
	if err := c.Context().SetWriteDeadline(time.Now().Add(ib.d.WriteTimeout)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType+"; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="leads-%s.%s"`, site.ID, ext))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := ib.stream(w, conn, open(w, site), site.ID, f, first); err != nil {
			// The connection is dropped before the body's last chunk, so the
			// client sees a broken download, never a short file that looks
			// whole.
			conn.Close()
			exportFailures.WithLabelValues(ext).Inc()
			ib.d.Log.Warn("lead export cut short", slog.String("site_id", site.ID), slog.String("format", ext), slog.Any("err", err))
			return
		}
		exports.WithLabelValues(ext).Inc()
	})
	return nil
}

// stream writes the head and every page, starting with first.
func (ib *Inbox) stream(w *bufio.Writer, conn net.Conn, rw rowWriter, siteID string, f store.LeadFilter, page []store.Lead) error {
	if err := rw.head(); err != nil {
		return err
	}
	for {
		for _, l := range page {
			// Any row may fill the buffer and reach the connection: each
			// gets the whole WriteTimeout (a deadline is a timer, cheap to set).
			if err := conn.SetWriteDeadline(time.Now().Add(ib.d.WriteTimeout)); err != nil {
				return err
			}
			if err := rw.row(l); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		if err := rw.flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if len(page) < f.Limit {
			return nil
		}
		last := page[len(page)-1]
		f.After = store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		// fasthttp copies what was written to the connection on its own
		// goroutine, maybe while the next page is read: those writes get
		// the page's read time on top of their own.
		if err := conn.SetWriteDeadline(time.Now().Add(api.StoreDeadline + ib.d.WriteTimeout)); err != nil {
			return err
		}
		var err error
		if page, err = ib.nextPage(siteID, f); err != nil {
			return err
		}
	}
}

func (ib *Inbox) nextPage(siteID string, f store.LeadFilter) ([]store.Lead, error) {
	ctx, cancel := context.WithTimeout(ib.d.Ctx, api.StoreDeadline)
	defer cancel()
	page, err := ib.d.Store.ListLeads(ctx, siteID, f)
	if err != nil {
		return nil, fmt.Errorf("read leads after %s: %w", f.After.ID, err)
	}
	return page, nil
}
