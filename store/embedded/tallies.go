package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// bucketTallies holds each site's tallies, nested per site (DeleteSite
// drops it): siteID → {name \0 field → count (8 bytes)}.
var bucketTallies = []byte("tallies")

func tallyPrefix(name string) []byte { return []byte(name + "\x00") }

// checkTally refuses a name that would run into its fields' keys.
func checkTally(name string) error {
	if strings.ContainsRune(name, 0) {
		return fmt.Errorf("tally name %q contains NUL", name)
	}
	return nil
}

// AddTally implements store.Tallies in the group commit: a burst of
// analytics shares a few fsyncs.
func (s *Store) AddTally(ctx context.Context, siteID, name string, deltas map[string]int64) error {
	const op = "add tally"
	if err := checkTally(name); err != nil {
		return store.Wrap(kind, op, err)
	}
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, siteID) {
			refused = store.ErrNotFound
			return nil
		}
		tallies, err := nested(tx, bucketTallies, siteID)
		if err != nil {
			return err
		}
		for field, delta := range deltas {
			key := append(tallyPrefix(name), field...)
			var n int64
			if raw := tallies.Get(key); len(raw) == 8 {
				n = int64(binary.BigEndian.Uint64(raw))
			}
			if err := tallies.Put(key, binary.BigEndian.AppendUint64(nil, uint64(n+delta))); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// Tally implements store.Tallies: the name's fields are one run of keys.
func (s *Store) Tally(ctx context.Context, siteID, name string) (map[string]int64, error) {
	const op = "tally"
	if err := checkTally(name); err != nil {
		return nil, store.Wrap(kind, op, err)
	}
	fields := map[string]int64{}
	err := s.db.View(func(tx *bolt.Tx) error {
		tallies := siteBucket(tx, bucketTallies, siteID)
		if tallies == nil {
			return nil
		}
		prefix := tallyPrefix(name)
		cur := tallies.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if len(v) == 8 {
				fields[string(k[len(prefix):])] = int64(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	return fields, store.Wrap(kind, op, err)
}
