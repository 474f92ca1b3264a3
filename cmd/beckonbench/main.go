// Command beckonbench loads a running Beckon server over HTTP and reports
// throughput and latency percentiles. It creates its own site through the
// admin API, so it needs only the server's address and admin token.
//
//	beckonbench -base http://127.0.0.1:8080 -token TOKEN -duration 15s -conns 64
//
// Point it at loopback only. Requests carry X-Forwarded-For from a pool of
// -clients addresses: start the server with BECKON_TRUSTED_PROXIES=127.0.0.1
// so each simulated visitor has its own rate-limit budget, as behind a real
// reverse proxy.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server base URL")
	token := flag.String("token", "", "admin token")
	duration := flag.Duration("duration", 15*time.Second, "how long to send load")
	warmup := flag.Duration("warmup", 2*time.Second, "load sent before measuring")
	conns := flag.Int("conns", 64, "concurrent connections")
	clients := flag.Int("clients", 5000, "distinct client IPs in X-Forwarded-For")
	origin := flag.String("origin", "https://bench.example", "Origin header (the site is created with it)")
	scenario := flag.String("scenario", "config", "config: GET the public config; callbacks: POST callback requests, then check each was stored; "+
		"timer: POST an evergreen deadline (get or start) for -subjects visitors; gif: GET the e-mail GIF for -subjects recipients; "+
		"live: hold -live-conns WebSocket connections of the social proof feed and time -live-events events from POST to each; "+
		"quiz: whole quiz sessions (start, 5 answers, lead), then -quiz-leads lead submissions alone, then check each lead was stored")
	subjects := flag.Int("subjects", 10000, "timer and gif: distinct visitors or recipients")
	quizLeads := flag.Int("quiz-leads", 20000, "quiz: answered sessions prepared for the lead-only phase")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "beckonbench: -token is required")
		os.Exit(2)
	}
	if *scenario == "live" {
		benchLive(*base, *token, *origin)
		return
	}
	siteID, key, timerID, err := createSite(*base, *token, *origin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "beckonbench: setup:", err)
		os.Exit(1)
	}
	if *scenario == "quiz" {
		benchQuiz(*base, *token, siteID, key, *origin, *conns, *clients, *warmup, *duration, *quizLeads)
		return
	}
	if *scenario == "callbacks" {
		benchCallbacks(*base, *token, siteID, key, *origin, *conns, *clients, *warmup, *duration)
		return
	}
	url, method, body := *base+"/w/v1/"+key+"/config", "GET", (*bodies)(nil)
	switch *scenario {
	case "timer":
		url, method = *base+"/w/v1/"+key+"/timers/"+timerID, "POST"
		body = &bodies{make: func(i int) []byte { return fmt.Appendf(nil, `{"visitor_id":"bench-%d"}`, i%*subjects) }}
	case "gif":
		url = *base + "/w/v1/" + key + "/timers/" + timerID + "/email.gif?r=rcpt-%d"
	}
	fmt.Printf("target: %s %s  conns=%d duration=%s clients=%d\n", method, url, *conns, *duration, *clients)
	run(url, *origin, *conns, *clients, *warmup, false, body, *subjects)
	res := run(url, *origin, *conns, *clients, *duration, true, body, *subjects)
	res.print(*duration)
}

type result struct {
	latencies []time.Duration
	statuses  map[int]int
	errors    int
}

// run keeps conns connections busy for d. body, when set, makes each
// request a POST of body(i) and gets each response's body back.
// A url with %d gets the request's number modulo subjects.
func run(url, origin string, conns, clients int, d time.Duration, measure bool, body *bodies, subjects int) result {
	client := &fasthttp.Client{MaxConnsPerHost: conns, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}
	var mu sync.Mutex
	total := result{statuses: map[int]int{}}
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := result{statuses: map[int]int{}}
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			perRequest := strings.Contains(url, "%d")
			req.SetRequestURI(url)
			req.Header.Set("Origin", origin)
			if body != nil {
				req.Header.SetMethod("POST")
				req.Header.SetContentType("application/json")
			}
			for i := w; time.Now().Before(stop); i += conns {
				if body != nil {
					req.SetBody(body.make(i))
				}
				if perRequest {
					req.SetRequestURI(fmt.Sprintf(url, i%subjects))
				}
				// 198.18.0.0/15 is reserved for benchmarks (RFC 2544); these are
				// only header values, no traffic goes there.
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.%d.%d.%d", 18+(i%clients)>>16&1, (i%clients)>>8&255, i%clients&255))
				t0 := time.Now()
				err := client.Do(req, resp)
				if !measure {
					continue
				}
				if err != nil {
					local.errors++
					continue
				}
				local.latencies = append(local.latencies, time.Since(t0))
				local.statuses[resp.StatusCode()]++
				if body != nil {
					body.got(resp.StatusCode(), resp.Body())
				}
			}
			mu.Lock()
			total.latencies = append(total.latencies, local.latencies...)
			for s, n := range local.statuses {
				total.statuses[s] += n
			}
			total.errors += local.errors
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return total
}

func (r result) print(d time.Duration) {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	n := len(r.latencies)
	if n == 0 {
		fmt.Println("no responses")
		return
	}
	pct := func(p float64) time.Duration { return r.latencies[min(n-1, int(float64(n)*p))] }
	fmt.Printf("requests: %d in %s = %.0f req/s; transport errors: %d; statuses: %v\n", n, d, float64(n)/d.Seconds(), r.errors, r.statuses)
	fmt.Printf("latency: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		pct(.50).Round(time.Microsecond), pct(.90).Round(time.Microsecond), pct(.99).Round(time.Microsecond),
		pct(.999).Round(time.Microsecond), r.latencies[n-1].Round(time.Microsecond))
}

// createSite makes a site with one widget of each type through the admin API
// and returns its id and public key. The callback widget's limits are
// opened up (the load comes from few visitors), and its manager is a
// simulated number that is busy, so each request costs the bridge one short
// call and the measurement is intake, queue and the first worker step.
func createSite(base, token, origin string) (siteID, key, timerID string, err error) {
	var site struct {
		ID, Key string
	}
	body := fmt.Sprintf(`{"name":"bench","origins":[%q],"timezone":"Europe/Moscow","locale":"ru","region":"RU"}`, origin)
	if err := post(base+"/api/v1/sites", token, body, &site); err != nil {
		return "", "", "", err
	}
	for _, w := range []string{
		`{"type":"callback","settings":{"managers":[{"name":"Anna","phone":"+79123456702"}],"visitor_retries":0,
			"limits":{"per_ip":100000,"per_visitor":1000,"per_number":1000,"per_number_global":1000,"daily_budget":1000000}}}`,
		`{"type":"countdown","settings":{"mode":"evergreen","duration_seconds":900}}`,
	} {
		var widget struct{ ID, Type string }
		if err := post(base+"/api/v1/sites/"+site.ID+"/widgets", token, w, &widget); err != nil {
			return "", "", "", err
		}
		if widget.Type == "countdown" {
			timerID = widget.ID
		}
	}
	return site.ID, site.Key, timerID, nil
}

func post(url, token, body string, out any) error {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	req.Header.SetMethod("POST")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.SetContentType("application/json")
	req.SetBodyString(body)
	if err := fasthttp.Do(req, resp); err != nil {
		return err
	}
	if resp.StatusCode() != 201 {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode(), resp.Body())
	}
	if out != nil {
		return json.Unmarshal(resp.Body(), out)
	}
	return nil
}
