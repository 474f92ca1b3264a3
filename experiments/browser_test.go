package experiments_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/server/servertest"
)

// titles of the pop-up's two variants, in Russian (the page's language).
var titles = []string{"Скидка 10% на первый заказ", "Скидка 15% на первый заказ"}

// TestVariantIsStickyAcrossReloads: a visitor sees one variant of the
// pop-up on every page view; a visitor of the other variant sees the
// other. The variant comes from the visitor id the loader keeps, through
// /config, with no state of the page's own.
func TestVariantIsStickyAcrossReloads(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	var siteKey string
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Магазин</title><link rel="icon" href="data:,">
<script>window.beckon=window.beckon||function(){(window.beckon.q=window.beckon.q||[]).push(arguments)};beckon('open','popup');</script>
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}main{padding:20px;max-width:760px}</style></head>
<body><main><h1>Котлы и бойлеры</h1><p>Доставка по всей стране, гарантия пять лет.</p></main></body></html>`, ts.Base, siteKey)
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Магазин", page.URL)
	siteID := site["id"].(string)
	siteKey = site["key"].(string)
	wid := ts.CreateWidget(siteID, map[string]any{"type": "popup", "settings": json.RawMessage(`{"title":{"ru":"` + titles[0] + `","uk":"Знижка 10% на перше замовлення","en":"10% off your first order"},
		"text":{"ru":"Оставьте телефон — пришлём код.","uk":"Залиште телефон — надішлемо код.","en":"Leave your phone, we'll send the code."},
		"color":"#16a34a","form":{"fields":[{"name":"phone","required":true}]}}`)})["id"].(string)
	r := ts.Admin("PUT", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/experiment", `{"variants":[{"id":"control","weight":50},
		{"id":"b","weight":50,"settings":{"title":{"ru":"`+titles[1]+`","uk":"Знижка 15% на перше замовлення","en":"15% off your first order"},"color":"#dc2626"}}]}`)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var res experiments.Results
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}

	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	view := func(vp servertest.Viewport) (visitor, title string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(page.URL+"/")); err != nil {
			t.Fatal(err)
		}
		title = waitTitle(t, ctx)
		visitor, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('beckon_vid')`))
		if err != nil {
			t.Fatal(err)
		}
		return visitor, title
	}
	desktop, phone := servertest.DesktopAndPhone[0], servertest.DesktopAndPhone[1]
	first, title := view(desktop)
	want := experiments.Assign(res.Experiment, first)
	if title != titles[want] {
		t.Fatalf("visitor %s of variant %d sees %q", first, want, title)
	}
	servertest.Screenshot(ctx, t, fmt.Sprintf("experiment-%s-desktop", res.Experiment.Variants[want].ID))
	for range 2 {
		if v, again := view(desktop); v != first || again != title {
			t.Fatalf("after a reload visitor %s sees %q; before it was %s seeing %q", v, again, first, title)
		}
	}
	// The same browser as a visitor of the other variant.
	other := visitorIn(t, res.Experiment, 1-want)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`localStorage.setItem('beckon_vid', '`+other+`'), true`)); err != nil {
		t.Fatal(err)
	}
	v, otherTitle := view(desktop)
	if v != other || otherTitle != titles[1-want] {
		t.Fatalf("visitor %s of variant %d sees %q", v, 1-want, otherTitle)
	}
	servertest.Screenshot(ctx, t, fmt.Sprintf("experiment-%s-desktop", res.Experiment.Variants[1-want].ID))
	if _, phoneTitle := view(phone); phoneTitle != otherTitle {
		t.Fatalf("on a phone the visitor sees %q", phoneTitle)
	}
	servertest.ScreenshotViewport(ctx, t, fmt.Sprintf("experiment-%s-phone", res.Experiment.Variants[1-want].ID))
	servertest.NoProblems(t, problems())

	got := map[string]int64{}
	for _, v := range (func() experiments.Results {
		r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid+"/experiment", nil)
		var res experiments.Results
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
		return res
	})().Variants {
		got[v.ID] = v.Exposures
	}
	if got["control"] != 1 || got["b"] != 1 {
		t.Fatalf("exposures %v after two visitors' page views, want one each", got)
	}
}

// waitTitle waits for the pop-up to show and returns its heading.
func waitTitle(t *testing.T, ctx context.Context) string {
	t.Helper()
	const probe = `(() => { const h = document.querySelector('beckon-root'); const s = h && h.shadowRoot;
  const b = s && s.querySelector('.bkpp .box'); const h2 = b && b.querySelector('h2');
  return b && !b.parentElement.hidden && b.getBoundingClientRect().height > 0 && h2 ? h2.textContent : ''; })()`
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		title, err := chromedp.Run(ctx, chromedp.Evaluate[string](probe))
		if err != nil {
			t.Fatal(err)
		}
		if title != "" {
			return title
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the pop-up did not show in 10 s")
	return ""
}
