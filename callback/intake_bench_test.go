package callback_test

import (
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// BenchmarkCallbackToProvider measures what a visitor waits for before the
// manager's phone is asked to ring: from the 202 of POST /callbacks to the
// call-create request arriving at the (fake) Twilio API, through the store's
// durable queue and a worker. Requests arrive at a steady rate, and every
// call is then bridged in full by the fake (manager answers, presses 1, the
// visitor is dialled, they talk), all on the same machine. Run:
//
//	go test ./callback -run '^$' -bench CallbackToProvider -benchtime 1000x
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./callback -run '^$' -bench CallbackToProvider -benchtime 1000x
func BenchmarkCallbackToProvider(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		for _, rate := range []int{20, 50, 100, 200} {
			b.Run(kind+"/"+strconv.Itoa(rate)+"rps", func(b *testing.B) { benchToProvider(b, servertest.NewStore(b, kind), rate) })
		}
	}
}

func benchToProvider(b *testing.B, st store.Store, rate int) {
	b.StopTimer()
	// One client address sends everything: lift the per-IP limit.
	ts, fake := twilioServer(b, st, func(c *config.Config) { c.PublicRate, c.PublicBurst = 1e6, 1e6 })
	_, key, _ := ts.CallbackSite(`,"limits":{"per_ip":100000,"per_visitor":1000,"per_number":1000,"per_number_global":1000,"daily_budget":1000000}`)
	accepted := make(map[string]time.Time, b.N)
	var mu sync.Mutex
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	b.StartTimer()
	for i := range b.N {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ts.PostCallback(key, map[string]any{"phone": "+7916" + strconv.Itoa(1000000+i), "visitor_id": "bench-" + strconv.Itoa(i)})
			at := time.Now()
			if r.Status != 202 {
				b.Errorf("status %d: %s", r.Status, r.Body)
				return
			}
			mu.Lock()
			accepted[r.JSON(b)["id"].(string)] = at
			mu.Unlock()
		}()
	}
	wg.Wait()
	if !fake.WaitFor(func() bool { return len(fake.Creates()) >= b.N }, 30*time.Second) {
		b.Fatalf("%d of %d calls created", len(fake.Creates()), b.N)
	}
	b.StopTimer()
	var lat []time.Duration
	for _, c := range fake.Creates() {
		call, ok := fake.Call(c.SID)
		if !ok {
			continue
		}
		u, _ := url.Parse(call.URL)
		if at, ok := accepted[u.Query().Get("callback_id")]; ok {
			lat = append(lat, c.At.Sub(at))
		}
	}
	slices.Sort(lat)
	if len(lat) < b.N {
		b.Fatalf("matched %d of %d creates to requests", len(lat), b.N)
	}
	pct := func(p float64) float64 { return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))]) / 1e6 }
	b.ReportMetric(pct(.50), "p50-ms")
	b.ReportMetric(pct(.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/1e6, "max-ms")
}
