package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// eraseRetries bounds the optimistic retries of EraseGamePlayer when draws
// land while it reads.
const eraseRetries = 10

// EraseGamePlayer implements store.GameErasure: the site's draws hash is
// read whole (an erasure is rare) under WATCH, and the player's fields are
// deleted in a transaction that fails, and is tried again, when a draw
// landed in between (a new contact joining the player's draw).
func (s *Store) EraseGamePlayer(ctx context.Context, siteID, key string) (int, error) {
	const op = "erase game player"
	if err := store.CheckGameKeys([]string{siteID, key}); err != nil {
		return 0, wrap(op, err)
	}
	hash := s.gameResultsKey(siteID)
	var erased int
	erase := func(tx *redis.Tx) error {
		all, err := tx.HGetAll(ctx, hash).Result()
		if err != nil {
			return err
		}
		fields, n, err := playerFields(all, key)
		if err != nil || len(fields) == 0 {
			erased = n
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HDel(ctx, hash, fields...)
			return nil
		})
		erased = n
		return err
	}
	for range eraseRetries {
		err := s.client.Watch(ctx, erase, hash)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return 0, wrap(op, err)
		}
		return erased, nil
	}
	return 0, wrap(op, fmt.Errorf("draws kept landing: %w", redis.TxFailedErr))
}

// playerFields are the fields of the draws hash (all) that hold a draw key
// has, under key or any other key of the same widget and campaign, and how
// many draws that is.
func playerFields(all map[string]string, key string) ([]string, int, error) {
	drawOf := map[string]string{} // "<widget>\0<campaign>\0" → the draw's id
	for field, raw := range all {
		prefix, ok := strings.CutSuffix(field, key)
		if !ok || strings.Count(prefix, "\x00") != 2 || !strings.HasSuffix(prefix, "\x00") {
			continue
		}
		var r store.GameResult
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, 0, fmt.Errorf("decode draw: %w", err)
		}
		drawOf[prefix] = r.ID
	}
	var fields []string
	for field, raw := range all {
		i := strings.IndexByte(field, 0)
		if i < 0 {
			continue
		}
		j := strings.IndexByte(field[i+1:], 0)
		if j < 0 {
			continue
		}
		id, ok := drawOf[field[:i+1+j+1]]
		if !ok {
			continue
		}
		var r store.GameResult
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, 0, fmt.Errorf("decode draw: %w", err)
		}
		if r.ID == id {
			fields = append(fields, field)
		}
	}
	return fields, len(drawOf), nil
}
