package embedded

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Share links live in buckets of their own, made on the first link (so
// stores opened before share links existed need no migration): one nested
// bucket per site, and an index from the token's hash to siteID/linkID.
var (
	bucketShareLinks    = []byte("share_links")
	bucketShareLinkHash = []byte("share_link_idx")
)

// CreateShareLink implements store.ShareLinks.
func (s *Store) CreateShareLink(ctx context.Context, l store.ShareLink) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if !siteExists(tx, l.SiteID) {
			return store.ErrNotFound
		}
		idx, err := tx.CreateBucketIfNotExists(bucketShareLinkHash)
		if err != nil {
			return err
		}
		if idx.Get([]byte(l.Hash)) != nil {
			return store.ErrConflict
		}
		all, err := tx.CreateBucketIfNotExists(bucketShareLinks)
		if err != nil {
			return err
		}
		b, err := all.CreateBucketIfNotExists([]byte(l.SiteID))
		if err != nil {
			return err
		}
		if b.Get([]byte(l.ID)) != nil {
			return store.ErrConflict
		}
		if err := idx.Put([]byte(l.Hash), []byte(l.SiteID+"/"+l.ID)); err != nil {
			return err
		}
		return putJSON(b, l.ID, l)
	})
	return store.Wrap(kind, "create share link", err)
}

// siteShareLinks is the site's bucket of links; nil when it has none.
func siteShareLinks(tx *bolt.Tx, siteID string) *bolt.Bucket {
	all := tx.Bucket(bucketShareLinks)
	if all == nil {
		return nil
	}
	return all.Bucket([]byte(siteID))
}

// ListShareLinks implements store.ShareLinks.
func (s *Store) ListShareLinks(ctx context.Context, siteID string) ([]store.ShareLink, error) {
	var list []store.ShareLink
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(siteShareLinks(tx, siteID), func(raw []byte) error {
			var l store.ShareLink
			if err := json.Unmarshal(raw, &l); err != nil {
				return err
			}
			list = append(list, l)
			return nil
		})
	})
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	return list, store.Wrap(kind, "list share links", err)
}

// ShareLinkByHash implements store.ShareLinks.
func (s *Store) ShareLinkByHash(ctx context.Context, hash string) (store.ShareLink, error) {
	var l store.ShareLink
	err := s.db.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketShareLinkHash)
		if idx == nil {
			return store.ErrNotFound
		}
		ref := idx.Get([]byte(hash))
		if ref == nil {
			return store.ErrNotFound
		}
		siteID, id, _ := strings.Cut(string(ref), "/")
		return getJSON(siteShareLinks(tx, siteID), id, &l)
	})
	return l, store.Wrap(kind, "get share link", err)
}

// RevokeShareLink implements store.ShareLinks.
func (s *Store) RevokeShareLink(ctx context.Context, siteID, id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := siteShareLinks(tx, siteID)
		var l store.ShareLink
		if err := getJSON(b, id, &l); err != nil {
			return err
		}
		if idx := tx.Bucket(bucketShareLinkHash); idx != nil {
			if err := idx.Delete([]byte(l.Hash)); err != nil {
				return err
			}
		}
		return b.Delete([]byte(id))
	})
	return store.Wrap(kind, "revoke share link", err)
}
