package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// maxUpdateAttempts bounds how often an update starts over after losing to a
// concurrent writer of the same key. Every round has a winner, so only a key
// written by more than this many callers at once can exhaust it.
const maxUpdateAttempts = 50

// callerError carries an error of the caller's fn through the transaction, so
// it is returned as it was instead of wrapped and counted as a store failure.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// updateJSON applies fn to the JSON value stored at key (a string when field
// is "", else the field of a hash) with optimistic locking: WATCH key, read,
// fn, MULTI/EXEC; on a concurrent write, start over with the fresh value.
// A missing value is redis.Nil; fn's errors come back as callerError.
func updateJSON[T any](ctx context.Context, c redis.UniversalClient, key, field string, fn func(*T) error) (T, error) {
	var result T
	attempt := func(tx *redis.Tx) error {
		var raw string
		var err error
		if field == "" {
			raw, err = tx.Get(ctx, key).Result()
		} else {
			raw, err = tx.HGet(ctx, key, field).Result()
		}
		if err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return err
		}
		if err := fn(&v); err != nil {
			return err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if field == "" {
				p.Set(ctx, key, data, 0)
			} else {
				p.HSet(ctx, key, field, data)
			}
			return nil
		})
		if err == nil {
			result = v
		}
		return err
	}
	for n := 1; ; n++ {
		err := c.Watch(ctx, attempt, key)
		if !errors.Is(err, redis.TxFailedErr) {
			return result, err
		}
		if n == maxUpdateAttempts {
			return result, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", n, store.ErrConflict)
		}
		// A short random pause spreads out writers that collided, so the
		// next round is not the same collision again.
		select {
		case <-ctx.Done():
			return result, ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(n) * int64(time.Millisecond)))):
		}
	}
}
