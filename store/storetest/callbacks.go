package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// dedupeWindow is how far back the tests look for a duplicate request.
const dedupeWindow = 10 * time.Minute

// newPhone is a fresh E.164 number, so requests do not dedupe by accident.
func newPhone() string { return fmt.Sprintf("+7999%07d", idCounter.Add(1)%10_000_000) }

func newCallback(siteID string) store.Callback {
	t := now()
	return store.Callback{
		ID:         newID("callback"),
		SiteID:     siteID,
		WidgetID:   newID("widget"),
		Phone:      newPhone(),
		Name:       "Иван <script>alert(1)</script>",
		VisitorID:  newID("visitor"),
		IP:         "203.0.113.7",
		PageURL:    "https://shop.example/cart?x=1",
		Referrer:   "https://search.example/",
		UTM:        map[string]string{"utm_source": "ads", "utm_campaign": "spring"},
		Source:     "ads",
		Consent:    &store.Consent{Version: "v1", At: t, IP: "203.0.113.7"},
		DueAt:      t,
		FirstDueAt: t,
		Status:     "queued",
		Timeline:   []store.Transition{{Status: "queued", At: t}},
		Legs:       []store.Leg{},
		CreatedAt:  t,
		UpdatedAt:  t,
	}
}

// createCallback stores a fresh request and returns it.
func createCallback(t *testing.T, st store.Store, siteID string) store.Callback {
	t.Helper()
	c := newCallback(siteID)
	mustCreateCallback(t, st, c)
	return c
}

func mustCreateCallback(t *testing.T, st store.Store, c store.Callback) {
	t.Helper()
	stored, created, err := st.CreateCallback(ctx(t), c, c.CreatedAt.Add(-dedupeWindow))
	must(t, "CreateCallback", err)
	if !created {
		t.Fatalf("CreateCallback of a new phone returned created=false with %s", stored.ID)
	}
	wantCallback(t, "CreateCallback result", stored, c)
}

// callbackJSON is c as JSON with every time in UTC: equal requests give
// equal text, whatever representation a store's round trip gave the times.
func callbackJSON(c store.Callback) string {
	utc := func(t *time.Time) { *t = t.UTC() }
	utc(&c.DueAt)
	utc(&c.FirstDueAt)
	utc(&c.NextAt)
	utc(&c.EndedAt)
	utc(&c.CreatedAt)
	utc(&c.UpdatedAt)
	if c.Consent != nil {
		consent := *c.Consent
		utc(&consent.At)
		c.Consent = &consent
	}
	c.Timeline = slices.Clone(c.Timeline)
	for i := range c.Timeline {
		utc(&c.Timeline[i].At)
	}
	c.Legs = slices.Clone(c.Legs)
	for i := range c.Legs {
		utc(&c.Legs[i].StartedAt)
		utc(&c.Legs[i].EndedAt)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func wantCallback(t *testing.T, what string, got, want store.Callback) {
	t.Helper()
	if g, w := callbackJSON(got), callbackJSON(want); g != w {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func callbackIDs(list []store.Callback) []string {
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

// claimAll takes every job that is due now, for tests that look at what
// was enqueued.
func claimAll(t *testing.T, st store.Store) []store.Job {
	t.Helper()
	jobs, err := st.ClaimJobs(ctx(t), newID("consumer"), 1000, time.Hour, 0)
	must(t, "ClaimJobs", err)
	return jobs
}

var callbackTests = []test{
	{"create, get and list newest first", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		base := now()
		var cs []store.Callback
		for _, offset := range []time.Duration{time.Second, 2 * time.Second, 0} {
			c := newCallback(s.ID)
			c.CreatedAt = base.Add(offset)
			mustCreateCallback(t, st, c)
			cs = append(cs, c)
		}
		got, err := st.GetCallback(ctx(t), s.ID, cs[0].ID)
		must(t, "GetCallback", err)
		wantCallback(t, "GetCallback", got, cs[0])

		want := []store.Callback{cs[1], cs[0], cs[2]}
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if !slices.Equal(callbackIDs(list), callbackIDs(want)) {
			t.Fatalf("ListCallbacks order: got %v, want newest first %v", callbackIDs(list), callbackIDs(want))
		}
		for i := range want {
			wantCallback(t, "ListCallbacks", list[i], want[i])
		}
	}},
	{"list pages with before and limit", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		base := now()
		var cs []store.Callback // cs[i] created at base+i ms, in a shuffled order
		for range 5 {
			cs = append(cs, newCallback(s.ID))
		}
		for _, i := range []int{3, 0, 4, 1, 2} {
			cs[i].CreatedAt = base.Add(time.Duration(i) * time.Millisecond)
			mustCreateCallback(t, st, cs[i])
		}
		var pages [][]string
		before := time.Time{}
		for range 4 {
			page, err := st.ListCallbacks(ctx(t), s.ID, before, 2)
			must(t, "ListCallbacks", err)
			pages = append(pages, callbackIDs(page))
			if len(page) == 0 {
				break
			}
			before = page[len(page)-1].CreatedAt
		}
		want := [][]string{{cs[4].ID, cs[3].ID}, {cs[2].ID, cs[1].ID}, {cs[0].ID}, {}}
		if !slices.EqualFunc(pages, want, slices.Equal) {
			t.Fatalf("pages of 2: got %v, want %v", pages, want)
		}
		// before is exclusive to the nanosecond.
		list, err := st.ListCallbacks(ctx(t), s.ID, cs[2].CreatedAt.Add(time.Nanosecond), 0)
		must(t, "ListCallbacks", err)
		if want := []string{cs[2].ID, cs[1].ID, cs[0].ID}; !slices.Equal(callbackIDs(list), want) {
			t.Fatalf("ListCallbacks before %v: got %v, want %v", cs[2].CreatedAt.Add(time.Nanosecond), callbackIDs(list), want)
		}
	}},
	{"list of a site without requests is empty", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 10)
		must(t, "ListCallbacks", err)
		if len(list) != 0 {
			t.Fatalf("ListCallbacks: %v", callbackIDs(list))
		}
	}},
	{"create enqueues a job due at DueAt", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := createCallback(t, st, s.ID)
		jobs := claimAll(t, st)
		if len(jobs) != 1 || jobs[0].SiteID != s.ID || jobs[0].CallbackID != c.ID || !jobs[0].Due.Equal(c.DueAt) {
			t.Fatalf("jobs after CreateCallback: %+v, want one for %s due %v", jobs, c.ID, c.DueAt)
		}
	}},
	{"scheduled request's job waits for DueAt", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := newCallback(s.ID)
		c.DueAt, c.Scheduled = now().Add(time.Hour), true
		mustCreateCallback(t, st, c)
		if jobs := claimAll(t, st); len(jobs) != 0 {
			t.Fatalf("a request due in an hour has a job due now: %+v", jobs)
		}
	}},
	{"duplicate inside the window returns the stored request", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		first := createCallback(t, st, s.ID)
		claimAll(t, st) // the first's job
		dup := newCallback(s.ID)
		dup.Phone, dup.CreatedAt = first.Phone, first.CreatedAt.Add(time.Minute)
		stored, created, err := st.CreateCallback(ctx(t), dup, dup.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if created {
			t.Fatal("a second request for the same phone inside the window was created")
		}
		wantCallback(t, "duplicate's result", stored, first)
		_, err = st.GetCallback(ctx(t), s.ID, dup.ID)
		wantErr(t, "GetCallback of the duplicate", err, store.ErrNotFound)
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if !slices.Equal(callbackIDs(list), []string{first.ID}) {
			t.Fatalf("ListCallbacks after a duplicate: %v", callbackIDs(list))
		}
		for _, j := range claimAll(t, st) {
			if j.CallbackID == dup.ID {
				t.Fatalf("the duplicate has a job: %+v", j)
			}
		}
	}},
	{"the window starts at dedupeSince, inclusive", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		first := createCallback(t, st, s.ID)
		dup := newCallback(s.ID)
		dup.Phone = first.Phone
		stored, created, err := st.CreateCallback(ctx(t), dup, first.CreatedAt)
		must(t, "CreateCallback", err)
		if created || stored.ID != first.ID {
			t.Fatalf("request created exactly at dedupeSince did not dedupe: created=%v, stored %s", created, stored.ID)
		}
	}},
	{"duplicate outside the window is created", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		first := createCallback(t, st, s.ID)
		second := newCallback(s.ID)
		second.Phone, second.CreatedAt = first.Phone, first.CreatedAt.Add(time.Hour)
		stored, created, err := st.CreateCallback(ctx(t), second, first.CreatedAt.Add(time.Nanosecond))
		must(t, "CreateCallback", err)
		if !created {
			t.Fatalf("a request after the window was deduplicated against %s", stored.ID)
		}
		wantCallback(t, "CreateCallback result", stored, second)
		// A third inside the second's window finds the newest, the second.
		third := newCallback(s.ID)
		third.Phone = first.Phone
		stored, created, err = st.CreateCallback(ctx(t), third, second.CreatedAt.Add(-time.Minute))
		must(t, "CreateCallback", err)
		if created || stored.ID != second.ID {
			t.Fatalf("third request: created=%v, stored %s; want the second, %s", created, stored.ID, second.ID)
		}
	}},
	{"a request that ended absorbs no repeats", func(t *testing.T, st store.Store) {
		// The visitor's call failed and they press "try again": a new
		// request, though inside the window; the new one, in progress,
		// absorbs the next repeat.
		s := createSite(t, st)
		first := createCallback(t, st, s.ID)
		_, err := st.UpdateCallback(ctx(t), s.ID, first.ID, func(c *store.Callback) error {
			c.Status, c.EndedAt = "failed", c.CreatedAt.Add(time.Second)
			return nil
		})
		must(t, "UpdateCallback", err)
		claimAll(t, st) // the first's job
		again := newCallback(s.ID)
		again.Phone, again.CreatedAt = first.Phone, first.CreatedAt.Add(time.Minute)
		stored, created, err := st.CreateCallback(ctx(t), again, again.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if !created {
			t.Fatalf("a repeat of a request that ended was absorbed by %s", stored.ID)
		}
		wantCallback(t, "CreateCallback result", stored, again)
		if jobs := claimAll(t, st); len(jobs) != 1 || jobs[0].CallbackID != again.ID {
			t.Fatalf("jobs after the new attempt: %+v, want one for %s", jobs, again.ID)
		}
		third := newCallback(s.ID)
		third.Phone, third.CreatedAt = first.Phone, again.CreatedAt.Add(time.Second)
		stored, created, err = st.CreateCallback(ctx(t), third, third.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if created || stored.ID != again.ID {
			t.Fatalf("repeat of a request in progress: created=%v, stored %s; want %s", created, stored.ID, again.ID)
		}
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if want := []string{again.ID, first.ID}; !slices.Equal(callbackIDs(list), want) {
			t.Fatalf("ListCallbacks: %v, want %v", callbackIDs(list), want)
		}
	}},
	{"a completed create leaves nothing unqueued", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		var c store.Callback
		for range 3 {
			c = createCallback(t, st, s.ID)
		}
		list, err := st.UnqueuedCallbacks(ctx(t), now().Add(time.Hour), 0)
		must(t, "UnqueuedCallbacks", err)
		if len(list) != 0 {
			t.Fatalf("requests whose create returned nil are listed as unqueued: %v", callbackIDs(list))
		}
		// Clearing a mark that is not there is no error.
		must(t, "MarkQueued", st.MarkQueued(ctx(t), s.ID, c.ID))
		must(t, "MarkQueued of an unknown request", st.MarkQueued(ctx(t), s.ID, "no-such-callback"))
	}},
	{"concurrent requests for one phone create exactly one", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		phone := newPhone()
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []string
			stored  = make([]string, concurrency)
		)
		for i := range concurrency {
			c := newCallback(s.ID)
			c.Phone = phone
			wg.Go(func() {
				got, created, err := st.CreateCallback(ctx(t), c, c.CreatedAt.Add(-dedupeWindow))
				if err != nil {
					t.Errorf("CreateCallback: %v", err)
					return
				}
				if created {
					mu.Lock()
					winners = append(winners, c.ID)
					mu.Unlock()
				}
				stored[i] = got.ID
			})
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d of %d concurrent requests were created, want exactly one: %v", len(winners), concurrency, winners)
		}
		for i, id := range stored {
			if id != winners[0] {
				t.Errorf("racer %d got request %s, want the created %s", i, id, winners[0])
			}
		}
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if !slices.Equal(callbackIDs(list), winners) {
			t.Fatalf("ListCallbacks: %v, want only %v", callbackIDs(list), winners)
		}
		// At least one job, and only for the one request (a store may
		// enqueue it more than once: jobs are at least once).
		jobs := claimAll(t, st)
		if len(jobs) == 0 {
			t.Fatal("no job for the created request")
		}
		for _, j := range jobs {
			if j.CallbackID != winners[0] {
				t.Fatalf("job for %s, which was not created", j.CallbackID)
			}
		}
	}},
	{"phones dedupe per site", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		ca := createCallback(t, st, a.ID)
		cb := newCallback(b.ID)
		cb.Phone = ca.Phone
		mustCreateCallback(t, st, cb) // fails unless created
	}},
	{"create for an unknown site is not found", func(t *testing.T, st store.Store) {
		c := newCallback("no-such-site")
		_, _, err := st.CreateCallback(ctx(t), c, c.CreatedAt.Add(-dedupeWindow))
		wantErr(t, "CreateCallback", err, store.ErrNotFound)
		_, err = st.GetCallback(ctx(t), c.SiteID, c.ID)
		wantErr(t, "GetCallback of the refused request", err, store.ErrNotFound)
		if jobs := claimAll(t, st); len(jobs) != 0 {
			t.Fatalf("the refused request has jobs: %+v", jobs)
		}
	}},
	{"duplicate ID conflicts", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := createCallback(t, st, s.ID)
		dup := newCallback(s.ID)
		dup.ID = c.ID
		_, _, err := st.CreateCallback(ctx(t), dup, dup.CreatedAt.Add(-dedupeWindow))
		wantErr(t, "CreateCallback with a taken ID", err, store.ErrConflict)
		got, err := st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		wantCallback(t, "request after a conflicting create", got, c)
	}},
	{"scoped by site", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		c := createCallback(t, st, a.ID)
		_, err := st.GetCallback(ctx(t), b.ID, c.ID)
		wantErr(t, "GetCallback via another site", err, store.ErrNotFound)
		_, err = st.UpdateCallback(ctx(t), b.ID, c.ID, func(cur *store.Callback) error {
			t.Error("UpdateCallback called fn for another site's request")
			cur.Status = "hijacked"
			return nil
		})
		wantErr(t, "UpdateCallback via another site", err, store.ErrNotFound)
		list, err := st.ListCallbacks(ctx(t), b.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if len(list) != 0 {
			t.Fatalf("ListCallbacks of site B shows %v", callbackIDs(list))
		}
		got, err := st.GetCallback(ctx(t), a.ID, c.ID)
		must(t, "GetCallback via its own site", err)
		wantCallback(t, "request after attempts via another site", got, c)
	}},
	{"unknown request is not found", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		createCallback(t, st, s.ID)
		_, err := st.GetCallback(ctx(t), s.ID, "no-such-callback")
		wantErr(t, "GetCallback", err, store.ErrNotFound)
		_, err = st.UpdateCallback(ctx(t), s.ID, "no-such-callback", func(*store.Callback) error {
			t.Error("UpdateCallback called fn for an unknown request")
			return nil
		})
		wantErr(t, "UpdateCallback", err, store.ErrNotFound)
	}},
	{"update", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := createCallback(t, st, s.ID)
		at := c.CreatedAt.Add(time.Second)
		want := c
		want.Status, want.Attempt, want.Manager, want.NextAt, want.UpdatedAt = "dialing", 1, "Olga", at.Add(time.Minute), at
		want.Timeline = append(slices.Clone(c.Timeline), store.Transition{Status: "dialing", At: at, Detail: "manager 0"})
		want.Legs = []store.Leg{{ID: "leg-1", Kind: "manager", Attempt: 1, Phone: "+380441234567", Status: "dialing", StartedAt: at}}
		got, err := st.UpdateCallback(ctx(t), s.ID, c.ID, func(cur *store.Callback) error {
			if g, w := callbackJSON(*cur), callbackJSON(c); g != w {
				t.Errorf("fn got a request other than the stored one:\n got %s\nwant %s", g, w)
			}
			cur.Status, cur.Attempt, cur.Manager, cur.NextAt, cur.UpdatedAt = want.Status, want.Attempt, want.Manager, want.NextAt, want.UpdatedAt
			cur.Timeline, cur.Legs = want.Timeline, want.Legs
			// What the indexes are keyed by does not move.
			cur.ID, cur.SiteID, cur.Phone, cur.CreatedAt = "other", "other-site", "+10000000000", at
			return nil
		})
		must(t, "UpdateCallback", err)
		wantCallback(t, "UpdateCallback result", got, want)
		got, err = st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		wantCallback(t, "GetCallback after update", got, want)
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if len(list) != 1 {
			t.Fatalf("ListCallbacks after update: %v", callbackIDs(list))
		}
		wantCallback(t, "ListCallbacks after update", list[0], want)
	}},
	{"update fn error changes nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := createCallback(t, st, s.ID)
		errRefused := errors.New("refused by fn")
		_, err := st.UpdateCallback(ctx(t), s.ID, c.ID, func(cur *store.Callback) error {
			cur.Status = "half-done"
			return errRefused
		})
		if err != errRefused {
			t.Fatalf("UpdateCallback returned %v, want fn's error unchanged", err)
		}
		got, err := st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		wantCallback(t, "request after a refused update", got, c)
	}},
	{"concurrent updates lose nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := createCallback(t, st, s.ID)
		var wg sync.WaitGroup
		want := []string{c.Timeline[0].Status}
		for i := range concurrency {
			status := fmt.Sprintf("step-%d", i)
			want = append(want, status)
			wg.Go(func() {
				_, err := st.UpdateCallback(ctx(t), s.ID, c.ID, func(cur *store.Callback) error {
					cur.Timeline = append(cur.Timeline, store.Transition{Status: status, At: now()})
					return nil
				})
				if err != nil {
					t.Errorf("UpdateCallback: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		var statuses []string
		for _, tr := range got.Timeline {
			statuses = append(statuses, tr.Status)
		}
		if !sameStrings(statuses, want) {
			t.Fatalf("after %d concurrent appends: %v, want %v", concurrency, statuses, want)
		}
	}},
}
