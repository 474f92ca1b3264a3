package emailgif

import (
	"math/bits"
	"sync"
)

// lru is a bounded, sharded, concurrency-safe LRU cache that computes a
// missing value once: concurrent callers asking for a key that is being
// computed wait for that computation instead of repeating it (a burst of
// opens at the same second renders its first frame once).
//
// Each shard's mutex is held only for a map lookup and a list splice;
// values are computed outside it.
type lru[K comparable, V any] struct {
	shards []lruShard[K, V]
	shift  uint // shard index = hash >> shift
	hash   func(K) uint64
	cost   func(V) int // of a value in the bound; nil: 1 each
}

type lruShard[K comparable, V any] struct {
	mu    sync.Mutex
	m     map[K]*lruEntry[K, V]
	head  lruEntry[K, V] // sentinel: head.next is the most recent
	size  int            // total cost of the entries in m
	limit int
	_     [64]byte // keep shards' mutexes on separate cache lines
}

type lruEntry[K comparable, V any] struct {
	key        K
	val        V
	cost       int           // 1 while being computed
	ready      chan struct{} // closed when val is set (or failed)
	failed     bool
	prev, next *lruEntry[K, V]
}

// newLRU holds values of a total cost of at most limit (at least 1; cost
// nil counts each value 1). It shards only when every shard can hold a
// useful number of entries, so the bound is exact: shard limits add up
// to at most limit. A value that costs more than its shard holds is
// returned but not kept.
func newLRU[K comparable, V any](limit int, hash func(K) uint64, cost func(V) int) *lru[K, V] {
	limit = max(limit, 1)
	n := 1
	for n < 64 && limit/(n*2) >= 64 {
		n *= 2
	}
	c := &lru[K, V]{shards: make([]lruShard[K, V], n), shift: uint(64 - bits.Len(uint(n-1))), hash: hash, cost: cost}
	for i := range c.shards {
		s := &c.shards[i]
		s.m = make(map[K]*lruEntry[K, V])
		s.head.next, s.head.prev = &s.head, &s.head
		s.limit = limit / n
	}
	return c
}

func (c *lru[K, V]) shard(k K) *lruShard[K, V] {
	if len(c.shards) == 1 {
		return &c.shards[0]
	}
	// Fibonacci hashing spreads keys whose hashes differ in low bits only.
	return &c.shards[(c.hash(k)*0x9E3779B97F4A7C15)>>c.shift]
}

// get returns the value for k, computing and caching it with compute if
// it is missing.
func (c *lru[K, V]) get(k K, compute func() V) V {
	s := c.shard(k)
	s.mu.Lock()
	if e, ok := s.m[k]; ok {
		s.unlink(e)
		s.pushFront(e)
		s.mu.Unlock()
		<-e.ready
		if e.failed {
			panic("emailgif: rendering failed in another goroutine")
		}
		return e.val
	}
	e := &lruEntry[K, V]{key: k, cost: 1, ready: make(chan struct{})}
	s.m[k] = e
	s.pushFront(e)
	s.size++
	s.evict()
	s.mu.Unlock()

	done := false
	defer func() {
		if !done { // compute panicked: forget the entry, release the waiters
			e.failed = true
			s.mu.Lock()
			if s.m[k] == e {
				s.unlink(e)
				delete(s.m, k)
				s.size -= e.cost
			}
			s.mu.Unlock()
			close(e.ready)
		}
	}()
	e.val = compute()
	done = true
	close(e.ready)
	if c.cost != nil {
		if cost := c.cost(e.val); cost != 1 {
			s.mu.Lock()
			if s.m[k] == e {
				s.size += cost - 1
				e.cost = cost
				s.evict()
			}
			s.mu.Unlock()
		}
	}
	return e.val
}

// evict drops the least recently used entries while the shard is over its
// limit. An entry that is still being computed may go: its waiters hold
// it and get the value all the same.
func (s *lruShard[K, V]) evict() {
	for s.size > s.limit {
		old := s.head.prev
		s.unlink(old)
		delete(s.m, old.key)
		s.size -= old.cost
	}
}

// size is the total cost of the values held.
func (c *lru[K, V]) size() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.size
		s.mu.Unlock()
	}
	return n
}

func (s *lruShard[K, V]) unlink(e *lruEntry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (s *lruShard[K, V]) pushFront(e *lruEntry[K, V]) {
	e.prev, e.next = &s.head, s.head.next
	s.head.next.prev = e
	s.head.next = e
}
