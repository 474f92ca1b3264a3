package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// CreateCallback implements store.Callbacks. The request and its job live
// in different slots, so they cannot be written in one step: the request is
// stored marked "not yet enqueued" with the dedupe check (create_callback.lua),
// its job is enqueued, then the mark is cleared. A crash in between leaves
// a marked request whose creator got an error; the engine's sweep of
// UnqueuedCallbacks queues it (or ends it), and a repeat of the request
// before then finds the marked request and enqueues it once more. A job
// enqueued twice is harmless: workers re-check the request's state.
func (s *Store) CreateCallback(ctx context.Context, c store.Callback, dedupeSince time.Time) (store.Callback, bool, error) {
	const op = "create callback"
	// The script sees the phone's newest request but not its state: when
	// that one has ended, the script runs again told so, and creates
	// unless a newer request came meanwhile. The bound only stops a
	// pathological race from looping.
	ended := ""
	for range 8 {
		res, err := s.storeCallback(ctx, c, dedupeSince, ended)
		if err != nil {
			return store.Callback{}, false, wrap(op, err)
		}
		switch res[0] {
		case int64(siteMissing):
			return store.Callback{}, false, wrap(op, store.ErrNotFound)
		case int64(idTaken):
			return store.Callback{}, false, wrap(op, store.ErrConflict)
		case int64(createdInSite):
			if err := s.enqueueCallback(ctx, c); err != nil {
				return store.Callback{}, false, wrap(op, err)
			}
			return c, true, nil
		case int64(duplicate):
			id, _ := res[1].(string)
			stored, err := s.getCallback(ctx, c.SiteID, id)
			if err == nil && !stored.EndedAt.IsZero() {
				ended = id
				continue
			}
			if err == nil && res[2] == int64(1) {
				err = s.enqueueCallback(ctx, stored)
			}
			if err != nil {
				return store.Callback{}, false, wrap(op, err)
			}
			return stored, false, nil
		default:
			return store.Callback{}, false, wrap(op, fmt.Errorf("create_callback.lua returned %v", res))
		}
	}
	return store.Callback{}, false, wrap(op, store.ErrConflict)
}

// storeCallback is CreateCallback's first step (create_callback.lua): the
// request, marked, or the result of the dedupe. ended is the ID of a request
// found ended, which is no duplicate ("" for none).
func (s *Store) storeCallback(ctx context.Context, c store.Callback, dedupeSince time.Time, ended string) ([]any, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	keys := []string{s.siteKey(c.SiteID), s.callbackKey(c.SiteID, c.ID), s.callbacksIndex(c.SiteID), s.callbackPhones(c.SiteID), s.unqueuedKey(c.SiteID)}
	return scriptCreateCallback.Run(ctx, s.client, keys, c.ID, data, c.Phone, lexTime(c.CreatedAt), lexTime(dedupeSince), ended).Slice()
}

// enqueueCallback enqueues c's job, then clears its "not yet enqueued" mark.
// It goes on when ctx is cancelled: the request is stored, and a caller
// giving up (a visitor closing the page) must not leave it without a job.
func (s *Store) enqueueCallback(ctx context.Context, c store.Callback) error {
	ctx = context.WithoutCancel(ctx)
	if err := s.enqueue(ctx, store.Job{SiteID: c.SiteID, CallbackID: c.ID, Due: c.DueAt}); err != nil {
		return err
	}
	// The job is in; a mark that stays because this failed costs at worst
	// one more job for the request, while an error now would tell the
	// caller a request failed that will be worked on.
	s.client.SRem(ctx, s.unqueuedKey(c.SiteID), c.ID)
	return nil
}

// GetCallback implements store.Callbacks. The key is in the site's slot, so
// another site's request is simply not there.
func (s *Store) GetCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	c, err := s.getCallback(ctx, siteID, id)
	return c, wrap("get callback", err)
}

func (s *Store) getCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	var c store.Callback
	raw, err := s.client.Get(ctx, s.callbackKey(siteID, id)).Bytes()
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(raw, &c)
}

// ListCallbacks implements store.Callbacks: the index, walked backwards
// from before, gives the IDs, one MGET (one slot) the requests.
func (s *Store) ListCallbacks(ctx context.Context, siteID string, before time.Time, limit int) ([]store.Callback, error) {
	const op = "list callbacks"
	upTo := "+"
	if !before.IsZero() {
		upTo = "(" + lexTime(before) // members are "<created>:<id>", all above this for created == before
	}
	members, err := s.client.ZRevRangeByLex(ctx, s.callbacksIndex(siteID), &redis.ZRangeBy{
		Max: upTo, Min: "-", Count: int64(max(limit, 0)),
	}).Result()
	if err != nil || len(members) == 0 {
		return nil, wrap(op, err)
	}
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = s.callbackKey(siteID, memberID(m))
	}
	raws, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.Callback, 0, len(raws))
	for _, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			continue // deleted with its site since ZREVRANGEBYLEX
		}
		var c store.Callback
		if err := json.Unmarshal([]byte(str), &c); err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, c)
	}
	return list, nil
}

// UpdateCallback implements store.Callbacks, optimistically like
// UpdateSite: compare-and-swap on the request's own key, so updates of
// different requests never collide.
func (s *Store) UpdateCallback(ctx context.Context, siteID, id string, fn func(*store.Callback) error) (store.Callback, error) {
	c, err := updateJSON(ctx, s.client, s.callbackKey(siteID, id), "", func(c *store.Callback) error {
		pinned := *c
		if err := fn(c); err != nil {
			return callerError{err}
		}
		// The indexes are keyed by these; they do not move.
		c.ID, c.SiteID, c.Phone, c.CreatedAt = pinned.ID, pinned.SiteID, pinned.Phone, pinned.CreatedAt
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Callback{}, ce.err
	}
	if err != nil {
		return store.Callback{}, wrap("update callback", err)
	}
	return c, nil
}

// lexTime is t as Unix nanoseconds in 19 digits, so that comparing the
// strings (in Lua, or in a sorted set by lex) compares the times to the
// nanosecond, which a float64 score could not.
func lexTime(t time.Time) string { return fmt.Sprintf("%019d", store.UnixNanos(t)) }

// memberID is the request ID of a "<created>:<id>" index member.
func memberID(member string) string {
	_, id, _ := strings.Cut(member, ":")
	return id
}

// RedactCallback implements store.Callbacks optimistically, like
// UpdateCallback: redact_callback.lua writes the redacted request and
// drops its phone's dedupe entry (when the entry is this request's) only
// if the request is still what was read; else it starts over.
func (s *Store) RedactCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	const op = "redact callback"
	key := s.callbackKey(siteID, id)
	for n := 1; ; n++ {
		raw, err := s.client.Get(ctx, key).Result()
		if err != nil {
			return store.Callback{}, wrap(op, err)
		}
		var c store.Callback
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return store.Callback{}, wrap(op, err)
		}
		phone := c.Phone
		c.Redact()
		data, err := json.Marshal(c)
		if err != nil {
			return store.Callback{}, wrap(op, err)
		}
		keys := []string{key, s.callbackPhones(siteID)}
		swapped, err := scriptRedactCallback.Run(ctx, s.client, keys, raw, data, phone, id).Int()
		if err != nil {
			return store.Callback{}, wrap(op, err)
		}
		if swapped == 1 {
			return c, nil
		}
		if n == maxUpdateAttempts {
			return store.Callback{}, wrap(op, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", n, store.ErrConflict))
		}
	}
}
