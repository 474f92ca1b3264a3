package multibutton_test

// Helpers of the browser tests: the owner's page that embeds the site, and
// probes of the widgets' shadow DOM.

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// shopPage is a site and the owner's page embedding it: a long article
// under a sticky header.
type shopPage struct {
	*env
	origin string
}

func newShopPage(t *testing.T) *shopPage {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{OwnPublicURL: true})
	p := &shopPage{}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><link rel="icon" href="data:,">
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}header{position:sticky;top:0;background:#0f172a;color:#fff;padding:12px 20px}
main{padding:20px;max-width:760px}p{margin:0 0 14px}</style></head>
<body><header>Магазин котлов</header><main><p>%s</p><p id="last">%s</p></main></body></html>`,
			html.EscapeString(r.URL.Query().Get("lang")), ts.Base, p.siteKey,
			strings.Repeat("Котлы, бойлеры и всё для отопления дома. ", 30), strings.Repeat("Гарантия пять лет. ", 40))
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Котлы", page.URL)
	p.env = &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	p.origin = page.URL
	return p
}

// visitPage opens the page in the viewport's language and size.
func (p *shopPage) visitPage(t *testing.T, ctx context.Context, vp servertest.Viewport) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(p.origin+"/?lang="+vp.Lang)); err != nil {
		t.Fatal(err)
	}
}

// inShadow runs expr with s bound to the widgets' shadow root.
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

func keys(t testing.TB, ctx context.Context, k string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
		t.Fatal(err)
	}
}

// JS probes of the shadow DOM.
const (
	// floating lists the buttons fixed on screen (every widget's launcher).
	floating = `[...s.querySelectorAll('button')].filter(b => getComputedStyle(b).position === 'fixed' && b.getBoundingClientRect().width > 0)`
	fanOpen  = `(() => { const f = s.querySelector('.bkmb .fan'); return f && !f.hidden && f.getBoundingClientRect().height > 0; })()`
	fanItems = `[...s.querySelectorAll('.bkmb .fan .item')]`
	// activeIs names the focused element of the shadow root.
	active = `(s.activeElement ? s.activeElement.className : '')`
)

// item is the JS expression of the fan item whose label starts with text.
func item(text string) string {
	return fmt.Sprintf(`%s.find(i => i.querySelector('.lbl').textContent.startsWith(%q))`, fanItems, text)
}
