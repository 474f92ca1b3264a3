package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// The store keeps deadlines to the millisecond.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

var timerTests = []test{
	{"first call starts, later calls keep the deadline", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		d, started, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", t0, time.Hour, 0)
		must(t, "StartDeadline", err)
		if !started || !d.Equal(ms(t0.Add(time.Hour))) {
			t.Fatalf("first call: %v started=%v, want %v started", d, started, ms(t0.Add(time.Hour)))
		}
		for _, later := range []time.Duration{time.Minute, 2 * time.Hour, 30 * 24 * time.Hour} {
			again, started, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", t0.Add(later), time.Hour, 0)
			must(t, "StartDeadline", err)
			if started || !again.Equal(d) {
				t.Fatalf("%v later: %v started=%v; a deadline must never move", later, again, started)
			}
		}
	}},
	{"subjects, widgets and sites have their own deadlines", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		t0 := now()
		d1, _, err := st.StartDeadline(ctx(t), a.ID, "w1", "v:a", t0, time.Hour, 0)
		must(t, "StartDeadline", err)
		for _, other := range []struct{ site, widget, subject string }{{a.ID, "w1", "v:b"}, {a.ID, "w2", "v:a"}, {b.ID, "w1", "v:a"}} {
			d, started, err := st.StartDeadline(ctx(t), other.site, other.widget, other.subject, t0.Add(time.Minute), time.Hour, 0)
			must(t, "StartDeadline", err)
			if !started || d.Equal(d1) {
				t.Fatalf("%+v shares the deadline of site a, w1, v:a", other)
			}
		}
	}},
	{"concurrent first calls get one deadline", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		var wg sync.WaitGroup
		deadlines := make([]time.Time, concurrency)
		starts := make([]bool, concurrency)
		for i := range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				// Each call with its own clock, as replicas' clocks differ.
				deadlines[i], starts[i], err = st.StartDeadline(ctx(t), site.ID, "w1", "v:tabs", now().Add(time.Duration(i)*time.Millisecond), time.Hour, 0)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		n := 0
		for i := range deadlines {
			if !deadlines[i].Equal(deadlines[0]) {
				t.Fatalf("concurrent first calls got %v and %v", deadlines[0], deadlines[i])
			}
			if starts[i] {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d calls say they started the deadline, want 1", n)
		}
	}},
	{"cool-down: a new cycle only after it", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		d, _, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", t0, time.Minute, 10*time.Minute)
		must(t, "StartDeadline", err)
		within := d.Add(9 * time.Minute)
		if again, started, _ := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", within, time.Minute, 10*time.Minute); started || !again.Equal(d) {
			t.Fatalf("inside the cool-down the deadline moved: %v", again)
		}
		after := d.Add(10 * time.Minute)
		next, started, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", after, time.Minute, 10*time.Minute)
		must(t, "StartDeadline", err)
		if !started || !next.Equal(ms(after.Add(time.Minute))) {
			t.Fatalf("after the cool-down: %v started=%v, want a new cycle ending %v", next, started, ms(after.Add(time.Minute)))
		}
	}},
	{"unknown site", func(t *testing.T, st store.Store) {
		_, _, err := st.StartDeadline(ctx(t), "site-nope", "w1", "v:a", now(), time.Hour, 0)
		wantErr(t, "StartDeadline on an unknown site", err, store.ErrNotFound)
	}},
	{"stats count started, running and expired", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		for i, d := range []time.Duration{time.Minute, time.Hour, 2 * time.Hour} {
			_, _, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:"+string(rune('a'+i)), t0, d, time.Minute)
			must(t, "StartDeadline", err)
		}
		// A second cycle for a, after its cool-down.
		_, started, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", t0.Add(3*time.Minute), time.Minute, time.Minute)
		must(t, "StartDeadline", err)
		if !started {
			t.Fatal("no second cycle")
		}
		_, _, err = st.StartDeadline(ctx(t), site.ID, "w2", "v:a", t0, time.Hour, 0)
		must(t, "StartDeadline", err)
		stats, err := st.TimerStats(ctx(t), site.ID, "w1", t0.Add(90*time.Minute))
		must(t, "TimerStats", err)
		want := store.TimerStats{Started: 4, Running: 1, Expired: 2}
		if stats != want {
			t.Fatalf("stats %+v, want %+v", stats, want)
		}
		empty, err := st.TimerStats(ctx(t), site.ID, "w-none", t0)
		must(t, "TimerStats", err)
		if empty != (store.TimerStats{}) {
			t.Fatalf("a widget without timers: %+v", empty)
		}
	}},
	{"deleting the site deletes its deadlines", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		_, _, err := st.StartDeadline(ctx(t), site.ID, "w1", "v:a", now(), time.Hour, 0)
		must(t, "StartDeadline", err)
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		stats, err := st.TimerStats(ctx(t), site.ID, "w1", now())
		must(t, "TimerStats", err)
		if stats != (store.TimerStats{}) {
			t.Fatalf("deadlines left after the site was deleted: %+v", stats)
		}
	}},
}
