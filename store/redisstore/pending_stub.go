package redisstore

// Temporary: the Leads, Quizzes and Tallies methods until their real
// implementations land (issue 10, this session). This file is deleted then.

import (
	"context"
	"errors"
	"time"

	"github.com/beckonhq/beckon/store"
)

var errPending = errors.New("redisstore: not built yet")

func (s *Store) CreateLead(ctx context.Context, l store.Lead) (store.Lead, bool, error) {
	return store.Lead{}, false, errPending
}
func (s *Store) GetLead(ctx context.Context, siteID, id string) (store.Lead, error) {
	return store.Lead{}, errPending
}
func (s *Store) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	return nil, errPending
}
func (s *Store) UpdateLead(ctx context.Context, siteID, id string, fn func(*store.Lead) error) (store.Lead, error) {
	return store.Lead{}, errPending
}
func (s *Store) DeleteLead(ctx context.Context, siteID, id string) error { return errPending }
func (s *Store) VisitorLeads(ctx context.Context, siteID, visitorID string) ([]store.Lead, error) {
	return nil, errPending
}
func (s *Store) CreateQuizSession(ctx context.Context, q store.QuizSession) error { return errPending }
func (s *Store) GetQuizSession(ctx context.Context, siteID, id string) (store.QuizSession, error) {
	return store.QuizSession{}, errPending
}
func (s *Store) UpdateQuizSession(ctx context.Context, siteID, id string, fn func(*store.QuizSession) error) (store.QuizSession, error) {
	return store.QuizSession{}, errPending
}
func (s *Store) DeleteVisitorQuizSessions(ctx context.Context, siteID, visitorID string) (int, error) {
	return 0, errPending
}
func (s *Store) QuizVersion(ctx context.Context, siteID, widgetID string, def []byte, now time.Time) (int, error) {
	return 0, errPending
}
func (s *Store) GetQuizVersion(ctx context.Context, siteID, widgetID string, v int) ([]byte, error) {
	return nil, errPending
}
func (s *Store) ListQuizVersions(ctx context.Context, siteID, widgetID string) ([]store.QuizVersionInfo, error) {
	return nil, errPending
}
func (s *Store) AddTally(ctx context.Context, siteID, name string, deltas map[string]int64) error {
	return errPending
}
func (s *Store) Tally(ctx context.Context, siteID, name string) (map[string]int64, error) {
	return nil, errPending
}
