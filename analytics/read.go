package analytics

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
)

// readCap bounds the leads, and the callback requests, one report reads:
// a page must answer quickly even for a busy site's year (Report.Truncated
// says so).
const (
	readCap  = 50000
	pageSize = 1000
)

// leadChunks is how many parts of a period are read at once: the store's
// round trips and its decoding overlap, which halves a Redis report.
const leadChunks = 4

// readLeads returns the complete leads (not partial ones) created in p,
// of widget w when set (the store skips the leads of other types); cut
// says readCap stopped it. The period is read in leadChunks parts of equal
// time at once.
func readLeads(ctx context.Context, st store.Leads, siteID string, p Period, w *store.Widget) ([]store.Lead, bool, error) {
	start, end := p.start(), p.end()
	step := end.Sub(start) / leadChunks
	parts := make([][]store.Lead, leadChunks)
	errs := make([]error, leadChunks)
	var read atomic.Int64
	var wg sync.WaitGroup
	for i := range leadChunks {
		from, to := start.Add(time.Duration(i)*step), start.Add(time.Duration(i+1)*step)
		if i == leadChunks-1 {
			to = end
		}
		wg.Go(func() { parts[i], errs[i] = readLeadRange(ctx, st, siteID, from, to, w, &read) })
	}
	wg.Wait()
	var out []store.Lead
	for i := range parts {
		if errs[i] != nil {
			return nil, false, errs[i]
		}
		out = append(out, parts[i]...)
	}
	return out, read.Load() > readCap, nil
}

// readLeadRange reads the leads created in [from, to), newest first,
// until read (shared by the parts) passes readCap.
func readLeadRange(ctx context.Context, st store.Leads, siteID string, from, to time.Time, w *store.Widget, read *atomic.Int64) (out []store.Lead, err error) {
	f := store.LeadFilter{After: store.LeadCursor{CreatedAt: to}, Limit: pageSize}
	if w != nil {
		f.Type = w.Type // a lead's type is its widget's
	}
	for {
		page, err := st.ListLeads(ctx, siteID, f)
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			if l.CreatedAt.Before(from) || read.Add(1) > readCap {
				return out, nil
			}
			if !l.Partial && !isTestCallLead(l) && (w == nil || l.WidgetID == w.ID) {
				out = append(out, l)
			}
		}
		if len(page) < pageSize {
			return out, nil
		}
		last := page[len(page)-1]
		f.After = store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
}

// readCalls returns the callback requests created in p, newest first.
func readCalls(ctx context.Context, st store.Callbacks, siteID string, p Period, widgetID string) (out []store.Callback, cut bool, err error) {
	start, before := p.start(), p.end()
	read := 0
	for {
		page, err := st.ListCallbacks(ctx, siteID, before, pageSize)
		if err != nil {
			return nil, false, err
		}
		for _, c := range page {
			if c.CreatedAt.Before(start) {
				return out, false, nil
			}
			if read++; read > readCap {
				return out, true, nil
			}
			if (widgetID == "" || c.WidgetID == widgetID) && !callback.IsTestCall(c) {
				out = append(out, c)
			}
		}
		if len(page) < pageSize {
			return out, false, nil
		}
		// Requests created in the same instant as the page's last one
		// would be skipped by "before"; such ties are a handful of
		// requests at most in a report of thousands.
		before = page[len(page)-1].CreatedAt
	}
}

// tallyReads is how many tallies are read at once: Redis answers each in a
// round trip, and a quarter of a few widgets is hundreds of them.
const tallyReads = 8

// readTallies sums, per tally kind and widget, the fields of every day of
// p: sums[kind][widgetID][field].
func readTallies(ctx context.Context, st store.Tallies, siteID string, widgets []store.Widget, p Period) (map[string]map[string]map[string]int64, error) {
	type job struct{ kind, widgetID, name string }
	var jobs []job
	for _, w := range widgets {
		for _, kind := range tallyKinds(w) {
			for _, day := range p.days() {
				jobs = append(jobs, job{kind, w.ID, tallyName(kind, w.ID, day)})
			}
		}
	}
	sums := map[string]map[string]map[string]int64{}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan job)
	for range tallyReads {
		wg.Go(func() {
			for j := range next {
				t, err := st.Tally(ctx, siteID, j.name)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				add(sums, j.kind, j.widgetID, t)
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return sums, firstErr
}

func add(sums map[string]map[string]map[string]int64, kind, widgetID string, t map[string]int64) {
	if len(t) == 0 {
		return
	}
	if sums[kind] == nil {
		sums[kind] = map[string]map[string]int64{}
	}
	if sums[kind][widgetID] == nil {
		sums[kind][widgetID] = map[string]int64{}
	}
	for f, n := range t {
		sums[kind][widgetID][f] += n
	}
}

// isTestCallLead tells the lead of a dashboard's "call me now" test, which
// rings the site's own people and is no visitor's request.
func isTestCallLead(l store.Lead) bool {
	return l.Source == callback.TestCallSource && strings.HasPrefix(l.VisitorID, callback.TestCallVisitorPrefix)
}
