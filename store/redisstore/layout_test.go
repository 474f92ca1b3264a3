package redisstore

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// hashTag is the part of key that Redis Cluster hashes to pick the slot:
// the text between the first '{' and the next '}', when not empty.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func fixtures(id string) (store.Site, store.Widget, store.APIKey) {
	now := time.Now().UTC()
	site := store.Site{ID: id, Key: "key-" + id, Name: "Shop", CreatedAt: now}
	w := store.Widget{ID: "w-" + id, SiteID: id, Type: "callback", Settings: []byte(`{}`), CreatedAt: now}
	k := store.APIKey{ID: "k-" + id, SiteID: id, Hash: "hash-" + id, CreatedAt: now}
	return site, w, k
}

// TestSiteKeysShareOneSlot: every key written for a site's data carries the
// same hash tag, so the multi-key scripts are accepted by Redis Cluster; the
// only other keys are the global indexes.
func TestSiteKeysShareOneSlot(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, w, k := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if err := ts.CreateWidget(ctx, w); err != nil {
		t.Fatal(err)
	}
	if err := ts.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}

	p := ts.prefix
	wantData := []string{p + ":{s:s1}:keys", p + ":{s:s1}:site", p + ":{s:s1}:widgets"}
	wantIndexes := []string{p + ":apikey:hash-s1", p + ":sitekey:key-s1", p + ":sites"}
	var data, indexes []string
	for _, key := range keysUnder(t, ts.client, p) {
		if strings.Contains(key, "{") {
			data = append(data, key)
		} else {
			indexes = append(indexes, key)
		}
	}
	if !slices.Equal(data, wantData) || !slices.Equal(indexes, wantIndexes) {
		t.Fatalf("keys: data %q, indexes %q; want %q and %q", data, indexes, wantData, wantIndexes)
	}
	for _, key := range append(data, ts.siteDataKeys("s1")...) {
		if tag := hashTag(key); tag != "s:s1" {
			t.Errorf("key %s hashes on %q, want the site's tag s:s1", key, tag)
		}
	}
}

// TestCallbackKeys: a request's keys share its site's slot; the job queue
// has a slot of its own; a site's counters are in the site's slot, global
// counters anywhere, and both expire.
func TestCallbackKeys(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, _, _ := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	now := newTestCallback("s1", "c1", "+79990000001")
	later := newTestCallback("s1", "c2", "+79990000002")
	later.DueAt = later.DueAt.Add(time.Hour)
	for _, c := range []store.Callback{now, later} {
		if _, _, err := ts.CreateCallback(ctx, c, c.CreatedAt.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for _, scope := range []string{"s1", ""} {
		if _, _, err := ts.Incr(ctx, scope, "hits", time.Minute); err != nil {
			t.Fatal(err)
		}
	}

	p := ts.prefix
	want := map[string]string{ // key → the hash tag it must have
		p + ":sites":           p + ":sites",
		p + ":sitekey:key-s1":  p + ":sitekey:key-s1",
		p + ":{s:s1}:site":     "s:s1",
		p + ":{s:s1}:cb:c1":    "s:s1",
		p + ":{s:s1}:cb:c2":    "s:s1",
		p + ":{s:s1}:cbs":      "s:s1",
		p + ":{s:s1}:cbphones": "s:s1",
		p + ":{s:s1}:ctr:hits": "s:s1",
		p + ":ctr:hits":        p + ":ctr:hits",
		p + ":{cbq}:jobs":      "cbq",
		p + ":{cbq}:later":     "cbq",
	}
	got := keysUnder(t, ts.client, p)
	if wantKeys := slices.Sorted(maps.Keys(want)); !slices.Equal(got, wantKeys) {
		t.Fatalf("keys:\n got %q\nwant %q", got, wantKeys)
	}
	for key, tag := range want {
		if hashTag(key) != tag {
			t.Errorf("key %s hashes on %q, want %q", key, hashTag(key), tag)
		}
	}
	for _, key := range []string{p + ":{s:s1}:ctr:hits", p + ":ctr:hits"} {
		if ttl, err := ts.client.PTTL(ctx, key).Result(); err != nil || ttl <= 0 || ttl > time.Minute {
			t.Errorf("counter %s expires in %v (%v), want within its window of 1m", key, ttl, err)
		}
	}
}

// siteKeysUnder is keysUnder without the job queue, which is shared by all
// sites and keeps a deleted site's jobs until workers ack them.
func siteKeysUnder(t *testing.T, ts testStore) []string {
	return slices.DeleteFunc(keysUnder(t, ts.client, ts.prefix), func(key string) bool {
		return hashTag(key) == "cbq"
	})
}

// TestNothingLeftBehind: deleting a site, and creates that were refused,
// leave no key at all: no orphaned data, no dangling index.
func TestNothingLeftBehind(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, w, k := fixtures("s1")
	c := newTestCallback(site.ID, "c1", "+79990000001")
	for _, err := range []error{ts.CreateSite(ctx, site), ts.CreateWidget(ctx, w), ts.CreateAPIKey(ctx, k)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := ts.CreateCallback(ctx, c, c.CreatedAt.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A duplicate, refused by the dedupe.
	if _, created, err := ts.CreateCallback(ctx, newTestCallback(site.ID, "c2", c.Phone), c.CreatedAt); err != nil || created {
		t.Fatalf("duplicate request: created=%v, %v", created, err)
	}
	if _, _, err := ts.CreateCallback(ctx, newTestCallback("s2", "c3", c.Phone), c.CreatedAt); err == nil {
		t.Fatal("CreateCallback for a missing site succeeded")
	}
	// Refused: the key is taken, the widget's and key's site does not exist,
	// the key's hash is taken.
	other, ow, ok := fixtures("s2")
	other.Key = site.Key
	if err := ts.CreateSite(ctx, other); err == nil {
		t.Fatal("CreateSite with a taken key succeeded")
	}
	if err := ts.CreateWidget(ctx, ow); err == nil {
		t.Fatal("CreateWidget for a missing site succeeded")
	}
	ok.SiteID, ok.ID, ok.Hash = site.ID, "k2", k.Hash
	if err := ts.CreateAPIKey(ctx, ok); err == nil {
		t.Fatal("CreateAPIKey with a taken hash succeeded")
	}
	if err := ts.DeleteSite(ctx, site.ID); err != nil {
		t.Fatal(err)
	}
	if left := siteKeysUnder(t, ts); len(left) != 0 {
		t.Fatalf("keys left behind: %q", left)
	}
}

// TestDeleteSiteWithManyCallbacks: requests beyond one chunk are deleted in
// steps, and none is left.
func TestDeleteSiteWithManyCallbacks(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, _, _ := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	for i := range 2*purgeChunk + 3 { // two chunks and the rest
		c := newTestCallback(site.ID, fmt.Sprintf("c%d", i), fmt.Sprintf("+7999%07d", i))
		if _, _, err := ts.CreateCallback(ctx, c, c.CreatedAt); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.DeleteSite(ctx, site.ID); err != nil {
		t.Fatal(err)
	}
	if left := siteKeysUnder(t, ts); len(left) != 0 {
		t.Fatalf("%d keys left behind, such as %q", len(left), left[0])
	}
}

// TestCallbackCreatedWhileSiteIsDeleted races CreateCallback against a
// DeleteSite that has more than a chunk of requests to delete: a request
// created after DeleteSite read the index must not outlive the site.
func TestCallbackCreatedWhileSiteIsDeleted(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	for round := range 3 {
		site, _, _ := fixtures(fmt.Sprintf("r%d", round))
		if err := ts.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		for i := range purgeChunk + 10 {
			c := newTestCallback(site.ID, fmt.Sprintf("c%d", i), fmt.Sprintf("+7999%07d", i))
			if _, _, err := ts.CreateCallback(ctx, c, c.CreatedAt); err != nil {
				t.Fatal(err)
			}
		}
		start := make(chan struct{}) // lets all racers go at once
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				<-start
				for j := range 20 {
					c := newTestCallback(site.ID, fmt.Sprintf("new-%d-%d", i, j), fmt.Sprintf("+7888%03d%04d", i, j))
					ts.CreateCallback(ctx, c, c.CreatedAt) // may fail: the site is going away
				}
			})
		}
		wg.Go(func() {
			<-start
			if err := ts.DeleteSite(ctx, site.ID); err != nil {
				t.Errorf("DeleteSite: %v", err)
			}
		})
		close(start)
		wg.Wait()
	}
	if left := siteKeysUnder(t, ts); len(left) != 0 {
		t.Fatalf("%d keys left behind, such as %q", len(left), left[0])
	}
}

// TestKeyCreatedWhileSiteIsDeleted races CreateAPIKey against DeleteSite:
// their global index entries live in another slot than the site, so only the
// order of steps keeps an index entry from outliving its key.
func TestKeyCreatedWhileSiteIsDeleted(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	for round := range 20 {
		site, _, _ := fixtures(fmt.Sprintf("r%d", round))
		if err := ts.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{}) // lets all racers go at once
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				<-start
				k := store.APIKey{ID: fmt.Sprintf("k%d", i), SiteID: site.ID, Hash: fmt.Sprintf("h-%d-%d", round, i)}
				ts.CreateAPIKey(ctx, k) // may fail: the site is going away
			})
		}
		wg.Go(func() {
			<-start
			if err := ts.DeleteSite(ctx, site.ID); err != nil {
				t.Errorf("DeleteSite: %v", err)
			}
		})
		close(start)
		wg.Wait()
	}
	if left := keysUnder(t, ts.client, ts.prefix); len(left) != 0 {
		t.Fatalf("keys left behind: %q", left)
	}
}
