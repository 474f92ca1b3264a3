package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

var (
	//go:embed lua/add_events.lua
	addEventsLua    string
	scriptAddEvents = redis.NewScript(addEventsLua)

	//go:embed lua/count_notice.lua
	countNoticeLua    string
	scriptCountNotice = redis.NewScript(countNoticeLua)
)

func (s *Store) spEventsKey(siteID string) string  { return s.siteTag(siteID) + ":spevents" }
func (s *Store) spTimesKey(siteID string) string   { return s.siteTag(siteID) + ":sptimes" }
func (s *Store) spNoticesKey(siteID string) string { return s.siteTag(siteID) + ":spnotices" }

func noticeField(action, eventID string) (string, error) {
	switch action {
	case store.NoticeImpression:
		return "i:" + eventID, nil
	case store.NoticeClick:
		return "c:" + eventID, nil
	}
	return "", fmt.Errorf("unknown notice action %q", action)
}

// AddEvents implements store.Events with one script call (add_events.lua):
// the new events and the trim of the oldest are one step.
func (s *Store) AddEvents(ctx context.Context, siteID string, evs []store.Event) ([]store.Event, error) {
	const op = "add events"
	args := make([]any, 0, 1+3*len(evs))
	args = append(args, store.EventsKept)
	byID := make(map[string]store.Event, len(evs))
	for _, e := range evs {
		e.SiteID, e.Seq = siteID, 0 // the script adds the seq
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, wrap(op, err)
		}
		args = append(args, e.ID, e.Time.UnixMilli(), raw)
		if _, seen := byID[e.ID]; !seen {
			byID[e.ID] = e
		}
	}
	res, err := scriptAddEvents.Run(ctx, s.client,
		[]string{s.siteKey(siteID), s.spEventsKey(siteID), s.spTimesKey(siteID), s.spNoticesKey(siteID)}, args...).Result()
	if err != nil {
		return nil, wrap(op, err) // redis.Nil: no such site
	}
	pairs, ok := res.([]any)
	if !ok || len(pairs)%2 != 0 {
		return nil, wrap(op, fmt.Errorf("add_events.lua returned %T of %d", res, len(pairs)))
	}
	added := make([]store.Event, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		id, _ := pairs[i].(string)
		seq, _ := pairs[i+1].(int64)
		e := byID[id]
		e.Seq = seq
		added = append(added, e)
	}
	return added, nil
}

// RecentEvents implements store.Events: the newest ids by score, then
// their JSON. An event deleted between the two reads is left out.
func (s *Store) RecentEvents(ctx context.Context, siteID string, limit int) ([]store.Event, error) {
	const op = "recent events"
	if limit <= 0 {
		return nil, nil
	}
	ids, err := s.client.ZRevRange(ctx, s.spTimesKey(siteID), 0, int64(limit-1)).Result()
	if err != nil || len(ids) == 0 {
		return nil, wrap(op, err)
	}
	raws, err := s.client.HMGet(ctx, s.spEventsKey(siteID), ids...).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.Event, 0, len(raws))
	for _, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			continue
		}
		var e store.Event
		if err := json.Unmarshal([]byte(str), &e); err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, e)
	}
	return list, nil
}

// DeleteEvent implements store.Events in one MULTI.
func (s *Store) DeleteEvent(ctx context.Context, siteID, id string) error {
	var removed *redis.IntCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		removed = p.HDel(ctx, s.spEventsKey(siteID), id)
		p.ZRem(ctx, s.spTimesKey(siteID), id)
		p.HDel(ctx, s.spNoticesKey(siteID), "i:"+id, "c:"+id)
		return nil
	})
	if err == nil && removed.Val() == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete event", err)
}

// CountNotice implements store.Events (count_notice.lua).
func (s *Store) CountNotice(ctx context.Context, siteID, eventID, action string) error {
	field, err := noticeField(action, eventID)
	if err != nil {
		return wrap("count notice", err)
	}
	err = scriptCountNotice.Run(ctx, s.client, []string{s.spEventsKey(siteID), s.spNoticesKey(siteID)}, eventID, field).Err()
	return wrap("count notice", err)
}

// NoticeStats implements store.Events.
func (s *Store) NoticeStats(ctx context.Context, siteID string) (map[string]store.NoticeCounts, error) {
	all, err := s.client.HGetAll(ctx, s.spNoticesKey(siteID)).Result()
	if err != nil {
		return nil, wrap("notice stats", err)
	}
	stats := make(map[string]store.NoticeCounts, len(all))
	for field, v := range all {
		if len(field) < 2 || field[1] != ':' || (field[0] != 'i' && field[0] != 'c') {
			continue // the events' sequence (add_events.lua)
		}
		var n int64
		fmt.Sscan(v, &n)
		id := field[2:]
		c := stats[id]
		if field[0] == 'i' {
			c.Impressions = n
		} else {
			c.Clicks = n
		}
		stats[id] = c
	}
	return stats, nil
}

var (
	//go:embed lua/report_presence.lua
	reportPresenceLua    string
	scriptReportPresence = redis.NewScript(reportPresenceLua)

	//go:embed lua/presence_counts.lua
	presenceCountsLua    string
	scriptPresenceCounts = redis.NewScript(presenceCountsLua)
)

func (s *Store) presenceKey(siteID string) string { return s.siteTag(siteID) + ":presence" }

// ReportPresence implements store.Presence: one field per replica in the
// site's presence hash, expiring by Redis's clock (report_presence.lua).
func (s *Store) ReportPresence(ctx context.Context, replica, siteID string, pages map[string]int, ttl time.Duration) error {
	raw := []byte{}
	if len(pages) > 0 {
		var err error
		if raw, err = json.Marshal(pages); err != nil {
			return wrap("report presence", err)
		}
	}
	err := scriptReportPresence.Run(ctx, s.client, []string{s.presenceKey(siteID)}, replica, max(ttl.Milliseconds(), 1), raw).Err()
	return wrap("report presence", err)
}

// PresenceCounts implements store.Presence (presence_counts.lua).
func (s *Store) PresenceCounts(ctx context.Context, siteID string) (int, map[string]int, error) {
	const op = "presence counts"
	res, err := scriptPresenceCounts.Run(ctx, s.client, []string{s.presenceKey(siteID)}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, nil, wrap(op, err)
	}
	live, _ := res.([]any)
	total, sum := 0, map[string]int{}
	for _, raw := range live {
		str, _ := raw.(string)
		var pages map[string]int
		if err := json.Unmarshal([]byte(str), &pages); err != nil {
			return 0, nil, wrap(op, err)
		}
		for path, n := range pages {
			sum[path] += n
			total += n
		}
	}
	return total, sum, nil
}
