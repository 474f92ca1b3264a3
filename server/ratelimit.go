package server

import (
	"hash/maphash"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/beckonhq/beckon/api"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
)

// ipLimiter keeps one token bucket per client IP. The map is sharded so that
// concurrent requests rarely wait on the same lock, and idle buckets are
// swept so memory follows the number of recent clients, not all clients ever.
// Buckets are per replica: N replicas allow N times the budget, which is
// fine for flood protection (per-number limits that must be global live in
// the store).
type ipLimiter struct {
	every  rate.Limit
	burst  int
	seed   maphash.Seed
	shards [64]limiterShard
}

type limiterShard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

func newIPLimiter(perSecond float64, burst int) *ipLimiter {
	l := &ipLimiter{every: rate.Limit(perSecond), burst: burst, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = make(map[string]*bucket)
	}
	return l
}

// allow takes a token for ip, or says how many seconds until one is free.
func (l *ipLimiter) allow(ip string, now time.Time) (ok bool, retryAfter int) {
	sh := &l.shards[maphash.String(l.seed, ip)%uint64(len(l.shards))]
	sh.mu.Lock()
	b := sh.buckets[ip]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		sh.buckets[ip] = b
	}
	b.lastSeen = now
	r := b.lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now)
	}
	sh.mu.Unlock()
	if delay == 0 {
		return true, 0
	}
	return false, int(math.Ceil(delay.Seconds()))
}

// sweep forgets buckets idle for longer than idle; a forgotten bucket is full
// again, which is what it would be by then anyway.
func (l *ipLimiter) sweep(now time.Time, idle time.Duration) {
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		for ip, b := range sh.buckets {
			if now.Sub(b.lastSeen) > idle {
				delete(sh.buckets, ip)
			}
		}
		sh.mu.Unlock()
	}
}

// rateLimit is the public API's per-IP flood guard. A preflight over the
// limit is still answered for an origin the cached config allows: else the
// browser would not send the request whose 429 (and Retry-After) the
// widget needs to read.
func (s *Server) rateLimit(c *fiber.Ctx) error {
	ok, retry := s.limiter.allow(s.clientIP(c), time.Now())
	if !ok {
		if origin := c.Get(fiber.HeaderOrigin); c.Method() == fiber.MethodOptions && s.cachedOriginAllowed(c.Path(), origin) {
			c.Vary(fiber.HeaderOrigin)
			allowCORS(c, origin)
			return preflight(c)
		}
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many requests from this address; retry later", RetryAfter: retry}
	}
	return c.Next()
}
