package embedded

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// bucketQuizVersions holds the versions of each site's quizzes, nested per
// site (DeleteSite drops it):
//
//	siteID → {widgetID \0 "h" \0 sha256(definition) → version (8 bytes)
//	          widgetID \0 "n"                        → the last version (8 bytes)
//	          widgetID \0 "v" \0 version (8 bytes)   → created (8 bytes) + definition}
//
// Versions are keyed big-endian, so a widget's sort in version order.
var bucketQuizVersions = []byte("quiz_versions")

func versionHashKey(widgetID string, def []byte) []byte {
	sum := sha256.Sum256(def)
	return append([]byte(widgetID+"\x00h\x00"), sum[:]...)
}

func versionCountKey(widgetID string) []byte { return []byte(widgetID + "\x00n") }

func versionPrefix(widgetID string) []byte { return []byte(widgetID + "\x00v\x00") }

func versionKey(widgetID string, v int) []byte {
	return binary.BigEndian.AppendUint64(versionPrefix(widgetID), uint64(v))
}

// QuizVersion implements store.Quizzes. A definition seen before (every
// session but the first of each version) is found by a read; a new one is
// numbered in a shared write that looks again, so concurrent first calls
// agree.
func (s *Store) QuizVersion(ctx context.Context, siteID, widgetID string, def []byte, now time.Time) (int, error) {
	const op = "quiz version"
	hashKey := versionHashKey(widgetID, def)
	var v int
	err := s.db.View(func(tx *bolt.Tx) error {
		v = readVersion(siteBucket(tx, bucketQuizVersions, siteID), hashKey)
		return nil
	})
	if err != nil || v > 0 {
		return v, store.Wrap(kind, op, err)
	}
	var refused error
	err = s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, siteID) {
			refused = store.ErrNotFound
			return nil
		}
		versions, err := nested(tx, bucketQuizVersions, siteID)
		if err != nil {
			return err
		}
		if v = readVersion(versions, hashKey); v > 0 {
			return nil
		}
		v = readVersion(versions, versionCountKey(widgetID)) + 1
		n := binary.BigEndian.AppendUint64(nil, uint64(v))
		if err := versions.Put(hashKey, n); err != nil {
			return err
		}
		if err := versions.Put(versionCountKey(widgetID), n); err != nil {
			return err
		}
		return versions.Put(versionKey(widgetID, v), append(timeBytes(now), def...))
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return 0, store.Wrap(kind, op, err)
	}
	return v, nil
}

// readVersion reads a version number stored at key (0: none).
func readVersion(versions *bolt.Bucket, key []byte) int {
	if versions == nil {
		return 0
	}
	if raw := versions.Get(key); len(raw) == 8 {
		return int(binary.BigEndian.Uint64(raw))
	}
	return 0
}

// GetQuizVersion implements store.Quizzes.
func (s *Store) GetQuizVersion(ctx context.Context, siteID, widgetID string, v int) ([]byte, error) {
	var def []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		versions := siteBucket(tx, bucketQuizVersions, siteID)
		if versions == nil || v <= 0 {
			return store.ErrNotFound
		}
		raw := versions.Get(versionKey(widgetID, v))
		if len(raw) < 8 {
			return store.ErrNotFound
		}
		def = bytes.Clone(raw[8:])
		return nil
	})
	if err != nil {
		return nil, store.Wrap(kind, "get quiz version", err)
	}
	return def, nil
}

// ListQuizVersions implements store.Quizzes.
func (s *Store) ListQuizVersions(ctx context.Context, siteID, widgetID string) ([]store.QuizVersionInfo, error) {
	var list []store.QuizVersionInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		versions := siteBucket(tx, bucketQuizVersions, siteID)
		if versions == nil {
			return nil
		}
		prefix := versionPrefix(widgetID)
		cur := versions.Cursor()
		for k, raw := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, raw = cur.Next() {
			if len(k) != len(prefix)+8 || len(raw) < 8 {
				continue
			}
			list = append(list, store.QuizVersionInfo{
				Version:   int(binary.BigEndian.Uint64(k[len(prefix):])),
				CreatedAt: bytesTime(raw),
			})
		}
		return nil
	})
	return list, store.Wrap(kind, "list quiz versions", err)
}
