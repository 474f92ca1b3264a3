package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newShareLink(siteID string) store.ShareLink {
	sum := sha256.Sum256([]byte(newID("token")))
	return store.ShareLink{
		ID:           newID("share"),
		SiteID:       siteID,
		Hash:         hex.EncodeToString(sum[:]),
		Label:        "Agency",
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		ExpiresAt:    now().Add(48 * time.Hour),
		CreatedBy:    "u1",
		CreatedAt:    now(),
	}
}

var shareLinkTests = []test{
	{"create, find by hash, list", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		a, b := newShareLink(s.ID), newShareLink(s.ID)
		b.CreatedAt = a.CreatedAt.Add(time.Second)
		b.ExpiresAt, b.PasswordHash = time.Time{}, ""
		must(t, "CreateShareLink b", st.CreateShareLink(ctx(t), b))
		must(t, "CreateShareLink a", st.CreateShareLink(ctx(t), a))
		got, err := st.ShareLinkByHash(ctx(t), a.Hash)
		must(t, "ShareLinkByHash", err)
		if got.ID != a.ID || got.SiteID != s.ID || got.PasswordHash != a.PasswordHash || got.Label != a.Label ||
			!got.ExpiresAt.Equal(a.ExpiresAt) || !got.CreatedAt.Equal(a.CreatedAt) || got.CreatedBy != "u1" {
			t.Fatalf("ShareLinkByHash: got %+v, want %+v", got, a)
		}
		list, err := st.ListShareLinks(ctx(t), s.ID)
		must(t, "ListShareLinks", err)
		if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || !list[1].ExpiresAt.IsZero() {
			t.Fatalf("ListShareLinks: got %+v, want a then b (oldest first)", list)
		}
	}},
	{"unknown hash or site is not found", func(t *testing.T, st store.Store) {
		if _, err := st.ShareLinkByHash(ctx(t), "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ShareLinkByHash(unknown) = %v, want ErrNotFound", err)
		}
		if err := st.CreateShareLink(ctx(t), newShareLink("no-such-site")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("CreateShareLink(no site) = %v, want ErrNotFound", err)
		}
		list, err := st.ListShareLinks(ctx(t), "no-such-site")
		must(t, "ListShareLinks", err)
		if len(list) != 0 {
			t.Fatalf("ListShareLinks(no site) = %+v", list)
		}
	}},
	{"hash or id taken is a conflict", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		a := newShareLink(s.ID)
		must(t, "CreateShareLink", st.CreateShareLink(ctx(t), a))
		sameHash := newShareLink(s.ID)
		sameHash.Hash = a.Hash
		if err := st.CreateShareLink(ctx(t), sameHash); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same hash: %v, want ErrConflict", err)
		}
		sameID := newShareLink(s.ID)
		sameID.ID = a.ID
		if err := st.CreateShareLink(ctx(t), sameID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same id: %v, want ErrConflict", err)
		}
		list, err := st.ListShareLinks(ctx(t), s.ID)
		must(t, "ListShareLinks", err)
		if len(list) != 1 {
			t.Fatalf("conflicts stored something: %+v", list)
		}
		if _, err := st.ShareLinkByHash(ctx(t), sameID.Hash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the refused link's hash finds %v", err)
		}
	}},
	{"revoke stops the link, only in its site", func(t *testing.T, st store.Store) {
		s, other := createSite(t, st), createSite(t, st)
		a := newShareLink(s.ID)
		must(t, "CreateShareLink", st.CreateShareLink(ctx(t), a))
		if err := st.RevokeShareLink(ctx(t), other.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoke from another site = %v, want ErrNotFound", err)
		}
		must(t, "RevokeShareLink", st.RevokeShareLink(ctx(t), s.ID, a.ID))
		if _, err := st.ShareLinkByHash(ctx(t), a.Hash); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked link found: %v", err)
		}
		if err := st.RevokeShareLink(ctx(t), s.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoke twice = %v, want ErrNotFound", err)
		}
		list, err := st.ListShareLinks(ctx(t), s.ID)
		must(t, "ListShareLinks", err)
		if len(list) != 0 {
			t.Fatalf("revoked link listed: %+v", list)
		}
	}},
}
