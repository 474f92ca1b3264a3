package multibutton_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkClick measures clicks on a multi-button's channels through the
// real server, 32 at once on two cores, each from its own address (the
// per-address limit stays on and is part of the cost) and spread over five
// channels; afterwards the owner's report must count every accepted click.
// Reports clicks/s and the p50/p99 answer time. Run:
//
//	go test ./widgets/multibutton -run '^$' -bench Click -benchtime 5000x
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./widgets/multibutton -run '^$' -bench Click -benchtime 5000x
func BenchmarkClick(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{Config: func(c *config.Config) {
				c.PublicRate, c.PublicBurst = 1e6, 1e6
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			}})
			site := ts.CreateSite("Котлы")
			siteID, key := site["id"].(string), site["key"].(string)
			wid := ts.CreateWidget(siteID, map[string]any{"type": "multibutton", "settings": map[string]any{"channels": []any{
				map[string]any{"type": "telegram", "value": "kotly_shop"}, map[string]any{"type": "whatsapp", "value": "+79161234567"},
				map[string]any{"type": "phone", "value": "+74951234567"}, map[string]any{"type": "email", "value": "sales@kotly.example"},
				map[string]any{"type": "vk", "value": "kotly"}}}})["id"].(string)
			var n atomic.Int64
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					start := time.Now()
					r := ts.Request("POST", "/w/v1/"+key+"/widgets/"+wid+"/clicks",
						map[string]any{"channel": i % 5, "visitor_id": fmt.Sprint("bench-", i)},
						"Origin", origin, "X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250%256, i%250+1))
					d := time.Since(start)
					if r.Status != http.StatusNoContent {
						b.Errorf("click %d: %d %s", i, r.Status, r.Body)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "clicks/s")
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
			}
			r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/clicks", nil)
			servertest.ExpectStatus(b, r, http.StatusOK)
			if got := int(r.JSON(b)["total"].(float64)); got != len(lat) {
				b.Fatalf("%d clicks accepted, the report counts %d", len(lat), got)
			}
		})
	}
}
