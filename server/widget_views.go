package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/beckonhq/beckon/analytics"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// viewsEvery is how often the counted widget views are written: a page
// view costs the visitor a map increment, not a store round trip.
const viewsEvery = 2 * time.Second

// viewCounter counts the widgets' views for the analytics funnels: every
// /config a loader fetches (it sends visitor_id) is one view of each
// widget in it. Counts gather in memory and are written in batches; a
// crash loses at most the last viewsEvery of them.
type viewCounter struct {
	store store.Tallies
	log   *slog.Logger

	mu      sync.Mutex
	pending map[viewsKey]int64
	done    chan struct{} // closed when the writer stops; nil before Start
}

type viewsKey struct{ site, tally string }

func newViewCounter(st store.Tallies, log *slog.Logger) *viewCounter {
	return &viewCounter{store: st, log: log, pending: map[viewsKey]int64{}}
}

// note counts one view of each of ids, on today's date in the site's zone.
func (v *viewCounter) note(site *widgets.Site, ids []string, now time.Time) {
	day := now.In(site.Loc).Format(time.DateOnly)
	v.mu.Lock()
	for _, id := range ids {
		v.pending[viewsKey{site.ID, analytics.ViewTally(id, day)}]++
	}
	v.mu.Unlock()
}

// Start writes the counts every viewsEvery until ctx ends.
func (v *viewCounter) Start(ctx context.Context) {
	v.mu.Lock()
	v.done = make(chan struct{})
	v.mu.Unlock()
	go func() {
		defer close(v.done)
		t := time.NewTicker(viewsEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				v.Flush(ctx)
			}
		}
	}()
}

// Wait waits for the writer to stop, then writes what is left, up to ctx:
// the shutdown calls it after the last request.
func (v *viewCounter) Wait(ctx context.Context) {
	v.mu.Lock()
	done := v.done
	v.mu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
	v.Flush(ctx)
}

// Flush writes the counts gathered so far. Counts a write fails for are
// kept for the next one; those of a deleted site are dropped.
func (v *viewCounter) Flush(ctx context.Context) {
	v.mu.Lock()
	batch := v.pending
	v.pending = map[viewsKey]int64{}
	v.mu.Unlock()
	for k, n := range batch {
		err := v.store.AddTally(ctx, k.site, k.tally, map[string]int64{analytics.ViewField: n})
		if errors.Is(err, store.ErrNotFound) {
			continue // the site was deleted: nothing to count for
		}
		if err != nil {
			v.log.Warn("widget views: write", "site", k.site, "tally", k.tally, "err", err)
			v.mu.Lock()
			v.pending[k] += n
			v.mu.Unlock()
		}
	}
}
