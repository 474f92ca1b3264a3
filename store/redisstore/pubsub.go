package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Publish implements store.PubSub. On a Cluster it is SPUBLISH: sharded
// pub/sub keeps a channel's messages on the shard that owns the channel's
// slot, where classic PUBLISH would copy every message to every node
// through the cluster bus (per-site live channels make that many messages).
func (s *Store) Publish(ctx context.Context, channel string, payload []byte) error {
	if s.sharded {
		return wrap("publish", s.client.SPublish(ctx, s.channel(channel), payload).Err())
	}
	return wrap("publish", s.client.Publish(ctx, s.channel(channel), payload).Err())
}

// Subscribe implements store.PubSub. It returns once Redis has confirmed the
// subscription, so whatever is published afterwards is delivered. go-redis
// keeps the subscription's own connection alive and resubscribes after a
// reconnect; messages published while it was down are lost, as the contract
// allows.
func (s *Store) Subscribe(ctx context.Context, channel string, handle func(payload []byte)) error {
	const op = "subscribe"
	if s.isClosed() {
		return wrap(op, errClosed)
	}
	var ps *redis.PubSub
	if s.sharded {
		// go-redis connects to the node that owns the channel's slot and
		// resubscribes there after a reconnect.
		ps = s.client.SSubscribe(ctx, s.channel(channel))
	} else {
		ps = s.client.Subscribe(ctx, s.channel(channel))
	}
	confirm, err := ps.Receive(ctx)
	if err == nil {
		if _, ok := confirm.(*redis.Subscription); !ok {
			err = fmt.Errorf("unexpected %T instead of the subscription confirmation", confirm)
		}
	}
	if err != nil {
		ps.Close()
		return wrap(op, err)
	}
	go s.deliver(ctx, ps, handle)
	return nil
}

// deliver calls handle for each message, from this one goroutine, until ctx
// is done or the store is closed, then ends the subscription.
func (s *Store) deliver(ctx context.Context, ps *redis.PubSub, handle func([]byte)) {
	defer ps.Close()
	msgs := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.closed:
			return
		case msg, ok := <-msgs:
			// A message may have been waiting when ctx ended; select picks
			// at random, so check again: after cancel, handle is not called.
			if !ok || ctx.Err() != nil || s.isClosed() {
				return
			}
			handle([]byte(msg.Payload))
		}
	}
}
