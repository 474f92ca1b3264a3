package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newSite() store.Site {
	t := now()
	return store.Site{
		ID:        newID("site"),
		Key:       newID("key"),
		Name:      "Shop <b>&</b> \"Co\"", // stored as text, whatever it holds
		Origins:   []string{"https://shop.example", "https://www.shop.example"},
		Timezone:  "Europe/Moscow",
		Locale:    "ru",
		Region:    "RU",
		CreatedAt: t,
		UpdatedAt: t,
	}
}

// createSite stores a fresh site and returns it.
func createSite(t *testing.T, st store.Store) store.Site {
	t.Helper()
	s := newSite()
	must(t, "CreateSite", st.CreateSite(ctx(t), s))
	return s
}

// siteDiff describes how got differs from want ("" when equal); times are
// compared with Equal since a round trip need not keep their representation.
func siteDiff(got, want store.Site) string {
	switch {
	case got.ID != want.ID, got.Key != want.Key, got.Name != want.Name,
		got.Timezone != want.Timezone, got.Locale != want.Locale, got.Region != want.Region,
		!slices.Equal(got.Origins, want.Origins):
		return fmt.Sprintf("got %+v, want %+v", got, want)
	case !got.CreatedAt.Equal(want.CreatedAt), !got.UpdatedAt.Equal(want.UpdatedAt):
		return fmt.Sprintf("times: got %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	return ""
}

func wantSite(t *testing.T, what string, got, want store.Site) {
	t.Helper()
	if d := siteDiff(got, want); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

func siteIDs(list []store.Site) []string {
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

var siteTests = []test{
	{"create and get", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		got, err := st.GetSite(ctx(t), s.ID)
		must(t, "GetSite", err)
		wantSite(t, "GetSite", got, s)
		got, err = st.GetSiteByKey(ctx(t), s.Key)
		must(t, "GetSiteByKey", err)
		wantSite(t, "GetSiteByKey", got, s)
	}},
	{"list is empty at first", func(t *testing.T, st store.Store) {
		list, err := st.ListSites(ctx(t))
		must(t, "ListSites", err)
		if len(list) != 0 {
			t.Fatalf("ListSites on an empty store: %v", siteIDs(list))
		}
	}},
	{"list oldest first", func(t *testing.T, st store.Store) {
		// Created in an order that is neither the time order nor the ID
		// order, so only sorting by CreatedAt passes.
		base := now()
		var sites []store.Site
		for _, offset := range []time.Duration{2 * time.Second, 0, time.Second} {
			s := newSite()
			s.CreatedAt = base.Add(offset)
			must(t, "CreateSite", st.CreateSite(ctx(t), s))
			sites = append(sites, s)
		}
		want := []store.Site{sites[1], sites[2], sites[0]}
		list, err := st.ListSites(ctx(t))
		must(t, "ListSites", err)
		if !slices.Equal(siteIDs(list), siteIDs(want)) {
			t.Fatalf("ListSites order: got %v, want %v", siteIDs(list), siteIDs(want))
		}
		for i := range want {
			wantSite(t, "ListSites", list[i], want[i])
		}
	}},
	{"duplicate ID conflicts", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		dup := newSite()
		dup.ID = s.ID
		wantErr(t, "CreateSite with a taken ID", st.CreateSite(ctx(t), dup), store.ErrConflict)
		got, err := st.GetSite(ctx(t), s.ID)
		must(t, "GetSite", err)
		wantSite(t, "site after a conflicting create", got, s)
		_, err = st.GetSiteByKey(ctx(t), dup.Key)
		wantErr(t, "key of the refused site", err, store.ErrNotFound)
	}},
	{"duplicate key conflicts", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		dup := newSite()
		dup.Key = s.Key
		wantErr(t, "CreateSite with a taken key", st.CreateSite(ctx(t), dup), store.ErrConflict)
		// Nothing of the refused site stays behind.
		_, err := st.GetSite(ctx(t), dup.ID)
		wantErr(t, "GetSite of the refused site", err, store.ErrNotFound)
		got, err := st.GetSiteByKey(ctx(t), s.Key)
		must(t, "GetSiteByKey", err)
		wantSite(t, "owner of the key", got, s)
		list, err := st.ListSites(ctx(t))
		must(t, "ListSites", err)
		if !slices.Equal(siteIDs(list), []string{s.ID}) {
			t.Fatalf("ListSites after a refused create: %v", siteIDs(list))
		}
	}},
	{"unknown is not found", func(t *testing.T, st store.Store) {
		createSite(t, st) // an unrelated site must not be found instead
		_, err := st.GetSite(ctx(t), "no-such-site")
		wantErr(t, "GetSite", err, store.ErrNotFound)
		_, err = st.GetSiteByKey(ctx(t), "no-such-key")
		wantErr(t, "GetSiteByKey", err, store.ErrNotFound)
		_, err = st.UpdateSite(ctx(t), "no-such-site", func(*store.Site) error {
			t.Error("UpdateSite called fn for an unknown site")
			return nil
		})
		wantErr(t, "UpdateSite", err, store.ErrNotFound)
		wantErr(t, "DeleteSite", st.DeleteSite(ctx(t), "no-such-site"), store.ErrNotFound)
	}},
	{"update", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		want := s
		want.Name = "Renamed"
		want.Origins = []string{"https://new.example"}
		want.Locale = "uk"
		want.UpdatedAt = s.UpdatedAt.Add(time.Minute)
		got, err := st.UpdateSite(ctx(t), s.ID, func(cur *store.Site) error {
			if d := siteDiff(*cur, s); d != "" {
				t.Errorf("fn got a site other than the stored one: %s", d)
			}
			cur.Name, cur.Origins, cur.Locale, cur.UpdatedAt = want.Name, want.Origins, want.Locale, want.UpdatedAt
			return nil
		})
		must(t, "UpdateSite", err)
		wantSite(t, "UpdateSite result", got, want)
		got, err = st.GetSite(ctx(t), s.ID)
		must(t, "GetSite", err)
		wantSite(t, "GetSite after update", got, want)
		got, err = st.GetSiteByKey(ctx(t), s.Key)
		must(t, "GetSiteByKey", err)
		wantSite(t, "GetSiteByKey after update", got, want)
	}},
	{"update fn error changes nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		errRefused := errors.New("refused by fn")
		_, err := st.UpdateSite(ctx(t), s.ID, func(cur *store.Site) error {
			cur.Name = "half-done"
			return errRefused
		})
		if err != errRefused {
			t.Fatalf("UpdateSite returned %v, want fn's error unchanged", err)
		}
		got, err := st.GetSite(ctx(t), s.ID)
		must(t, "GetSite", err)
		wantSite(t, "site after a refused update", got, s)
	}},
	{"concurrent updates lose nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		want := slices.Clone(s.Origins)
		var wg sync.WaitGroup
		for i := range concurrency {
			origin := fmt.Sprintf("https://o%d.example", i)
			want = append(want, origin)
			wg.Go(func() {
				_, err := st.UpdateSite(ctx(t), s.ID, func(cur *store.Site) error {
					cur.Origins = append(cur.Origins, origin)
					return nil
				})
				if err != nil {
					t.Errorf("UpdateSite: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := st.GetSite(ctx(t), s.ID)
		must(t, "GetSite", err)
		if !sameStrings(got.Origins, want) {
			t.Fatalf("after %d concurrent appends: origins %v, want %v", concurrency, got.Origins, want)
		}
	}},
	{"delete removes the site with its widgets, keys and requests", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		other := createSite(t, st)
		w := createWidget(t, st, s.ID)
		k := createAPIKey(t, st, s.ID)
		c := createCallback(t, st, s.ID)
		ow := createWidget(t, st, other.ID)
		ok := createAPIKey(t, st, other.ID)
		oc := createCallback(t, st, other.ID)

		must(t, "DeleteSite", st.DeleteSite(ctx(t), s.ID))
		_, err := st.GetSite(ctx(t), s.ID)
		wantErr(t, "GetSite after delete", err, store.ErrNotFound)
		_, err = st.GetSiteByKey(ctx(t), s.Key)
		wantErr(t, "GetSiteByKey after delete", err, store.ErrNotFound)
		_, err = st.GetWidget(ctx(t), s.ID, w.ID)
		wantErr(t, "GetWidget after delete", err, store.ErrNotFound)
		_, err = st.APIKeyByHash(ctx(t), k.Hash)
		wantErr(t, "APIKeyByHash after delete", err, store.ErrNotFound)
		_, err = st.GetCallback(ctx(t), s.ID, c.ID)
		wantErr(t, "GetCallback after delete", err, store.ErrNotFound)
		wantErr(t, "DeleteSite again", st.DeleteSite(ctx(t), s.ID), store.ErrNotFound)
		list, err := st.ListSites(ctx(t))
		must(t, "ListSites", err)
		if !slices.Equal(siteIDs(list), []string{other.ID}) {
			t.Fatalf("ListSites after delete: %v, want only %s", siteIDs(list), other.ID)
		}

		// The other site keeps everything.
		_, err = st.GetWidget(ctx(t), other.ID, ow.ID)
		must(t, "other site's widget", err)
		_, err = st.APIKeyByHash(ctx(t), ok.Hash)
		must(t, "other site's key", err)
		_, err = st.GetCallback(ctx(t), other.ID, oc.ID)
		must(t, "other site's request", err)

		// The same ID and key can be used again, and start empty: nothing of
		// the deleted site is left to reappear.
		must(t, "CreateSite again", st.CreateSite(ctx(t), s))
		widgets, err := st.ListWidgets(ctx(t), s.ID)
		must(t, "ListWidgets", err)
		keys, err := st.ListAPIKeys(ctx(t), s.ID)
		must(t, "ListAPIKeys", err)
		callbacks, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if len(widgets) != 0 || len(keys) != 0 || len(callbacks) != 0 {
			t.Fatalf("recreated site has %d widgets, %d keys and %d requests of the deleted one", len(widgets), len(keys), len(callbacks))
		}
		_, err = st.GetCallback(ctx(t), s.ID, c.ID)
		wantErr(t, "GetCallback in the recreated site", err, store.ErrNotFound)
		// Nor does the deleted request's phone count as a duplicate.
		again := newCallback(s.ID)
		again.Phone = c.Phone
		mustCreateCallback(t, st, again)
	}},
}
