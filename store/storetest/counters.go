package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func incr(t *testing.T, st store.Store, scope, name string, window time.Duration) (int64, time.Duration) {
	t.Helper()
	n, left, err := st.Incr(ctx(t), scope, name, window)
	must(t, "Incr", err)
	return n, left
}

func wantCount(t *testing.T, st store.Store, scope, name string, want int64) {
	t.Helper()
	n, err := st.Count(ctx(t), scope, name)
	must(t, "Count", err)
	if n != want {
		t.Fatalf("Count(%q, %q) = %d, want %d", scope, name, n, want)
	}
}

var counterTests = []test{
	{"counts within the window", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		name := newID("counter")
		wantCount(t, st, s.ID, name, 0)
		for want := int64(1); want <= 3; want++ {
			n, left := incr(t, st, s.ID, name, time.Minute)
			if n != want || left <= 0 || left > time.Minute {
				t.Fatalf("Incr #%d: count %d, left %v; want %d and (0, 1m]", want, n, left, want)
			}
		}
		wantCount(t, st, s.ID, name, 3)
	}},
	{"the window is fixed from the first hit", func(t *testing.T, st store.Store) {
		const window = time.Second
		name := newID("counter")
		_, first := incr(t, st, "", name, window)
		time.Sleep(300 * time.Millisecond)
		n, left := incr(t, st, "", name, window)
		if n != 2 || left > first-250*time.Millisecond {
			t.Fatalf("second hit 300ms later: count %d, left %v; want 2 and at most %v (the first hit's window)", n, left, first-250*time.Millisecond)
		}
	}},
	{"a new window starts at 1", func(t *testing.T, st store.Store) {
		const window = 300 * time.Millisecond
		name := newID("counter")
		incr(t, st, "", name, window)
		incr(t, st, "", name, window)
		time.Sleep(window + 200*time.Millisecond)
		wantCount(t, st, "", name, 0)
		if n, left := incr(t, st, "", name, window); n != 1 || left <= window/2 {
			t.Fatalf("first hit after the window ended: count %d, left %v; want 1 and a fresh window of %v", n, left, window)
		}
	}},
	{"scopes and names are separate", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		name, other := newID("counter"), newID("counter")
		incr(t, st, a.ID, name, time.Minute)
		incr(t, st, a.ID, name, time.Minute)
		if n, _ := incr(t, st, b.ID, name, time.Minute); n != 1 {
			t.Fatalf("site B's counter starts at %d after site A's counted 2", n)
		}
		if n, _ := incr(t, st, "", name, time.Minute); n != 1 {
			t.Fatalf("the global counter starts at %d after the sites' counted", n)
		}
		if n, _ := incr(t, st, a.ID, other, time.Minute); n != 1 {
			t.Fatalf("another name starts at %d", n)
		}
		wantCount(t, st, a.ID, name, 2)
		wantCount(t, st, b.ID, name, 1)
		wantCount(t, st, "", name, 1)
		wantCount(t, st, b.ID, other, 0)
	}},
	{"concurrent hits are all counted", func(t *testing.T, st store.Store) {
		name := newID("counter")
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			got []int64
		)
		for range concurrency {
			wg.Go(func() {
				n, _, err := st.Incr(ctx(t), "", name, time.Minute)
				if err != nil {
					t.Errorf("Incr: %v", err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(got)
		for i, n := range got {
			if n != int64(i+1) {
				t.Fatalf("%d concurrent hits got counts %v, want each of 1..%d once", concurrency, got, concurrency)
			}
		}
		wantCount(t, st, "", name, concurrency)
	}},
}
