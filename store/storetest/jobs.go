package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Leases in the job tests: short ones for the tests that wait for a lease to
// pass, long ones where it must not pass while the test runs.
const (
	shortLease = 300 * time.Millisecond
	longLease  = time.Hour
)

func newJob() store.Job {
	return store.Job{SiteID: newID("site"), CallbackID: newID("callback"), Due: now()}
}

func enqueue(t *testing.T, st store.Store, j store.Job) {
	t.Helper()
	must(t, "EnqueueJob", st.EnqueueJob(ctx(t), j))
}

func claim(t *testing.T, st store.Store, consumer string, max int, lease, wait time.Duration) []store.Job {
	t.Helper()
	jobs, err := st.ClaimJobs(ctx(t), consumer, max, lease, wait)
	must(t, "ClaimJobs", err)
	return jobs
}

// wantJob fails unless jobs is exactly one handout of j.
func wantJob(t *testing.T, what string, jobs []store.Job, j store.Job, deliveries int) store.Job {
	t.Helper()
	if len(jobs) != 1 {
		t.Fatalf("%s: got %d jobs %+v, want one for %s", what, len(jobs), jobs, j.CallbackID)
	}
	got := jobs[0]
	if got.ID == "" || got.SiteID != j.SiteID || got.CallbackID != j.CallbackID || !got.Due.Equal(j.Due) || got.Deliveries != deliveries {
		t.Fatalf("%s: got %+v, want %s/%s due %v delivered %d times, with an ID", what, got, j.SiteID, j.CallbackID, j.Due, deliveries)
	}
	return got
}

func wantNoJobs(t *testing.T, what string, jobs []store.Job) {
	t.Helper()
	if len(jobs) != 0 {
		t.Fatalf("%s: got %+v, want none", what, jobs)
	}
}

// enqueueLater enqueues j after delay, from another goroutine, as another
// replica would while a claimer waits.
func enqueueLater(t *testing.T, st store.Store, delay time.Duration, j store.Job) {
	t.Helper()
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	wg.Go(func() {
		time.Sleep(delay)
		if err := st.EnqueueJob(ctx(t), j); err != nil {
			t.Errorf("EnqueueJob: %v", err)
		}
	})
}

var jobTests = []test{
	{"a job due now is handed out once", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueue(t, st, j)
		a, b := newID("consumer"), newID("consumer")
		wantJob(t, "ClaimJobs", claim(t, st, a, 10, longLease, 0), j, 1)
		wantNoJobs(t, "ClaimJobs again by the same consumer", claim(t, st, a, 10, longLease, 0))
		wantNoJobs(t, "ClaimJobs by another consumer", claim(t, st, b, 10, longLease, 0))
	}},
	{"a job due later is held until it is due", func(t *testing.T, st store.Store) {
		j := newJob()
		j.Due = now().Add(500 * time.Millisecond)
		enqueue(t, st, j)
		consumer := newID("consumer")
		wantNoJobs(t, "ClaimJobs before due", claim(t, st, consumer, 10, longLease, 0))
		jobs := claim(t, st, consumer, 10, longLease, wait)
		at := now()
		wantJob(t, "ClaimJobs waiting for it", jobs, j, 1)
		if at.Before(j.Due) {
			t.Fatalf("handed out at %v, before it was due at %v", at, j.Due)
		}
		if late := at.Sub(j.Due); late > time.Second {
			t.Fatalf("handed out %v after it was due, to a claimer waiting for it", late)
		}
	}},
	{"a waiting claim returns as soon as a job is enqueued", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueueLater(t, st, 100*time.Millisecond, j)
		start := time.Now()
		jobs := claim(t, st, newID("consumer"), 10, longLease, wait)
		took := time.Since(start)
		wantJob(t, "ClaimJobs", jobs, j, 1)
		if took > 2*time.Second {
			t.Fatalf("a job enqueued after 100ms reached the waiting claimer after %v (wait %v)", took, wait)
		}
	}},
	{"a job scheduled while a claim waits is handed out when due", func(t *testing.T, st store.Store) {
		j := newJob()
		j.Due = now().Add(400 * time.Millisecond)
		enqueueLater(t, st, 100*time.Millisecond, j)
		jobs := claim(t, st, newID("consumer"), 10, longLease, wait)
		at := now()
		wantJob(t, "ClaimJobs", jobs, j, 1)
		if at.Before(j.Due) {
			t.Fatalf("handed out at %v, before it was due at %v", at, j.Due)
		}
		// The claim had been told of nothing due when it started waiting.
		if late := at.Sub(j.Due); late > 500*time.Millisecond {
			t.Fatalf("handed out %v after it was due, to a claimer waiting since before it was enqueued", late)
		}
	}},
	{"a claim with nothing to take returns after wait", func(t *testing.T, st store.Store) {
		start := time.Now()
		wantNoJobs(t, "ClaimJobs", claim(t, st, newID("consumer"), 10, longLease, 200*time.Millisecond))
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("ClaimJobs with wait 200ms returned after %v", took)
		}
	}},
	{"a waiting claim returns when ctx ends", func(t *testing.T, st store.Store) {
		c, cancel := context.WithCancel(ctx(t))
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		jobs, err := st.ClaimJobs(c, newID("consumer"), 10, longLease, time.Minute)
		if err != nil || len(jobs) != 0 {
			t.Fatalf("ClaimJobs after ctx ended: %+v, %v; want no jobs and no error", jobs, err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("ClaimJobs returned %v after ctx was cancelled at 100ms", took)
		}
	}},
	{"max bounds a claim", func(t *testing.T, st store.Store) {
		var want []string
		for range 5 {
			j := newJob()
			enqueue(t, st, j)
			want = append(want, j.CallbackID)
		}
		consumer := newID("consumer")
		first := claim(t, st, consumer, 2, longLease, 0)
		rest := claim(t, st, consumer, 10, longLease, 0)
		if len(first) != 2 || len(rest) != 3 {
			t.Fatalf("claims of at most 2, then 10: got %d and %d jobs of 5", len(first), len(rest))
		}
		var got, ids []string
		for _, j := range append(first, rest...) {
			got, ids = append(got, j.CallbackID), append(ids, j.ID)
		}
		if !sameStrings(got, want) {
			t.Fatalf("claimed %v, want %v", got, want)
		}
		if slices.Sort(ids); len(slices.Compact(ids)) != 5 {
			t.Fatalf("job IDs are not distinct: %v", ids)
		}
	}},
	{"a claimed job is hidden from other consumers within its lease", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueue(t, st, j)
		wantJob(t, "ClaimJobs by A", claim(t, st, newID("consumer"), 10, longLease, 0), j, 1)
		wantNoJobs(t, "ClaimJobs by B within A's lease", claim(t, st, newID("consumer"), 10, longLease, 300*time.Millisecond))
	}},
	{"after the lease another consumer takes the job over", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueue(t, st, j)
		asked := now() // A's lease starts no earlier than this
		wantJob(t, "ClaimJobs by A", claim(t, st, newID("consumer"), 10, shortLease, 0), j, 1)
		// A dies. B, waiting, gets the job once A's lease has passed.
		jobs := claim(t, st, newID("consumer"), 10, shortLease, wait)
		at := now()
		wantJob(t, "ClaimJobs by B after A's lease", jobs, j, 2)
		if at.Sub(asked) < shortLease {
			t.Fatalf("B got the job %v after A asked for it, within A's lease of %v", at.Sub(asked), shortLease)
		}
	}},
	{"extend keeps the job hidden for another lease", func(t *testing.T, st store.Store) {
		const lease = time.Second
		j := newJob()
		enqueue(t, st, j)
		a, b := newID("consumer"), newID("consumer")
		got := wantJob(t, "ClaimJobs by A", claim(t, st, a, 10, lease, 0), j, 1)
		time.Sleep(600 * time.Millisecond)
		must(t, "ExtendJob", st.ExtendJob(ctx(t), a, got))
		time.Sleep(600 * time.Millisecond) // past the first lease, within the extension
		wantNoJobs(t, "ClaimJobs by B after A extended", claim(t, st, b, 10, lease, 0))
		wantJob(t, "ClaimJobs by B after the extension", claim(t, st, b, 10, lease, wait), j, 2)
	}},
	{"extend of a job not held is refused", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueue(t, st, j)
		a, b := newID("consumer"), newID("consumer")
		got := wantJob(t, "ClaimJobs by A", claim(t, st, a, 10, longLease, 0), j, 1)
		wantErr(t, "ExtendJob by B", st.ExtendJob(ctx(t), b, got), store.ErrConflict)
		must(t, "AckJob", st.AckJob(ctx(t), got))
		wantErr(t, "ExtendJob after ack", st.ExtendJob(ctx(t), a, got), store.ErrNotFound)
	}},
	{"ack removes the job, and acking twice is fine", func(t *testing.T, st store.Store) {
		j := newJob()
		enqueue(t, st, j)
		got := wantJob(t, "ClaimJobs", claim(t, st, newID("consumer"), 10, shortLease, 0), j, 1)
		must(t, "AckJob", st.AckJob(ctx(t), got))
		time.Sleep(shortLease + 200*time.Millisecond)
		wantNoJobs(t, "ClaimJobs after ack and lease", claim(t, st, newID("consumer"), 10, shortLease, 0))
		must(t, "AckJob again", st.AckJob(ctx(t), got))
	}},
	{"concurrent consumers never share a job", func(t *testing.T, st store.Store) {
		const n, consumers = 50, 5
		var want []string
		for range n {
			j := newJob()
			enqueue(t, st, j)
			want = append(want, j.CallbackID)
		}
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			got []string
		)
		for range consumers {
			consumer := newID("consumer")
			wg.Go(func() {
				for {
					jobs, err := st.ClaimJobs(ctx(t), consumer, 3, longLease, 0)
					if err != nil {
						t.Errorf("ClaimJobs: %v", err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						got = append(got, j.CallbackID)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Fatalf("%d consumers claimed %d jobs of %d, want each exactly once", consumers, len(got), n)
		}
	}},
}
