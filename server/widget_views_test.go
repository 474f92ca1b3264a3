package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/analytics"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/widgets"
)

// failingTallies refuses writes while down, as a store in an outage would.
type failingTallies struct {
	store.Tallies
	mu   sync.Mutex
	down bool
}

func (f *failingTallies) AddTally(ctx context.Context, siteID, name string, d map[string]int64) error {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return errors.New("store down")
	}
	return f.Tallies.AddTally(ctx, siteID, name, d)
}

// TestWidgetViewsAreKept: views are written in the background on the day
// of the site's zone; a write that fails keeps its counts for the next;
// stopping writes what is left, so no counted view is lost.
func TestWidgetViewsAreKept(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateSite(t.Context(), store.Site{ID: "site_a", Key: "key_a", Name: "A", Timezone: "Europe/Moscow", Locale: "ru", Region: "RU"}); err != nil {
		t.Fatal(err)
	}
	tallies := &failingTallies{Tallies: st}
	v := newViewCounter(tallies, slog.New(slog.DiscardHandler))
	moscow, _ := time.LoadLocation("Europe/Moscow")
	site := &widgets.Site{Site: store.Site{ID: "site_a"}, Loc: moscow}
	// 22:30 UTC is already the next day in Moscow.
	at := time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC)
	views := func(id string) int64 {
		t.Helper()
		got, err := st.Tally(t.Context(), "site_a", analytics.ViewTally(id, "2026-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		return got[analytics.ViewField]
	}

	ctx, stop := context.WithCancel(context.Background())
	v.Start(ctx)
	v.note(site, []string{"w1", "w2"}, at)
	v.note(site, []string{"w1"}, at)
	deadline := time.Now().Add(3 * viewsEvery)
	for views("w1") != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("views not written in the background: w1 %d", views("w1"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if views("w2") != 1 {
		t.Fatalf("w2: %d views, want 1", views("w2"))
	}

	tallies.mu.Lock()
	tallies.down = true
	tallies.mu.Unlock()
	v.note(site, []string{"w1"}, at)
	v.Flush(t.Context())
	tallies.mu.Lock()
	tallies.down = false
	tallies.mu.Unlock()
	v.note(site, []string{"w1"}, at)
	stop()
	waitCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v.Wait(waitCtx)
	if got := views("w1"); got != 4 {
		t.Fatalf("after an outage and the stop: w1 %d views, want 4", got)
	}

	// A deleted site's views are dropped, not retried for ever.
	v.note(&widgets.Site{Site: store.Site{ID: "site_gone"}, Loc: moscow}, []string{"w9"}, at)
	v.Flush(t.Context())
	v.mu.Lock()
	left := len(v.pending)
	v.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d counts of a deleted site kept", left)
	}
}
