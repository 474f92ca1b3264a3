package embedded

import (
	"context"
	"encoding/binary"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// An experiment's visitors live in a bucket nested in the site's tallies
// bucket, next to the experiment's counts, so that DeleteSite takes both
// and one transaction changes both:
//
//	tallies/<siteID>/"\x00exp\x00<experimentID>" → {visitorID → variant ["\x00c" once converted]}
//
// The bucket's name starts with NUL, which no tally name does (checkTally),
// so tally reads never meet it.
func experimentBucketName(experimentID string) []byte {
	return []byte("\x00exp\x00" + experimentID)
}

const convertedMark = "\x00c"

// addCount adds one to field of the tally name in the site's tallies bucket.
func addCount(tallies *bolt.Bucket, name, field string) error {
	key := append(tallyPrefix(name), field...)
	var n int64
	if raw := tallies.Get(key); len(raw) == 8 {
		n = int64(binary.BigEndian.Uint64(raw))
	}
	return tallies.Put(key, binary.BigEndian.AppendUint64(nil, uint64(n+1)))
}

// ExposeVisitor implements store.Experiments in the group commit: a burst
// of new visitors shares a few fsyncs.
func (s *Store) ExposeVisitor(ctx context.Context, siteID, experimentID, visitorID, variant string) (bool, error) {
	const op = "expose visitor"
	if err := checkTally(store.ExperimentTally(experimentID)); err != nil {
		return false, store.Wrap(kind, op, err)
	}
	var first bool
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		first, refused = false, nil // the group commit may run this again
		if !siteExists(tx, siteID) {
			refused = store.ErrNotFound
			return nil
		}
		tallies, err := nested(tx, bucketTallies, siteID)
		if err != nil {
			return err
		}
		visitors, err := tallies.CreateBucketIfNotExists(experimentBucketName(experimentID))
		if err != nil {
			return err
		}
		if visitors.Get([]byte(visitorID)) != nil {
			return nil
		}
		if err := visitors.Put([]byte(visitorID), []byte(variant)); err != nil {
			return err
		}
		first = true
		return addCount(tallies, store.ExperimentTally(experimentID), variant+":exposures")
	})
	if err == nil {
		err = refused
	}
	return first, store.Wrap(kind, op, err)
}

// ConvertVisitor implements store.Experiments.
func (s *Store) ConvertVisitor(ctx context.Context, siteID, experimentID, visitorID string) (string, error) {
	const op = "convert visitor"
	if err := checkTally(store.ExperimentTally(experimentID)); err != nil {
		return "", store.Wrap(kind, op, err)
	}
	var variant string
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		variant, refused = "", nil
		if !siteExists(tx, siteID) {
			refused = store.ErrNotFound
			return nil
		}
		tallies := siteBucket(tx, bucketTallies, siteID)
		if tallies == nil {
			return nil
		}
		visitors := tallies.Bucket(experimentBucketName(experimentID))
		if visitors == nil {
			return nil
		}
		got := string(visitors.Get([]byte(visitorID)))
		if got == "" || strings.HasSuffix(got, convertedMark) {
			return nil
		}
		if err := visitors.Put([]byte(visitorID), []byte(got+convertedMark)); err != nil {
			return err
		}
		variant = got
		return addCount(tallies, store.ExperimentTally(experimentID), got+":conversions")
	})
	if err == nil {
		err = refused
	}
	return variant, store.Wrap(kind, op, err)
}
