package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// SightingStore is a store with snippet sightings.
type SightingStore interface {
	store.Store
	store.SnippetSightings
}

// RunSightings is the conformance suite of store.SnippetSightings.
func RunSightings(t *testing.T, newStore func(t *testing.T) SightingStore) {
	for _, tc := range sightingTests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

func wantSightings(t *testing.T, st SightingStore, siteID string, want ...store.SnippetSighting) {
	t.Helper()
	got, err := st.SnippetSightings(ctx(t), siteID)
	must(t, "SnippetSightings", err)
	if len(got) != len(want) {
		t.Fatalf("SnippetSightings: %v, want %v", got, want)
	}
	for i := range want {
		// Milliseconds are what a sighting needs; Redis keeps no more.
		if got[i].Origin != want[i].Origin || !got[i].LastSeen.Equal(want[i].LastSeen.Truncate(time.Millisecond)) {
			t.Fatalf("SnippetSightings[%d]: %v, want %v", i, got[i], want[i])
		}
	}
}

var sightingTests = []struct {
	name string
	run  func(t *testing.T, st SightingStore)
}{
	{"none yet", func(t *testing.T, st SightingStore) {
		wantSightings(t, st, createSite(t, st).ID)
	}},
	{"the latest per origin, sorted, per site", func(t *testing.T, st SightingStore) {
		site, other := createSite(t, st), createSite(t, st)
		t0 := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), site.ID, "https://shop.example", t0))
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), site.ID, "https://a.example", t0.Add(time.Second)))
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), site.ID, "https://shop.example", t0.Add(2*time.Minute)))
		// A replica that reports late does not move the time back.
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), site.ID, "https://shop.example", t0.Add(time.Minute)))
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), other.ID, "https://other.example", t0))
		wantSightings(t, st, site.ID,
			store.SnippetSighting{Origin: "https://a.example", LastSeen: t0.Add(time.Second)},
			store.SnippetSighting{Origin: "https://shop.example", LastSeen: t0.Add(2 * time.Minute)})
		wantSightings(t, st, other.ID, store.SnippetSighting{Origin: "https://other.example", LastSeen: t0})
	}},
	{"a deleted site's go with it", func(t *testing.T, st SightingStore) {
		site := createSite(t, st)
		must(t, "SeenSnippet", st.SeenSnippet(ctx(t), site.ID, "https://shop.example", time.Now()))
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		if err := st.SeenSnippet(ctx(t), site.ID, "https://shop.example", time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SeenSnippet of a deleted site: %v, want ErrNotFound", err)
		}
		wantSightings(t, st, site.ID)
	}},
}
