package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

var (
	//go:embed lua/add_live_push.lua
	addLivePushLua    string
	scriptAddLivePush = redis.NewScript(addLivePushLua)

	//go:embed lua/live_pushes.lua
	livePushesLua    string
	scriptLivePushes = redis.NewScript(livePushesLua)
)

func (s *Store) livePushesKey(siteID string) string { return s.siteTag(siteID) + ":pushes" }

// AddLivePush implements store.LivePushes (add_live_push.lua).
func (s *Store) AddLivePush(ctx context.Context, siteID string, push []byte, ttl time.Duration) error {
	err := scriptAddLivePush.Run(ctx, s.client, []string{s.livePushesKey(siteID)},
		push, max(ttl.Milliseconds(), 1), store.LivePushesKept).Err()
	return wrap("add live push", err)
}

// LivePushes implements store.LivePushes (live_pushes.lua).
func (s *Store) LivePushes(ctx context.Context, siteID string) ([][]byte, error) {
	res, err := scriptLivePushes.Run(ctx, s.client, []string{s.livePushesKey(siteID)}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrap("live pushes", err)
	}
	list, _ := res.([]any)
	var out [][]byte
	for _, raw := range list {
		if str, ok := raw.(string); ok {
			out = append(out, []byte(str))
		}
	}
	return out, nil
}
