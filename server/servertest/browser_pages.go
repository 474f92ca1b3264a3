package servertest

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/widgets"
)

// Rect is an element's box as getBoundingClientRect gives it.
type Rect struct{ X, Y, W, H float64 }

func (r Rect) Bottom() float64 { return r.Y + r.H }
func (r Rect) Right() float64  { return r.X + r.W }

// NoProblems fails the test on console errors and warnings (as Browser
// collects them), except those containing one of expected.
func NoProblems(t testing.TB, problems []string, expected ...string) {
	t.Helper()
	var left []string
outer:
	for _, p := range problems {
		for _, e := range expected {
			if strings.Contains(p, e) {
				continue outer
			}
		}
		left = append(left, p)
	}
	if len(left) > 0 {
		t.Fatalf("console errors or warnings:\n%s", strings.Join(left, "\n"))
	}
}

// WidgetAnimations counts the animations running in the widgets' shadow
// root.
func WidgetAnimations(ctx context.Context, t testing.TB) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector('beckon-root').shadowRoot.getAnimations().filter(a => a.playState === 'running').length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// OwnerPage serves a page of the site owner's, on an origin of its own that
// it adds to the demo site's origins, embedding the demo site's snippet:
// GET /?lang=<html lang, none when empty>&data-lang=<on the snippet>&body=<HTML>.
// It returns the page's origin.
func OwnerPage(t testing.TB, base, siteKey string) string {
	t.Helper()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		htmlLang, dataLang := "", ""
		if l := q.Get("lang"); l != "" {
			htmlLang = fmt.Sprintf(` lang="%s"`, html.EscapeString(l))
		}
		if l := q.Get("data-lang"); l != "" {
			dataLang = fmt.Sprintf(` data-lang="%s"`, html.EscapeString(l))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html%s><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><link rel="icon" href="data:,">
<script async src="%s/embed.js" data-site="%s"%s></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif}</style></head>
<body>%s<ol id="events"></ol></body></html>`, htmlLang, base, siteKey, dataLang, q.Get("body"))
	}))
	t.Cleanup(page.Close)
	site := DemoSite(t, base)
	AdminCall(t, "PATCH", base+"/api/v1/sites/"+site, map[string]any{"origins": []string{base, page.URL}}, nil)
	return page.URL
}

// StartDemo runs a server on the embedded store with the demo site, whose
// origin is the server's own, and calls simulated at the pace of
// cmd/beckon's demo (sim.DefaultDelays, not FastCalls: a visitor watches
// the call's steps and its seconds counter): /demo as a newcomer sees it.
func StartDemo(t testing.TB) *Server {
	t.Helper()
	return Start(t, NewStore(t, "embedded"), Options{Demo: true,
		Modules: func(cfg config.Config) []widgets.Module { return Modules(cfg, sim.New(sim.DefaultDelays)) }})
}
