package popup_test

// Helpers of the browser tests: a site with pop-ups and a page of the
// owner's that embeds it, the pop-ups' image answered by the browser
// itself (an https host, as settings require), and probes of the shadow
// DOM.

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// imageURL is the pop-ups' picture; the browser answers it (serveImage).
const imageURL = "https://img.popup.test/sale.png"

// shopPage is a site with pop-ups and the owner's page embedding it: a
// long article, a fixed header the bar must not move, and one button
// per pop-up that opens it through the page API.
type shopPage struct {
	*env
	origin string
	ids    []string
}

// newShopPage makes the site and the page; add makes its pop-ups.
func newShopPage(t *testing.T) *shopPage {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{OwnPublicURL: true})
	p := &shopPage{}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buttons strings.Builder
		for i, id := range p.ids {
			fmt.Fprintf(&buttons, `<button id="open%d" onclick="beckon('open','%s')">Open %d</button> `, i, html.EscapeString(id), i)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><link rel="icon" href="data:,">
<script>window.beckon=window.beckon||function(){(window.beckon.q=window.beckon.q||[]).push(arguments)};</script>
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}header{position:sticky;top:0;background:#0f172a;color:#fff;padding:12px 20px}
main{padding:20px;max-width:760px}p{margin:0 0 14px}button{font:inherit;padding:8px 12px;margin:0 6px 6px 0}</style></head>
<body><header id="head">Магазин котлов</header><main><p>%s</p><p id="text">%s</p><p>%s</p><p id="last">%s</p></main></body></html>`,
			html.EscapeString(r.URL.Query().Get("lang")), ts.Base, p.siteKey, buttons.String(),
			strings.Repeat("Котлы, бойлеры и всё для отопления дома. ", 12), strings.Repeat("Доставка по всей стране. ", 20),
			strings.Repeat("Гарантия пять лет. ", 20))
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Котлы", page.URL)
	p.env = &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	p.origin = page.URL
	return p
}

// add makes a pop-up of the site from settings (a JSON object).
func (p *shopPage) add(settings string) {
	p.t.Helper()
	p.ids = append(p.ids, p.popup(settings))
}

// visitPage opens the owner's page in lang at the viewport and waits for
// every pop-up bundle to be mounted.
func (p *shopPage) visitPage(t *testing.T, ctx context.Context, vp servertest.Viewport) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(p.origin+"/?lang="+vp.Lang)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the pop-ups mounted", fmt.Sprintf(`s && s.querySelectorAll('.bkpp').length === %d`, len(p.ids)))
}

// serveImage answers imageURL with a 600×400 picture, as an https host would.
func serveImage(t *testing.T, ctx context.Context) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for y := range 400 {
		for x := range 600 {
			img.Set(x, y, color.RGBA{uint8(240 - y/4), uint8(120 + x/10), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go func() {
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 200,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "image/png"}}, Body: buf.Bytes()})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://img.popup.test/*"}}}); err != nil {
		t.Fatal(err)
	}
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

// box is the JS expression of pop-up i's dialog.
func box(i int) string {
	return fmt.Sprintf(`s.querySelectorAll('.bkpp')[%d].querySelector('.box')`, i)
}

// shown is the JS condition "pop-up i is on screen".
func shown(i int) string {
	return fmt.Sprintf(`(() => { const b = %s; return b && !b.parentElement.hidden && b.getBoundingClientRect().height > 0; })()`, box(i))
}
