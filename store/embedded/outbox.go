package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Outbox buckets, created by the first write that needs them. The due index
// orders pending notifications by when they may next be handed out: NextAt
// before a claim, the end of the lease after it. The finished index orders
// the rest by their last attempt, for retention.
var (
	bucketOutbox         = []byte("outbox")          // notification ID → outboxRecord JSON
	bucketOutboxDue      = []byte("outbox_due")      // visible at (8 bytes) + ID → ""
	bucketOutboxFinished = []byte("outbox_finished") // last attempt (8 bytes) + ID → ""
	bucketOutboxLog      = []byte("outbox_log")      // siteID → {sequence (8 bytes) → DeliveryAttempt JSON}
)

// outboxRecord is a notification with its place in the indexes.
type outboxRecord struct {
	store.Notification
	VisibleAt  time.Time `json:"visible_at,omitzero"`  // key in outbox_due while pending
	FinishedAt time.Time `json:"finished_at,omitzero"` // key in outbox_finished otherwise
}

// outboxPurgeBatch bounds how many expired notifications one write removes.
const outboxPurgeBatch = 100

// EnqueueNotification implements store.Outbox.
func (s *Store) EnqueueNotification(ctx context.Context, n store.Notification) error {
	n.State, n.Claim = store.NotificationPending, 0
	err := s.batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketOutbox)
		if err != nil {
			return err
		}
		if b.Get([]byte(n.ID)) != nil {
			return store.ErrConflict
		}
		return putOutbox(tx, outboxRecord{Notification: n, VisibleAt: n.NextAt})
	})
	return store.Wrap(kind, "enqueue notification", err)
}

// ClaimNotifications implements store.Outbox.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, max int, lease time.Duration) ([]store.Notification, error) {
	// An idle sender looks every second or so; a read transaction answers
	// "nothing due" without a write and its fsync.
	var anyDue bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if due := tx.Bucket(bucketOutboxDue); due != nil {
			k, _ := due.Cursor().First()
			anyDue = k != nil && !bytesTime(k).After(now)
		}
		return nil
	})
	if err != nil || !anyDue || max <= 0 {
		return nil, store.Wrap(kind, "claim notifications", err)
	}
	var out []store.Notification
	err = s.batch(func(tx *bolt.Tx) error {
		out = nil
		due := tx.Bucket(bucketOutboxDue)
		var keys [][]byte // collected first: a cursor is not to be moved while its bucket changes
		c := due.Cursor()
		for k, _ := c.First(); k != nil && len(keys) < max && !bytesTime(k).After(now); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			rec, found, err := getOutbox(tx, string(k[8:]))
			if err != nil {
				return err
			}
			if !found {
				if err := due.Delete(k); err != nil {
					return err
				}
				continue
			}
			rec.Claim++
			rec.VisibleAt = now.Add(lease)
			if err := putOutbox(tx, rec); err != nil {
				return err
			}
			out = append(out, rec.Notification)
		}
		return nil
	})
	return out, store.Wrap(kind, "claim notifications", err)
}

// RecordDelivery implements store.Outbox.
func (s *Store) RecordDelivery(ctx context.Context, n store.Notification, a store.DeliveryAttempt) error {
	err := s.batch(func(tx *bolt.Tx) error {
		rec, found, err := getOutbox(tx, n.ID)
		if err != nil {
			return err
		}
		if !found || rec.SiteID != n.SiteID {
			return store.ErrNotFound
		}
		if err := appendDelivery(tx, n.SiteID, a); err != nil {
			return err
		}
		if rec.Claim != n.Claim {
			return nil // a replay or a newer claim owns the state now
		}
		rec.State, rec.Attempts, rec.NextAt = n.State, n.Attempts, n.NextAt
		rec.VisibleAt, rec.FinishedAt = n.NextAt, time.Time{}
		if n.State != store.NotificationPending {
			rec.VisibleAt, rec.FinishedAt = time.Time{}, a.At
		}
		if err := putOutbox(tx, rec); err != nil {
			return err
		}
		return purgeFinished(tx, a.At.Add(-store.FinishedRetention))
	})
	return store.Wrap(kind, "record delivery", err)
}

// GetNotification implements store.Outbox.
func (s *Store) GetNotification(ctx context.Context, siteID, id string) (store.Notification, error) {
	var rec outboxRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		r, found, err := getOutbox(tx, id)
		if err == nil && (!found || r.SiteID != siteID) {
			err = store.ErrNotFound
		}
		rec = r
		return err
	})
	return rec.Notification, store.Wrap(kind, "get notification", err)
}

// ReplayNotification implements store.Outbox.
func (s *Store) ReplayNotification(ctx context.Context, siteID, id string, now, giveUpAt time.Time) (store.Notification, error) {
	var rec outboxRecord
	err := s.batch(func(tx *bolt.Tx) error {
		r, found, err := getOutbox(tx, id)
		if err != nil {
			return err
		}
		if !found || r.SiteID != siteID {
			return store.ErrNotFound
		}
		r.State, r.NextAt, r.GiveUpAt = store.NotificationPending, now, giveUpAt
		r.Claim++
		r.VisibleAt, r.FinishedAt = now, time.Time{}
		rec = r
		return putOutbox(tx, r)
	})
	return rec.Notification, store.Wrap(kind, "replay notification", err)
}

// ListDeliveries implements store.Outbox.
func (s *Store) ListDeliveries(ctx context.Context, siteID string, limit int) ([]store.DeliveryAttempt, error) {
	out := []store.DeliveryAttempt{}
	err := s.db.View(func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketOutboxLog)
		if top == nil || top.Bucket([]byte(siteID)) == nil {
			return nil
		}
		c := top.Bucket([]byte(siteID)).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var a store.DeliveryAttempt
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, store.Wrap(kind, "list deliveries", err)
}

// PendingNotifications implements store.Outbox.
func (s *Store) PendingNotifications(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if due := tx.Bucket(bucketOutboxDue); due != nil {
			n = int64(due.Stats().KeyN)
		}
		return nil
	})
	return n, store.Wrap(kind, "count pending notifications", err)
}

func getOutbox(tx *bolt.Tx, id string) (outboxRecord, bool, error) {
	var rec outboxRecord
	b := tx.Bucket(bucketOutbox)
	if b == nil {
		return rec, false, nil
	}
	raw := b.Get([]byte(id))
	if raw == nil {
		return rec, false, nil
	}
	return rec, true, json.Unmarshal(raw, &rec)
}

// putOutbox stores rec and moves its index entry to where rec says,
// removing the entry of the stored version first.
func putOutbox(tx *bolt.Tx, rec outboxRecord) error {
	old, found, err := getOutbox(tx, rec.ID)
	if err != nil {
		return err
	}
	due, err := tx.CreateBucketIfNotExists(bucketOutboxDue)
	if err != nil {
		return err
	}
	finished, err := tx.CreateBucketIfNotExists(bucketOutboxFinished)
	if err != nil {
		return err
	}
	id := []byte(rec.ID)
	if found {
		if err := due.Delete(timeKey(old.VisibleAt, id)); err != nil {
			return err
		}
		if err := finished.Delete(timeKey(old.FinishedAt, id)); err != nil {
			return err
		}
	}
	if rec.State == store.NotificationPending {
		err = due.Put(timeKey(rec.VisibleAt, id), []byte{})
	} else {
		err = finished.Put(timeKey(rec.FinishedAt, id), []byte{})
	}
	if err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return err
	}
	return putJSON(b, rec.ID, rec)
}

// appendDelivery adds a to the site's log and drops what falls beyond
// store.DeliveryLogSize. Keys are the log's own sequence, so the oldest
// entries come first.
func appendDelivery(tx *bolt.Tx, siteID string, a store.DeliveryAttempt) error {
	log, err := nested(tx, bucketOutboxLog, siteID)
	if err != nil {
		return err
	}
	seq, err := log.NextSequence()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := log.Put(binary.BigEndian.AppendUint64(nil, seq), raw); err != nil {
		return err
	}
	if seq <= store.DeliveryLogSize {
		return nil
	}
	oldest := seq - store.DeliveryLogSize // this and everything before it go
	var drop [][]byte
	c := log.Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= oldest; k, _ = c.Next() {
		drop = append(drop, bytes.Clone(k))
	}
	for _, k := range drop {
		if err := log.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// purgeFinished removes notifications whose last attempt was before cutoff.
func purgeFinished(tx *bolt.Tx, cutoff time.Time) error {
	finished := tx.Bucket(bucketOutboxFinished)
	var drop [][]byte
	c := finished.Cursor()
	for k, _ := c.First(); k != nil && len(drop) < outboxPurgeBatch && bytesTime(k).Before(cutoff); k, _ = c.Next() {
		drop = append(drop, bytes.Clone(k))
	}
	for _, k := range drop {
		if err := finished.Delete(k); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutbox).Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}
