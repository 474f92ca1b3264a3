package embedded

import (
	"context"
	"sync"
)

// subscriberBuffer bounds what a slow subscriber may fall behind by; beyond it
// messages to that subscriber are dropped (PubSub is best effort by contract)
// rather than blocking the publisher.
const subscriberBuffer = 256

// broker is the in-process pub/sub of a single node.
type broker struct {
	mu     sync.RWMutex
	subs   map[string]map[*subscriber]struct{}
	closed bool
}

type subscriber struct {
	ch   chan []byte
	done chan struct{}
}

func newBroker() *broker {
	return &broker{subs: make(map[string]map[*subscriber]struct{})}
}

// Publish implements store.PubSub.
func (s *Store) Publish(ctx context.Context, channel string, payload []byte) error {
	b := s.broker
	b.mu.RLock()
	defer b.mu.RUnlock()
	for sub := range b.subs[channel] {
		msg := append([]byte(nil), payload...)
		select {
		case sub.ch <- msg:
		default:
		}
	}
	return nil
}

// Subscribe implements store.PubSub.
func (s *Store) Subscribe(ctx context.Context, channel string, handle func([]byte)) error {
	b := s.broker
	sub := &subscriber{ch: make(chan []byte, subscriberBuffer), done: make(chan struct{})}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return context.Canceled
	}
	if b.subs[channel] == nil {
		b.subs[channel] = make(map[*subscriber]struct{})
	}
	b.subs[channel][sub] = struct{}{}
	b.mu.Unlock()

	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.subs[channel], sub)
			b.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-sub.done:
				return
			case msg := <-sub.ch:
				if ctx.Err() != nil {
					return
				}
				handle(msg)
			}
		}
	}()
	return nil
}

func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, subs := range b.subs {
		for sub := range subs {
			close(sub.done)
		}
	}
	b.subs = map[string]map[*subscriber]struct{}{}
}
