package triggerstats

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A visitor's showing makes one to three events; a page behind one address
// (an office, a mobile carrier's NAT) makes many visitors. Beyond this a
// client is inventing events: refused, so it cannot inflate the stats.
const (
	eventsPerSecond = 2
	eventsBurst     = 120
	// limiterIdle: a bucket unused this long is full again, so it is forgotten.
	limiterIdle = 10 * time.Minute
)

// ipLimiter is one token bucket per client address, on this replica (N
// replicas allow N times as much: enough against a flood). Idle buckets
// are swept on the way, so memory follows the recent clients.
type ipLimiter struct {
	every   rate.Limit
	burst   int
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newIPLimiter(perSecond float64, burst int) *ipLimiter {
	return &ipLimiter{every: rate.Limit(perSecond), burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for ip, or says in how many seconds one is free.
func (l *ipLimiter) allow(ip string, now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > limiterIdle {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > limiterIdle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[ip]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, max(1, int(math.Ceil(d.Seconds())))
	}
	return true, 0
}
