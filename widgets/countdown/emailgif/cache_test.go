package emailgif

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func intLRU(limit int) *lru[int, int] {
	return newLRU[int, int](limit, func(k int) uint64 { return uint64(k) }, nil)
}

func TestLRUBoundAndOrder(t *testing.T) {
	for _, limit := range []int{0, 1, 7, 64, 130, 1000, 5000} {
		c := intLRU(limit)
		for i := range 3 * max(limit, 1) {
			c.get(i, func() int { return i * 2 })
			if n := c.size(); n > max(limit, 1) {
				t.Fatalf("limit %d: %d entries", limit, n)
			}
		}
	}

	c := intLRU(3) // one shard: exact LRU order
	calls := 0
	get := func(k int) int { return c.get(k, func() int { calls++; return k * 10 }) }
	get(1)
	get(2)
	get(3)
	get(1) // 1 is now the most recent; 2 the least
	get(4) // evicts 2
	calls = 0
	if get(1) != 10 || get(3) != 30 || get(4) != 40 || calls != 0 {
		t.Fatalf("recent entries were evicted (%d recomputed)", calls)
	}
	if get(2) != 20 || calls != 1 {
		t.Fatalf("the least recent entry was kept")
	}
}

func TestLRUShardsAddUpToTheLimit(t *testing.T) {
	for _, limit := range []int{127, 128, 1000, 4096, 100_000, 1 << 20} {
		c := intLRU(limit)
		total := 0
		for i := range c.shards {
			total += c.shards[i].limit
		}
		if total > limit || total < limit-len(c.shards) {
			t.Fatalf("limit %d: shards hold %d in %d shards", limit, total, len(c.shards))
		}
	}
}

func TestLRUComputesOnce(t *testing.T) {
	c := intLRU(100)
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			v := c.get(7, func() int {
				calls.Add(1)
				<-release
				return 49
			})
			if v != 49 {
				t.Errorf("got %d", v)
			}
		})
	}
	time.Sleep(20 * time.Millisecond) // let the waiters pile up
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("computed %d times", calls.Load())
	}
}

func TestLRUComputePanics(t *testing.T) {
	c := intLRU(100)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		c.get(1, func() int { panic("boom") })
	}()
	// The failed entry is forgotten: the next caller computes again.
	if v := c.get(1, func() int { return 5 }); v != 5 {
		t.Fatalf("got %d", v)
	}
}

func TestLRUCosts(t *testing.T) {
	c := newLRU[int, int](100, func(k int) uint64 { return uint64(k) }, func(v int) int { return v })
	for k := range 50 {
		c.get(k, func() int { return 1 + k%20 })
		if n := c.size(); n > 100 {
			t.Fatalf("size %d over 100", n)
		}
	}
	if n := c.size(); n < 80 {
		t.Fatalf("size %d: evicted too much", n)
	}
	// Too costly to keep: returned, not kept.
	if v := c.get(1000, func() int { return 500 }); v != 500 || c.size() > 100 {
		t.Fatalf("got %d, size %d", v, c.size())
	}
	calls := 0
	c.get(1000, func() int { calls++; return 500 })
	if calls != 1 {
		t.Fatal("a value over the limit was kept")
	}
}
