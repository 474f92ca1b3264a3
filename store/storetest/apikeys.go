package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newAPIKey(siteID string) store.APIKey {
	secret := newID("secret")
	sum := sha256.Sum256([]byte(secret))
	return store.APIKey{
		ID:        newID("apikey"),
		SiteID:    siteID,
		Name:      "CRM sync",
		Prefix:    secret[:8],
		Hash:      hex.EncodeToString(sum[:]),
		Scopes:    []string{"leads:read", "events:write"},
		CreatedAt: now(),
	}
}

func createAPIKey(t *testing.T, st store.Store, siteID string) store.APIKey {
	t.Helper()
	k := newAPIKey(siteID)
	must(t, "CreateAPIKey", st.CreateAPIKey(ctx(t), k))
	return k
}

func wantAPIKey(t *testing.T, what string, got, want store.APIKey) {
	t.Helper()
	if got.ID != want.ID || got.SiteID != want.SiteID || got.Name != want.Name ||
		got.Prefix != want.Prefix || got.Hash != want.Hash ||
		!slices.Equal(got.Scopes, want.Scopes) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func apiKeyIDs(list []store.APIKey) []string {
	ids := make([]string, len(list))
	for i, k := range list {
		ids[i] = k.ID
	}
	return ids
}

var apiKeyTests = []test{
	{"create, list and find by hash", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		base := now()
		newer, older := newAPIKey(s.ID), newAPIKey(s.ID)
		newer.CreatedAt, older.CreatedAt = base.Add(time.Second), base
		must(t, "CreateAPIKey", st.CreateAPIKey(ctx(t), newer))
		must(t, "CreateAPIKey", st.CreateAPIKey(ctx(t), older))

		list, err := st.ListAPIKeys(ctx(t), s.ID)
		must(t, "ListAPIKeys", err)
		if !slices.Equal(apiKeyIDs(list), []string{older.ID, newer.ID}) {
			t.Fatalf("ListAPIKeys: got %v, want oldest first %v", apiKeyIDs(list), []string{older.ID, newer.ID})
		}
		wantAPIKey(t, "ListAPIKeys", list[0], older)

		got, err := st.APIKeyByHash(ctx(t), newer.Hash)
		must(t, "APIKeyByHash", err)
		wantAPIKey(t, "APIKeyByHash", got, newer)
		if !got.HasScope("leads:read") || got.HasScope("admin") {
			t.Fatalf("scopes after a round trip: %v", got.Scopes)
		}
	}},
	{"unknown hash is not found", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		createAPIKey(t, st, s.ID)
		_, err := st.APIKeyByHash(ctx(t), newAPIKey(s.ID).Hash)
		wantErr(t, "APIKeyByHash", err, store.ErrNotFound)
	}},
	{"create for an unknown site is not found", func(t *testing.T, st store.Store) {
		k := newAPIKey("no-such-site")
		wantErr(t, "CreateAPIKey", st.CreateAPIKey(ctx(t), k), store.ErrNotFound)
		_, err := st.APIKeyByHash(ctx(t), k.Hash)
		wantErr(t, "APIKeyByHash of the refused key", err, store.ErrNotFound)
	}},
	{"keys are listed per site", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		k := createAPIKey(t, st, a.ID)
		list, err := st.ListAPIKeys(ctx(t), b.ID)
		must(t, "ListAPIKeys", err)
		if len(list) != 0 {
			t.Fatalf("ListAPIKeys of site B shows %v", apiKeyIDs(list))
		}
		list, err = st.ListAPIKeys(ctx(t), a.ID)
		must(t, "ListAPIKeys", err)
		if !slices.Equal(apiKeyIDs(list), []string{k.ID}) {
			t.Fatalf("ListAPIKeys of site A: %v", apiKeyIDs(list))
		}
	}},
	{"revoke", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		k := createAPIKey(t, st, s.ID)
		kept := createAPIKey(t, st, s.ID)
		must(t, "RevokeAPIKey", st.RevokeAPIKey(ctx(t), s.ID, k.ID))
		_, err := st.APIKeyByHash(ctx(t), k.Hash)
		wantErr(t, "APIKeyByHash of a revoked key", err, store.ErrNotFound)
		wantErr(t, "RevokeAPIKey again", st.RevokeAPIKey(ctx(t), s.ID, k.ID), store.ErrNotFound)
		list, err := st.ListAPIKeys(ctx(t), s.ID)
		must(t, "ListAPIKeys", err)
		if !slices.Equal(apiKeyIDs(list), []string{kept.ID}) {
			t.Fatalf("ListAPIKeys after revoke: %v, want only %s", apiKeyIDs(list), kept.ID)
		}
		_, err = st.APIKeyByHash(ctx(t), kept.Hash)
		must(t, "APIKeyByHash of the kept key", err)
	}},
	{"revoke via another site is not found", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		k := createAPIKey(t, st, a.ID)
		wantErr(t, "RevokeAPIKey via another site", st.RevokeAPIKey(ctx(t), b.ID, k.ID), store.ErrNotFound)
		got, err := st.APIKeyByHash(ctx(t), k.Hash)
		must(t, "APIKeyByHash after a revoke via another site", err)
		wantAPIKey(t, "APIKeyByHash", got, k)
	}},
}
