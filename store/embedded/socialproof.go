package embedded

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Social-proof buckets, nested per site like the others (DeleteSite drops them):
//
//	sp_events  siteID → {eventID → Event JSON}; the bucket's sequence numbers the events (Seq)
//	sp_times   siteID → {time key (8 bytes) + eventID → ""}: newest last
//	sp_notices siteID → {"i\0"|"c\0" + eventID → count (8 bytes)}
var (
	bucketSPEvents  = []byte("sp_events")
	bucketSPTimes   = []byte("sp_times")
	bucketSPNotices = []byte("sp_notices")
)

// spTimeKey orders events by time (unix ms, sign bit flipped so times
// before 1970 sort first), then id.
func spTimeKey(e store.Event) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(e.Time.UnixMilli())^(1<<63))
	return append(k, e.ID...)
}

func noticeKey(action, eventID string) ([]byte, error) {
	switch action {
	case store.NoticeImpression:
		return []byte("i\x00" + eventID), nil
	case store.NoticeClick:
		return []byte("c\x00" + eventID), nil
	}
	return nil, fmt.Errorf("unknown notice action %q", action)
}

// AddEvents implements store.Events in one transaction: all of the call's
// new events or none.
func (s *Store) AddEvents(ctx context.Context, siteID string, evs []store.Event) ([]store.Event, error) {
	var added []store.Event
	err := s.batch(func(tx *bolt.Tx) error {
		added = nil
		if !siteExists(tx, siteID) {
			return store.ErrNotFound
		}
		events, err := nested(tx, bucketSPEvents, siteID)
		if err != nil {
			return err
		}
		times, err := nested(tx, bucketSPTimes, siteID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			e.SiteID = siteID
			if events.Get([]byte(e.ID)) != nil {
				continue
			}
			// The bucket's own sequence: it goes with the site's bucket.
			seq, err := events.NextSequence()
			if err != nil {
				return err
			}
			e.Seq = int64(seq)
			if err := putJSON(events, e.ID, e); err != nil {
				return err
			}
			if err := times.Put(spTimeKey(e), nil); err != nil {
				return err
			}
			added = append(added, e)
		}
		return s.trimEvents(tx, siteID, events, times)
	})
	if err != nil {
		return nil, store.Wrap(kind, "add events", err)
	}
	return added, nil
}

// trimEvents drops the oldest events beyond store.EventsKept.
func (s *Store) trimEvents(tx *bolt.Tx, siteID string, events, times *bolt.Bucket) error {
	// Counted by a cursor: bucket statistics miss this transaction's writes.
	n := 0
	c := times.Cursor()
	for k, _ := c.Last(); k != nil && n <= store.EventsKept; k, _ = c.Prev() {
		n++
	}
	if n <= store.EventsKept {
		return nil
	}
	var old [][]byte
	skip := 0
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if skip++; skip > store.EventsKept {
			old = append(old, append([]byte(nil), k...))
		}
	}
	for _, k := range old {
		if err := deleteEventTx(tx, siteID, string(k[8:]), events, times, k); err != nil {
			return err
		}
	}
	return nil
}

// deleteEventTx removes one event, its time entry and its counts.
func deleteEventTx(tx *bolt.Tx, siteID, id string, events, times *bolt.Bucket, timeKey []byte) error {
	if err := events.Delete([]byte(id)); err != nil {
		return err
	}
	if err := times.Delete(timeKey); err != nil {
		return err
	}
	if b := tx.Bucket(bucketSPNotices); b != nil {
		if notices := b.Bucket([]byte(siteID)); notices != nil {
			for _, action := range []string{store.NoticeImpression, store.NoticeClick} {
				k, _ := noticeKey(action, id)
				if err := notices.Delete(k); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// siteBucket is the site's bucket under top, or nil.
func siteBucket(tx *bolt.Tx, top []byte, siteID string) *bolt.Bucket {
	if b := tx.Bucket(top); b != nil {
		return b.Bucket([]byte(siteID))
	}
	return nil
}

// RecentEvents implements store.Events by walking the time index backwards.
func (s *Store) RecentEvents(ctx context.Context, siteID string, limit int) ([]store.Event, error) {
	var list []store.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		events, times := siteBucket(tx, bucketSPEvents, siteID), siteBucket(tx, bucketSPTimes, siteID)
		if events == nil || times == nil {
			return nil
		}
		c := times.Cursor()
		for k, _ := c.Last(); k != nil && len(list) < limit; k, _ = c.Prev() {
			var e store.Event
			if err := getJSON(events, string(k[8:]), &e); err != nil {
				return err
			}
			list = append(list, e)
		}
		return nil
	})
	return list, store.Wrap(kind, "recent events", err)
}

// DeleteEvent implements store.Events.
func (s *Store) DeleteEvent(ctx context.Context, siteID, id string) error {
	err := s.batch(func(tx *bolt.Tx) error {
		events, times := siteBucket(tx, bucketSPEvents, siteID), siteBucket(tx, bucketSPTimes, siteID)
		var e store.Event
		if err := getJSON(events, id, &e); err != nil {
			return err
		}
		return deleteEventTx(tx, siteID, id, events, times, spTimeKey(e))
	})
	return store.Wrap(kind, "delete event", err)
}

// CountNotice implements store.Events. It shares the group commit with
// other writers, so a burst of impressions costs few fsyncs.
func (s *Store) CountNotice(ctx context.Context, siteID, eventID, action string) error {
	key, err := noticeKey(action, eventID)
	if err != nil {
		return store.Wrap(kind, "count notice", err)
	}
	err = s.batch(func(tx *bolt.Tx) error {
		events := siteBucket(tx, bucketSPEvents, siteID)
		if events == nil || events.Get([]byte(eventID)) == nil {
			return store.ErrNotFound
		}
		notices, err := nested(tx, bucketSPNotices, siteID)
		if err != nil {
			return err
		}
		var n uint64
		if v := notices.Get(key); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return notices.Put(key, binary.BigEndian.AppendUint64(nil, n+1))
	})
	return store.Wrap(kind, "count notice", err)
}

// NoticeStats implements store.Events.
func (s *Store) NoticeStats(ctx context.Context, siteID string) (map[string]store.NoticeCounts, error) {
	stats := map[string]store.NoticeCounts{}
	err := s.db.View(func(tx *bolt.Tx) error {
		notices := siteBucket(tx, bucketSPNotices, siteID)
		if notices == nil {
			return nil
		}
		return notices.ForEach(func(k, v []byte) error {
			if len(k) < 2 || len(v) != 8 {
				return nil
			}
			id, n := string(k[2:]), int64(binary.BigEndian.Uint64(v))
			c := stats[id]
			if k[0] == 'i' {
				c.Impressions = n
			} else {
				c.Clicks = n
			}
			stats[id] = c
			return nil
		})
	})
	return stats, store.Wrap(kind, "notice stats", err)
}
