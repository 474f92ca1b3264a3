package storetest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// inbox records what a subscriber's handler received.
type inbox struct {
	mu       sync.Mutex
	got      []string
	changed  chan struct{} // receives a value after each message, never blocks
	inFlight atomic.Int32
	overlap  atomic.Bool // handle was called while a previous call ran
}

func newInbox() *inbox { return &inbox{changed: make(chan struct{}, 1)} }

func (b *inbox) handle(payload []byte) {
	if b.inFlight.Add(1) > 1 {
		b.overlap.Store(true)
	}
	defer b.inFlight.Add(-1)
	b.mu.Lock()
	b.got = append(b.got, string(payload))
	b.mu.Unlock()
	select {
	case b.changed <- struct{}{}:
	default:
	}
}

func (b *inbox) messages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.got)
}

// waitFor waits until the inbox holds every message of want (in any order,
// the contract does not promise one) and fails after wait.
func (b *inbox) waitFor(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		got := b.messages()
		if containsAll(got, want) {
			if b.overlap.Load() {
				t.Fatal("handle was called concurrently with itself")
			}
			return
		}
		select {
		case <-b.changed:
		case <-deadline:
			t.Fatalf("after %v the subscriber has %q, want %q", wait, got, want)
		}
	}
}

func containsAll(got, want []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func subscribe(t *testing.T, ctx context.Context, st store.Store, channel string) *inbox {
	t.Helper()
	b := newInbox()
	must(t, "Subscribe", st.Subscribe(ctx, channel, b.handle))
	return b
}

func publish(t *testing.T, st store.Store, channel string, payloads ...string) {
	t.Helper()
	for _, p := range payloads {
		must(t, "Publish", st.Publish(ctx(t), channel, []byte(p)))
	}
}

var pubSubTests = []test{
	{"publish without subscribers", func(t *testing.T, st store.Store) {
		publish(t, st, newID("channel"), "nobody listens")
	}},
	{"subscriber gets what is published after Subscribe returns", func(t *testing.T, st store.Store) {
		ch := newID("channel")
		b := subscribe(t, ctx(t), st, ch)
		// No sleep: Subscribe returning must mean the subscription is active.
		publish(t, st, ch, "one", "two", "three")
		b.waitFor(t, "one", "two", "three")
	}},
	{"two subscribers both get each message", func(t *testing.T, st store.Store) {
		ch := newID("channel")
		a, b := subscribe(t, ctx(t), st, ch), subscribe(t, ctx(t), st, ch)
		publish(t, st, ch, "hello")
		a.waitFor(t, "hello")
		b.waitFor(t, "hello")
	}},
	{"channels do not mix", func(t *testing.T, st store.Store) {
		chA, chB := newID("channel"), newID("channel")
		a, b := subscribe(t, ctx(t), st, chA), subscribe(t, ctx(t), st, chB)
		publish(t, st, chB, "for-b")
		b.waitFor(t, "for-b")
		publish(t, st, chA, "for-a")
		a.waitFor(t, "for-a")
		// A last message on each channel: once it arrives, anything that
		// leaked from the other channel before it would have arrived too.
		publish(t, st, chA, "end-a")
		publish(t, st, chB, "end-b")
		a.waitFor(t, "end-a")
		b.waitFor(t, "end-b")
		if got := a.messages(); !sameStrings(got, []string{"for-a", "end-a"}) {
			t.Fatalf("subscriber of %s got %q", chA, got)
		}
		if got := b.messages(); !sameStrings(got, []string{"for-b", "end-b"}) {
			t.Fatalf("subscriber of %s got %q", chB, got)
		}
	}},
	{"handler is not called after its context ends", func(t *testing.T, st store.Store) {
		ch := newID("channel")
		subCtx, cancel := context.WithCancel(ctx(t))
		gone := subscribe(t, subCtx, st, ch)
		witness := subscribe(t, ctx(t), st, ch)
		publish(t, st, ch, "before")
		gone.waitFor(t, "before")
		cancel()
		publish(t, st, ch, "after")
		// The witness seeing "after" shows it was delivered; a little grace
		// lets a late call to the cancelled handler show itself.
		witness.waitFor(t, "before", "after")
		time.Sleep(50 * time.Millisecond)
		if got := gone.messages(); !slices.Equal(got, []string{"before"}) {
			t.Fatalf("cancelled subscriber got %q, want only %q", got, "before")
		}
	}},
}
