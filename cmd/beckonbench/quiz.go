package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// benchQuizSettings is the bench's quiz: five questions of five types, a
// price formula, two result screens, a form asking for a phone with
// consent. The quiz's own limits stay on (4 leads per address in 20
// minutes): each session comes from its own address of -clients.
const benchQuizSettings = `{
  "start": {"title": "Bench"},
  "steps": [
    {"id": "rooms", "type": "single", "title": "Rooms", "options": [{"id": "r1", "label": "1", "value": 1}, {"id": "r2", "label": "2", "value": 2}]},
    {"id": "area", "type": "number", "title": "Area", "min": 10, "max": 300},
    {"id": "extras", "type": "multi", "title": "Extras", "required": false,
     "options": [{"id": "balcony", "label": "Balcony", "value": 10000}, {"id": "floor", "label": "Floor", "value": 5000}]},
    {"id": "wish", "type": "text", "title": "Wish", "required": false},
    {"id": "when", "type": "date", "title": "When"}
  ],
  "formulas": [{"name": "price", "expr": "area * 3500 * (rooms == 2 ? 1.1 : 1) + extras"}],
  "results": [{"id": "small", "title": "Small", "text": "About {price}", "when": {"value": "price", "max": 500000}},
              {"id": "big", "title": "Big", "text": "About {price}"}],
  "form": {"fields": [{"name": "name"}, {"name": "phone", "required": true}], "consent": {"required": true}}
}`

// benchAnswers are the five answers of every session, in order.
var benchAnswers = [][2]string{{"rooms", `"r2"`}, {"area", `55`}, {"extras", `["balcony"]`}, {"wish", `"quiet"`}, {"when", `"2026-12-24"`}}

// quizBench runs quiz sessions against one quiz widget.
type quizBench struct {
	base, key, wid, origin string
	client                 *fasthttp.Client
	clients                int
	next                   atomic.Int64 // sessions begun, across phases: each gets its own visitor and address

	mu       sync.Mutex
	accepted map[string]bool // lead ids answered 201
}

// quizTiming collects one phase's latencies and statuses per request kind.
type quizTiming struct {
	mu       sync.Mutex
	lat      map[string][]time.Duration
	statuses map[string]map[int]int
	errors   int
}

func newQuizTiming() *quizTiming {
	return &quizTiming{lat: map[string][]time.Duration{}, statuses: map[string]map[int]int{}}
}

func (t *quizTiming) add(kind string, d time.Duration, status int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.errors++
		return
	}
	t.lat[kind] = append(t.lat[kind], d)
	if t.statuses[kind] == nil {
		t.statuses[kind] = map[int]int{}
	}
	t.statuses[kind][status]++
}

func (t *quizTiming) print() {
	for _, kind := range []string{"start", "answer", "lead"} {
		l := t.lat[kind]
		if len(l) == 0 {
			continue
		}
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		pct := func(p float64) time.Duration { return l[min(len(l)-1, int(float64(len(l))*p))].Round(time.Microsecond) }
		fmt.Printf("  %-6s n=%d p50 %s p90 %s p99 %s max %s statuses %v\n", kind, len(l), pct(.5), pct(.9), pct(.99), l[len(l)-1].Round(time.Microsecond), t.statuses[kind])
	}
	if t.errors > 0 {
		fmt.Printf("  transport errors: %d\n", t.errors)
	}
}

// visitorSession is one visitor's session as the bench drives it.
type visitorSession struct {
	n       int64
	visitor string
	ip      string
	id      string
}

func (b *quizBench) newVisitor() visitorSession {
	n := b.next.Add(1)
	// 198.18.0.0/15 is reserved for benchmarks (RFC 2544); only header values.
	a := int(n) % b.clients
	return visitorSession{n: n, visitor: fmt.Sprintf("qb-%d", n), ip: fmt.Sprintf("198.%d.%d.%d", 18+(a>>16&1), a>>8&255, a&255)}
}

// do sends one request of the visitor and returns its status and body
// (valid until the next call with the same resp).
func (b *quizBench) do(req *fasthttp.Request, resp *fasthttp.Response, method, path, body string, v visitorSession) (int, []byte, error) {
	req.Reset()
	req.SetRequestURI(b.base + "/w/v1/" + b.key + "/quizzes/" + b.wid + path)
	req.Header.SetMethod(method)
	req.Header.Set("Origin", b.origin)
	req.Header.Set("X-Forwarded-For", v.ip)
	if body != "" {
		req.Header.SetContentType("application/json")
		req.SetBodyString(body)
	}
	if err := b.client.Do(req, resp); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode(), resp.Body(), nil
}

// begin starts a session and answers its five questions; false when a
// request failed.
func (b *quizBench) begin(req *fasthttp.Request, resp *fasthttp.Response, v *visitorSession, t *quizTiming) bool {
	t0 := time.Now()
	status, body, err := b.do(req, resp, "POST", "/sessions",
		fmt.Sprintf(`{"visitor_id":%q,"page_url":"https://bench.example/quiz","utm":{"utm_source":"bench"},"lang":"ru"}`, v.visitor), *v)
	t.add("start", time.Since(t0), status, err)
	if err != nil || status != 201 {
		return false
	}
	var started struct {
		SessionID string `json:"session_id"`
	}
	if json.Unmarshal(body, &started) != nil {
		return false
	}
	v.id = started.SessionID
	for _, a := range benchAnswers {
		t0 := time.Now()
		status, _, err := b.do(req, resp, "PUT", "/sessions/"+v.id+"/answers/"+a[0], fmt.Sprintf(`{"visitor_id":%q,"value":%s}`, v.visitor, a[1]), *v)
		t.add("answer", time.Since(t0), status, err)
		if err != nil || status != 200 {
			return false
		}
	}
	return true
}

// lead leaves the visitor's contacts; true when the lead was accepted.
func (b *quizBench) lead(req *fasthttp.Request, resp *fasthttp.Response, v visitorSession, t *quizTiming) bool {
	t0 := time.Now()
	status, body, err := b.do(req, resp, "POST", "/sessions/"+v.id+"/lead",
		fmt.Sprintf(`{"visitor_id":%q,"name":"Load","phone":"+7916%07d","consent":true}`, v.visitor, v.n%10_000_000), v)
	t.add("lead", time.Since(t0), status, err)
	if err != nil || status != 201 {
		return false
	}
	var created struct {
		LeadID string `json:"lead_id"`
	}
	if json.Unmarshal(body, &created) != nil || created.LeadID == "" {
		return false
	}
	b.mu.Lock()
	b.accepted[created.LeadID] = true
	b.mu.Unlock()
	return true
}

// sessions runs whole sessions (start, five answers, lead) on conns
// connections for d and returns how many completed.
func (b *quizBench) sessions(conns int, d time.Duration, t *quizTiming) int64 {
	var done atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for range conns {
		wg.Go(func() {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for time.Now().Before(stop) {
				v := b.newVisitor()
				if b.begin(req, resp, &v, t) && b.lead(req, resp, v, t) {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return done.Add(0)
}

// leadsOnly prepares n answered sessions, then submits all their leads at
// once on conns connections, and returns the accepted count and the time
// the submissions took.
func (b *quizBench) leadsOnly(conns, n int, t *quizTiming) (int64, time.Duration) {
	ready := make(chan visitorSession, n)
	var wg sync.WaitGroup
	var todo atomic.Int64
	todo.Store(int64(n))
	prep := newQuizTiming()
	for range conns {
		wg.Go(func() {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for todo.Add(-1) >= 0 {
				v := b.newVisitor()
				if b.begin(req, resp, &v, prep) {
					ready <- v
				}
			}
		})
	}
	wg.Wait()
	close(ready)
	fmt.Printf("prepared %d answered sessions for the lead phase\n", len(ready))
	var accepted atomic.Int64
	t0 := time.Now()
	for range conns {
		wg.Go(func() {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for v := range ready {
				if b.lead(req, resp, v, t) {
					accepted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return accepted.Add(0), time.Since(t0)
}

// benchQuiz measures whole quiz sessions for d (after warmup), then lead
// submissions alone on leadSessions prepared sessions, then reads the
// site's inbox through the admin API and fails if any accepted lead is
// missing.
func benchQuiz(base, token, siteID, key, origin string, conns, clients int, warmup, d time.Duration, leadSessions int) {
	var w struct{ ID string }
	if err := post(base+"/api/v1/sites/"+siteID+"/widgets", token, `{"type":"quiz","settings":`+benchQuizSettings+`}`, &w); err != nil {
		fmt.Fprintln(os.Stderr, "beckonbench: create the quiz:", err)
		os.Exit(1)
	}
	b := &quizBench{base: base, key: key, wid: w.ID, origin: origin, clients: clients, accepted: map[string]bool{},
		client: &fasthttp.Client{MaxConnsPerHost: conns, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second}}
	fmt.Printf("target: quiz %s on %s  conns=%d duration=%s clients=%d\n", w.ID, base, conns, d, clients)

	b.sessions(conns, warmup, newQuizTiming())
	t := newQuizTiming()
	done := b.sessions(conns, d, t)
	fmt.Printf("whole sessions (start, 5 answers, lead): %d in %s = %.0f sessions/s, %.0f req/s\n",
		done, d, float64(done)/d.Seconds(), float64(done*7)/d.Seconds())
	t.print()

	lt := newQuizTiming()
	n, took := b.leadsOnly(conns, leadSessions, lt)
	fmt.Printf("lead submissions alone: %d in %s = %.0f leads/s\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	lt.print()

	checkStored(base, token, siteID, quizLeadList, "leads ", 201, b.accepted)
}
