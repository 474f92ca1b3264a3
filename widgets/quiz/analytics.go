package quiz

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Analytics are counted per widget and per day of the site's time zone in
// store.Tallies, one tally a day ("quiz:<widget>:<YYYY-MM-DD>"), so a
// range of days is a sum. Field names:
//
//	views, starts, completions, leads, partial_leads
//	reached:<step>, answered:<step>   (each at most once per session)
//	<metric>@<source>                 (views, starts, completions, leads)
//	<metric>#<version>                (starts, completions, leads)
//
// A completion is the last step answered for the first time in the
// session: answering it again after going back is the same completion.
//
// Counts are kept in memory and written about once a second
// (flushEvery), so a hot quiz makes a few store writes a second, not one
// per request. A replica killed without a shutdown (kill -9) loses at most
// that second of counts; leads and sessions are stored at once, never
// buffered.
const (
	flushEvery   = time.Second
	flushTimeout = 5 * time.Second
)

// Metric names of the tallies.
const (
	mViews        = "views"
	mStarts       = "starts"
	mCompletions  = "completions"
	mLeads        = "leads"
	mPartialLeads = "partial_leads"
	mReached      = "reached:"
	mAnswered     = "answered:"
)

func tallyName(widgetID string, day string) string { return "quiz:" + widgetID + ":" + day }

func dayOf(site *widgets.Site, t time.Time) string { return t.In(site.Loc).Format(time.DateOnly) }

type tallyKey struct{ siteID, name string }

// tallies buffers increments until the next flush.
type tallies struct {
	st  store.Tallies
	log *slog.Logger

	mu      sync.Mutex
	pending map[tallyKey]map[string]int64
	flushMu sync.Mutex // one flush at a time: a read after flush sees every count made before it
}

func newTallies(st store.Tallies, log *slog.Logger) *tallies {
	return &tallies{st: st, log: log, pending: map[tallyKey]map[string]int64{}}
}

// add counts one more of each field in the widget's tally of day.
func (t *tallies) add(siteID, widgetID, day string, fields ...string) {
	k := tallyKey{siteID, tallyName(widgetID, day)}
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pending[k]
	if p == nil {
		p = map[string]int64{}
		t.pending[k] = p
	}
	for _, f := range fields {
		p[f]++
	}
}

// flush writes what is pending; what fails to be written goes back to be
// tried at the next flush, so a store hiccup loses no counts.
func (t *tallies) flush(ctx context.Context) error {
	t.flushMu.Lock()
	defer t.flushMu.Unlock()
	t.mu.Lock()
	batch := t.pending
	t.pending = make(map[tallyKey]map[string]int64, len(batch))
	t.mu.Unlock()
	var first error
	for k, deltas := range batch {
		if err := t.st.AddTally(ctx, k.siteID, k.name, deltas); err != nil {
			if first == nil {
				first = err
			}
			t.mu.Lock()
			p := t.pending[k]
			if p == nil {
				p = map[string]int64{}
				t.pending[k] = p
			}
			for f, n := range deltas {
				p[f] += n
			}
			t.mu.Unlock()
		}
	}
	return first
}

// run flushes every flushEvery until ctx ends, then once more.
func (t *tallies) run(ctx context.Context) {
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			fctx, cancel := context.WithTimeout(ctx, flushTimeout)
			if err := t.flush(fctx); err != nil {
				t.log.Warn("quiz: write analytics counts; kept for the next try", slog.Any("err", err))
			}
			cancel()
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
			if err := t.flush(fctx); err != nil {
				t.log.Error("quiz: write the last analytics counts at shutdown", slog.Any("err", err))
			}
			cancel()
			return
		}
	}
}

// bySource and byVersion name a metric's split fields.
func bySource(metric, source string) string { return metric + "@" + source }
func byVersion(metric string, v int) string { return metric + "#" + strconv.Itoa(v) }

func (t *tallies) viewed(site *widgets.Site, widgetID, source string, now time.Time) {
	t.add(site.ID, widgetID, dayOf(site, now), mViews, bySource(mViews, source))
}

func (t *tallies) started(site *widgets.Site, s store.QuizSession, now time.Time) {
	t.add(site.ID, s.WidgetID, dayOf(site, now), mStarts, bySource(mStarts, s.Source), byVersion(mStarts, s.Version),
		mReached+s.Current)
}

// answered counts the answer to step (once per session: first) and the
// step it leads to, when the session reached that one for the first time
// (newReach: going back and forth reaches it again, and counts nothing).
func (t *tallies) answered(site *widgets.Site, s store.QuizSession, step string, first, newReach bool, now time.Time) {
	var fields []string
	if first {
		fields = append(fields, mAnswered+step)
	}
	if newReach {
		fields = append(fields, mReached+s.Current)
	}
	if len(fields) > 0 {
		t.add(site.ID, s.WidgetID, dayOf(site, now), fields...)
	}
}

func (t *tallies) completed(site *widgets.Site, s store.QuizSession, now time.Time) {
	t.add(site.ID, s.WidgetID, dayOf(site, now), mCompletions, bySource(mCompletions, s.Source), byVersion(mCompletions, s.Version))
}

// lead counts a new lead: a partial one, or a complete one (new, or a
// partial one completed).
func (t *tallies) lead(site *widgets.Site, s store.QuizSession, partial bool, now time.Time) {
	if partial {
		t.add(site.ID, s.WidgetID, dayOf(site, now), mPartialLeads)
		return
	}
	t.add(site.ID, s.WidgetID, dayOf(site, now), mLeads, bySource(mLeads, s.Source), byVersion(mLeads, s.Version))
}
