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

// The owners' notification outbox lives in one slot of its own, {ntf}, so
// that a claim, an attempt's log entry and the state it leads to are each
// one atomic script (lua/outbox_*.lua):
//
//	<prefix>:{ntf}:msgs      hash: notification ID → JSON (its claim number is in claims)
//	<prefix>:{ntf}:claims    hash: notification ID → number of the latest claim or replay
//	<prefix>:{ntf}:due       sorted set: pending IDs by when they may next be handed out (Unix ms)
//	<prefix>:{ntf}:finished  sorted set: other IDs by their last attempt (Unix ms), for retention
//	<prefix>:{ntf}:log:<siteID>  list: the site's delivery log, newest first
//
// A site's log expires deliveryLogLifetime after its last entry, which
// also clears the logs of deleted sites (their slot is not the outbox's).
const deliveryLogLifetime = 30 * 24 * time.Hour

// outboxPurgeBatch bounds how many expired notifications one record removes.
const outboxPurgeBatch = 100

var (
	//go:embed lua/outbox_enqueue.lua
	outboxEnqueueLua    string
	scriptOutboxEnqueue = redis.NewScript(outboxEnqueueLua)

	//go:embed lua/outbox_claim.lua
	outboxClaimLua    string
	scriptOutboxClaim = redis.NewScript(outboxClaimLua)

	//go:embed lua/outbox_record.lua
	outboxRecordLua    string
	scriptOutboxRecord = redis.NewScript(outboxRecordLua)

	//go:embed lua/outbox_replay.lua
	outboxReplayLua    string
	scriptOutboxReplay = redis.NewScript(outboxReplayLua)
)

func (s *Store) outboxTag() string      { return s.prefix + ":{ntf}" }
func (s *Store) outboxMsgs() string     { return s.outboxTag() + ":msgs" }
func (s *Store) outboxClaims() string   { return s.outboxTag() + ":claims" }
func (s *Store) outboxDue() string      { return s.outboxTag() + ":due" }
func (s *Store) outboxFinished() string { return s.outboxTag() + ":finished" }
func (s *Store) deliveryLog(siteID string) string {
	return s.outboxTag() + ":log:" + siteID
}

// EnqueueNotification implements store.Outbox (outbox_enqueue.lua).
func (s *Store) EnqueueNotification(ctx context.Context, n store.Notification) error {
	const op = "enqueue notification"
	n.State, n.Claim = store.NotificationPending, 0
	raw, err := json.Marshal(n)
	if err != nil {
		return wrap(op, err)
	}
	keys := []string{s.outboxMsgs(), s.outboxClaims(), s.outboxDue()}
	res, err := scriptOutboxEnqueue.Run(ctx, s.client, keys, n.ID, raw, millis(n.NextAt)).Int()
	if err == nil && res == 0 {
		err = store.ErrConflict
	}
	return wrap(op, err)
}

// ClaimNotifications implements store.Outbox (outbox_claim.lua).
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, max int, lease time.Duration) ([]store.Notification, error) {
	const op = "claim notifications"
	if max <= 0 {
		return nil, nil
	}
	keys := []string{s.outboxMsgs(), s.outboxClaims(), s.outboxDue()}
	res, err := scriptOutboxClaim.Run(ctx, s.client, keys, millis(now), max, lease.Milliseconds()).Slice()
	if err != nil {
		return nil, wrap(op, err)
	}
	var out []store.Notification
	for i := 0; i+1 < len(res); i += 2 {
		raw, _ := res[i].(string)
		claim, _ := res[i+1].(int64)
		n, err := decodeNotification(raw, claim)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// RecordDelivery implements store.Outbox (outbox_record.lua).
func (s *Store) RecordDelivery(ctx context.Context, n store.Notification, a store.DeliveryAttempt) error {
	const op = "record delivery"
	claim := n.Claim
	n.Claim = 0
	raw, err := json.Marshal(n)
	if err != nil {
		return wrap(op, err)
	}
	entry, err := json.Marshal(a)
	if err != nil {
		return wrap(op, err)
	}
	pending := "0"
	if n.State == store.NotificationPending {
		pending = "1"
	}
	keys := []string{s.outboxMsgs(), s.outboxClaims(), s.outboxDue(), s.outboxFinished(), s.deliveryLog(n.SiteID)}
	res, err := scriptOutboxRecord.Run(ctx, s.client, keys, n.ID, claim, raw, pending,
		millis(n.NextAt), entry, millis(a.At), store.DeliveryLogSize,
		deliveryLogLifetime.Milliseconds(), millis(a.At.Add(-store.FinishedRetention)), outboxPurgeBatch).Int()
	if err == nil && res == 0 {
		err = store.ErrNotFound
	}
	return wrap(op, err)
}

// GetNotification implements store.Outbox.
func (s *Store) GetNotification(ctx context.Context, siteID, id string) (store.Notification, error) {
	n, _, err := s.readNotification(ctx, siteID, id)
	return n, wrap("get notification", err)
}

// readNotification returns the notification and its JSON as stored.
func (s *Store) readNotification(ctx context.Context, siteID, id string) (store.Notification, string, error) {
	raw, err := s.client.HGet(ctx, s.outboxMsgs(), id).Result()
	if errors.Is(err, redis.Nil) {
		return store.Notification{}, "", store.ErrNotFound
	}
	if err != nil {
		return store.Notification{}, "", err
	}
	claim, err := s.client.HGet(ctx, s.outboxClaims(), id).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return store.Notification{}, "", err
	}
	n, err := decodeNotification(raw, claim)
	if err == nil && n.SiteID != siteID {
		err = store.ErrNotFound
	}
	return n, raw, err
}

// ReplayNotification implements store.Outbox: read, change, and write with
// outbox_replay.lua if nothing changed meanwhile; else start over.
func (s *Store) ReplayNotification(ctx context.Context, siteID, id string, now, giveUpAt time.Time) (store.Notification, error) {
	const op = "replay notification"
	keys := []string{s.outboxMsgs(), s.outboxClaims(), s.outboxDue(), s.outboxFinished()}
	for {
		n, old, err := s.readNotification(ctx, siteID, id)
		if err != nil {
			return store.Notification{}, wrap(op, err)
		}
		n.State, n.NextAt, n.GiveUpAt, n.Claim = store.NotificationPending, now, giveUpAt, 0
		raw, err := json.Marshal(n)
		if err != nil {
			return store.Notification{}, wrap(op, err)
		}
		claim, err := scriptOutboxReplay.Run(ctx, s.client, keys, id, old, raw, millis(now)).Int64()
		switch {
		case err != nil:
			return store.Notification{}, wrap(op, err)
		case claim == -1:
			return store.Notification{}, wrap(op, store.ErrNotFound)
		case claim == -2:
			if ctx.Err() != nil {
				return store.Notification{}, wrap(op, ctx.Err())
			}
			continue // an attempt was recorded meanwhile
		}
		n.Claim = claim
		return n, nil
	}
}

// ListDeliveries implements store.Outbox.
func (s *Store) ListDeliveries(ctx context.Context, siteID string, limit int) ([]store.DeliveryAttempt, error) {
	const op = "list deliveries"
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	raws, err := s.client.LRange(ctx, s.deliveryLog(siteID), 0, stop).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	out := make([]store.DeliveryAttempt, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal([]byte(raw), &out[i]); err != nil {
			return nil, wrap(op, fmt.Errorf("log entry: %w", err))
		}
	}
	return out, nil
}

// PendingNotifications implements store.Outbox.
func (s *Store) PendingNotifications(ctx context.Context) (int64, error) {
	n, err := s.client.ZCard(ctx, s.outboxDue()).Result()
	return n, wrap("count pending notifications", err)
}

// millis is the outbox's time scale: Unix milliseconds, clamped like
// store.UnixNanos.
func millis(t time.Time) int64 { return store.UnixNanos(t) / int64(time.Millisecond) }

func decodeNotification(raw string, claim int64) (store.Notification, error) {
	var n store.Notification
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		return n, fmt.Errorf("notification: %w", err)
	}
	n.Claim = claim
	return n, nil
}
