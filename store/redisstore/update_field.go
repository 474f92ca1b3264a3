package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// updateField applies fn to the JSON value in one field of a hash
// optimistically, like updateJSON, but leaves the write to swap, a script
// that also updates the value's indexes in the same step: swap gets the
// JSON read, the value after fn and its JSON, and reports false when the
// field no longer holds what was read (then it starts over with the fresh
// value). A missing field is redis.Nil; check may refuse the value read
// (an expired session) before fn sees it; fn's errors come back as
// callerError.
func updateField[T any](ctx context.Context, c redis.UniversalClient, key, field string, check func(T) error, fn func(*T) error, swap func(old string, v T, data []byte) (bool, error)) (T, error) {
	var zero T
	for n := 1; ; n++ {
		raw, err := c.HGet(ctx, key, field).Result()
		if err != nil {
			return zero, err
		}
		var v T
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return zero, err
		}
		if err := check(v); err != nil {
			return zero, err
		}
		if err := fn(&v); err != nil {
			return zero, err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return zero, err
		}
		swapped, err := swap(raw, v, data)
		if err != nil {
			return zero, err
		}
		if swapped {
			return v, nil
		}
		if n == maxUpdateAttempts {
			return zero, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", n, store.ErrConflict)
		}
		// A short random pause spreads out writers that collided.
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(n) * int64(time.Millisecond)))):
		}
	}
}
