package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// errKeyChanged refuses an update that would move a site's ID or public key:
// the key index lives in another slot and could not move with it atomically.
var errKeyChanged = fmt.Errorf("a site's ID and key cannot be changed: %w", store.ErrConflict)

// CreateSite implements store.Sites. The data is written first, then the key
// index claims the key (losing that race undoes the data), then the site is
// listed: see the package doc for why this order.
func (s *Store) CreateSite(ctx context.Context, site store.Site) error {
	const op = "create site"
	data, err := json.Marshal(site)
	if err != nil {
		return wrap(op, err)
	}
	created, err := s.client.SetNX(ctx, s.siteKey(site.ID), data, 0).Result()
	if err != nil {
		return wrap(op, err)
	}
	if !created {
		return wrap(op, store.ErrConflict)
	}
	claimed, err := s.client.SetNX(ctx, s.siteKeyIndex(site.Key), site.ID, 0).Result()
	if err == nil && !claimed {
		err = store.ErrConflict
	}
	if err == nil {
		score := float64(site.CreatedAt.UnixNano())
		err = s.client.ZAdd(ctx, s.sitesIndex(), redis.Z{Score: score, Member: site.ID}).Err()
	}
	if err != nil {
		return wrap(op, errors.Join(err, s.undoCreateSite(ctx, site)))
	}
	return nil
}

// undoCreateSite removes what a failed CreateSite wrote, so nothing
// half-created stays behind. It runs even when ctx was cancelled: the caller
// giving up is one reason to undo. Indexes go first, as in DeleteSite; the
// key index entry only if it is ours, which a failed SET NX may or may not
// have made it.
func (s *Store) undoCreateSite(ctx context.Context, site store.Site) error {
	ctx = context.WithoutCancel(ctx)
	if err := s.client.ZRem(ctx, s.sitesIndex(), site.ID).Err(); err != nil {
		return err
	}
	if err := s.delIfEqual(ctx, s.siteKeyIndex(site.Key), site.ID); err != nil {
		return err
	}
	if err := s.purgeSiteData(ctx, site.ID); err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return nil
}

// GetSite implements store.Sites.
func (s *Store) GetSite(ctx context.Context, id string) (store.Site, error) {
	site, err := s.getSite(ctx, id)
	return site, wrap("get site", err)
}

func (s *Store) getSite(ctx context.Context, id string) (store.Site, error) {
	var site store.Site
	raw, err := s.client.Get(ctx, s.siteKey(id)).Bytes()
	if err != nil {
		return site, err
	}
	return site, json.Unmarshal(raw, &site)
}

// GetSiteByKey implements store.Sites.
func (s *Store) GetSiteByKey(ctx context.Context, key string) (store.Site, error) {
	const op = "get site by key"
	id, err := s.client.Get(ctx, s.siteKeyIndex(key)).Result()
	if err != nil {
		return store.Site{}, wrap(op, err)
	}
	site, err := s.getSite(ctx, id)
	if err == nil && site.Key != key {
		// Defensive: never hand out a site under a key that is not its own.
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Site{}, wrap(op, err)
	}
	return site, nil
}

// ListSites implements store.Sites: the index gives the IDs, one pipelined
// round trip (split per node on a Cluster) gives the sites.
func (s *Store) ListSites(ctx context.Context) ([]store.Site, error) {
	const op = "list sites"
	ids, err := s.client.ZRange(ctx, s.sitesIndex(), 0, -1).Result()
	if err != nil || len(ids) == 0 {
		return nil, wrap(op, err)
	}
	cmds := make([]*redis.StringCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.Get(ctx, s.siteKey(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrap(op, err)
	}
	list := make([]store.Site, 0, len(ids))
	for _, cmd := range cmds {
		raw, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue // deleted since ZRANGE
		}
		var site store.Site
		if err == nil {
			err = json.Unmarshal(raw, &site)
		}
		if err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, site)
	}
	// The score is a float64 and rounds nanoseconds; sort on the exact time.
	slices.SortFunc(list, func(a, b store.Site) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// UpdateSite implements store.Sites. fn may run more than once (see the
// package doc); an error from fn is returned as it is.
func (s *Store) UpdateSite(ctx context.Context, id string, fn func(*store.Site) error) (store.Site, error) {
	site, err := updateJSON(ctx, s.client, s.siteKey(id), "", func(site *store.Site) error {
		before := *site
		if err := fn(site); err != nil {
			return callerError{err}
		}
		if site.ID != before.ID || site.Key != before.Key {
			return errKeyChanged
		}
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Site{}, ce.err
	}
	if err != nil {
		return store.Site{}, wrap("update site", err)
	}
	return site, nil
}

// DeleteSite implements store.Sites, with the site's widgets, API keys,
// callback requests, leads, quiz sessions and versions, tallies and code pools.
// Indexes go first, data last (see the package doc). The requests' queued
// jobs stay: a worker finds the request gone and acks.
func (s *Store) DeleteSite(ctx context.Context, id string) error {
	const op = "delete site"
	site, err := s.getSite(ctx, id)
	if err != nil {
		return wrap(op, err)
	}
	keys, err := s.client.HVals(ctx, s.apiKeysKey(id)).Result()
	if err != nil {
		return wrap(op, err)
	}
	if err := s.dropAPIKeyIndexes(ctx, keys); err != nil {
		return wrap(op, err)
	}
	if err := s.delIfEqual(ctx, s.siteKeyIndex(site.Key), id); err != nil {
		return wrap(op, err)
	}
	if err := s.client.ZRem(ctx, s.sitesIndex(), id).Err(); err != nil {
		return wrap(op, err)
	}
	return wrap(op, s.purgeSiteData(ctx, id))
}

// purgeChunk is how many callback requests DeleteSite deletes per step
// while their site still exists, so that no step blocks Redis for long.
const purgeChunk = 100

// purgeSiteData deletes a site's data. A site's callback requests have a
// key each and may be many: all but the last chunk are deleted while the
// site still exists (a crash meanwhile leaves a site with fewer requests,
// which a repeated delete finishes), then the rest go with the site in one
// step (delete_site.lua). That step refuses when a request was created
// since the index was read, and the reading starts over, so no request
// outlives its site. Then the index entries of API keys created after
// DeleteSite read the list are dropped; those creators re-check the data
// and clean up too, so none is left behind. redis.Nil means there was no
// such site.
func (s *Store) purgeSiteData(ctx context.Context, id string) error {
	for {
		members, err := s.client.ZRange(ctx, s.callbacksIndex(id), 0, purgeChunk).Result()
		if err != nil {
			return err
		}
		if len(members) > purgeChunk {
			if err := s.deleteCallbacks(ctx, id, members[:purgeChunk]); err != nil {
				return err
			}
			continue
		}
		keys := s.siteDataKeys(id)
		args := make([]any, len(members))
		for i, m := range members {
			keys = append(keys, s.callbackKey(id, memberID(m)))
			args[i] = m
		}
		res, err := scriptDeleteSite.Run(ctx, s.client, keys, args...).Result()
		if err != nil {
			return err
		}
		if n, ok := res.(int64); ok && n == indexChanged {
			continue
		}
		keysJSON, ok := res.([]any)
		if !ok {
			return fmt.Errorf("delete_site.lua returned %T", res)
		}
		raws := make([]string, len(keysJSON))
		for i, raw := range keysJSON {
			raws[i], _ = raw.(string)
		}
		return s.dropAPIKeyIndexes(ctx, raws)
	}
}

// deleteCallbacks deletes one chunk of a site's requests, listed by their
// index members, with their index entries.
func (s *Store) deleteCallbacks(ctx context.Context, siteID string, members []string) error {
	keys, ids, ms := make([]string, len(members)), make([]any, len(members)), make([]any, len(members))
	for i, m := range members {
		keys[i], ids[i], ms[i] = s.callbackKey(siteID, memberID(m)), memberID(m), m
	}
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Unlink(ctx, keys...)
		p.ZRem(ctx, s.callbacksIndex(siteID), ms...)
		p.SRem(ctx, s.unqueuedKey(siteID), ids...)
		return nil
	})
	return err
}

// dropAPIKeyIndexes removes the hash index entries of the given API keys'
// JSON, each only while it still points to that key.
func (s *Store) dropAPIKeyIndexes(ctx context.Context, keysJSON []string) error {
	for _, raw := range keysJSON {
		var k store.APIKey
		if err := json.Unmarshal([]byte(raw), &k); err != nil {
			return err
		}
		if err := s.delIfEqual(ctx, s.apiKeyIndex(k.Hash), apiKeyRef(k.SiteID, k.ID)); err != nil {
			return err
		}
	}
	return nil
}
