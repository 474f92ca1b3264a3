package reviews_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// benchServer is a server whose public rate limit is out of the way and
// whose X-Forwarded-For is trusted, so each request can come from its own
// address (the widget's own limits stay on and are part of the cost).
func benchServer(b *testing.B, kind string) *env {
	ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{Config: func(c *config.Config) {
		c.PublicRate, c.PublicBurst = 1e6, 1e6
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
	site := ts.CreateSite("Котлы")
	return &env{Server: ts, siteID: site["id"].(string), siteKey: site["key"].(string)}
}

func report(b *testing.B, lat []time.Duration, unit string) {
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), unit)
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkPostReview sends reviews through the real server, 32 at once,
// each from its own address and visitor; every review is stored pending
// and announced before its 201. Afterwards every accepted review must be
// in the inbox. Run:
//
//	go test ./widgets/reviews -run '^$' -bench PostReview -benchtime 2000x
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./widgets/reviews -run '^$' -bench PostReview -benchtime 2000x
func BenchmarkPostReview(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			e := benchServer(b, kind)
			wid := e.CreateWidget(e.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
			var n atomic.Int64
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					body := map[string]any{"rating": int(i%5) + 1, "text": "Доставили вовремя, коробка целая.", "name": "Ирина",
						"visitor_id": fmt.Sprint("bench-", i), "consent": true, "lang": "ru"}
					start := time.Now()
					r := e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/reviews", body, "Origin", origin,
						"X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250%256, i%250+1))
					d := time.Since(start)
					if r.Status != http.StatusCreated {
						b.Errorf("review %d: %d %s", i, r.Status, r.Body)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			report(b, lat, "reviews/s")
			stored, cursor := 0, ""
			for {
				r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/reviews?limit=500&cursor="+url.QueryEscape(cursor), nil)
				var out struct {
					Reviews    []json.RawMessage `json:"reviews"`
					NextCursor string            `json:"next_cursor"`
				}
				if err := json.Unmarshal(r.Body, &out); err != nil {
					b.Fatalf("inbox: %v: %s", err, r.Body)
				}
				stored += len(out.Reviews)
				if cursor = out.NextCursor; cursor == "" {
					break
				}
			}
			if stored != len(lat) {
				b.Fatalf("%d reviews accepted, %d in the inbox", len(lat), stored)
			}
		})
	}
}

// BenchmarkPublicList reads a widget's published reviews (with the average
// and count) as visitors' browsers do, through the real server over
// loopback with keep-alive connections, from a widget with 5,000 imported
// reviews of which the 500 newest are hidden (as a backlog of unpublished
// ones would be). "first" is the first page, which the bundle loads and
// every replica serves from its cache (cache.go); "cursor" is the second
// page, read from the store each time. Run:
//
//	go test ./widgets/reviews -run '^$' -bench PublicList -benchtime 3s
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./widgets/reviews -run '^$' -bench PublicList -benchtime 3s
func BenchmarkPublicList(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			e := benchServer(b, kind)
			wid := e.CreateWidget(e.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
			var csv strings.Builder
			csv.WriteString("rating,text,name,date\n")
			day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range 5000 {
				fmt.Fprintf(&csv, "%d,Отзыв номер %d: всё пришло вовремя.,Покупатель %d,%s\n", i%5+1, i, i, day.Add(time.Duration(i)*time.Hour).Format(time.RFC3339))
			}
			r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/reviews/import", csv.String(), "Content-Type", "text/csv")
			if r.Status != http.StatusCreated {
				b.Fatalf("import: %d %s", r.Status, r.Body)
			}
			// Hide the 500 newest: the list must not walk past them.
			var page struct {
				Reviews []struct{ ID string } `json:"reviews"`
			}
			r = e.Admin("GET", "/api/v1/sites/"+e.siteID+"/reviews?limit=500", nil)
			json.Unmarshal(r.Body, &page)
			for _, rv := range page.Reviews {
				e.Admin("POST", "/api/v1/sites/"+e.siteID+"/reviews/"+rv.ID+"/hide", nil)
			}
			path := "/w/v1/" + e.siteKey + "/widgets/" + wid + "/reviews"
			var first struct {
				NextCursor string `json:"next_cursor"`
			}
			json.Unmarshal(e.Request("GET", path, nil, "Origin", origin).Body, &first)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
			for _, c := range []struct{ name, query string }{{"first", ""}, {"cursor", "?cursor=" + first.NextCursor}} {
				b.Run(c.name, func(b *testing.B) {
					var n atomic.Int64
					var mu sync.Mutex
					lat := make([]time.Duration, 0, b.N)
					b.SetParallelism(4)
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := n.Add(1) % 5000
							req, _ := http.NewRequest("GET", e.Base+path+c.query, nil)
							req.Header.Set("Origin", origin)
							req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", i/250, i%250+1))
							start := time.Now()
							resp, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							body, _ := io.ReadAll(resp.Body)
							resp.Body.Close()
							d := time.Since(start)
							if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"count":4500`) {
								b.Errorf("list: %d %.200s", resp.StatusCode, body)
								return
							}
							mu.Lock()
							lat = append(lat, d)
							mu.Unlock()
						}
					})
					b.StopTimer()
					report(b, lat, "pages/s")
				})
			}
		})
	}
}
