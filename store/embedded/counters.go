package embedded

import (
	"container/heap"
	"context"
	"encoding/binary"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Counters live in memory and are written to bbolt every counterFlushEvery,
// not on every hit. An intake makes one request and about five hits, one
// after another; with a group commit (two fsyncs, 0.5-2 ms on a VPS disk)
// for each hit, BenchmarkCreateCallbackParallel made 400-1,300 intakes/s
// with 32 to 128 requests in flight, against a target of 2,000; with the
// hits in memory, 2,600-5,000. What a crash can lose is the last second of
// hits: a limit that is briefly a little laxer, which a limit can afford
// and a request could not.
const counterFlushEvery = time.Second

// minWindow keeps a window from ending before it is counted in.
const minWindow = time.Millisecond

type counter struct {
	n    int64
	ends time.Time
}

// counters is the in-memory set with what still has to reach the disk.
type counters struct {
	mu    sync.Mutex
	live  map[string]counter
	ends  endsHeap            // a window's end for each window started, to drop ended ones
	dirty map[string]struct{} // written since the last flush; absent from live: deleted
}

func newCounters() *counters {
	return &counters{live: map[string]counter{}, dirty: map[string]struct{}{}}
}

// counterKey is scope and name with a separator no ID holds.
func counterKey(scope, name string) string { return scope + "\x00" + name }

// Incr implements store.Counters.
func (s *Store) Incr(ctx context.Context, scope, name string, window time.Duration) (int64, time.Duration, error) {
	c := s.counters
	key, now := counterKey(scope, name), time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropEnded(now)
	cur, ok := c.live[key]
	if !ok {
		cur = counter{ends: now.Add(max(window, minWindow))}
		heap.Push(&c.ends, windowEnd{cur.ends, key})
	}
	cur.n++
	c.live[key] = cur
	c.dirty[key] = struct{}{}
	return cur.n, cur.ends.Sub(now), nil
}

// Count implements store.Counters.
func (s *Store) Count(ctx context.Context, scope, name string) (int64, error) {
	c := s.counters
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.live[counterKey(scope, name)]; ok && cur.ends.After(time.Now()) {
		return cur.n, nil
	}
	return 0, nil
}

// dropEnded forgets the counters whose window has ended; the next flush
// deletes them from the disk.
func (c *counters) dropEnded(now time.Time) {
	for len(c.ends) > 0 && !c.ends[0].at.After(now) {
		e := heap.Pop(&c.ends).(windowEnd)
		if cur, ok := c.live[e.key]; ok && cur.ends.Equal(e.at) {
			delete(c.live, e.key)
			c.dirty[e.key] = struct{}{}
		}
	}
}

// A counter on disk is its count and the end of its window: 8 bytes each.

func encodeCounter(cur counter) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(cur.n)), timeBytes(cur.ends)...)
}

func decodeCounter(v []byte) counter {
	return counter{n: int64(binary.BigEndian.Uint64(v[:8])), ends: bytesTime(v[8:16])}
}

// load reads the counters whose window still runs, at Open.
func (c *counters) load(tx *bolt.Tx) error {
	now := time.Now()
	return tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		if cur := decodeCounter(v); cur.ends.After(now) {
			c.live[string(k)] = cur
			heap.Push(&c.ends, windowEnd{cur.ends, string(k)})
		} else {
			c.dirty[string(k)] = struct{}{} // ended while we were down
		}
		return nil
	})
}

// flush writes what changed since the last flush in one transaction. On
// failure the changes stay dirty for the next.
func (s *Store) flushCounters() error {
	c := s.counters
	c.mu.Lock()
	c.dropEnded(time.Now())
	changed := make(map[string][]byte, len(c.dirty)) // nil: delete
	for key := range c.dirty {
		if cur, ok := c.live[key]; ok {
			changed[key] = encodeCounter(cur)
		} else {
			changed[key] = nil
		}
	}
	clear(c.dirty)
	c.mu.Unlock()
	if len(changed) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCounters)
		for key, v := range changed {
			var err error
			if v == nil {
				err = b.Delete([]byte(key))
			} else {
				err = b.Put([]byte(key), v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.mu.Lock()
		for key := range changed {
			c.dirty[key] = struct{}{}
		}
		c.mu.Unlock()
	}
	return store.Wrap(kind, "flush counters", err)
}

// flushCountersEvery flushes until stop is closed.
func (s *Store) flushCountersEvery(every time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			s.flushCounters() // a failure is counted by Wrap; the next tick retries
		}
	}
}

// windowEnd is one entry of the heap of window ends, earliest first.
type windowEnd struct {
	at  time.Time
	key string
}

type endsHeap []windowEnd

func (h endsHeap) Len() int           { return len(h) }
func (h endsHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h endsHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *endsHeap) Push(x any)        { *h = append(*h, x.(windowEnd)) }
func (h *endsHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
