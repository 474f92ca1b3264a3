package experiments_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkConfig measures GET /config through the real server over
// loopback: a site without an experiment, then with one, for visitors
// already exposed (a page view after the first: no store call) and for
// new visitors (each request queues an exposure for the background
// writer; "dropped" reports those a full queue refused). Numbers in
// docs/BENCHMARKS.md:
//
//	go test -run '^$' -bench BenchmarkConfig -benchtime 3s ./experiments/
func BenchmarkConfig(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			// As behind a reverse proxy: 5,000 client addresses, so the
			// per-IP rate limit runs but does not refuse the load.
			ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{Config: func(c *config.Config) {
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			}})
			site := ts.CreateSite("Магазин")
			siteID, key := site["id"].(string), site["key"].(string)
			wid := ts.CreateWidget(siteID, map[string]any{"type": "popup", "settings": json.RawMessage(formPopup)})["id"].(string)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
			var ips atomic.Int64
			get := func(b *testing.B, query string) {
				req, _ := http.NewRequest("GET", ts.Base+"/w/v1/"+key+"/config"+query, nil)
				req.Header.Set("Origin", origin)
				ip := ips.Add(1) % 5000
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", ip/250, ip%250+1))
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			run := func(name string, query func(n int64) string) {
				b.Run(name, func(b *testing.B) {
					var n atomic.Int64
					dropped := droppedExposures(b)
					b.SetParallelism(4)
					start := time.Now()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							get(b, query(n.Add(1)))
						}
					})
					b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
					b.ReportMetric(droppedExposures(b)-dropped, "dropped")
				})
			}
			run("no experiment", func(int64) string { return "" })
			run("no experiment, visitor id", func(n int64) string { return fmt.Sprintf("?visitor_id=%032x", n%1000) })
			r := ts.Admin("PUT", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/experiment", abTitle)
			servertest.ExpectStatus(b, r, http.StatusOK)
			for v := range 1000 {
				get(b, fmt.Sprintf("?visitor_id=%032x", v))
			}
			run("experiment, returning visitors", func(n int64) string { return fmt.Sprintf("?visitor_id=%032x", n%1000) })
			run("experiment, new visitors", func(n int64) string { return fmt.Sprintf("?visitor_id=%032x", 1<<40+n) })
		})
	}
}

// droppedExposures reads beckon_experiment_exposures_dropped_total.
func droppedExposures(b *testing.B) float64 {
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "beckon_experiment_exposures_dropped_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}
