package game_test

// Helpers of the browser tests: the owner's page that embeds the site,
// and probes of the widgets' shadow DOM.

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

// shopPage is a site with one game and the owner's page embedding it.
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
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}header{background:#0f172a;color:#fff;padding:12px 20px}main{padding:20px;max-width:760px}</style></head>
<body><header>Магазин котлов</header><main><p>%s</p></main></body></html>`,
			html.EscapeString(r.URL.Query().Get("lang")), ts.Base, p.siteKey, strings.Repeat("Котлы, бойлеры и всё для отопления дома. ", 30))
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Котлы", page.URL)
	p.env = &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	p.origin = page.URL
	return p
}

// visitPage opens the owner's page in lang at the viewport and waits for
// the game to be mounted.
func (p *shopPage) visitPage(t *testing.T, ctx context.Context, vp servertest.Viewport) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(p.origin+"/?lang="+vp.Lang)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the game mounted", `s && s.querySelector('.bkgm .fab')`)
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

// typeInto puts text into the game's input name as typing would (the
// input event included).
func typeInto(t testing.TB, ctx context.Context, name, text string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const i = s.querySelector('.bkgm input[name=%q]'); i.focus(); i.value = %q; i.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, name, text))
}

// landedOn is the prize id of the wheel's sector under the pointer (at the
// top), worked out from the disc's final rotation as drawn on screen.
const landedOn = `(() => {
  const disc = s.querySelector('.bkgm .disc');
  const m = new DOMMatrix(getComputedStyle(disc).transform);
  const turned = ((Math.atan2(m.b, m.a) * 180 / Math.PI) % 360 + 360) % 360;
  const paths = disc.querySelectorAll('path');
  const seg = 360 / paths.length;
  const at = ((360 - turned) % 360 + 360) % 360;
  return paths[Math.floor(at / seg)].getAttribute('data-prize');
})()`

// visible is the JS condition "sel is on screen".
func visible(sel string) string {
	return fmt.Sprintf(`(() => { const e = s.querySelector(%q); return !!e && e.getClientRects().length > 0 && !e.closest('[hidden]'); })()`, sel)
}
