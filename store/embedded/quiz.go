package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Quiz session buckets, nested per site like the others (DeleteSite drops
// them):
//
//	quiz_sessions       siteID → {sessionID → QuizSession JSON}
//	quiz_session_expiry siteID → {expires (8 bytes) + sessionID → visitorID}
//
// A session expires QuizSessionTTL after its UpdatedAt: reads treat it as
// gone from then on. Each CreateQuizSession of the site sweeps: it looks at
// up to sessionSweep of the oldest expiry entries that have passed, deletes
// their sessions if they have expired, and files the others (updated
// since) under their present expiry. Sessions expire no faster than they
// are created, so the expired ones never pile up; a site that gets no new
// sessions keeps its last month's until it does (or is deleted).
//
// The expiry entry is written by the create only, not by each update: an
// answer then writes one page (the session's), which is what lets many
// visitors' answers share a commit cheaply. Updates move UpdatedAt
// forward, so the entry is never later than the session's expiry and the
// sweep finds every expired session (one moved back waits for its entry).
// The entry's value, the visitor, is what DeleteVisitorQuizSessions looks
// for: a visitor index of its own would cost every session a page more,
// for an erasure request now and then.
var (
	bucketQuizSessions = []byte("quiz_sessions")
	bucketQuizExpiry   = []byte("quiz_session_expiry")
)

// sessionSweep is how many expiry entries a create looks at most.
const sessionSweep = 4

func sessionExpires(q store.QuizSession) time.Time { return q.UpdatedAt.Add(store.QuizSessionTTL) }

// expired: a session not changed for QuizSessionTTL is gone.
func expired(q store.QuizSession, now time.Time) bool { return !now.Before(sessionExpires(q)) }

// CreateQuizSession implements store.Quizzes, in the group commit.
func (s *Store) CreateQuizSession(ctx context.Context, q store.QuizSession) error {
	const op = "create quiz session"
	data, err := json.Marshal(q)
	if err != nil {
		return store.Wrap(kind, op, err)
	}
	var refused error
	err = s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, q.SiteID) {
			refused = store.ErrNotFound
			return nil
		}
		sessions, err := nested(tx, bucketQuizSessions, q.SiteID)
		if err != nil {
			return err
		}
		if sessions.Get([]byte(q.ID)) != nil {
			refused = store.ErrConflict
			return nil
		}
		expiry, err := nested(tx, bucketQuizExpiry, q.SiteID)
		if err != nil {
			return err
		}
		expiry.FillPercent = appendFill
		if err := sweepSessions(sessions, expiry, time.Now()); err != nil {
			return err
		}
		return errors.Join(
			sessions.Put([]byte(q.ID), data),
			expiry.Put(timeKey(sessionExpires(q), []byte(q.ID)), []byte(q.VisitorID)),
		)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// sweepSessions handles up to sessionSweep expiry entries that passed
// before now: an expired session is deleted, one updated since is filed
// under its present expiry.
func sweepSessions(sessions, expiry *bolt.Bucket, now time.Time) error {
	var keys, visitors [][]byte
	cur := expiry.Cursor()
	limit := timeBytes(now)
	for k, v := cur.First(); k != nil && len(keys) < sessionSweep && bytes.Compare(k[:8], limit) < 0; k, v = cur.Next() {
		keys, visitors = append(keys, bytes.Clone(k)), append(visitors, bytes.Clone(v))
	}
	for i, k := range keys {
		id := k[8:]
		if err := expiry.Delete(k); err != nil {
			return err
		}
		var q store.QuizSession
		err := getJSON(sessions, string(id), &q)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		case expired(q, now):
			err = sessions.Delete(id)
		default:
			err = expiry.Put(timeKey(sessionExpires(q), id), visitors[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// GetQuizSession implements store.Quizzes.
func (s *Store) GetQuizSession(ctx context.Context, siteID, id string) (store.QuizSession, error) {
	var q store.QuizSession
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(siteBucket(tx, bucketQuizSessions, siteID), id, &q)
	})
	if err == nil && expired(q, time.Now()) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.QuizSession{}, store.Wrap(kind, "get quiz session", err)
	}
	return q, nil
}

// maxSwapAttempts bounds how often UpdateQuizSession starts over after
// losing to a concurrent update of the same session. Every round has a
// winner, so only a session written by more callers at once exhausts it.
const maxSwapAttempts = 50

// UpdateQuizSession implements store.Quizzes optimistically: the session is
// read, fn applied and the result encoded outside the write transaction,
// which (in the group commit) only checks that the session is still what
// was read and writes it, else starts over. The shared transaction then
// does no JSON work, which keeps its commits short under many visitors'
// answers. A new UpdatedAt moves the session's expiry; its expiry entry
// stays (see the bucket doc).
func (s *Store) UpdateQuizSession(ctx context.Context, siteID, id string, fn func(*store.QuizSession) error) (store.QuizSession, error) {
	const op = "update quiz session"
	for range maxSwapAttempts {
		var raw []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			if b := siteBucket(tx, bucketQuizSessions, siteID); b != nil {
				raw = bytes.Clone(b.Get([]byte(id)))
			}
			return nil
		})
		if err == nil && raw == nil {
			err = store.ErrNotFound
		}
		var q store.QuizSession
		if err == nil {
			err = json.Unmarshal(raw, &q)
		}
		if err == nil && expired(q, time.Now()) {
			err = store.ErrNotFound
		}
		if err != nil {
			return store.QuizSession{}, store.Wrap(kind, op, err)
		}
		pinned := q
		if err := fn(&q); err != nil {
			return store.QuizSession{}, err
		}
		q.ID, q.SiteID, q.WidgetID, q.VisitorID, q.CreatedAt = pinned.ID, pinned.SiteID, pinned.WidgetID, pinned.VisitorID, pinned.CreatedAt
		data, err := json.Marshal(q)
		if err != nil {
			return store.QuizSession{}, store.Wrap(kind, op, err)
		}
		var lost bool
		err = s.batch(func(tx *bolt.Tx) error {
			sessions := siteBucket(tx, bucketQuizSessions, siteID)
			if lost = sessions == nil || !bytes.Equal(sessions.Get([]byte(id)), raw); lost {
				return nil
			}
			return sessions.Put([]byte(id), data)
		})
		if err != nil {
			return store.QuizSession{}, store.Wrap(kind, op, err)
		}
		if !lost {
			return q, nil
		}
	}
	return store.QuizSession{}, store.Wrap(kind, op, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", maxSwapAttempts, store.ErrConflict))
}

// DeleteVisitorQuizSessions implements store.Quizzes by a walk of the
// site's expiry entries. Expired sessions of the visitor not yet swept go
// too, uncounted: they were gone already.
func (s *Store) DeleteVisitorQuizSessions(ctx context.Context, siteID, visitorID string) (int, error) {
	var n int
	err := s.batch(func(tx *bolt.Tx) error {
		n = 0
		sessions, expiry := siteBucket(tx, bucketQuizSessions, siteID), siteBucket(tx, bucketQuizExpiry, siteID)
		if sessions == nil || expiry == nil {
			return nil
		}
		var keys [][]byte
		cur := expiry.Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if string(v) == visitorID {
				keys = append(keys, bytes.Clone(k))
			}
		}
		now := time.Now()
		for _, k := range keys {
			id := k[8:]
			var q store.QuizSession
			err := getJSON(sessions, string(id), &q)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil && !expired(q, now) {
				n++
			}
			if err := errors.Join(sessions.Delete(id), expiry.Delete(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, store.Wrap(kind, "delete visitor quiz sessions", err)
	}
	return n, nil
}
