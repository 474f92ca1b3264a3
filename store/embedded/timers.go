package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Timer buckets, nested per site like the others (DeleteSite drops them):
//
//	timers       siteID → {widgetID \0 subject → deadline (unix ms, 8 bytes)}
//	timer_starts siteID → {widgetID → cycles started (8 bytes)}
var (
	bucketTimers      = []byte("timers")
	bucketTimerStarts = []byte("timer_starts")
)

func timerField(widgetID, subject string) []byte {
	return []byte(widgetID + "\x00" + subject)
}

// StartDeadline implements store.Timers. Most calls find the deadline set:
// they read it without a write transaction. The first call, and a call
// after the cool-down, write in a shared commit that checks again, so of
// concurrent first calls one sets the deadline and all get it.
func (s *Store) StartDeadline(ctx context.Context, siteID, widgetID, subject string, now time.Time, duration, cooldown time.Duration) (time.Time, bool, error) {
	field := timerField(widgetID, subject)
	var deadline time.Time
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		deadline, found = readDeadline(tx, siteID, field)
		return nil
	})
	if err != nil {
		return time.Time{}, false, store.Wrap(kind, "read deadline", err)
	}
	if found && !restarts(deadline, now, cooldown) {
		return deadline, false, nil
	}
	var started bool
	err = s.batch(func(tx *bolt.Tx) error {
		started = false
		if !siteExists(tx, siteID) {
			return store.ErrNotFound
		}
		if d, ok := readDeadline(tx, siteID, field); ok && !restarts(d, now, cooldown) {
			deadline = d
			return nil
		}
		deadline, started = now.Add(duration).Truncate(time.Millisecond), true
		timers, err := nested(tx, bucketTimers, siteID)
		if err != nil {
			return err
		}
		if err := timers.Put(field, binary.BigEndian.AppendUint64(nil, uint64(deadline.UnixMilli()))); err != nil {
			return err
		}
		starts, err := nested(tx, bucketTimerStarts, siteID)
		if err != nil {
			return err
		}
		var n uint64
		if v := starts.Get([]byte(widgetID)); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return starts.Put([]byte(widgetID), binary.BigEndian.AppendUint64(nil, n+1))
	})
	if err != nil {
		return time.Time{}, false, store.Wrap(kind, "start deadline", err)
	}
	return deadline, started, nil
}

// restarts: with a cool-down, a deadline that ended at least cooldown ago
// gives way to a new cycle; without one it stands for good.
func restarts(deadline, now time.Time, cooldown time.Duration) bool {
	return cooldown > 0 && !now.Before(deadline.Add(cooldown))
}

func readDeadline(tx *bolt.Tx, siteID string, field []byte) (time.Time, bool) {
	b := tx.Bucket(bucketTimers)
	if b == nil {
		return time.Time{}, false
	}
	site := b.Bucket([]byte(siteID))
	if site == nil {
		return time.Time{}, false
	}
	v := site.Get(field)
	if len(v) != 8 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(v))).UTC(), true
}

// nested returns the site's bucket under top, creating both as needed.
func nested(tx *bolt.Tx, top []byte, siteID string) (*bolt.Bucket, error) {
	b, err := tx.CreateBucketIfNotExists(top)
	if err != nil {
		return nil, err
	}
	return b.CreateBucketIfNotExists([]byte(siteID))
}

// TimerStats implements store.Timers by a scan of the widget's deadlines:
// an owner's occasional question, not a visitor's.
func (s *Store) TimerStats(ctx context.Context, siteID, widgetID string, now time.Time) (store.TimerStats, error) {
	var st store.TimerStats
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketTimerStarts); b != nil {
			if site := b.Bucket([]byte(siteID)); site != nil {
				if v := site.Get([]byte(widgetID)); len(v) == 8 {
					st.Started = int64(binary.BigEndian.Uint64(v))
				}
			}
		}
		b := tx.Bucket(bucketTimers)
		if b == nil || b.Bucket([]byte(siteID)) == nil {
			return nil
		}
		prefix := []byte(widgetID + "\x00")
		c := b.Bucket([]byte(siteID)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixMilli() {
				st.Running++
			} else {
				st.Expired++
			}
		}
		return nil
	})
	return st, store.Wrap(kind, "timer stats", err)
}
