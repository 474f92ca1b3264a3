package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's quiz sessions, all in the site's slot:
//
//	<prefix>:{s:<siteID>}:qs      hash: session ID → session JSON
//	<prefix>:{s:<siteID>}:qsexp   sorted set: "<visitor>\0<id>" by the session's expiry (Unix ms)
//	<prefix>:{s:<siteID>}:qsvis   sorted set: the same members, scored 0 (by visitor)
//
// A session expires QuizSessionTTL after its UpdatedAt, as in the embedded
// store: reads treat it as gone from then on, and each CreateQuizSession
// of the site deletes up to sessionSweep expired ones in the same step
// (create_quiz_session.lua). Sessions expire no faster than they are
// created, so expired ones never pile up. Sessions are fields of one hash
// rather than keys with a TTL of their own so that deleting a site deletes
// them in its one step, like the rest of its data.
func (s *Store) sessionsKey(siteID string) string      { return s.siteTag(siteID) + ":qs" }
func (s *Store) sessionsByExpiry(siteID string) string { return s.siteTag(siteID) + ":qsexp" }
func (s *Store) sessionsByVisitor(siteID string) string {
	return s.siteTag(siteID) + ":qsvis"
}

var (
	//go:embed lua/create_quiz_session.lua
	createQuizSessionLua    string
	scriptCreateQuizSession = redis.NewScript(createQuizSessionLua)

	//go:embed lua/swap_quiz_session.lua
	swapQuizSessionLua    string
	scriptSwapQuizSession = redis.NewScript(swapQuizSessionLua)

	//go:embed lua/delete_visitor_sessions.lua
	deleteVisitorSessionsLua    string
	scriptDeleteVisitorSessions = redis.NewScript(deleteVisitorSessionsLua)
)

// sessionSweep is how many expired sessions a create deletes at most.
const sessionSweep = 4

func sessionMember(q store.QuizSession) string { return q.VisitorID + "\x00" + q.ID }

// sessionExpires is when q expires, in Unix ms.
func sessionExpires(q store.QuizSession) int64 {
	return q.UpdatedAt.Add(store.QuizSessionTTL).UnixMilli()
}

// expired: a session not changed for QuizSessionTTL is gone.
func expired(q store.QuizSession, now time.Time) bool {
	return !now.Before(q.UpdatedAt.Add(store.QuizSessionTTL))
}

// CreateQuizSession implements store.Quizzes in one step
// (create_quiz_session.lua).
func (s *Store) CreateQuizSession(ctx context.Context, q store.QuizSession) error {
	const op = "create quiz session"
	if strings.ContainsRune(q.VisitorID, 0) {
		return wrap(op, fmt.Errorf("visitor ID %q contains NUL", q.VisitorID))
	}
	data, err := json.Marshal(q)
	if err != nil {
		return wrap(op, err)
	}
	keys := []string{s.siteKey(q.SiteID), s.sessionsKey(q.SiteID), s.sessionsByExpiry(q.SiteID), s.sessionsByVisitor(q.SiteID)}
	res, err := scriptCreateQuizSession.Run(ctx, s.client, keys, q.ID, data, sessionExpires(q), sessionMember(q), time.Now().UnixMilli(), sessionSweep).Int()
	switch {
	case err != nil:
	case res == siteMissing:
		err = store.ErrNotFound
	case res == idTaken:
		err = store.ErrConflict
	default:
		s.sessions.put(q.SiteID, q.ID, string(data))
	}
	return wrap(op, err)
}

// GetQuizSession implements store.Quizzes.
func (s *Store) GetQuizSession(ctx context.Context, siteID, id string) (store.QuizSession, error) {
	var q store.QuizSession
	raw, err := s.client.HGet(ctx, s.sessionsKey(siteID), id).Result()
	if err == nil {
		s.sessions.put(siteID, id, raw)
		err = json.Unmarshal([]byte(raw), &q)
	}
	if err == nil && expired(q, time.Now()) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.QuizSession{}, wrap("get quiz session", err)
	}
	return q, nil
}

// UpdateQuizSession implements store.Quizzes optimistically, like
// UpdateSite, with one script (swap_quiz_session.lua) that writes the
// session and its new expiry if no one wrote it meanwhile. The session as
// last seen by this replica (sessionCache) spares the read: after a
// GetQuizSession, as in the quiz's answer handler, the update is one round
// trip; when another writer was first, the script answers with the
// session as it is and fn runs again on that.
func (s *Store) UpdateQuizSession(ctx context.Context, siteID, id string, fn func(*store.QuizSession) error) (store.QuizSession, error) {
	q, err := s.updateQuizSession(ctx, siteID, id, fn)
	var ce callerError
	if errors.As(err, &ce) {
		return store.QuizSession{}, ce.err
	}
	if err != nil {
		return store.QuizSession{}, wrap("update quiz session", err)
	}
	return q, nil
}

func (s *Store) updateQuizSession(ctx context.Context, siteID, id string, fn func(*store.QuizSession) error) (store.QuizSession, error) {
	raw, cached := s.sessions.get(siteID, id)
	if !cached {
		var err error
		if raw, err = s.client.HGet(ctx, s.sessionsKey(siteID), id).Result(); err != nil {
			return store.QuizSession{}, err
		}
	}
	keys := []string{s.sessionsKey(siteID), s.sessionsByExpiry(siteID)}
	for n := 1; ; n++ {
		q, data, err := applySession(raw, fn)
		if err != nil && cached {
			// A refusal (expired, or fn's error) counts only for the
			// session as it is, which a cached copy may not be.
			fresh, ferr := s.client.HGet(ctx, s.sessionsKey(siteID), id).Result()
			if ferr != nil {
				s.sessions.forget(siteID, id)
				return store.QuizSession{}, ferr
			}
			cached = false
			if fresh != raw {
				raw = fresh
				continue
			}
		}
		if err != nil {
			return store.QuizSession{}, err
		}
		res, err := scriptSwapQuizSession.Run(ctx, s.client, keys, id, raw, data, sessionExpires(q), sessionMember(q)).Result()
		if err != nil {
			return store.QuizSession{}, err
		}
		switch res := res.(type) {
		case int64:
			if res == 1 {
				s.sessions.put(siteID, id, string(data))
				return q, nil
			}
			s.sessions.forget(siteID, id)
			return store.QuizSession{}, store.ErrNotFound
		case string:
			raw = res // another writer was first
		default:
			return store.QuizSession{}, fmt.Errorf("swap_quiz_session.lua returned %T", res)
		}
		if n == maxUpdateAttempts {
			return store.QuizSession{}, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", n, store.ErrConflict)
		}
		// A stale cached copy is no collision; only a lost race pauses,
		// briefly and at random, so the next round is not the same race.
		if !cached || n > 1 {
			select {
			case <-ctx.Done():
				return store.QuizSession{}, ctx.Err()
			case <-time.After(time.Duration(rand.Int64N(int64(n) * int64(time.Millisecond)))):
			}
		}
	}
}

// applySession applies fn to the session stored as raw, keeping what may
// not change, and encodes the result: ErrNotFound when it has expired,
// fn's error as a callerError.
func applySession(raw string, fn func(*store.QuizSession) error) (store.QuizSession, []byte, error) {
	var q store.QuizSession
	if err := json.Unmarshal([]byte(raw), &q); err != nil {
		return q, nil, err
	}
	if expired(q, time.Now()) {
		return q, nil, store.ErrNotFound
	}
	pinned := q
	if err := fn(&q); err != nil {
		return q, nil, callerError{err}
	}
	q.ID, q.SiteID, q.WidgetID, q.VisitorID, q.CreatedAt = pinned.ID, pinned.SiteID, pinned.WidgetID, pinned.VisitorID, pinned.CreatedAt
	data, err := json.Marshal(q)
	return q, data, err
}

// DeleteVisitorQuizSessions implements store.Quizzes in one step
// (delete_visitor_sessions.lua).
func (s *Store) DeleteVisitorQuizSessions(ctx context.Context, siteID, visitorID string) (int, error) {
	prefix := visitorID + "\x00"
	keys := []string{s.sessionsKey(siteID), s.sessionsByExpiry(siteID), s.sessionsByVisitor(siteID)}
	n, err := scriptDeleteVisitorSessions.Run(ctx, s.client, keys, "["+prefix, "("+visitorID+"\x01", len(prefix), time.Now().UnixMilli()).Int()
	if err != nil {
		return 0, wrap("delete visitor quiz sessions", err)
	}
	return n, nil
}
