package main

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// bodies makes each POST's body; for callbacks it keeps the ids of the
// accepted requests, to check afterwards that every one was stored.
type bodies struct {
	make     func(i int) []byte
	mu       sync.Mutex
	accepted map[string]bool // nil: nothing to check
}

// callbackBodies: unique numbers (+7 916 …) and visitors, so the
// per-number and per-visitor limits and the 2-minute dedupe do not merge
// requests; run keeps the warm-up's numbers apart from the measured run's
// (each run has half of the 10^7 numbers, far more than it posts).
func callbackBodies(run int64) *bodies {
	return &bodies{accepted: map[string]bool{}, make: func(i int) []byte {
		n := run*10_000_000 + int64(i)
		phone := (run*5_000_000 + int64(i)%5_000_000) % 10_000_000
		return fmt.Appendf(nil, `{"phone":"+7916%07d","visitor_id":"bench-%d","name":"Load","page_url":"https://bench.example/p"}`, phone, n)
	}}
}

func (b *bodies) got(status int, body []byte) {
	if status != 202 || b.accepted == nil {
		return
	}
	var r struct{ ID string }
	if json.Unmarshal(body, &r) == nil {
		b.mu.Lock()
		b.accepted[r.ID] = true
		b.mu.Unlock()
	}
}

// benchCallbacks posts callback requests for d, then pages through the
// admin API and reports any accepted request that is not stored.
func benchCallbacks(base, token, siteID, key, origin string, conns, clients int, warmup, d time.Duration) {
	url := base + "/w/v1/" + key + "/callbacks"
	fmt.Printf("target: POST %s  conns=%d duration=%s clients=%d\n", url, conns, d, clients)
	run(url, origin, conns, clients, warmup, false, callbackBodies(1), 1)
	b := callbackBodies(2)
	res := run(url, origin, conns, clients, d, true, b, 1)
	res.print(d)
	checkStored(base, token, siteID, callbackList, "", 202, b.accepted)
}
