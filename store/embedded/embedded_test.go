package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestSurvivesReopen: what was acknowledged is on disk after the store is
// closed and opened again (the kill -9 case is tested on the real binary in
// cmd/beckon).
func TestSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	site := store.Site{ID: "s1", Key: "k1", Name: "Shop", CreatedAt: time.Now().UTC()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.GetSiteByKey(ctx, "k1")
	if err != nil || got.Name != "Shop" {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

// TestCallbackStateSurvivesReopen: requests, their dedupe index, queued and
// claimed jobs and counters are all on disk after a close and open; a job
// claimed before is handed out again once its lease has passed, as after a
// crash of its worker.
func TestCallbackStateSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	site := store.Site{ID: "s1", Key: "k1", Name: "Shop", CreatedAt: now}
	c := store.Callback{ID: "c1", SiteID: "s1", Phone: "+79990000001", Status: "queued", DueAt: now, CreatedAt: now}
	later := store.Job{SiteID: "s1", CallbackID: "c-later", Due: now.Add(time.Hour)}
	const lease = 300 * time.Millisecond
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateCallback(ctx, c, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueJob(ctx, later); err != nil {
		t.Fatal(err)
	}
	// Claimed by a worker that never acks.
	if jobs, err := st.ClaimJobs(ctx, "a", 10, lease, 0); err != nil || len(jobs) != 1 || jobs[0].CallbackID != c.ID {
		t.Fatalf("ClaimJobs before reopen: %+v, %v", jobs, err)
	}
	for range 2 {
		if _, _, err := st.Incr(ctx, "s1", "phone", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	st, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.GetCallback(ctx, "s1", c.ID); err != nil || got.Phone != c.Phone {
		t.Fatalf("GetCallback after reopen: %+v, %v", got, err)
	}
	if list, err := st.ListCallbacks(ctx, "s1", time.Time{}, 0); err != nil || len(list) != 1 {
		t.Fatalf("ListCallbacks after reopen: %d requests, %v", len(list), err)
	}
	dup := c
	dup.ID = "c2"
	if stored, created, err := st.CreateCallback(ctx, dup, now.Add(-time.Hour)); err != nil || created || stored.ID != c.ID {
		t.Fatalf("duplicate after reopen: created=%v, stored %s, %v", created, stored.ID, err)
	}
	if n, err := st.Count(ctx, "s1", "phone"); err != nil || n != 2 {
		t.Fatalf("Count after reopen: %d, %v; want 2", n, err)
	}
	jobs, err := st.ClaimJobs(ctx, "b", 10, lease, 5*time.Second)
	if err != nil || len(jobs) != 1 || jobs[0].CallbackID != c.ID || jobs[0].Deliveries != 2 {
		t.Fatalf("ClaimJobs after reopen: %+v, %v; want %s delivered a second time", jobs, err, c.ID)
	}
	if jobs, err := st.ClaimJobs(ctx, "b", 10, lease, 0); err != nil || len(jobs) != 0 {
		t.Fatalf("ClaimJobs of the job due in an hour: %+v, %v", jobs, err)
	}
}

// TestSecondProcessIsRefused: two servers on one data directory would
// corrupt nothing (bbolt locks the file) but the second must say why it
// cannot start instead of hanging.
func TestSecondProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("a second open of the same directory succeeded")
	}
}
