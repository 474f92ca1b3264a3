package redisstore

import (
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newTestCallback(siteID, id, phone string) store.Callback {
	now := time.Now().UTC()
	return store.Callback{ID: id, SiteID: siteID, Phone: phone, Status: "queued", DueAt: now, CreatedAt: now}
}

// TestUnqueuedRequestIsEnqueuedByItsDuplicate: a creator that dies after
// storing a request and before enqueueing its job leaves the request marked
// "not yet enqueued"; the next request for the same phone (the visitor, or
// the creator's client, trying again) enqueues it.
func TestUnqueuedRequestIsEnqueuedByItsDuplicate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		crash func(t *testing.T, ts testStore, c store.Callback)
	}{
		{"died before enqueueing", func(t *testing.T, ts testStore, c store.Callback) {
			// CreateCallback's first step alone, as if the process died then.
			if _, err := ts.storeCallback(t.Context(), c, c.CreatedAt.Add(-time.Hour), ""); err != nil {
				t.Fatal(err)
			}
		}},
		{"job lost, mark left", func(t *testing.T, ts testStore, c store.Callback) {
			if _, _, err := ts.CreateCallback(t.Context(), c, c.CreatedAt.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			for _, j := range claimNow(t, ts) {
				if err := ts.AckJob(t.Context(), j); err != nil {
					t.Fatal(err)
				}
			}
			if err := ts.client.SAdd(t.Context(), ts.unqueuedKey(c.SiteID), c.ID).Err(); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestStore(t)
			ctx := t.Context()
			site, _, _ := fixtures("s1")
			if err := ts.CreateSite(ctx, site); err != nil {
				t.Fatal(err)
			}
			c := newTestCallback("s1", "c1", "+79990000001")
			tc.crash(t, ts, c)
			if jobs := claimNow(t, ts); len(jobs) != 0 {
				t.Fatalf("jobs before the duplicate: %+v", jobs)
			}

			dup := newTestCallback("s1", "c2", c.Phone)
			stored, created, err := ts.CreateCallback(ctx, dup, c.CreatedAt.Add(-time.Hour))
			if err != nil || created || stored.ID != c.ID {
				t.Fatalf("duplicate: created=%v, stored %q, %v; want the first request", created, stored.ID, err)
			}
			jobs := claimNow(t, ts)
			if len(jobs) != 1 || jobs[0].CallbackID != c.ID || !jobs[0].Due.Equal(c.DueAt) {
				t.Fatalf("jobs after the duplicate: %+v, want one for %s", jobs, c.ID)
			}
			if marked, err := ts.client.SIsMember(ctx, ts.unqueuedKey("s1"), c.ID).Result(); err != nil || marked {
				t.Fatalf("the request is still marked after its job was enqueued (%v)", err)
			}
			// Once enqueued, further duplicates enqueue nothing more.
			if _, _, err := ts.CreateCallback(ctx, newTestCallback("s1", "c3", c.Phone), c.CreatedAt.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			if jobs := claimNow(t, ts); len(jobs) != 0 {
				t.Fatalf("a duplicate of an enqueued request enqueued %+v", jobs)
			}
		})
	}
}

// TestCreatedRequestIsNotMarked: a CreateCallback that returned nil left no
// "not yet enqueued" mark behind, so duplicates do not enqueue again.
func TestCreatedRequestIsNotMarked(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, _, _ := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	c := newTestCallback("s1", "c1", "+79990000001")
	if _, created, err := ts.CreateCallback(ctx, c, c.CreatedAt.Add(-time.Hour)); err != nil || !created {
		t.Fatalf("CreateCallback: created=%v, %v", created, err)
	}
	if n, err := ts.client.SCard(ctx, ts.unqueuedKey("s1")).Result(); err != nil || n != 0 {
		t.Fatalf("%d requests marked not yet enqueued after a create that returned nil (%v)", n, err)
	}
}

// claimNow takes every job due now.
func claimNow(t *testing.T, ts testStore) []store.Job {
	t.Helper()
	jobs, err := ts.ClaimJobs(t.Context(), "test", 100, time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// TestUnqueuedCallbacksListsWhatACrashLeft: a request stored by a creator
// that died before enqueueing is listed once older than createdBefore, and
// no longer once MarkQueued cleared its mark; a mark whose request is gone
// is dropped.
func TestUnqueuedCallbacksListsWhatACrashLeft(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	for _, id := range []string{"s1", "s2"} {
		site, _, _ := fixtures(id)
		if err := ts.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
	}
	stranded := newTestCallback("s1", "c1", "+79990000001")
	if _, err := ts.storeCallback(ctx, stranded, stranded.CreatedAt.Add(-time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ts.CreateCallback(ctx, newTestCallback("s1", "c2", "+79990000002"), stranded.CreatedAt.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	gone := newTestCallback("s2", "c3", "+79990000003")
	if _, err := ts.storeCallback(ctx, gone, gone.CreatedAt.Add(-time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if err := ts.client.Del(ctx, ts.callbackKey("s2", "c3")).Err(); err != nil {
		t.Fatal(err)
	}

	ids := func(createdBefore time.Time) []string {
		t.Helper()
		list, err := ts.UnqueuedCallbacks(ctx, createdBefore, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(stranded.CreatedAt); len(got) != 0 {
		t.Fatalf("listed before createdBefore passed its creation: %v", got)
	}
	if got := ids(stranded.CreatedAt.Add(time.Nanosecond)); len(got) != 1 || got[0] != "c1" {
		t.Fatalf("unqueued: %v, want [c1]", got)
	}
	if n, err := ts.client.SCard(ctx, ts.unqueuedKey("s2")).Result(); err != nil || n != 0 {
		t.Fatalf("the mark of a deleted request is still there (%d, %v)", n, err)
	}
	if err := ts.MarkQueued(ctx, "s1", "c1"); err != nil {
		t.Fatal(err)
	}
	if got := ids(stranded.CreatedAt.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("still listed after MarkQueued: %v", got)
	}
}
