package reviews_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// failingReads is a store whose reads of reviews fail while down is set,
// as when Redis is out; every other call goes through. reads counts the
// lists read.
type failingReads struct {
	store.Store
	down  atomic.Bool
	reads atomic.Int64
}

var errOut = errors.New("store out (test)")

func (f *failingReads) ListReviews(ctx context.Context, siteID string, fl store.ReviewFilter) ([]store.Review, error) {
	f.reads.Add(1)
	if f.down.Load() {
		return nil, errOut
	}
	return f.Store.ListReviews(ctx, siteID, fl)
}

func (f *failingReads) ReviewAggregate(ctx context.Context, siteID, widgetID, about string, all bool) (store.ReviewAggregate, error) {
	if f.down.Load() {
		return store.ReviewAggregate{}, errOut
	}
	return f.Store.ReviewAggregate(ctx, siteID, widgetID, about, all)
}

// TestPublishedPageWhileStoreIsOut: while the store cannot be read, the
// page visitors saw last keeps answering (stale-if-error) even after a
// change dropped it; once the store is back, the change shows. A page
// never read before has nothing to fall back on and is an error.
func TestPublishedPageWhileStoreIsOut(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := &failingReads{Store: newStore(t)}
		e := newEnv(t, servertest.Start(t, st, pollable))
		wid, other := e.widget(`{}`), e.widget(`{}`)
		r := e.review(wid, nil)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		first := r.JSON(t)["review_id"].(string)
		servertest.ExpectStatus(t, e.act("POST", first, "publish", nil), http.StatusOK)
		if got := e.shown(wid, ""); got.Count != 1 {
			t.Fatalf("before the outage: %+v", got)
		}
		r = e.review(wid, map[string]any{"visitor_id": "v2", "rating": 2})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		second := r.JSON(t)["review_id"].(string)

		st.down.Store(true)
		// The publish is written (writes still pass) and drops the page.
		servertest.ExpectStatus(t, e.act("POST", second, "publish", nil), http.StatusOK)
		if got := e.shown(wid, ""); got.Count != 1 || len(got.Reviews) != 1 || got.Reviews[0].ID != first {
			t.Fatalf("while the store is out the page is %+v, want the last one seen (1 review)", got)
		}
		if r := e.visit("GET", "/widgets/"+other+"/reviews", nil); r.Status != http.StatusInternalServerError && r.Status != http.StatusServiceUnavailable {
			t.Fatalf("a page never read, with the store out: %d %s, want an error", r.Status, r.Body)
		}

		st.down.Store(false)
		e.waitShown(t, wid, "", func(l publicList) bool { return l.Count == 2 && len(l.Reviews) == 2 })
	})
}

// TestFirstPageFromMemory: visitors' repeated views of the first page do
// not read the store; a page after a cursor does, every time.
func TestFirstPageFromMemory(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := &failingReads{Store: newStore(t)}
		e := newEnv(t, servertest.Start(t, st, pollable))
		wid := e.widget(`{}`)
		csv := "rating,text,name,date\n"
		for i := range 11 {
			csv += fmt.Sprintf("5,Отзыв %d,Покупатель %d,2025-01-%02d\n", i, i, i+1)
		}
		servertest.ExpectStatus(t, e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/reviews/import", csv,
			"Content-Type", "text/csv"), http.StatusCreated)
		page := e.shown(wid, "")
		before := st.reads.Load()
		for range 5 {
			if got := e.shown(wid, ""); got.Count != 11 || len(got.Reviews) != 10 {
				t.Fatalf("first page %+v", got)
			}
		}
		if n := st.reads.Load() - before; n != 0 {
			t.Fatalf("5 views of the first page read the store %d times, want none", n)
		}
		for range 2 {
			if got := e.shown(wid, "?cursor="+page.NextCursor); len(got.Reviews) != 1 {
				t.Fatalf("second page %+v", got)
			}
		}
		if n := st.reads.Load() - before; n != 2 {
			t.Fatalf("2 views of the second page read the store %d times, want 2", n)
		}
	})
}
