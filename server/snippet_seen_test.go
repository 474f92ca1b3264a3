package server

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
)

// TestSightingsThrottleIsBounded: many origins and many requests at once
// never block a request, write each site and origin once a minute, and
// keep the throttle's memory bounded: past sightingsKept entries, those
// older than a minute are dropped.
func TestSightingsThrottleIsBounded(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	now := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	s := &Server{store: st, ctx: ctx, log: slog.New(slog.DiscardHandler), clock: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	site := store.Site{ID: "site_a", Key: "key_a", Name: "A", Origins: []string{"https://a.example"}, Timezone: "UTC", Locale: "en", Region: "US"}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				s.noteSighting(site.ID, "https://a.example")
			}
		})
	}
	wg.Wait()
	if n := len(s.seen.last); n != 1 {
		t.Fatalf("%d throttle entries for one origin", n)
	}
	if q := len(s.seen.queue); q > 1 {
		t.Fatalf("%d sightings queued for one origin within a minute", q)
	}

	for i := range sightingsKept {
		s.noteSighting(site.ID, fmt.Sprintf("https://%d.example", i))
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	s.noteSighting(site.ID, "https://late.example")
	if n := len(s.seen.last); n != 1 {
		t.Fatalf("after a minute the throttle keeps %d entries, want only the new one", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		seen, err := st.SnippetSightings(ctx, site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(seen, func(v store.SnippetSighting) bool { return v.Origin == "https://a.example" }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first origin was never stored: %d sightings", len(seen))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
