package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
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
	}
	return wrap(op, err)
}

// GetQuizSession implements store.Quizzes.
func (s *Store) GetQuizSession(ctx context.Context, siteID, id string) (store.QuizSession, error) {
	var q store.QuizSession
	raw, err := s.client.HGet(ctx, s.sessionsKey(siteID), id).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &q)
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
// UpdateSite: a read, then one script (swap_quiz_session.lua) that writes
// the session with its new expiry if no one wrote it meanwhile.
func (s *Store) UpdateQuizSession(ctx context.Context, siteID, id string, fn func(*store.QuizSession) error) (store.QuizSession, error) {
	notExpired := func(q store.QuizSession) error {
		if expired(q, time.Now()) {
			return store.ErrNotFound
		}
		return nil
	}
	keys := []string{s.sessionsKey(siteID), s.sessionsByExpiry(siteID)}
	q, err := updateField(ctx, s.client, s.sessionsKey(siteID), id, notExpired, func(q *store.QuizSession) error {
		pinned := *q
		if err := fn(q); err != nil {
			return callerError{err}
		}
		q.ID, q.SiteID, q.WidgetID, q.VisitorID, q.CreatedAt = pinned.ID, pinned.SiteID, pinned.WidgetID, pinned.VisitorID, pinned.CreatedAt
		return nil
	}, func(old string, q store.QuizSession, data []byte) (bool, error) {
		n, err := scriptSwapQuizSession.Run(ctx, s.client, keys, id, old, data, sessionExpires(q), sessionMember(q)).Int()
		return n == 1, err
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.QuizSession{}, ce.err
	}
	if err != nil {
		return store.QuizSession{}, wrap("update quiz session", err)
	}
	return q, nil
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
