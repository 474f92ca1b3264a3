package redisstore

import (
	"fmt"
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

// TestNothingLeftBehind: deleting a site, and creates that were refused,
// leave no key at all: no orphaned data, no dangling index.
func TestNothingLeftBehind(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, w, k := fixtures("s1")
	for _, err := range []error{ts.CreateSite(ctx, site), ts.CreateWidget(ctx, w), ts.CreateAPIKey(ctx, k)} {
		if err != nil {
			t.Fatal(err)
		}
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
	if left := keysUnder(t, ts.client, ts.prefix); len(left) != 0 {
		t.Fatalf("keys left behind: %q", left)
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
