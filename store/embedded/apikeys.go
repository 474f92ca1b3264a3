package embedded

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// CreateAPIKey implements store.APIKeys.
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if !siteExists(tx, k.SiteID) {
			return store.ErrNotFound
		}
		idx := tx.Bucket(bucketAPIKeyHash)
		if idx.Get([]byte(k.Hash)) != nil {
			return store.ErrConflict
		}
		b, err := tx.Bucket(bucketAPIKeys).CreateBucketIfNotExists([]byte(k.SiteID))
		if err != nil {
			return err
		}
		if b.Get([]byte(k.ID)) != nil {
			return store.ErrConflict
		}
		if err := idx.Put([]byte(k.Hash), []byte(k.SiteID+"/"+k.ID)); err != nil {
			return err
		}
		return putJSON(b, k.ID, k)
	})
	return store.Wrap(kind, "create api key", err)
}

// ListAPIKeys implements store.APIKeys.
func (s *Store) ListAPIKeys(ctx context.Context, siteID string) ([]store.APIKey, error) {
	var list []store.APIKey
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(tx.Bucket(bucketAPIKeys).Bucket([]byte(siteID)), func(raw []byte) error {
			var k store.APIKey
			if err := json.Unmarshal(raw, &k); err != nil {
				return err
			}
			list = append(list, k)
			return nil
		})
	})
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	return list, store.Wrap(kind, "list api keys", err)
}

// APIKeyByHash implements store.APIKeys.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	var k store.APIKey
	err := s.db.View(func(tx *bolt.Tx) error {
		ref := tx.Bucket(bucketAPIKeyHash).Get([]byte(hash))
		if ref == nil {
			return store.ErrNotFound
		}
		siteID, keyID, _ := strings.Cut(string(ref), "/")
		return getJSON(tx.Bucket(bucketAPIKeys).Bucket([]byte(siteID)), keyID, &k)
	})
	return k, store.Wrap(kind, "get api key", err)
}

// RevokeAPIKey implements store.APIKeys.
func (s *Store) RevokeAPIKey(ctx context.Context, siteID, id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAPIKeys).Bucket([]byte(siteID))
		var k store.APIKey
		if err := getJSON(b, id, &k); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAPIKeyHash).Delete([]byte(k.Hash)); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
	return store.Wrap(kind, "revoke api key", err)
}
