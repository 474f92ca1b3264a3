package embedded

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// bucketSightings: siteID → {origin → last seen, RFC 3339 with nanoseconds}.
// Created on first write, so stores opened before it existed need nothing.
var bucketSightings = []byte("snippet_seen")

// SeenSnippet implements store.SnippetSightings.
func (s *Store) SeenSnippet(ctx context.Context, siteID, origin string, at time.Time) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		// A sighting queued while its site was deleted must not outlive it.
		if !siteExists(tx, siteID) {
			return store.ErrNotFound
		}
		root, err := tx.CreateBucketIfNotExists(bucketSightings)
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(siteID))
		if err != nil {
			return err
		}
		if old, err := time.Parse(time.RFC3339Nano, string(b.Get([]byte(origin)))); err == nil && !old.Before(at) {
			return nil
		}
		return b.Put([]byte(origin), []byte(at.UTC().Format(time.RFC3339Nano)))
	})
	return store.Wrap(kind, "record snippet sighting", err)
}

// SnippetSightings implements store.SnippetSightings.
func (s *Store) SnippetSightings(ctx context.Context, siteID string) ([]store.SnippetSighting, error) {
	var list []store.SnippetSighting
	err := s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketSightings)
		if root == nil {
			return nil
		}
		b := root.Bucket([]byte(siteID))
		if b == nil {
			return nil
		}
		// bbolt iterates keys in byte order: the list comes sorted by origin.
		return b.ForEach(func(k, v []byte) error {
			at, err := time.Parse(time.RFC3339Nano, string(v))
			if err != nil {
				return err
			}
			list = append(list, store.SnippetSighting{Origin: string(k), LastSeen: at})
			return nil
		})
	})
	return list, store.Wrap(kind, "list snippet sightings", err)
}
