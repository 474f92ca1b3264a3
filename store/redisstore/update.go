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

// maxUpdateAttempts bounds how often an update starts over after losing to a
// concurrent writer of the same key. Every round has a winner, so only a key
// written by more than this many callers at once can exhaust it.
const maxUpdateAttempts = 50

// callerError carries an error of the caller's fn through the transaction, so
// it is returned as it was instead of wrapped and counted as a store failure.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// updateJSON applies fn to the JSON value stored at key (a string when field
// is "", else the field of a hash) optimistically: read, fn, then write only
// if the value is still what was read (swap_json.lua, one round trip, no
// connection held between the two as WATCH would); on a concurrent write,
// start over with the fresh value. A missing value is redis.Nil; fn's
// errors come back as callerError.
func updateJSON[T any](ctx context.Context, c redis.UniversalClient, key, field string, fn func(*T) error) (T, error) {
	var zero T
	for n := 1; ; n++ {
		var raw string
		var err error
		if field == "" {
			raw, err = c.Get(ctx, key).Result()
		} else {
			raw, err = c.HGet(ctx, key, field).Result()
		}
		if err != nil {
			return zero, err
		}
		var v T
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return zero, err
		}
		if err := fn(&v); err != nil {
			return zero, err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return zero, err
		}
		swapped, err := scriptSwapJSON.Run(ctx, c, []string{key}, field, raw, data).Int()
		if err != nil {
			return zero, err
		}
		if swapped == 1 {
			return v, nil
		}
		if n == maxUpdateAttempts {
			return zero, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", n, store.ErrConflict)
		}
		// A short random pause spreads out writers that collided, so the
		// next round is not the same collision again.
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(n) * int64(time.Millisecond)))):
		}
	}
}
