package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// CreateCallback implements store.Callbacks. The dedupe check, the request,
// its indexes and its job are one transaction: the request and its job
// exist together or not at all, and of concurrent requests for one phone
// the first to run sees nothing and the others see it.
func (s *Store) CreateCallback(ctx context.Context, c store.Callback, dedupeSince time.Time) (store.Callback, bool, error) {
	const op = "create callback"
	data, err := json.Marshal(c)
	if err != nil {
		return store.Callback{}, false, store.Wrap(kind, op, err)
	}
	job, err := json.Marshal(jobRecord{SiteID: c.SiteID, CallbackID: c.ID, Due: c.DueAt, VisibleAt: c.DueAt})
	if err != nil {
		return store.Callback{}, false, store.Wrap(kind, op, err)
	}
	id, site := []byte(c.ID), []byte(c.SiteID)
	stamp := timeKey(c.CreatedAt, id) // created, then ID: the index entries
	since := timeBytes(dedupeSince)
	var (
		refused  error  // why nothing was written, if so
		existing []byte // the earlier request that made this one a duplicate
	)
	err = s.batch(func(tx *bolt.Tx) error {
		refused, existing = nil, nil
		// Checks first, while nothing is written: a refusal then returns
		// nil, so the transaction, shared with other writers, goes on.
		if !siteExists(tx, c.SiteID) {
			refused = store.ErrNotFound
			return nil
		}
		cbs := tx.Bucket(bucketCallbacks).Bucket(site)
		if cbs != nil && cbs.Get(id) != nil {
			refused = store.ErrConflict
			return nil
		}
		var last []byte // the phone's newest request: created + ID
		if phones := tx.Bucket(bucketCallbackPhones).Bucket(site); phones != nil {
			last = phones.Get([]byte(c.Phone))
		}
		if last != nil && bytes.Compare(last[:8], since) >= 0 && cbs != nil {
			open, err := inProgress(cbs.Get(last[8:]))
			if err != nil {
				return err
			}
			if open {
				existing = bytes.Clone(cbs.Get(last[8:]))
				return nil
			}
		}

		cbs, err := tx.Bucket(bucketCallbacks).CreateBucketIfNotExists(site)
		if err != nil {
			return err
		}
		if err := cbs.Put(id, data); err != nil {
			return err
		}
		times, err := tx.Bucket(bucketCallbackTimes).CreateBucketIfNotExists(site)
		if err != nil {
			return err
		}
		if err := times.Put(stamp, []byte{}); err != nil {
			return err
		}
		if last == nil || bytes.Compare(stamp[:8], last[:8]) >= 0 {
			phones, err := tx.Bucket(bucketCallbackPhones).CreateBucketIfNotExists(site)
			if err != nil {
				return err
			}
			if err := phones.Put([]byte(c.Phone), stamp); err != nil {
				return err
			}
		}
		return putJob(tx, job, c.DueAt)
	})
	if err == nil {
		err = refused
	}
	var stored store.Callback
	if err == nil && existing != nil {
		err = json.Unmarshal(existing, &stored)
	}
	if err != nil {
		return store.Callback{}, false, store.Wrap(kind, op, err)
	}
	if existing != nil {
		return stored, false, nil
	}
	s.jobs.notify()
	return c, true, nil
}

// inProgress reports whether the request stored as data (nil: none) has
// not ended, so that a new request for its phone is a repeat of it.
func inProgress(data []byte) (bool, error) {
	if data == nil {
		return false, nil
	}
	var c struct {
		EndedAt time.Time `json:"ended_at"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return false, err
	}
	return c.EndedAt.IsZero(), nil
}

// UnqueuedCallbacks implements store.Callbacks: a request and its job are
// written in one transaction, so none is ever left without its job.
func (s *Store) UnqueuedCallbacks(ctx context.Context, createdBefore time.Time, limit int) ([]store.Callback, error) {
	return nil, nil
}

// MarkQueued implements store.Callbacks; there are no marks to clear.
func (s *Store) MarkQueued(ctx context.Context, siteID, id string) error { return nil }

// GetCallback implements store.Callbacks.
func (s *Store) GetCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	var c store.Callback
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketCallbacks).Bucket([]byte(siteID)), id, &c)
	})
	return c, store.Wrap(kind, "get callback", err)
}

// ListCallbacks implements store.Callbacks: the time index is walked
// backwards from before.
func (s *Store) ListCallbacks(ctx context.Context, siteID string, before time.Time, limit int) ([]store.Callback, error) {
	var list []store.Callback
	err := s.db.View(func(tx *bolt.Tx) error {
		site := []byte(siteID)
		times, cbs := tx.Bucket(bucketCallbackTimes).Bucket(site), tx.Bucket(bucketCallbacks).Bucket(site)
		if times == nil || cbs == nil {
			return nil
		}
		cur := times.Cursor()
		var k []byte
		if before.IsZero() {
			k, _ = cur.Last()
		} else if k, _ = cur.Seek(timeBytes(before)); k == nil {
			k, _ = cur.Last() // everything was created before
		} else {
			k, _ = cur.Prev() // Seek found the first at or after before
		}
		for ; k != nil && (limit <= 0 || len(list) < limit); k, _ = cur.Prev() {
			var c store.Callback
			if err := getJSON(cbs, string(k[8:]), &c); err != nil {
				return err
			}
			list = append(list, c)
		}
		return nil
	})
	return list, store.Wrap(kind, "list callbacks", err)
}

// UpdateCallback implements store.Callbacks. It goes through the group
// commit like the other writes of the bridge: the contract lets fn run more
// than once, and a worker's update then shares its fsync with the intake's.
func (s *Store) UpdateCallback(ctx context.Context, siteID, id string, fn func(*store.Callback) error) (store.Callback, error) {
	var (
		c       store.Callback
		refused error // why nothing was written, if so
	)
	err := s.batch(func(tx *bolt.Tx) error {
		c, refused = store.Callback{}, nil
		b := tx.Bucket(bucketCallbacks).Bucket([]byte(siteID))
		if err := getJSON(b, id, &c); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		pinned := c
		if err := fn(&c); err != nil {
			refused = errFn{err}
			return nil
		}
		// The indexes are keyed by these; they do not move.
		c.ID, c.SiteID, c.Phone, c.CreatedAt = pinned.ID, pinned.SiteID, pinned.Phone, pinned.CreatedAt
		return putJSON(b, id, c)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.Callback{}, unwrapFn("update callback", err)
	}
	return c, nil
}

// RedactCallback implements store.Callbacks: the redacted request and the
// removal of its phone's dedupe entry (when the entry is this request's)
// are one transaction.
func (s *Store) RedactCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	var (
		c       store.Callback
		refused error // why nothing was written, if so
	)
	err := s.batch(func(tx *bolt.Tx) error {
		c, refused = store.Callback{}, nil
		site := []byte(siteID)
		b := tx.Bucket(bucketCallbacks).Bucket(site)
		if err := getJSON(b, id, &c); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		if phones := tx.Bucket(bucketCallbackPhones).Bucket(site); phones != nil && c.Phone != "" {
			if last := phones.Get([]byte(c.Phone)); last != nil && string(last[8:]) == id {
				if err := phones.Delete([]byte(c.Phone)); err != nil {
					return err
				}
			}
		}
		c.Redact()
		return putJSON(b, id, c)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.Callback{}, store.Wrap(kind, "redact callback", err)
	}
	return c, nil
}
