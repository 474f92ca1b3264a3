package redisstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// unqueuedBatch is how many sites' marks one pipelined round trip reads.
const unqueuedBatch = 500

// UnqueuedCallbacks implements store.Callbacks. The marks are kept per site
// (they change in one step with the request), so every site's set is read,
// a batch of sites per round trip; the sets are empty unless a creator died.
// A mark whose request is gone (deleted since) is cleared on the way.
func (s *Store) UnqueuedCallbacks(ctx context.Context, createdBefore time.Time, limit int) ([]store.Callback, error) {
	const op = "unqueued callbacks"
	sites, err := s.client.ZRange(ctx, s.sitesIndex(), 0, -1).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	var found []store.Callback
	for start := 0; start < len(sites) && (limit <= 0 || len(found) < limit); start += unqueuedBatch {
		batch := sites[start:min(start+unqueuedBatch, len(sites))]
		marks := make([]*redis.StringSliceCmd, len(batch))
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, site := range batch {
				marks[i] = p.SMembers(ctx, s.unqueuedKey(site))
			}
			return nil
		})
		if err != nil {
			return nil, wrap(op, err)
		}
		for i, site := range batch {
			ids := marks[i].Val()
			if len(ids) == 0 {
				continue
			}
			list, err := s.markedCallbacks(ctx, site, ids)
			if err != nil {
				return nil, wrap(op, err)
			}
			for _, c := range list {
				if c.CreatedAt.Before(createdBefore) && (limit <= 0 || len(found) < limit) {
					found = append(found, c)
				}
			}
		}
	}
	return found, nil
}

// markedCallbacks reads a site's marked requests (one slot, one MGET) and
// clears the marks of those that no longer exist.
func (s *Store) markedCallbacks(ctx context.Context, siteID string, ids []string) ([]store.Callback, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.callbackKey(siteID, id)
	}
	raws, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	var list []store.Callback
	for i, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			if err := s.client.SRem(ctx, s.unqueuedKey(siteID), ids[i]).Err(); err != nil {
				return nil, err
			}
			continue
		}
		var c store.Callback
		if err := json.Unmarshal([]byte(str), &c); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, nil
}

// MarkQueued implements store.Callbacks.
func (s *Store) MarkQueued(ctx context.Context, siteID, id string) error {
	return wrap("mark queued", s.client.SRem(ctx, s.unqueuedKey(siteID), id).Err())
}
