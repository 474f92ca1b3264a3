package proactive_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkReply measures replies to a proactive message through the real
// server: each from its own address and visitor (the widget's limits stay
// on and are part of the cost), with a phone and the consent, stored as a
// lead and announced, 32 at once on two cores; afterwards every accepted reply must be in the
// inbox. Reports replies/s and the p50/p99 answer time. Run:
//
//	go test ./widgets/proactive -run '^$' -bench Reply -benchtime 3000x
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./widgets/proactive -run '^$' -bench Reply -benchtime 3000x
func BenchmarkReply(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{Config: func(c *config.Config) {
				c.PublicRate, c.PublicBurst = 1e6, 1e6
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			}})
			site := ts.CreateSite("Котлы")
			siteID, key := site["id"].(string), site["key"].(string)
			wid := ts.CreateWidget(siteID, map[string]any{"type": "proactive", "settings": json.RawMessage(boiler)})["id"].(string)
			var n atomic.Int64
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			// 16 goroutines per core: visitors send at once, as on a busy site.
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					body := replyBody(fmt.Sprint("s", i))
					body["visitor_id"] = fmt.Sprint("bench-", i)
					start := time.Now()
					r := ts.Request("POST", "/w/v1/"+key+"/widgets/"+wid+"/replies", body, "Origin", origin,
						"X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250%256, i%250+1))
					d := time.Since(start)
					if r.Status != http.StatusCreated {
						b.Errorf("reply %d: %d %s", i, r.Status, r.Body)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "replies/s")
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
			}
			stored, cursor := 0, ""
			for {
				r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/leads?type=proactive&limit=500&cursor="+url.QueryEscape(cursor), nil)
				var out struct {
					Leads      []json.RawMessage `json:"leads"`
					NextCursor string            `json:"next_cursor"`
				}
				if err := json.Unmarshal(r.Body, &out); err != nil {
					b.Fatalf("inbox: %v: %s", err, r.Body)
				}
				stored += len(out.Leads)
				if cursor = out.NextCursor; cursor == "" {
					break
				}
			}
			if stored != len(lat) {
				b.Fatalf("%d replies accepted, %d leads in the inbox", len(lat), stored)
			}
		})
	}
}
