// Package embedded is the single-node store: bbolt on disk for state and an
// in-process broker for pub/sub. Every write is a bbolt transaction that is
// fsynced before it returns, so whatever was acknowledged survives a restart
// or a kill -9 of the process.
//
// The writes of the callback hot path (requests and the job queue) go
// through a group commit (commit.go): concurrent writers share one
// transaction and so one fsync. Their functions may run more than once, so
// they only set what they report, never add to it. Counters are the
// exception to "fsynced before it returns": see counters.go.
package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

const kind = "embedded"

// Top-level buckets. Per-site data lives in nested buckets named by site ID,
// so deleting a site is deleting its bucket.
var (
	bucketSites      = []byte("sites")       // siteID → Site JSON
	bucketSiteKeys   = []byte("site_keys")   // site key → siteID
	bucketWidgets    = []byte("widgets")     // siteID → {widgetID → Widget JSON}
	bucketAPIKeys    = []byte("api_keys")    // siteID → {keyID → APIKey JSON}
	bucketAPIKeyHash = []byte("api_key_idx") // hash → siteID/keyID
	bucketSettings   = []byte("settings")    // name → value

	bucketCallbacks      = []byte("callbacks")       // siteID → {callbackID → Callback JSON}
	bucketCallbackTimes  = []byte("callback_times")  // siteID → {created (8 bytes) + callbackID → ""}
	bucketCallbackPhones = []byte("callback_phones") // siteID → {phone → created (8 bytes) + callbackID}
	bucketJobs           = []byte("jobs")            // jobID (8 bytes) → jobRecord JSON
	bucketJobQueue       = []byte("job_queue")       // visible at (8 bytes) + jobID → ""
	bucketCounters       = []byte("counters")        // scope \0 name → count (8 bytes) + window end (8 bytes)
)

// allBuckets are created on Open.
var allBuckets = [][]byte{
	bucketSites, bucketSiteKeys, bucketWidgets, bucketAPIKeys, bucketAPIKeyHash, bucketSettings,
	bucketCallbacks, bucketCallbackTimes, bucketCallbackPhones, bucketJobs, bucketJobQueue,
	bucketCounters,
}

// Store is the embedded implementation of store.Store.
type Store struct {
	db       *bolt.DB
	commits  *groupCommit
	broker   *broker
	jobs     *signal // enqueues wake waiting claimers
	counters *counters
	presence presence   // live connections per site (presence.go)
	pushes   livePushes // server pushes kept for polling browsers (livepush.go)

	closeOnce sync.Once
	closed    chan struct{} // wakes waiting claimers, stops the counters' flushes
	flushed   sync.WaitGroup
}

// Open opens (creating if needed) the store in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(dir, "beckon.db")
	// The timeout turns "another beckon already runs on this directory" into
	// an error instead of waiting forever for bbolt's file lock.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	counters := newCounters()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return counters.load(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: create buckets: %w", err)
	}
	s := &Store{
		db:       db,
		commits:  &groupCommit{db: db},
		broker:   newBroker(),
		jobs:     newSignal(),
		counters: counters,
		closed:   make(chan struct{}),
	}
	s.flushed.Go(func() { s.flushCountersEvery(counterFlushEvery, s.closed) })
	return s, nil
}

// Kind implements store.Store.
func (s *Store) Kind() string { return kind }

// Ping implements store.Store: a read transaction proves the file is usable.
func (s *Store) Ping(ctx context.Context) error {
	return store.Wrap(kind, "ping", s.db.View(func(*bolt.Tx) error { return nil }))
}

// Close implements store.Store. The counters' last changes are written
// before the file is closed.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		s.flushed.Wait()
		err = s.flushCounters()
	})
	s.broker.close()
	return errors.Join(err, store.Wrap(kind, "close", s.db.Close()))
}

func getJSON(b *bolt.Bucket, key string, v any) error {
	if b == nil {
		return store.ErrNotFound
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return store.ErrNotFound
	}
	return json.Unmarshal(raw, v)
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// listJSON decodes every value of b (nil: none) with decode.
func listJSON(b *bolt.Bucket, decode func([]byte) error) error {
	if b == nil {
		return nil
	}
	return b.ForEach(func(_, v []byte) error {
		if v == nil { // nested bucket
			return nil
		}
		return decode(v)
	})
}

// errFn marks an error that came from a caller's update function, so it is
// returned to the caller as it was, not wrapped and counted as a store error.
type errFn struct{ err error }

func (e errFn) Error() string { return e.err.Error() }

func unwrapFn(kindOp string, err error) error {
	var fe errFn
	if errors.As(err, &fe) {
		return fe.err
	}
	return store.Wrap(kind, kindOp, err)
}
