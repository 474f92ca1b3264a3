// Package analytics computes a site's report over a period for the
// dashboard (/app/sites/{id}/analytics and its read-only share links):
// per-widget funnels, per traffic source, per manager, and a daily series.
//
// It reads what is already stored: the leads, the callback requests, and
// the widgets' daily tallies (the quiz's views, starts and completions;
// triggered showings; multibutton clicks), through the modules' own
// names and report code. Nothing here writes, so the visitors' hot path
// is untouched; a step a widget type does not count is reported as not
// measured rather than guessed.
package analytics

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Period is a range of whole days of the site's time zone, both included.
// From and To are midnights in UTC naming the days (validate.DayRange).
type Period struct {
	From, To time.Time
	Loc      *time.Location
}

// start and end bound the period's instants: [start, end).
func (p Period) start() time.Time { return inLoc(p.From, p.Loc) }
func (p Period) end() time.Time   { return inLoc(p.To.AddDate(0, 0, 1), p.Loc) }

func inLoc(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

// days are the period's days, YYYY-MM-DD, oldest first.
func (p Period) days() []string {
	var out []string
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// Report is a site's analytics over a period.
type Report struct {
	From, To string // YYYY-MM-DD
	Funnels  []Funnel
	Daily    []Day
	Sources  []Source
	Managers []Manager
	// Leads and Calls are the period's totals; Connected the calls bridged.
	Leads, Calls, Connected int
	// Truncated says the period held more leads or calls than one report
	// reads (readCap): only that many were counted.
	Truncated bool
}

// Day is one day of the series.
type Day struct {
	Date      string
	Leads     int
	Calls     int
	Connected int
}

// Source is one traffic source's leads and calls.
type Source struct {
	Name          string
	Leads         int
	Calls         int
	Connected     int
	ConnectedRate float64 // Connected / Calls; 0 without calls
}

// Options narrow a report.
type Options struct {
	// WidgetID limits the report to one widget of the widgets given
	// (ErrNotFound when it is not among them); empty: every widget.
	WidgetID string
}

// Compute reads the site's data over p and sums it up. widgets are the
// site's widgets (the funnels' rows).
func Compute(ctx context.Context, st store.Store, siteID string, widgets []store.Widget, p Period, o Options) (Report, error) {
	var only *store.Widget
	if o.WidgetID != "" {
		widgets = onlyWidget(widgets, o.WidgetID)
		if len(widgets) == 0 {
			return Report{}, fmt.Errorf("analytics: site %s has no widget %s: %w", siteID, o.WidgetID, store.ErrNotFound)
		}
		only = &widgets[0]
	}
	r := Report{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly)}
	// The three reads wait on the store: they run at once.
	var (
		leads              []store.Lead
		calls              []store.Callback
		tallies            map[string]map[string]map[string]int64
		leadsCut, callsCut bool
		errs               [3]error
		wg                 sync.WaitGroup
	)
	wg.Go(func() { leads, leadsCut, errs[0] = readLeads(ctx, st, siteID, p, only) })
	wg.Go(func() { calls, callsCut, errs[1] = readCalls(ctx, st, siteID, p, o.WidgetID) })
	wg.Go(func() { tallies, errs[2] = readTallies(ctx, st, siteID, widgets, p) })
	wg.Wait()
	for i, what := range []string{"leads", "callback requests", "tallies"} {
		if errs[i] != nil {
			return r, fmt.Errorf("analytics: read %s: %w", what, errs[i])
		}
	}
	r.Truncated = leadsCut || callsCut
	r.Funnels = funnels(widgets, tallies, leads, calls)
	r.Daily = daily(p, leads, calls)
	r.Sources = sources(leads, calls)
	r.Managers = managers(calls, widgets)
	r.Leads = len(leads)
	r.Calls = len(calls)
	for i := range calls {
		if connected(&calls[i]) {
			r.Connected++
		}
	}
	return r, nil
}

func onlyWidget(ws []store.Widget, id string) []store.Widget {
	for _, w := range ws {
		if w.ID == id {
			return []store.Widget{w}
		}
	}
	return nil
}

// HideManagerNames replaces the managers' names with their place in the
// table, for a share link: whoever holds it sees how calls go, not who
// the staff are.
func (r *Report) HideManagerNames() {
	for i := range r.Managers {
		r.Managers[i].Name = ""
		r.Managers[i].Number = i + 1
	}
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
