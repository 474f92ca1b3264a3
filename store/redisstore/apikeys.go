package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// apiKeyRef is what the hash index stores for a key.
func apiKeyRef(siteID, keyID string) string { return siteID + "/" + keyID }

// CreateAPIKey implements store.APIKeys: the key is stored in its site (only
// while the site exists), then the hash index is claimed with SET NX.
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	const op = "create api key"
	keysKey := s.apiKeysKey(k.SiteID)
	if err := s.createInSite(ctx, k.SiteID, keysKey, k.ID, k); err != nil {
		return wrap(op, err)
	}
	ref := apiKeyRef(k.SiteID, k.ID)
	claimed, err := s.client.SetNX(ctx, s.apiKeyIndex(k.Hash), ref, 0).Result()
	if err == nil && !claimed {
		err = store.ErrConflict // the same secret hash twice
	}
	if err == nil {
		// DeleteSite may have purged the site between our two steps, after
		// collecting the index entries to drop; then this one is ours to drop.
		var exists bool
		if exists, err = s.client.HExists(ctx, keysKey, k.ID).Result(); err == nil && !exists {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return wrap(op, errors.Join(err, s.undoCreateAPIKey(ctx, k)))
	}
	return nil
}

// undoCreateAPIKey removes what a failed CreateAPIKey wrote, index first, even
// when ctx was cancelled.
func (s *Store) undoCreateAPIKey(ctx context.Context, k store.APIKey) error {
	ctx = context.WithoutCancel(ctx)
	if err := s.delIfEqual(ctx, s.apiKeyIndex(k.Hash), apiKeyRef(k.SiteID, k.ID)); err != nil {
		return err
	}
	return s.client.HDel(ctx, s.apiKeysKey(k.SiteID), k.ID).Err()
}

// ListAPIKeys implements store.APIKeys.
func (s *Store) ListAPIKeys(ctx context.Context, siteID string) ([]store.APIKey, error) {
	list, err := hashValues[store.APIKey](ctx, s, s.apiKeysKey(siteID))
	if err != nil {
		return nil, wrap("list api keys", err)
	}
	slices.SortFunc(list, func(a, b store.APIKey) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// APIKeyByHash implements store.APIKeys: the index names the site and key,
// and the key found there must carry the hash asked for.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	const op = "get api key"
	ref, err := s.client.Get(ctx, s.apiKeyIndex(hash)).Result()
	if err != nil {
		return store.APIKey{}, wrap(op, err)
	}
	siteID, keyID, _ := strings.Cut(ref, "/")
	var k store.APIKey
	raw, err := s.client.HGet(ctx, s.apiKeysKey(siteID), keyID).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &k)
	}
	if err == nil && (k.Hash != hash || k.SiteID != siteID) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.APIKey{}, wrap(op, err)
	}
	return k, nil
}

// RevokeAPIKey implements store.APIKeys. The index entry goes first, so the
// key stops authenticating before its record is gone.
func (s *Store) RevokeAPIKey(ctx context.Context, siteID, id string) error {
	const op = "revoke api key"
	keysKey := s.apiKeysKey(siteID)
	raw, err := s.client.HGet(ctx, keysKey, id).Bytes()
	if err != nil {
		return wrap(op, err)
	}
	var k store.APIKey
	if err := json.Unmarshal(raw, &k); err != nil {
		return wrap(op, err)
	}
	if err := s.delIfEqual(ctx, s.apiKeyIndex(k.Hash), apiKeyRef(siteID, id)); err != nil {
		return wrap(op, err)
	}
	n, err := s.client.HDel(ctx, keysKey, id).Result()
	if err == nil && n == 0 {
		err = redis.Nil // revoked by someone else meanwhile
	}
	return wrap(op, err)
}
