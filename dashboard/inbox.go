package dashboard

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// The inbox page lists a site's leads newest first, a page at a time.
const (
	inboxPageSize = 50
	// inboxScanBudget bounds how many leads one page request reads when
	// filters the store cannot apply (widget, source, from) skip most of
	// them: the page then ends early with a "next" link that goes on from
	// where the reading stopped, so no request reads the whole inbox.
	inboxScanBudget = 2000
	inboxScanStep   = 250
)

// leadStatuses are the statuses a person may give a lead, in the order
// the page offers them.
var leadStatuses = []string{store.LeadNew, store.LeadInProgress, store.LeadWon, store.LeadLost}

// mountInbox adds the inbox's pages to the signed-in group. The exports
// and the live stream come before /:lid, which would take their names.
func (h *handler) mountInbox(u fiber.Router) {
	ex := newInboxExports(h)
	u.Get("/sites/:id/inbox", h.inboxPage)
	u.Get("/sites/:id/inbox/export.csv", ex.csv)
	u.Get("/sites/:id/inbox/export.jsonl", ex.jsonl)
	u.Get("/sites/:id/inbox/live", h.inboxLive)
	u.Get("/sites/:id/inbox/:lid", h.leadPage)
	u.Post("/sites/:id/inbox/:lid/status", h.leadStatus)
	u.Post("/sites/:id/inbox/:lid/note", h.leadNote)
}

// inboxFilter is the page's GET parameters.
type inboxFilter struct {
	Type, Status, Widget, Source string
	From, To                     string // YYYY-MM-DD, UTC days, both included
	from, to                     time.Time
	after                        store.LeadCursor
	viewer                       *leadViewer // a manager's: their own callbacks only
}

// Query is the filter as URL parameters (without the cursor).
func (f inboxFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"type": f.Type, "status": f.Status, "widget": f.Widget, "source": f.Source, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// Any reports whether any filter is set.
func (f inboxFilter) Any() bool { return len(f.Query()) > 0 }

// parseInboxFilter reads and checks the filters; the text key names what
// is wrong.
func parseInboxFilter(c *fiber.Ctx) (inboxFilter, string) {
	f := inboxFilter{Type: c.Query("type"), Status: c.Query("status"), Widget: c.Query("widget"),
		Source: strings.TrimSpace(c.Query("source")), From: c.Query("from"), To: c.Query("to")}
	if len(f.Type) > 40 || len(f.Widget) > 100 || len(f.Source) > 200 {
		return f, "inbox_bad_filter"
	}
	if f.Status != "" && !slices.Contains(leadStatuses, f.Status) {
		return f, "inbox_bad_status"
	}
	var err error
	if f.From != "" {
		if f.from, err = time.Parse(time.DateOnly, f.From); err != nil {
			return f, "inbox_bad_from"
		}
	}
	if f.To != "" {
		if f.to, err = time.Parse(time.DateOnly, f.To); err != nil {
			return f, "inbox_bad_to"
		}
	}
	if !f.from.IsZero() && !f.to.IsZero() && f.to.Before(f.from) {
		return f, "inbox_bad_range"
	}
	if v := c.Query("cursor"); v != "" {
		var ok bool
		if f.after, ok = decodeInboxCursor(v); !ok {
			return f, "inbox_bad_cursor"
		}
	} else if !f.to.IsZero() {
		// Leads before the day after "to": the store starts there.
		f.after = store.LeadCursor{CreatedAt: f.to.AddDate(0, 0, 1)}
	}
	return f, ""
}

// matches applies the filters the store does not.
func (f inboxFilter) matches(ctx context.Context, l store.Lead) (bool, error) {
	if (f.Widget != "" && l.WidgetID != f.Widget) || (f.Source != "" && !strings.EqualFold(l.Source, f.Source)) {
		return false, nil
	}
	return f.viewer.sees(ctx, l)
}

// inboxCursor is opaque to the page: the last lead read (time in
// nanoseconds and id), base64url.
func encodeInboxCursor(c store.LeadCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + c.ID))
}

func decodeInboxCursor(s string) (store.LeadCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.LeadCursor{}, false
	}
	nanos, id, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(nanos, 10, 64)
	if !ok || id == "" || err != nil || n < 0 {
		return store.LeadCursor{}, false
	}
	return store.LeadCursor{CreatedAt: time.Unix(0, n).UTC(), ID: id}, true
}

// readInbox reads one page of leads for f: up to inboxPageSize matches,
// reading at most inboxScanBudget leads. next is the cursor to go on
// from, empty when no older lead can match.
func (h *handler) readInbox(ctx context.Context, siteID string, f inboxFilter) (page []store.Lead, next string, err error) {
	sf := store.LeadFilter{Type: f.Type, Status: f.Status, After: f.after}
	narrowed := f.Widget != "" || f.Source != "" || f.viewer != nil
	read := 0
	for read < inboxScanBudget {
		// Without the store-side-only filters one more than the page tells
		// whether another page follows.
		sf.Limit = inboxPageSize - len(page) + 1
		if narrowed {
			sf.Limit = inboxScanStep
		}
		batch, err := h.Store.ListLeads(ctx, siteID, sf)
		if err != nil {
			return nil, "", err
		}
		for _, l := range batch {
			read++
			if !f.from.IsZero() && l.CreatedAt.Before(f.from) {
				return page, "", nil // older than "from": nothing further can match
			}
			ok, err := f.matches(ctx, l)
			if err != nil {
				return nil, "", err
			}
			if !ok {
				continue
			}
			if len(page) == inboxPageSize {
				// A match beyond the page: the next page starts after the last shown.
				last := page[len(page)-1]
				return page, encodeInboxCursor(store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID}), nil
			}
			page = append(page, l)
		}
		if len(batch) < sf.Limit {
			return page, "", nil
		}
		last := batch[len(batch)-1]
		sf.After = store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	// The budget ran out among non-matching leads: go on from the last read.
	return page, encodeInboxCursor(sf.After), nil
}

// inboxData is the inbox page's.
type inboxData struct {
	Site     store.Site
	Filter   inboxFilter
	Leads    []leadRow
	Next     string // URL of the next page, empty on the last
	Widgets  []widgetOption
	Types    []string
	Statuses []string
	Export   string // the filters as a query for the export links
	Live     bool   // new leads may be prepended (first page, no filters)
	LiveURL  string
	Script   string
	First    bool
}

// leadRow is one lead as a row shows it.
type leadRow struct {
	store.Lead
	SiteID string
	Widget string
	L      Lang
}

// widgetLabel names a widget in a row: widgets have no name yet, so its
// type and the start of its id (without the "wdg_" every id has).
func widgetLabel(w store.Widget) string {
	id := strings.TrimPrefix(w.ID, "wdg_")
	if len(id) > 6 {
		id = id[:6]
	}
	return w.Type + " · " + id
}

// widgetOption is a widget in the filter's list.
type widgetOption struct{ ID, Label string }

func (h *handler) inboxPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.WorkInbox)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	d := inboxData{Site: site, Statuses: leadStatuses, Script: staticURL("inbox.js"),
		LiveURL: "/app/sites/" + site.ID + "/inbox/live"}
	for _, w := range ws {
		d.Widgets = append(d.Widgets, widgetOption{ID: w.ID, Label: widgetLabel(w)})
		if !slices.Contains(d.Types, w.Type) {
			d.Types = append(d.Types, w.Type)
		}
	}
	f, bad := parseInboxFilter(c)
	if f.viewer, err = h.viewer(c, site); err != nil {
		return h.fail(c, err)
	}
	d.Filter = f
	if bad != "" {
		return h.render(c, http.StatusUnprocessableEntity, "inbox", "inbox_title", d, bad)
	}
	if f.Type != "" && !slices.Contains(d.Types, f.Type) {
		d.Types = append(d.Types, f.Type) // a deleted widget's leads stay filterable
	}
	page, next, err := h.readInbox(ctx, site.ID, f)
	if err != nil {
		return h.fail(c, err)
	}
	names := map[string]string{}
	for _, w := range ws {
		names[w.ID] = widgetLabel(w)
	}
	l := h.lang(c)
	for _, ld := range page {
		d.Leads = append(d.Leads, leadRow{Lead: ld, SiteID: site.ID, Widget: names[ld.WidgetID], L: l})
	}
	q := f.Query()
	d.Export = q.Encode()
	if next != "" {
		q.Set("cursor", next)
		d.Next = "/app/sites/" + site.ID + "/inbox?" + q.Encode()
	}
	// The live stream catches up from the newest lead shown (or from now
	// on an empty inbox), so a lead stored while the page loads is not missed.
	d.First = c.Query("cursor") == ""
	d.Live = d.First && !f.Any()
	since, err := h.newestLead(ctx, site.ID, page, d.Live)
	if err != nil {
		return h.fail(c, err)
	}
	d.LiveURL += "?since=" + encodeInboxCursor(since)
	return h.render(c, http.StatusOK, "inbox", "inbox_title", d)
}

// newestLead is the cursor the live stream catches up from: the site's
// newest lead as the page is made (the first row of an unfiltered first
// page; otherwise read), or now on an empty inbox.
func (h *handler) newestLead(ctx context.Context, siteID string, page []store.Lead, unfiltered bool) (store.LeadCursor, error) {
	if !unfiltered || len(page) == 0 {
		var err error
		if page, err = h.Store.ListLeads(ctx, siteID, store.LeadFilter{Limit: 1}); err != nil {
			return store.LeadCursor{}, err
		}
	}
	if len(page) == 0 {
		return store.LeadCursor{CreatedAt: h.Now().UTC()}, nil
	}
	return store.LeadCursor{CreatedAt: page[0].CreatedAt, ID: page[0].ID}, nil
}
