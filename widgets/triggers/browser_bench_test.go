package triggers_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkMainThread is what the engine costs the host page's main
// thread while its triggers run: one op is a visit with four watched
// quizzes (exit intent, scroll, idle, time on site) where the visitor moves
// the pointer 60 times, wheels to the bottom of the page (the scroll trigger opens a
// quiz), closes it and leaves through the top edge. Reported: long tasks
// (over 50 ms, PerformanceObserver 'longtask') and the longest, from the
// first movement on (not the page's load), and the milliseconds of
// main-thread JavaScript per op in the loader, the engine and the quiz
// (CDP Profiler, sampled every 100 µs). "without" is the same visit
// with quizzes that carry no trigger block, so the engine is never loaded,
// and the page opens the same two quizzes at the same moments with
// beckon('open'): the difference is the engine's.
//
//	go test -run XXX -bench MainThread -benchtime 5x ./widgets/triggers/
func BenchmarkMainThread(b *testing.B) {
	watched := []string{`{"on":[{"type":"exit_intent"}],"caps":{"per_visit":0,"max_dismissals":0}}`,
		`{"on":[{"type":"scroll","percent":90}],"caps":{"per_visit":0,"max_dismissals":0}}`,
		`{"on":[{"type":"idle","seconds":30}]}`, `{"on":[{"type":"time_on_site","seconds":600}]}`}
	b.Run("with", func(b *testing.B) { mainThread(b, watched) })
	b.Run("without", func(b *testing.B) { mainThread(b, nil) })
}

func mainThread(b *testing.B, blocks []string) {
	p, ids := newPage(b, blocks...)
	quizzes := ids
	if blocks == nil {
		// Quizzes without triggers: the same widgets, no engine; the page
		// opens them where the triggers would, so both ops draw the same.
		for range 4 {
			w := p.ts.CreateWidget(p.siteID, map[string]any{"type": "quiz", "settings": quizWith("null")})
			quizzes = append(quizzes, w["id"].(string))
		}
	}
	opened := func(id string) {
		if blocks == nil {
			eval[any](p, fmt.Sprintf(`beckon('open', %q)`, id))
		}
		p.waitOpen(id)
	}
	servertest.OnNewDocument(p.ctx, b, `window.__long = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) __long.push([e.startTime, e.duration]); }).observe({type: 'longtask', buffered: true});`)
	for _, err := range []error{
		do(p, profiler.Enable, cdp.Empty{}),
		do(p, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100}),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	var long, worst float64
	spent := map[string]float64{}
	b.ResetTimer()
	for range b.N {
		p.visit("/", ids...)
		if blocks == nil {
			p.waitFor("the quizzes", func() bool {
				return eval[int](p, `(document.querySelector('beckon-root')?.shadowRoot.querySelectorAll('.bkqz') || []).length`) == 4
			})
		}
		from := eval[float64](p, `performance.now()`)
		ms := profile(p, func() {
			for j := range 60 {
				p.mouse([2]float64{float64(200 + 10*j), float64(200 + 5*(j%20))})
			}
			p.wheel(80)
			p.wheelOnce(3000)
			opened(quizzes[1])
			p.closeQuiz(quizzes[1])
			p.mouse([2]float64{600, 100}, [2]float64{600, 5}, [2]float64{600, -20})
			opened(quizzes[0])
		})
		for k, v := range ms {
			spent[k] += v
		}
		// Long tasks of the op only, not of the page's load.
		for _, d := range eval[[]float64](p, fmt.Sprintf(`__long.filter((e) => e[0] >= %f).map((e) => e[1])`, from)) {
			long++
			worst = max(worst, d)
		}
	}
	b.ReportMetric(long/float64(b.N), "longtasks/op")
	b.ReportMetric(worst, "longest-ms")
	for _, k := range []string{"embed", "triggers", "quiz"} {
		b.ReportMetric(spent[k]/float64(b.N), k+"-ms/op")
	}
}

// profile samples the page's JavaScript every 100 µs while op runs and
// returns the milliseconds spent in each bundle's own code (the top of the
// stack, DOM calls it makes included), by bundle type ("embed", "quiz",
// "triggers", …).
func profile(p *page, op func()) map[string]float64 {
	p.t.Helper()
	_, err := chromedp.Call(p.ctx, profiler.Start, cdp.Empty{})
	if err != nil {
		p.t.Fatal(err)
	}
	op()
	res, err := chromedp.Call(p.ctx, profiler.Stop, cdp.Empty{})
	if err != nil {
		p.t.Fatal(err)
	}
	pr := res.Profile
	urls := make(map[int64]string, len(pr.Nodes))
	for _, n := range pr.Nodes {
		urls[n.ID] = n.CallFrame.URL
	}
	ms := map[string]float64{}
	for i, id := range pr.Samples {
		if i+1 < len(pr.TimeDeltas) {
			// A sample's time runs until the next one.
			if m := bundleName.FindStringSubmatch(urls[id]); m != nil {
				ms[m[1]+m[2]] += float64(pr.TimeDeltas[i+1]) / 1000
			}
		}
	}
	return ms
}

// bundleName finds Beckon's file in a script URL: /embed.js or
// /embed/<type>.<hash>.js.
var bundleName = regexp.MustCompile(`/(embed)\.js$|/embed/([a-z_]+)\.[0-9a-f]{8}\.js$`)

// do runs a CDP command whose result does not matter.
func do[P, R any](p *page, cmd cdp.Command[P, R], params P) error {
	_, err := chromedp.Call(p.ctx, cmd, params)
	return err
}
