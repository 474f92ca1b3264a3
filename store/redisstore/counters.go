package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Incr implements store.Counters: INCR, then PEXPIRE NX, which sets the
// window on the first hit only, and PTTL for what is left of it, in one
// MULTI. The key expires with its window; nothing else cleans up.
func (s *Store) Incr(ctx context.Context, scope, name string, window time.Duration) (int64, time.Duration, error) {
	key := s.counterKey(scope, name)
	var (
		count *redis.IntCmd
		left  *redis.DurationCmd
	)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		count = p.Incr(ctx, key)
		p.Do(ctx, "pexpire", key, max(window.Milliseconds(), 1), "nx")
		left = p.PTTL(ctx, key)
		return nil
	})
	if err != nil {
		return 0, 0, wrap("incr counter", err)
	}
	return count.Val(), left.Val(), nil
}

// Count implements store.Counters.
func (s *Store) Count(ctx context.Context, scope, name string) (int64, error) {
	n, err := s.client.Get(ctx, s.counterKey(scope, name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, wrap("count", err)
}
