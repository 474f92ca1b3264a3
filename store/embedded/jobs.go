package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// jobRecord is a queued job with its claim. One index, job_queue, orders
// every job by the time it may next be handed out: its Due before the first
// claim, the end of its lease after. So "due", "scheduled" and "claimed by
// a consumer that died" are one question: is its time up?
type jobRecord struct {
	SiteID     string    `json:"site_id"`
	CallbackID string    `json:"callback_id"`
	Due        time.Time `json:"due"`
	Deliveries int       `json:"deliveries"`
	// Consumer holds the job until VisibleAt; "" before the first claim.
	Consumer string        `json:"consumer,omitempty"`
	Lease    time.Duration `json:"lease,omitempty"` // of the last claim, for ExtendJob
	// VisibleAt is when the job may be handed out (again).
	VisibleAt time.Time `json:"visible_at"`
}

// errClosed is what ClaimJobs answers once the store is closed.
var errClosed = errors.New("store is closed")

// EnqueueJob implements store.Jobs.
func (s *Store) EnqueueJob(ctx context.Context, j store.Job) error {
	const op = "enqueue job"
	rec, err := json.Marshal(jobRecord{SiteID: j.SiteID, CallbackID: j.CallbackID, Due: j.Due, VisibleAt: j.Due})
	if err != nil {
		return store.Wrap(kind, op, err)
	}
	err = s.batch(func(tx *bolt.Tx) error { return putJob(tx, rec, j.Due) })
	if err != nil {
		return store.Wrap(kind, op, err)
	}
	s.jobs.notify()
	return nil
}

// putJob adds a job record (JSON) under a new ID, visible at visibleAt.
func putJob(tx *bolt.Tx, rec []byte, visibleAt time.Time) error {
	jobs := tx.Bucket(bucketJobs)
	seq, err := jobs.NextSequence()
	if err != nil {
		return err
	}
	id := binary.BigEndian.AppendUint64(nil, seq)
	if err := jobs.Put(id, rec); err != nil {
		return err
	}
	return tx.Bucket(bucketJobQueue).Put(timeKey(visibleAt, id), []byte{})
}

// ClaimJobs implements store.Jobs. A claimer with nothing to take sleeps
// until the first job in the queue is due or its lease ends, or until an
// enqueue wakes it, whichever comes first.
func (s *Store) ClaimJobs(ctx context.Context, consumer string, max int, lease, wait time.Duration) ([]store.Job, error) {
	const op = "claim jobs"
	deadline := time.Now().Add(wait)
	for ctx.Err() == nil && max > 0 {
		enqueued := s.jobs.wait() // before looking, so no enqueue is missed
		jobs, next, err := s.claimDue(consumer, max, lease)
		if err != nil || len(jobs) > 0 {
			return jobs, store.Wrap(kind, op, err)
		}
		sleep := time.Until(deadline)
		if sleep <= 0 {
			return nil, nil
		}
		if !next.IsZero() {
			sleep = min(sleep, time.Until(next))
		}
		timer := time.NewTimer(sleep)
		select {
		case <-enqueued:
		case <-timer.C:
		case <-ctx.Done():
		case <-s.closed:
			timer.Stop()
			return nil, store.Wrap(kind, op, errClosed)
		}
		timer.Stop()
	}
	return nil, nil
}

// claimDue hands consumer up to max jobs whose time is up. When there are
// none it reports when the first will be (zero: the queue is empty).
func (s *Store) claimDue(consumer string, max int, lease time.Duration) ([]store.Job, time.Time, error) {
	// Most looks of an idle claimer find nothing; a read transaction tells
	// without a write and its fsync.
	var next time.Time
	err := s.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketJobQueue).Cursor().First(); k != nil {
			next = bytesTime(k)
		}
		return nil
	})
	if err != nil || next.IsZero() || next.After(time.Now()) {
		return nil, next, err
	}

	var jobs []store.Job
	err = s.batch(func(tx *bolt.Tx) error {
		jobs, next = nil, time.Time{}
		now := time.Now() // the lease starts when the claim is made, not when it was asked for
		queue, recs := tx.Bucket(bucketJobQueue), tx.Bucket(bucketJobs)
		var due [][]byte // collected first: a cursor is not to be moved while its bucket changes
		cur := queue.Cursor()
		for k, _ := cur.First(); k != nil; k, _ = cur.Next() {
			if at := bytesTime(k); at.After(now) || len(due) == max {
				next = at
				break
			}
			due = append(due, bytes.Clone(k))
		}
		for _, k := range due {
			id := k[8:]
			if err := queue.Delete(k); err != nil {
				return err
			}
			var rec jobRecord
			raw := recs.Get(id)
			if raw == nil {
				continue // cannot happen: records and index change together
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				return err
			}
			rec.Deliveries++
			rec.Consumer, rec.Lease, rec.VisibleAt = consumer, lease, now.Add(lease)
			if err := putJobRecord(tx, id, rec); err != nil {
				return err
			}
			jobs = append(jobs, store.Job{
				ID:         jobID(id),
				SiteID:     rec.SiteID,
				CallbackID: rec.CallbackID,
				Due:        rec.Due,
				Deliveries: rec.Deliveries,
			})
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	return jobs, next, nil
}

// putJobRecord stores rec and indexes it at its VisibleAt; the caller has
// removed the old index entry.
func putJobRecord(tx *bolt.Tx, id []byte, rec jobRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketJobs).Put(id, raw); err != nil {
		return err
	}
	return tx.Bucket(bucketJobQueue).Put(timeKey(rec.VisibleAt, id), []byte{})
}

// ExtendJob implements store.Jobs: the job becomes visible again one lease
// (the one it was claimed with) from now.
func (s *Store) ExtendJob(ctx context.Context, consumer string, j store.Job) error {
	const op = "extend job"
	id, ok := parseJobID(j.ID)
	if !ok {
		return store.Wrap(kind, op, store.ErrNotFound)
	}
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		rec, found, err := getJobRecord(tx, id)
		switch {
		case err != nil:
			return err
		case !found:
			refused = store.ErrNotFound
			return nil
		case rec.Consumer != consumer:
			refused = store.ErrConflict
			return nil
		}
		if err := tx.Bucket(bucketJobQueue).Delete(timeKey(rec.VisibleAt, id)); err != nil {
			return err
		}
		rec.VisibleAt = time.Now().Add(rec.Lease)
		return putJobRecord(tx, id, rec)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// AckJob implements store.Jobs.
func (s *Store) AckJob(ctx context.Context, j store.Job) error {
	id, ok := parseJobID(j.ID)
	if !ok {
		return nil // never a job of ours, so nothing to remove
	}
	err := s.batch(func(tx *bolt.Tx) error {
		rec, found, err := getJobRecord(tx, id)
		if err != nil || !found {
			return err // not found: acked before
		}
		if err := tx.Bucket(bucketJobQueue).Delete(timeKey(rec.VisibleAt, id)); err != nil {
			return err
		}
		return tx.Bucket(bucketJobs).Delete(id)
	})
	return store.Wrap(kind, "ack job", err)
}

func getJobRecord(tx *bolt.Tx, id []byte) (jobRecord, bool, error) {
	var rec jobRecord
	raw := tx.Bucket(bucketJobs).Get(id)
	if raw == nil {
		return rec, false, nil
	}
	return rec, true, json.Unmarshal(raw, &rec)
}

// Job IDs are the bucket's sequence numbers: 8 bytes in the key, decimal
// outside.

func jobID(key []byte) string { return strconv.FormatUint(binary.BigEndian.Uint64(key), 10) }

func parseJobID(id string) ([]byte, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil, false
	}
	return binary.BigEndian.AppendUint64(nil, n), true
}
