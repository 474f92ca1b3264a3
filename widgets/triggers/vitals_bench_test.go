package triggers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkCoreWebVitals is what Beckon does to the host page's Core Web
// Vitals: layout shifts and long tasks, measured in Chromium by the page's
// own PerformanceObserver ('layout-shift': CLS as the sum of shifts without
// recent input; 'longtask': tasks over 50 ms) over the whole page view, load
// included. One op is a first visit (storage cleared) to a page with a
// widget of every type the demo site has (callback, countdown, social proof
// with a notice, quiz, pop-up, multi-button, proactive message, reviews
// badge, game) where the triggers fire: the visitor moves the pointer, a
// bottom countdown bar shows after 2 s and is closed, a scroll to 80 %
// opens the pop-up (closed with Esc), the pointer leaving through the top
// opens the quiz (Esc). "without" is the same page and the same visit
// without the snippet: what the page does by itself.
//
// A long task by wall time also counts a thread the machine did not let
// run (a CI box shared by many jobs), so the main thread's tasks are also
// read from a Chromium trace with the CPU time each really ran
// (cpu-longtasks/op, longest-cpu-ms); tasks over 30 ms of CPU are logged
// with the scripts that ran in them. beckon-js-ms/op is the JavaScript of
// Beckon's bundles in a CDP profile (wall time).
//
//	go test -run XXX -bench CoreWebVitals -benchtime 3x ./widgets/triggers/
func BenchmarkCoreWebVitals(b *testing.B) {
	b.Run("with", func(b *testing.B) { vitals(b, true) })
	b.Run("without", func(b *testing.B) { vitals(b, false) })
}

// vitalsScript observes layout shifts and long tasks from the document's
// start, and clears the visitor's storage on ?fresh=1 (a first visit).
const vitalsScript = `if (location.search.indexOf('fresh=1') >= 0) localStorage.clear();
window.__cls = 0; window.__shifts = []; window.__long = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) {
  __cls += e.value;
  __shifts.push(e.value.toFixed(4) + ' ' + (e.sources || []).map((s) => s.node ? (s.node.nodeName + (s.node.id ? '#' + s.node.id : '') + (s.node.className ? '.' + s.node.className : '')) : '?').join(','));
} }).observe({type: 'layout-shift', buffered: true});
new PerformanceObserver((l) => { for (const e of l.getEntries()) __long.push(e.duration); }).observe({type: 'longtask', buffered: true});`

// vitalsWidgets are the page's widgets: which ones the op's triggers
// show come first (bar, pop-up, quiz).
func vitalsWidgets() []map[string]any {
	raw := func(typ, settings string) map[string]any {
		return map[string]any{"type": typ, "settings": json.RawMessage(settings)}
	}
	return []map[string]any{
		raw("countdown", `{"mode":"evergreen","duration_seconds":5400,"placement":"bottom_bar","triggers":{"on":[{"type":"time_on_page","seconds":2}]}}`),
		popupWith(`{"on":[{"type":"scroll","percent":50}]}`),
		{"type": "quiz", "settings": quizWith(`{"on":[{"type":"exit_intent"}]}`)},
		raw("callback", `{"managers":[{"name":"Анна","phone":"+79000000010"}],"triggers":{"on":[{"type":"manual"}]}}`),
		raw("social_proof", `{"delay_seconds":0,"display_seconds":30,"interval_seconds":1}`),
		raw("multibutton", `{"channels":[{"type":"phone","value":"+7 495 123-45-67"},{"type":"telegram","value":"kotly_shop"}]}`),
		raw("proactive", `{"name":"Анна","text":{"ru":"Подобрать котёл под ваш дом?","uk":"Підібрати котел під ваш будинок?","en":"Shall we pick a boiler for your house?"},"triggers":{"on":[{"type":"manual"}]}}`),
		raw("reviews", `{"layout":"badge"}`),
		raw("game", ``),
	}
}

func vitals(b *testing.B, beckon bool) {
	bodies := vitalsWidgets()
	// The game's own demo settings: the simplest valid wheel.
	for _, m := range servertest.Modules(servertest.Config(), nil) {
		if d, ok := m.(interface{ DemoSettings() string }); ok && m.Type() == "game" {
			bodies[len(bodies)-1]["settings"] = json.RawMessage(d.DemoSettings())
		}
	}
	p, ids := newSitePage(b, bodies...)
	bar, pop, quiz := ids[0], ids[1], ids[2]
	servertest.ExpectStatus(b, p.ts.Admin("POST", "/api/v1/sites/"+p.siteID+"/events", map[string]any{"events": []any{
		map[string]any{"id": "order-1", "type": "purchase", "name": "Ольга", "city": "Тула", "product": "Котёл Baxi Eco Nova", "time": time.Now().Add(-3 * time.Minute)}}}),
		http.StatusAccepted)
	servertest.OnNewDocument(p.ctx, b, vitalsScript)
	query := "/?fresh=1"
	ready := ids[:4]
	if !beckon {
		query += "&nobeckon=1"
		ready = nil
	}
	for _, err := range []error{
		do(p, profiler.Enable, cdp.Empty{}),
		do(p, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 200}),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	var cls, worstCLS, long, longest float64
	var shifts []string
	var busy busyStats
	var tasks taskStats
	b.ResetTimer()
	for range b.N {
		if _, err := chromedp.Call(p.ctx, profiler.Start, cdp.Empty{}); err != nil {
			b.Fatal(err)
		}
		stopTrace := traceTasks(p)
		p.visit(query, ready...)
		for j := range 60 {
			p.mouse([2]float64{float64(200 + 10*j), float64(200 + 5*(j%20))})
		}
		if beckon {
			p.setClock(3 * time.Second)
			p.waitTrace("trigger:shown " + bar + " time_on_page")
			p.shadowClick("[data-type=countdown] .bkcd .x")
			p.waitTrace("trigger:closed " + bar)
		}
		p.wheel(80)
		if beckon {
			p.waitTrace("trigger:shown " + pop + " scroll")
			p.press("\x1b")
			p.waitTrace("trigger:closed " + pop)
		}
		p.mouse([2]float64{600, 300}, [2]float64{600, 5}, [2]float64{600, -20})
		if beckon {
			p.waitTrace("trigger:shown " + quiz + " exit_intent")
			p.press("\x1b")
			p.waitTrace("trigger:closed " + quiz)
		}
		tasks.add(stopTrace())
		res, err := chromedp.Call(p.ctx, profiler.Stop, cdp.Empty{})
		if err != nil {
			b.Fatal(err)
		}
		busy.add(res.Profile)
		c := eval[float64](p, `__cls`)
		cls += c
		worstCLS = max(worstCLS, c)
		shifts = append(shifts, eval[[]string](p, `__shifts`)...)
		for _, d := range eval[[]float64](p, `__long`) {
			long++
			longest = max(longest, d)
		}
	}
	b.StopTimer()
	b.ReportMetric(cls/float64(b.N), "CLS/op")
	b.ReportMetric(worstCLS, "worst-CLS")
	b.ReportMetric(long/float64(b.N), "longtasks/op")
	b.ReportMetric(longest, "longest-ms")
	b.ReportMetric(float64(tasks.cpuOver50)/float64(b.N), "cpu-longtasks/op")
	b.ReportMetric(tasks.longestCPU, "longest-cpu-ms")
	b.ReportMetric(busy.beckon/float64(b.N), "beckon-js-ms/op")
	b.Logf("JS by bundle, ms/op: %v", busy.perOp(b.N))
	b.Logf("main-thread tasks: %d; over 50 ms by wall time %d (longest %.0f ms), by CPU time %d (longest %.0f ms)",
		tasks.n, tasks.wallOver50, tasks.longestWall, tasks.cpuOver50, tasks.longestCPU)
	for _, h := range tasks.heavy {
		b.Logf("  task of %s", h)
	}
	if len(shifts) > 0 {
		b.Logf("layout shifts (value, sources): %q", shifts)
	}
}

// press presses k (a single key, "\x1b" for Esc).
func (p *page) press(k string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(k)); err != nil {
		p.t.Fatal(err)
	}
}

// busyStats sums the JavaScript time of each Beckon bundle in CDP
// profiles (the bundle on top of the stack; wall time, so a busy machine
// inflates it).
type busyStats struct {
	byBundle map[string]float64
	beckon   float64
}

func (s *busyStats) add(pr *profiler.Profile) {
	if s.byBundle == nil {
		s.byBundle = map[string]float64{}
	}
	url := make(map[int64]string, len(pr.Nodes))
	for _, n := range pr.Nodes {
		url[n.ID] = n.CallFrame.URL
	}
	for i, id := range pr.Samples {
		if i+1 >= len(pr.TimeDeltas) {
			break
		}
		if m := bundleName.FindStringSubmatch(url[id]); m != nil {
			ms := float64(pr.TimeDeltas[i+1]) / 1000
			s.byBundle[m[1]+m[2]] += ms
			s.beckon += ms
		}
	}
}

func (s *busyStats) perOp(n int) map[string]string {
	out := map[string]string{}
	for k, v := range s.byBundle {
		out[k] = fmt.Sprintf("%.1f", v/float64(n))
	}
	return out
}

// task is a top-level task of the page's main thread from a Chromium
// trace: its wall time and the CPU time its thread really ran, in ms.
type task struct {
	wall, cpu float64
	// what is the work of the task's scripts, by bundle ("embed",
	// "quiz", …, or "page"), in ms of wall time.
	what map[string]float64
}

// traceTasks traces the tab until the returned function is called, which
// returns the tasks of the renderers' main threads. The CPU time tells a
// long task of the page from a thread the busy machine did not let run.
func traceTasks(p *page) func() []task {
	p.t.Helper()
	var mu sync.Mutex
	var raw [][]byte
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(p.ctx)
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			for _, v := range e.Value {
				raw = append(raw, append([]byte(nil), v...))
			}
			mu.Unlock()
		case *tracing.EventTracingComplete:
			close(done)
		}
	}); err != nil {
		p.t.Fatal(err)
	}
	_, err := chromedp.Call(p.ctx, tracing.Start, tracing.StartParams{TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"toplevel", "__metadata", "devtools.timeline"}}})
	if err != nil {
		p.t.Fatal(err)
	}
	return func() []task {
		defer cancel()
		if _, err := chromedp.Call(p.ctx, tracing.End, cdp.Empty{}); err != nil {
			p.t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			p.t.Fatal("no end of the trace in 30 s")
		}
		type event struct {
			Name string  `json:"name"`
			Ph   string  `json:"ph"`
			Pid  int     `json:"pid"`
			Tid  int     `json:"tid"`
			Dur  float64 `json:"dur"`
			Tdur float64 `json:"tdur"`
			Ts   float64 `json:"ts"`
			Args struct {
				Name string `json:"name"`
				Data struct {
					URL string `json:"url"`
				} `json:"data"`
			} `json:"args"`
		}
		mu.Lock()
		defer mu.Unlock()
		var evs []event
		main := map[[2]int]bool{}
		for _, r := range raw {
			var e event
			if json.Unmarshal(r, &e) != nil {
				continue
			}
			if e.Ph == "M" && e.Name == "thread_name" && e.Args.Name == "CrRendererMain" {
				main[[2]int{e.Pid, e.Tid}] = true
			}
			evs = append(evs, e)
		}
		var out []task
		for _, e := range evs {
			if e.Ph == "X" && (e.Name == "RunTask" || e.Name == "ThreadControllerImpl::RunTask") && main[[2]int{e.Pid, e.Tid}] {
				t := task{wall: e.Dur / 1000, cpu: e.Tdur / 1000}
				if t.cpu > 30 {
					// Whose scripts ran inside it.
					t.what = map[string]float64{}
					for _, c := range evs {
						if c.Pid == e.Pid && c.Tid == e.Tid && c.Ph == "X" && c.Ts >= e.Ts && c.Ts+c.Dur <= e.Ts+e.Dur &&
							(c.Name == "EvaluateScript" || c.Name == "FunctionCall" || c.Name == "v8.compile" || c.Name == "ParseHTML" || c.Name == "Layout" || c.Name == "UpdateLayoutTree") {
							who := c.Name
							if m := bundleName.FindStringSubmatch(c.Args.Data.URL); m != nil {
								who += " " + m[1] + m[2]
							}
							t.what[who] += c.Dur / 1000
						}
					}
				}
				out = append(out, t)
			}
		}
		return out
	}
}

// taskStats sums the tasks of the ops.
type taskStats struct {
	n, cpuOver50, wallOver50 int
	longestCPU, longestWall  float64
	heavy                    []string // tasks over 30 ms of CPU, with what ran in them
}

func (s *taskStats) add(tasks []task) {
	for _, t := range tasks {
		s.n++
		if t.cpu > 50 {
			s.cpuOver50++
		}
		if t.wall > 50 {
			s.wallOver50++
		}
		s.longestCPU = max(s.longestCPU, t.cpu)
		if t.what != nil {
			s.heavy = append(s.heavy, fmt.Sprintf("%.0f ms CPU (%.0f wall): %v", t.cpu, t.wall, t.what))
		}
		s.longestWall = max(s.longestWall, t.wall)
	}
}
