package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/store"
)

// The install check: a config request from an allowed Origin proves the
// snippet runs on that origin. It is recorded in the store for the
// dashboard, off the request path and at most once per site and origin
// per sightingEvery on each replica, so a busy site costs the store one
// small write a minute per origin.
const (
	sightingEvery = time.Minute
	sightingQueue = 256
	// sightingsKept bounds the throttle's memory; past it, entries older
	// than sightingEvery are dropped.
	sightingsKept = 10000
)

var sightingsDropped = promauto.NewCounter(prometheus.CounterOpts{
	Name: "beckon_snippet_sightings_dropped_total",
	Help: "Install-check sightings not recorded because the store was slow or failing (the next config request retries a minute later).",
})

type sighting struct {
	siteID, origin string
	at             time.Time
}

// sightings throttles and queues the writes; its zero value is ready, and
// the writer starts with the first sighting.
type sightings struct {
	once  sync.Once
	mu    sync.Mutex
	last  map[string]time.Time // siteID + "\x00" + origin → last queued
	queue chan sighting
}

// noteSighting records that siteID's snippet asked for its config from
// origin, unless it did so less than sightingEvery ago. It never waits.
func (s *Server) noteSighting(siteID, origin string) {
	now := time.Now()
	if s.clock != nil {
		now = s.clock()
	}
	w := &s.seen
	w.once.Do(func() {
		w.last = map[string]time.Time{}
		w.queue = make(chan sighting, sightingQueue)
		go s.writeSightings(w.queue)
	})
	key := siteID + "\x00" + origin
	w.mu.Lock()
	if at, ok := w.last[key]; ok && now.Sub(at) < sightingEvery && !now.Before(at) {
		w.mu.Unlock()
		return
	}
	if len(w.last) >= sightingsKept {
		for k, at := range w.last {
			if now.Sub(at) >= sightingEvery {
				delete(w.last, k)
			}
		}
	}
	w.last[key] = now
	w.mu.Unlock()
	select {
	case w.queue <- sighting{siteID: siteID, origin: origin, at: now}:
	default:
		sightingsDropped.Inc()
	}
}

// writeSightings stores queued sightings until the server shuts down.
func (s *Server) writeSightings(queue <-chan sighting) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case v := <-queue:
			ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			err := s.store.SeenSnippet(ctx, v.siteID, v.origin, v.at)
			// ErrNotFound: the site was deleted meanwhile; nothing to keep.
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				sightingsDropped.Inc()
				s.log.Warn("record snippet sighting", slog.String("site", v.siteID), slog.String("origin", v.origin), slog.Any("err", err))
			}
			cancel()
		}
	}
}
