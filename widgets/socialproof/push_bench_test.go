package socialproof_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beckonhq/beckon/config"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// BenchmarkPushFanOut is one push from the POST to every one of 1,000
// open WebSocket connections of the site (the server, the store's pub/sub
// and the readers on the same cores). Reported: the delay to the last
// connection per push and the p50/p99 of every delivery.
//
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run XXX -bench PushFanOut -benchtime 20x ./widgets/socialproof/
func BenchmarkPushFanOut(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) { pushFanOut(b, servertest.NewStore(b, kind), 1000) })
	}
}

func pushFanOut(b *testing.B, st store.Store, conns int) {
	lo := fastLive
	lo.ConnsPerIP = conns + 10
	// Visitors come through a proxy, each with an address of its own, as in
	// beckonbench: one address's request budget would refuse most.
	ts := startLiveWith(b, st, lo, func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	site := ts.CreateSite("shop")
	id, key := site["id"].(string), site["key"].(string)
	ts.CreateWidget(id, map[string]any{"type": "social_proof", "settings": map[string]any{}})
	// Six pushes a minute per widget: a pop-up per six ops.
	var popups []string
	for range (b.N + 5) / 6 {
		w := ts.CreateWidget(id, map[string]any{"type": "popup", "settings": json.RawMessage(`{"title":"Sale","triggers":{"on":[{"type":"push"}]}}`)})
		popups = append(popups, w["id"].(string))
	}

	arrived := make([][]time.Time, conns) // per connection, when each push came
	var wg sync.WaitGroup
	var mu sync.Mutex
	u := "ws" + strings.TrimPrefix(ts.Base, "http") + "/w/v1/" + key + "/live?page=/"
	for i := range conns {
		ws, _, err := websocket.DefaultDialer.Dial(u, map[string][]string{"Origin": {shopOrigin},
			"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)}})
		if err != nil {
			b.Fatalf("connection %d: %v", i, err)
		}
		b.Cleanup(func() { ws.Close() })
		if _, _, err := ws.ReadMessage(); err != nil { // hello
			b.Fatal(err)
		}
		go func() {
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if strings.Contains(string(data), `"type":"show"`) {
					mu.Lock()
					arrived[i] = append(arrived[i], time.Now())
					mu.Unlock()
					wg.Done()
				}
			}
		}()
	}

	var last, every []time.Duration
	b.ResetTimer()
	for n := range b.N {
		wg.Add(conns)
		start := time.Now()
		r := ts.Admin("POST", "/api/v1/sites/"+id+"/widgets/"+popups[n/6]+"/push", nil)
		if r.Status != 202 {
			b.Fatalf("push %d: %d %s", n, r.Status, r.Body)
		}
		wg.Wait()
		mu.Lock()
		worst := time.Duration(0)
		for i := range arrived {
			d := arrived[i][n].Sub(start)
			every = append(every, d)
			worst = max(worst, d)
		}
		mu.Unlock()
		last = append(last, worst)
	}
	b.StopTimer()
	slices.Sort(every)
	slices.Sort(last)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(last[len(last)/2]), "last-p50-ms")
	b.ReportMetric(ms(every[len(every)/2]), "delivery-p50-ms")
	b.ReportMetric(ms(every[len(every)*99/100]), "delivery-p99-ms")
	b.Logf("%d pushes to %d connections: last connection p50 %s, max %s", b.N, conns, last[len(last)/2], last[len(last)-1])
}
