package triggers_test

// Helpers of the browser tests (browser_test.go): a server with a site whose
// quizzes carry trigger blocks, a page of the owner's at any path, a clock
// the test moves (the engine's test hook window.__beckonClock) and a trace
// of the engine's events.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// quizWith is a quiz of one question that only its triggers open, with a
// trigger block.
func quizWith(triggers string) json.RawMessage {
	return json.RawMessage(`{"start": {"title": {"ru": "Подберём котёл за 2 минуты", "uk": "Підберемо котел за 2 хвилини", "en": "Find a boiler in 2 minutes"},
  "text": {"ru": "Три вопроса — и мы назовём цену.", "uk": "Три питання — і ми назвемо ціну.", "en": "Three questions and we name the price."},
  "bonus": {"ru": "Монтаж в подарок", "uk": "Монтаж у подарунок", "en": "Free installation"}},
  "steps": [{"id": "area", "type": "single", "title": {"ru": "Площадь дома?", "uk": "Площа будинку?", "en": "House area?"},
    "options": [{"id": "s", "label": {"ru": "До 100 м²", "uk": "До 100 м²", "en": "Up to 100 m²"}, "value": 1},
                {"id": "l", "label": {"ru": "Больше", "uk": "Більше", "en": "More"}, "value": 2}]}],
  "results": [{"id": "r", "title": {"ru": "Подходит газовый котёл", "uk": "Підходить газовий котел", "en": "A gas boiler fits"}}],
  "form": {"fields": [{"name": "phone", "required": true}]},
  "triggers": ` + triggers + `}`)
}

// page is a running server with a site and the owner's page.
type page struct {
	ts     *servertest.Server
	siteID string
	key    string
	origin string
	ctx    context.Context
	t      testing.TB
	lang   string // of the page, so of the widgets: ru unless a test says
}

// clockStart is the fake clock's zero (2026-11-30 12:00 UTC): the engine's
// time is clockStart plus the offset the test sets, standing still between.
const clockStart = 1796040000000

// clockScript makes the engine's clock clockStart plus localStorage
// "test_now" in every document of a tab.
var clockScript = fmt.Sprintf(`window.__reads = 0; window.__beckonClock = () => {
  window.__reads++; return %d + +(localStorage.getItem('test_now') || 0); };`, clockStart)

// newPage starts a server with a site whose widgets are the quizzes with
// the given trigger blocks (their ids returned in order) and a browser
// whose clock the test moves.
func newPage(t testing.TB, blocks ...string) (*page, []string) {
	t.Helper()
	var bodies []map[string]any
	for _, b := range blocks {
		bodies = append(bodies, map[string]any{"type": "quiz", "settings": quizWith(b)})
	}
	return newSitePage(t, bodies...)
}

// newSitePage is newPage with any widgets: the bodies of their creation.
func newSitePage(t testing.TB, bodies ...map[string]any) (*page, []string) {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	p := &page{ts: ts, t: t, lang: "ru"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		// ?nobeckon=1: the same page without the snippet (the benchmarks' baseline).
		snippet := fmt.Sprintf(`<script async src="%s/embed.js" data-site="%s"></script>`, ts.Base, p.key)
		if q.Get("nobeckon") != "" {
			snippet = ""
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Котлы</title><link rel="icon" href="data:,">
<script>window.beckon=window.beckon||function(){(beckon.q=beckon.q||[]).push(arguments)};
window.__trace=[];beckon('on','*',function(n,d){__trace.push(n+' '+(d&&d.id||'')+' '+(d&&d.trigger||''))})</script>
%s
<style>body{margin:0;padding:24px;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}
.tall{height:%spx;background:linear-gradient(#f8fafc,#dbeafe)}</style></head>
<body><h1>Котлы и отопление</h1><p>Газовые и электрические котлы с монтажом.</p>
<p><input id="search" placeholder="Поиск" aria-label="Поиск"> <button id="other">Каталог</button></p>
<div class="tall"></div></body></html>`, html.EscapeString(q.Get("lang")), snippet, orDefault(q.Get("height"), "3000"))
	}))
	t.Cleanup(srv.Close)
	site := ts.CreateSite("Котлы", srv.URL)
	p.siteID, p.key, p.origin = site["id"].(string), site["key"].(string), srv.URL
	var ids []string
	for _, b := range bodies {
		ids = append(ids, ts.CreateWidget(p.siteID, b)["id"].(string))
	}
	ctx, problems := servertest.Browser(t)
	t.Cleanup(func() { servertest.NoProblems(t, problems()) })
	servertest.ReduceMotion(ctx, t)
	// The engine's clock: clockStart plus localStorage "test_now"; every
	// reading counted, so a test knows the engine has looked again.
	servertest.OnNewDocument(ctx, t, clockScript)
	p.ctx = ctx
	return p, ids
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// visit opens path on the owner's page at a desktop's size and waits until
// the engine runs and the quizzes told it they are ready.
func (p *page) visit(path string, ids ...string) {
	p.t.Helper()
	p.visitAt(path, 1280, 800, ids...)
}

func (p *page) visitAt(path string, width, height int64, ids ...string) {
	p.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	opts := []chromedp.EmulateViewportOption{}
	if width < 768 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, height, opts...), chromedp.Navigate(p.origin+path+sep+"lang="+p.lang)); err != nil {
		p.t.Fatal(err)
	}
	for _, id := range ids {
		p.waitTrace("trigger:ready " + id)
	}
}

// eval runs js in the page and returns its value.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// trace is what the engine and the widgets said, as "name id trigger".
func (p *page) trace() []string { return eval[[]string](p, `window.__trace || []`) }

// waitFor polls cond until it holds, failing after 15 s with what.
func (p *page) waitFor(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s in 15 s; trace: %q", what, p.trace())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// waitTrace waits for an entry of the trace starting with prefix.
func (p *page) waitTrace(prefix string) {
	p.t.Helper()
	p.waitFor(prefix, func() bool { return p.traced(prefix) > 0 })
}

// traced counts the entries of the trace starting with prefix.
func (p *page) traced(prefix string) int {
	n := 0
	for _, e := range p.trace() {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}

// setClock moves the engine's clock to offset past clockStart and waits
// until the engine has looked at it again: on a page nobody touches, only
// the engine's tick (once a second) reads the clock, so two reads after
// the move mean a whole tick saw the new time.
func (p *page) setClock(offset time.Duration) {
	p.t.Helper()
	from := eval[int](p, fmt.Sprintf(`localStorage.setItem('test_now', '%d'), window.__reads`, offset.Milliseconds()))
	p.waitFor("engine tick", func() bool { return eval[int](p, `window.__reads`) >= from+2 })
}

// open reports whether the quiz id is on screen.
func (p *page) open(id string) bool {
	return eval[bool](p, fmt.Sprintf(`(() => { const d = document.querySelector('beckon-root').shadowRoot.getElementById(%q);
  return !!d && !d.closest('.shade').hidden && d.getBoundingClientRect().height > 0; })()`, "bkqz-"+id))
}

// waitOpen waits until quiz id is on screen.
func (p *page) waitOpen(id string) {
	p.t.Helper()
	p.waitFor("quiz "+id+" on screen", func() bool { return p.open(id) })
}

// shadowClick clicks sel in the widgets' shadow root with the mouse.
func (p *page) shadowClick(sel string) {
	p.t.Helper()
	p.waitFor(sel, func() bool {
		return eval[bool](p, fmt.Sprintf(`!!document.querySelector('beckon-root').shadowRoot.querySelector(%q)`, sel))
	})
	servertest.ClickInShadow(p.ctx, p.t, sel)
}

// closeQuiz closes the open quiz with Esc, as a visitor would.
func (p *page) closeQuiz(id string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\x1b")); err != nil {
		p.t.Fatal(err)
	}
	p.waitFor("quiz "+id+" closed", func() bool { return !p.open(id) })
}

// mouse moves the pointer through the points, as a visitor's hand would.
func (p *page) mouse(points ...[2]float64) {
	p.t.Helper()
	for _, pt := range points {
		if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pt[0], pt[1])); err != nil {
			p.t.Fatal(err)
		}
	}
}

// wheel scrolls the page with the mouse wheel until it is scrolled to
// percent of its height (the bottom of the window at percent), and waits
// until the browser has drawn it there.
func (p *page) wheel(percent float64) {
	p.t.Helper()
	target := eval[float64](p, fmt.Sprintf(`document.documentElement.scrollHeight * %f / 100 - innerHeight`, percent))
	for i := 0; i < 200; i++ {
		y := eval[float64](p, `scrollY`)
		if y >= target-1 {
			return
		}
		p.wheelOnce(min(target-y, 300))
		p.waitFor("the page scrolled", func() bool { return eval[float64](p, `scrollY`) > y })
	}
	p.t.Fatalf("could not scroll to %.0f%%", percent)
}

// wheelOnce turns the mouse wheel once by dy pixels (negative: up).
func (p *page) wheelOnce(dy float64) {
	p.t.Helper()
	// Chromium wants both deltas, and the params leave out a zero:
	// a sideways hundredth of a pixel on a page that cannot scroll sideways.
	_, err := chromedp.Call(p.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: input.DispatchMouseEventTypeMouseWheel, X: 100, Y: 300, DeltaX: 0.01, DeltaY: dy})
	if err != nil {
		p.t.Fatal(err)
	}
}
