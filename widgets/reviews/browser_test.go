package reviews_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// shop is a site with three reviews widgets (floating with JSON-LD, an
// inline carousel, an inline badge) and the owner's page that embeds them.
type shop struct {
	*env
	page                            string
	floating, carousel, badge, list string
}

const earlier = "rating,text,name,date\n" +
	"5,\"Котёл привезли за два дня, монтажник всё объяснил.\",Марина,2024-03-02\n" +
	"4,\"Хороший бойлер, но инструкция только на английском.\",Тарас,2024-05-17\n" +
	"2,\"Долго ждал ответа по гарантии.\",Олег,2024-06-01\n"

func newShop(t *testing.T) *shop {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{OwnPublicURL: true})
	s := &shop{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Котлы и бойлеры</title><link rel="icon" href="data:,">
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}main{padding:20px;max-width:760px}
#carousel{min-height:300px;margin:16px 0}#badge{min-height:60px}#list{min-height:400px}</style></head>
<body><main data-beckon-about="%s"><h1>Котёл Ariston 24 кВт</h1><div id="badge"></div><p>%s</p><div id="carousel"></div><p id="last">%s</p><div id="list"></div></main></body></html>`,
			html.EscapeString(r.URL.Query().Get("lang")), ts.Base, s.siteKey, html.EscapeString(r.URL.Query().Get("about")), strings.Repeat("Надёжный котёл для дома. ", 10), strings.Repeat("Доставка по всей стране. ", 12))
	}))
	t.Cleanup(srv.Close)
	site := ts.CreateSite("Котлы", srv.URL, origin)
	s.env = &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	s.page = srv.URL
	s.floating = s.widget(`{"json_ld":true,"json_ld_name":"Котлы"}`)
	s.carousel = s.widget(`{"placement":"inline","selector":"#carousel","layout":"carousel","mode":"show","color":"#16a34a"}`)
	s.badge = s.widget(`{"placement":"inline","selector":"#badge","layout":"badge","mode":"show"}`)
	s.list = s.widget(`{"placement":"inline","selector":"#list","mode":"show","min_rating_shown":3,"title":"Что говорят покупатели"}`)
	for _, wid := range []string{s.floating, s.carousel, s.badge, s.list} {
		r := s.Admin("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+wid+"/reviews/import", earlier, "Content-Type", "text/csv")
		servertest.ExpectStatus(t, r, http.StatusCreated)
	}
	return s
}

func (s *shop) visit(t *testing.T, ctx context.Context, vp servertest.Viewport) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(s.page+"/?lang="+vp.Lang)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the widgets loaded", `(() => { const r = document.querySelector('beckon-root'); const b = document.querySelector('#badge beckon-reviews');
	  return r && r.shadowRoot.querySelector('.launch b') && b && b.shadowRoot.querySelector('.badge b') && document.querySelector('#carousel beckon-reviews') })()`)
}

// rootJS runs expr with s bound to Beckon's shared shadow root (null
// before the loader made it).
func rootJS(expr string) string {
	return `(() => { const h = document.querySelector('beckon-root'); const s = h && h.shadowRoot; if (!s) return null; return (` + expr + `); })()`
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitJS polls cond until it is true, for up to 10 s.
func waitJS(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	// What is not on the page yet reads as false.
	for !evalJS[bool](t, ctx, "(() => { try { return !!("+cond+") } catch (e) { return false } })()") {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(30 * time.Millisecond) // polling the page until a deadline
	}
}

func typeInto(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	evalJS[bool](t, ctx, rootJS(fmt.Sprintf(`(s.querySelector(%q).focus(), true)`, sel)))
	if err := chromedp.Do(ctx, chromedp.KeyEvent(text)); err != nil {
		t.Fatal(err)
	}
}

// jsonLD is the page's JSON-LD, parsed.
func jsonLD(t *testing.T, ctx context.Context) map[string]any {
	t.Helper()
	raw := evalJS[string](t, ctx, `(document.querySelector('head script[type="application/ld+json"]') || {}).textContent || ''`)
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("the JSON-LD is not valid JSON: %v: %q", err, raw)
	}
	return v
}

// TestReviewsInTheBrowser: on a desktop and a 360-px phone, a visitor
// writes a review with the keyboard and the mouse; it is not shown (nor in
// the JSON-LD) until the owner publishes it through the admin API; then it
// is shown with the owner's answer, and the badge and the JSON-LD count
// it. The inline carousel and badge sit in the page's elements without
// moving the page.
func TestReviewsInTheBrowser(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	s := newShop(t)
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			s.t = t // the env's helpers fail this subtest
			ctx, problems := servertest.Browser(t)
			servertest.ReduceMotion(ctx, t)
			servertest.OnNewDocument(ctx, t, `window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});`)
			s.visit(t, ctx, vp)
			before := s.shown(s.floating, "")
			wantCount := fmt.Sprint(before.Count)

			// The badge shows the real average and count of the published reviews.
			badge := evalJS[string](t, ctx, `document.querySelector('#badge beckon-reviews').shadowRoot.querySelector('.badge').textContent`)
			avg := strings.Replace(fmt.Sprintf("%.1f", s.shown(s.badge, "").Average), ".", ",", 1)
			if !strings.Contains(badge, avg) || !strings.Contains(badge, "3") {
				t.Fatalf("badge reads %q, want the average %s and 3 reviews", badge, avg)
			}
			ld := jsonLD(t, ctx)
			agg, _ := ld["aggregateRating"].(map[string]any)
			if fmt.Sprint(agg["ratingCount"]) != wantCount || ld["@type"] != "Organization" || ld["name"] != "Котлы" {
				t.Fatalf("JSON-LD %v: the %s published reviews of the widget", ld, wantCount)
			}
			if n := evalJS[int](t, ctx, `document.querySelectorAll('head script[type="application/ld+json"]').length`); n != 1 {
				t.Fatalf("%d JSON-LD scripts, want the floating widget's one", n)
			}
			servertest.ScreenshotViewport(ctx, t, "reviews-inline-"+vp.Name)
			// The list filtered to 3 ★ and above says so, and leaves out Oleg's 2 ★ only.
			list := `document.querySelector('#list beckon-reviews').shadowRoot`
			waitJS(t, ctx, "the list shown", list+`.querySelectorAll('.rv').length === 2`)
			if note := evalJS[string](t, ctx, list+`.querySelector('.note').textContent`); !strings.Contains(note, "3 ★") {
				t.Fatalf("the filtered list's note reads %q", note)
			}
			if strings.Contains(evalJS[string](t, ctx, list+`.textContent`), "Олег") {
				t.Fatal("a 2-star review is in a list filtered to 3 ★ and above")
			}
			servertest.Screenshot(ctx, t, "reviews-page-"+vp.Name)
			// The carousel: the next review with the button.
			evalJS[bool](t, ctx, `(document.querySelector('#carousel beckon-reviews').shadowRoot.querySelectorAll('.nav button')[1].click(), true)`)
			waitJS(t, ctx, "the carousel moved", `document.querySelector('#carousel beckon-reviews').shadowRoot.querySelector('.pos').textContent.startsWith('2 /')`)

			// The visitor opens the panel and writes a review.
			servertest.ClickInShadow(ctx, t, ".launch")
			waitJS(t, ctx, "the panel opened", rootJS(`!s.querySelector('.shade').hidden`))
			servertest.ClickInShadow(ctx, t, ".panel .row .primary")
			uid := "bkrv-" + s.floating
			waitJS(t, ctx, "the form shown", rootJS(fmt.Sprintf(`s.querySelector('label[for="%s-r2"]')`, uid)))
			// Sending with no rating: the form says what is missing and keeps the focus there.
			servertest.ClickInShadow(ctx, t, ".panel form button[type=submit]")
			waitJS(t, ctx, "the missing rating named", rootJS(`s.querySelector('.panel form .err[role=alert]').textContent.length > 0`))
			// The stars are a radio group: the keyboard picks 1, then 2.
			evalJS[bool](t, ctx, rootJS(fmt.Sprintf(`(s.querySelector('#%s-r1').focus(), true)`, uid)))
			if err := chromedp.Do(ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent(kb.ArrowRight)); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, "two stars chosen with the keyboard", rootJS(fmt.Sprintf(`s.querySelector('#%s-r2').checked && s.querySelectorAll('.panel .rate label.on').length === 2`, uid)))
			text := fmt.Sprintf("Монтаж на %s затянули на неделю.", vp.Name)
			typeInto(t, ctx, "#"+uid+"-x", text)
			typeInto(t, ctx, "#"+uid+"-n", "Виктор")
			servertest.ClickInShadow(ctx, t, "#"+uid+"-c")
			servertest.ScreenshotViewport(ctx, t, "reviews-form-"+vp.Name)
			servertest.ClickInShadow(ctx, t, ".panel form button[type=submit]")
			waitJS(t, ctx, "the thanks shown", rootJS(`s.querySelector('.panel .ok')`))
			servertest.ScreenshotViewport(ctx, t, "reviews-thanks-"+vp.Name)

			// Pending: the owner sees it, visitors and search engines do not.
			pending := s.inbox("?status=pending&widget=" + s.floating)
			if len(pending) != 1 || pending[0]["text"] != text || pending[0]["rating"] != 2.0 || pending[0]["name"] != "Виктор" {
				t.Fatalf("pending inbox %v, want the review just written", pending)
			}
			if got := s.shown(s.floating, ""); got.Count != before.Count {
				t.Fatalf("a pending review is counted: %d, want %d", got.Count, before.Count)
			}
			rid := pending[0]["id"].(string)
			servertest.ExpectStatus(t, s.act("POST", rid, "publish", nil), http.StatusOK)
			answer := "Виктор, простите за задержку: вернули стоимость монтажа."
			servertest.ExpectStatus(t, s.act("PUT", rid, "answer", map[string]any{"text": answer}), http.StatusOK)

			s.visit(t, ctx, vp)
			ld = jsonLD(t, ctx)
			agg, _ = ld["aggregateRating"].(map[string]any)
			reviews, _ := ld["review"].([]any)
			if fmt.Sprint(agg["ratingCount"]) != fmt.Sprint(before.Count+1) || len(reviews) != before.Count+1 {
				t.Fatalf("JSON-LD after publishing: %v", ld)
			}
			first, _ := reviews[0].(map[string]any)
			if first["reviewBody"] != text {
				t.Fatalf("JSON-LD's newest review %v, want the published one", first)
			}
			servertest.ClickInShadow(ctx, t, ".launch")
			waitJS(t, ctx, "the panel lists the new review with its answer", rootJS(fmt.Sprintf(
				`[...s.querySelectorAll('.panel .rv')].some(li => li.querySelector('.body').textContent === %q && li.querySelector('.ans p').textContent === %q)`, text, answer)))
			launch := evalJS[string](t, ctx, rootJS(`s.querySelector('.launch').getAttribute('aria-label')`))
			if !strings.Contains(launch, fmt.Sprint(before.Count+1)) {
				t.Errorf("the badge's label %q does not count %d reviews", launch, before.Count+1)
			}
			servertest.ScreenshotViewport(ctx, t, "reviews-panel-"+vp.Name)
			if !evalJS[bool](t, ctx, rootJS(`s.querySelector('.panel').contains(s.activeElement)`)) {
				t.Error("the focus is not in the panel once it opened")
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, "Esc closed the panel", rootJS(`s.querySelector('.shade').hidden`))
			if cls := evalJS[float64](t, ctx, `window.__cls`); cls > 0.01 {
				t.Errorf("the page's layout shifted: CLS %v", cls)
			}
			if vp.Name == "desktop" {
				s.requestLink(t, ctx, vp)
				s.productPage(t, ctx)
			}
			servertest.NoProblems(t, problems())
		})
	}
}

// requestLink: a buyer opens the owner's request link; the form opens by
// itself, names the order and has the name filled in; the review is
// verified. The same link again says it was used, before anyone writes.
func (s *shop) requestLink(t *testing.T, ctx context.Context, vp servertest.Viewport) {
	t.Helper()
	r := s.Admin("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+s.floating+"/review-requests", map[string]any{"order_id": "A-77", "name": "Алла", "page_url": s.page + "/?lang=ru"})
	servertest.ExpectStatus(t, r, http.StatusCreated)
	link := r.JSON(t)["url"].(string)
	uid := "bkrv-" + s.floating
	for round := range 2 {
		if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		if round == 1 {
			waitJS(t, ctx, "the used link is told at once", rootJS(`!s.querySelector('.shade').hidden && !s.querySelector('.panel form') && s.querySelector('.panel .ok[role=status]')`))
			servertest.ScreenshotViewport(ctx, t, "reviews-link-used-"+vp.Name)
			return
		}
		waitJS(t, ctx, "the form opened for the order", rootJS(`!s.querySelector('.shade').hidden && s.querySelector('.panel form') && s.querySelector('.panel form .note').textContent.includes('A-77')`))
		if name := evalJS[string](t, ctx, rootJS(fmt.Sprintf(`s.querySelector('#%s-n').value`, uid))); name != "Алла" {
			t.Fatalf("the name field holds %q, want the link's Алла", name)
		}
		servertest.ClickInShadow(ctx, t, fmt.Sprintf(`label[for="%s-r5"]`, uid))
		typeInto(t, ctx, "#"+uid+"-x", "Всё отлично, спасибо!")
		// A photo from the visitor's disk: uploaded when chosen, shown as a thumbnail.
		file := filepath.Join(t.TempDir(), "boiler.png")
		if err := os.WriteFile(file, picture(t, 900, 600, "png"), 0o644); err != nil {
			t.Fatal(err)
		}
		input := `document.querySelector('beckon-root').shadowRoot.querySelector('#` + uid + `-p')`
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.JSPath(input), []string{file})); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the photo's thumbnail", rootJS(`s.querySelector('.panel .thumb:not([hidden]) img')`))
		servertest.ClickInShadow(ctx, t, "#"+uid+"-c")
		servertest.ScreenshotViewport(ctx, t, "reviews-link-form-"+vp.Name)
		servertest.ClickInShadow(ctx, t, ".panel form button[type=submit]")
		waitJS(t, ctx, "the thanks shown", rootJS(`s.querySelector('.panel .ok')`))
		var verified []string
		for _, rv := range s.inbox("?status=pending&widget=" + s.floating) {
			if rv["verified"] == true && rv["order_id"] == "A-77" && rv["rating"] == 5.0 && rv["photo_id"] != nil {
				verified = append(verified, rv["id"].(string))
			}
		}
		if len(verified) != 1 {
			t.Fatalf("%d verified reviews of order A-77 pending, want 1", len(verified))
		}
		// Published (out of the way of the phone's round, which counts
		// pending reviews): its photo is served, and the phone shows it.
		servertest.ExpectStatus(t, s.act("POST", verified[0], "publish", nil), http.StatusOK)
		list := s.shown(s.floating, "")
		photo := ""
		for _, rv := range list.Reviews {
			if rv.ID == verified[0] && rv.Verified {
				photo = rv.PhotoURL
			}
		}
		got := s.env.visit("GET", strings.TrimPrefix(photo, "/w/v1/"+s.siteKey), nil)
		if photo == "" || got.Status != http.StatusOK || got.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("the published review's photo %q: %d %s", photo, got.Status, got.Header.Get("Content-Type"))
		}
	}
}

// productPage: on a product's page (data-beckon-about="sku-7") the
// floating widget shows that product's reviews (none yet: no count, no
// JSON-LD) and a review written there is about it.
func (s *shop) productPage(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.page+"/?lang=ru&about=sku-7")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the launcher shown", rootJS(`s.querySelector('.launch')`))
	servertest.ClickInShadow(ctx, t, ".launch")
	waitJS(t, ctx, "the panel says there are no reviews of the product", rootJS(`!s.querySelector('.shade').hidden && s.querySelector('.panel .empty')`))
	if n := evalJS[int](t, ctx, `document.querySelectorAll('head script[type="application/ld+json"]').length`); n != 0 {
		t.Fatalf("%d JSON-LD scripts for a product without reviews, want none", n)
	}
	servertest.ClickInShadow(ctx, t, ".panel .row .primary")
	uid := "bkrv-" + s.floating
	waitJS(t, ctx, "the form shown", rootJS(fmt.Sprintf(`s.querySelector('label[for="%s-r4"]')`, uid)))
	servertest.ClickInShadow(ctx, t, fmt.Sprintf(`label[for="%s-r4"]`, uid))
	typeInto(t, ctx, "#"+uid+"-x", "Тихо работает.")
	typeInto(t, ctx, "#"+uid+"-n", "Ира")
	servertest.ClickInShadow(ctx, t, "#"+uid+"-c")
	servertest.ClickInShadow(ctx, t, ".panel form button[type=submit]")
	waitJS(t, ctx, "the thanks shown", rootJS(`s.querySelector('.panel .ok')`))
	got := s.inbox("?about=sku-7")
	if len(got) != 1 || got[0]["text"] != "Тихо работает." {
		t.Fatalf("reviews about sku-7: %v, want the one written on its page", got)
	}
	// Out of the way of the phone's round, which counts pending reviews.
	servertest.ExpectStatus(t, s.act("POST", got[0]["id"].(string), "hide", nil), http.StatusOK)
}
