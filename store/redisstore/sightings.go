package redisstore

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's snippet sightings, in the site's slot:
//
//	<prefix>:{s:<siteID>}:seen   hash: origin → last seen, Unix milliseconds
func (s *Store) sightingsKey(siteID string) string { return s.siteTag(siteID) + ":seen" }

// keepLatest sets the origin's time unless a later one is kept: replicas
// report out of order. A deleted site (KEYS[2] gone) gets none, so a
// sighting queued while the site was deleted does not outlive it.
var keepLatest = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// SeenSnippet implements store.SnippetSightings.
func (s *Store) SeenSnippet(ctx context.Context, siteID, origin string, at time.Time) error {
	n, err := keepLatest.Run(ctx, s.client, []string{s.sightingsKey(siteID), s.siteKey(siteID)}, origin, at.UnixMilli()).Int()
	if err == nil && n < 0 {
		err = store.ErrNotFound
	}
	return wrap("record snippet sighting", err)
}

// SnippetSightings implements store.SnippetSightings.
func (s *Store) SnippetSightings(ctx context.Context, siteID string) ([]store.SnippetSighting, error) {
	const op = "list snippet sightings"
	m, err := s.client.HGetAll(ctx, s.sightingsKey(siteID)).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.SnippetSighting, 0, len(m))
	for origin, ms := range m {
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, store.SnippetSighting{Origin: origin, LastSeen: time.UnixMilli(n).UTC()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Origin < list[j].Origin })
	return list, nil
}
