package redisstore

import (
	"context"
	_ "embed"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

var (
	//go:embed lua/start_deadline.lua
	startDeadlineLua    string
	scriptStartDeadline = redis.NewScript(startDeadlineLua)
)

func (s *Store) timersKey(siteID string) string      { return s.siteTag(siteID) + ":timers" }
func (s *Store) timerStartsKey(siteID string) string { return s.siteTag(siteID) + ":timerstarts" }

// StartDeadline implements store.Timers with one script call
// (start_deadline.lua), which reads and, when needed, sets in one step.
func (s *Store) StartDeadline(ctx context.Context, siteID, widgetID, subject string, now time.Time, duration, cooldown time.Duration) (time.Time, bool, error) {
	res, err := scriptStartDeadline.Run(ctx, s.client,
		[]string{s.timersKey(siteID), s.timerStartsKey(siteID), s.siteKey(siteID)},
		widgetID+"\x00"+subject, widgetID, now.UnixMilli(), duration.Milliseconds(), cooldown.Milliseconds()).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, wrap("start deadline", store.ErrNotFound)
	}
	if err != nil {
		return time.Time{}, false, wrap("start deadline", err)
	}
	pair, ok := res.([]any)
	if !ok || len(pair) != 2 {
		return time.Time{}, false, wrap("start deadline", errors.New("unexpected script result"))
	}
	ms, _ := pair[0].(int64)
	started, _ := pair[1].(int64)
	return time.UnixMilli(ms).UTC(), started == 1, nil
}

// TimerStats implements store.Timers by scanning the widget's fields of the
// site's deadlines hash: an owner's occasional question.
func (s *Store) TimerStats(ctx context.Context, siteID, widgetID string, now time.Time) (store.TimerStats, error) {
	var st store.TimerStats
	started, err := s.client.HGet(ctx, s.timerStartsKey(siteID), widgetID).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return st, wrap("timer stats", err)
	}
	st.Started = started
	iter := s.client.HScan(ctx, s.timersKey(siteID), 0, widgetID+"\x00*", 1000).Iterator()
	for i := 0; iter.Next(ctx); i++ {
		if i%2 == 0 {
			continue // a field; its value follows
		}
		ms, _ := strconv.ParseInt(iter.Val(), 10, 64)
		if ms > now.UnixMilli() {
			st.Running++
		} else {
			st.Expired++
		}
	}
	return st, wrap("timer stats", iter.Err())
}
