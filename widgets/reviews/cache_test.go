package reviews_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// TestPublishedPageAcrossReplicas: two servers share one store (on Redis
// through clients of their own) and each caches the first page. A review
// published, answered, hidden and deleted through replica A shows on
// replica B's next requests, long before B's
// cached page would expire; B answers 304 to a browser that has the page,
// and 200 with the new page once it changed.
func TestPublishedPageAcrossReplicas(t *testing.T) {
	for _, kind := range servertest.StoreKinds {
		t.Run(kind, func(t *testing.T) { publishedPageAcrossReplicas(t, kind) })
	}
}

// replicaStores are the stores of two replicas: on Redis, two clients of
// one database and prefix (each its own connections and subscription);
// the embedded store is one process's, shared.
func replicaStores(t *testing.T, kind string) (store.Store, store.Store) {
	if kind != "redis" {
		st := servertest.NewStore(t, kind)
		return st, st
	}
	prefix := servertest.RedisPrefix()
	open := func() store.Store {
		client := redis.NewClient(storetest.RedisOptions(t))
		t.Cleanup(func() { client.Close() })
		return redisstore.New(client, prefix)
	}
	a, b := open(), open()
	cleanup := redis.NewClient(storetest.RedisOptions(t))
	t.Cleanup(func() { storetest.DeleteKeys(cleanup, prefix); cleanup.Close() })
	return a, b
}

func publishedPageAcrossReplicas(t *testing.T, kind string) {
	stA, stB := replicaStores(t, kind)
	a := newEnv(t, servertest.Start(t, stA, pollable))
	b := &env{Server: servertest.Start(t, stB, pollable), t: t, siteID: a.siteID, siteKey: a.siteKey}
	wid := a.widget(`{}`)
	path := "/widgets/" + wid + "/reviews"

	first := b.visit("GET", path, nil)
	servertest.ExpectStatus(t, first, http.StatusOK)
	etag := first.Header.Get("ETag")
	if etag == "" || first.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("the page has ETag %q and Cache-Control %q, want one and no-cache", etag, first.Header.Get("Cache-Control"))
	}
	servertest.ExpectStatus(t, b.visit("GET", path, nil, "If-None-Match", etag), http.StatusNotModified)

	r := a.review(wid, nil)
	servertest.ExpectStatus(t, r, http.StatusCreated)
	rid := r.JSON(t)["review_id"].(string)
	servertest.ExpectStatus(t, a.act("POST", rid, "publish", nil), http.StatusOK)
	got := b.waitShown(t, wid, etag, func(l publicList) bool { return len(l.Reviews) == 1 && l.Count == 1 })
	if got.Reviews[0].ID != rid || got.Average != 4 {
		t.Fatalf("replica b shows %+v, want %s with 4 stars", got, rid)
	}

	servertest.ExpectStatus(t, a.act("PUT", rid, "answer", map[string]any{"text": "Спасибо!"}), http.StatusOK)
	b.waitShown(t, wid, "", func(l publicList) bool {
		return len(l.Reviews) == 1 && l.Reviews[0].Answer != nil && l.Reviews[0].Answer.Text == "Спасибо!"
	})
	servertest.ExpectStatus(t, a.act("POST", rid, "hide", nil), http.StatusOK)
	b.waitShown(t, wid, "", func(l publicList) bool { return len(l.Reviews) == 0 && l.Count == 0 })

	servertest.ExpectStatus(t, a.act("POST", rid, "publish", nil), http.StatusOK)
	b.waitShown(t, wid, "", func(l publicList) bool { return l.Count == 1 })
	servertest.ExpectStatus(t, a.Admin("DELETE", "/api/v1/sites/"+a.siteID+"/reviews/"+rid, nil), http.StatusNoContent)
	b.waitShown(t, wid, "", func(l publicList) bool { return l.Count == 0 })
}

// TestPublishedPageFollowsSettings: a settings change (the lowest rating
// shown) changes the cached page at once, without any review changing.
func TestPublishedPageFollowsSettings(t *testing.T) {
	e := newEnv(t, servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{}))
	wid := e.widget(`{}`)
	r := e.review(wid, map[string]any{"rating": 2})
	servertest.ExpectStatus(t, r, http.StatusCreated)
	servertest.ExpectStatus(t, e.act("POST", r.JSON(t)["review_id"].(string), "publish", nil), http.StatusOK)
	if got := e.shown(wid, ""); len(got.Reviews) != 1 {
		t.Fatalf("before the change: %+v", got)
	}
	servertest.ExpectStatus(t, e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid,
		map[string]any{"settings": map[string]any{"min_rating_shown": 4}}), http.StatusOK)
	if got := e.shown(wid, ""); len(got.Reviews) != 0 {
		t.Fatalf("a 2-star review is shown after min_rating_shown became 4: %+v", got)
	}
}

// pollable is a server whose public rate limit lets waitShown poll.
var pollable = servertest.Options{Config: func(c *config.Config) { c.PublicRate, c.PublicBurst = 1e6, 1e6 }}

// waitShown asks for the widget's first page until ok holds (5 s at most,
// far above the 2 s between a stale page's retries of the store, far below
// the cache's 30 s), sending If-None-Match etag when not "": a
// 304 is the old page still.
func (e *env) waitShown(t *testing.T, wid, etag string, ok func(publicList) bool) publicList {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var headers []string
		if etag != "" {
			headers = []string{"If-None-Match", etag}
		}
		r := e.visit("GET", "/widgets/"+wid+"/reviews", nil, headers...)
		var got publicList
		if r.Status == http.StatusOK {
			if err := json.Unmarshal(r.Body, &got); err != nil {
				t.Fatalf("page: %v: %s", err, r.Body)
			}
			if ok(got) {
				return got
			}
		} else if r.Status != http.StatusNotModified {
			t.Fatalf("page: %d %s", r.Status, r.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("still the old page 5 s after the change: %d %s", r.Status, r.Body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
