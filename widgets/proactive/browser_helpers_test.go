package proactive_test

// Helpers of the browser tests: an owner's page whose site has the
// callback button (bottom right), a quiz launcher (bottom left) and
// proactive messages, and probes of the widgets' shadow DOM.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// shopPage is a site with the callback, a quiz and proactive messages, and
// the owner's page that embeds it.
type shopPage struct {
	*env
	origin   string
	callback string // the callback widget's id
	ids      []string
}

func newShopPage(t *testing.T) *shopPage {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{OwnPublicURL: true})
	p := &shopPage{}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Котлы</title><link rel="icon" href="data:,">
<script>window.beckon=window.beckon||function(){(window.beckon.q=window.beckon.q||[]).push(arguments)};</script>
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}header{background:#0f172a;color:#fff;padding:12px 20px}
main{padding:20px;max-width:760px}p{margin:0 0 14px}</style></head>
<body><header>Котлы и отопление</header><main><p><button id="here">Каталог</button> <input id="search" aria-label="Поиск" placeholder="Поиск"></p><p id="text">%s</p></main></body></html>`,
			html.EscapeString(r.URL.Query().Get("lang")), ts.Base, p.siteKey,
			html.EscapeString(fmt.Sprint(repeat("Газовые и электрические котлы с монтажом под ключ. ", 30))))
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Котлы", page.URL)
	p.env = &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	p.origin = page.URL
	p.callback = p.CreateWidget(p.siteID, map[string]any{"type": "callback", "settings": json.RawMessage(
		`{"position":"bottom-right","color":"#16a34a","managers":[{"name":"Анна","phone":"+79000000010"}]}`)})["id"].(string)
	p.CreateWidget(p.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(`{"launcher":{"position":"bottom-left",
	  "label":{"ru":"Подобрать котёл","uk":"Підібрати котел","en":"Find a boiler"}},
	  "steps":[{"id":"area","type":"text","title":{"ru":"Площадь дома?","uk":"Площа будинку?","en":"House area?"}}]}`)})
	return p
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// add makes a proactive message of the site from settings (a JSON object).
func (p *shopPage) add(settings string) string {
	p.t.Helper()
	id := p.proactive(settings)
	p.ids = append(p.ids, id)
	return id
}

// visitPage opens the owner's page in lang at the viewport and waits until
// every bubble and the callback button are mounted, and with launcher the
// quiz's launcher too (it stands back for up to 3 s while a widget root of
// the page is empty, which the trigger engine's root is).
func (p *shopPage) visitPage(t *testing.T, ctx context.Context, vp servertest.Viewport, launcher bool) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	opts := []chromedp.EmulateViewportOption{}
	if vp.Width < 768 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height, opts...), chromedp.Navigate(p.origin+"/?lang="+vp.Lang)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the bubbles and the callback button on the page", fmt.Sprintf(`s && s.querySelectorAll('.bkpa .card').length === %d && s.querySelector('.bkcb .fab')`, len(p.ids)))
	if launcher {
		waitFor(t, ctx, "the quiz launcher on the page", `s.querySelector('.bkqz .launch') && !s.querySelector('.bkqz .launch').hidden`)
	}
}

// show asks the trigger engine to show bubble i (its manual trigger) until
// it is on screen: the engine loads after the bundles.
func show(t *testing.T, ctx context.Context, p *shopPage, i int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("bubble %d shown by its trigger", i),
		fmt.Sprintf(`(window.beckon('show', %q), %s)`, p.ids[i], shown(i)))
}

// card is the JS expression of bubble i.
func card(i int) string {
	return fmt.Sprintf(`s.querySelectorAll('.bkpa .card')[%d]`, i)
}

// shown is the JS condition "bubble i is on screen".
func shown(i int) string {
	return fmt.Sprintf(`(() => { const c = %s; return c && !c.hidden && c.getBoundingClientRect().height > 0; })()`, card(i))
}

// inShadow runs expr with s bound to the widgets' shadow root (null
// before the loader made it).
func inShadow(expr string) string {
	return `(() => { const h = document.querySelector('beckon-root'); const s = h && h.shadowRoot; return (` + expr + `); })()`
}

func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](inShadow(expr)))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls cond (in the shadow root's scope) until it holds, for up
// to 10 s.
func waitFor(t testing.TB, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](inShadow(`!!(`+cond+`)`)))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(30 * time.Millisecond) // polling the page until a deadline
	}
}

func keys(t testing.TB, ctx context.Context, k string, opts ...chromedp.KeyOption) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k, opts...)); err != nil {
		t.Fatal(err)
	}
}

// typeInto types text into the element el (a JS expression) as a keyboard does.
func typeInto(t testing.TB, ctx context.Context, el, text string) {
	t.Helper()
	eval[bool](t, ctx, `(`+el+`.focus(), true)`)
	keys(t, ctx, text)
}

// rect is the JS expression of el's box as [x, y, w, h].
func rect(el string) string {
	return `(() => { const r = ` + el + `.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`
}

// overlap reports whether two [x, y, w, h] boxes share any point.
func overlap(a, b []float64) bool {
	return a[0] < b[0]+b[2] && b[0] < a[0]+a[2] && a[1] < b[1]+b[3] && b[1] < a[1]+a[3]
}
