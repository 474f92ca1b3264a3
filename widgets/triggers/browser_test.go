package triggers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestTimeOnPage: a quiz set to open after 30 s on the page stays shut at
// 29 s of the engine's clock and opens at 30 s, by that trigger.
func TestTimeOnPage(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":30}]}`)
	q := ids[0]
	p.visit("/", q)
	p.setClock(29 * time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("shown before its time; trace %q", p.trace())
	}
	p.setClock(30 * time.Second)
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" time_on_page") != 1 {
		t.Errorf("trace %q, want one showing by time_on_page", p.trace())
	}
}

// TestExitIntent: on a desktop the quiz opens when the pointer leaves the
// window through its top edge, not through a side.
func TestExitIntent(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"exit_intent"}]}`)
	q := ids[0]
	p.visit("/", q)
	p.mouse([2]float64{600, 400}, [2]float64{300, 400}, [2]float64{0, 400}, [2]float64{-10, 400})
	p.setClock(time.Second)
	if p.open(q) {
		t.Fatalf("opened when the pointer left through the left edge; trace %q", p.trace())
	}
	p.mouse([2]float64{600, 400}, [2]float64{600, 120}, [2]float64{600, 10}, [2]float64{600, -20})
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" exit_intent") != 1 {
		t.Errorf("trace %q, want one showing by exit_intent", p.trace())
	}
}

// TestScrollDepth: a quiz set to 70 % stays shut at half the page and opens
// once the visitor has scrolled past 70 %.
func TestScrollDepth(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"scroll","percent":70}]}`)
	q := ids[0]
	p.visit("/", q)
	p.wheel(50)
	p.setClock(time.Second)
	if p.open(q) {
		t.Fatalf("opened at half the page; trace %q", p.trace())
	}
	p.wheel(75)
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" scroll") != 1 {
		t.Errorf("trace %q, want one showing by scroll", p.trace())
	}
}

// TestIdle: idle 20 s counts from the visitor's last movement: a movement
// at 19 s puts it off until 39 s.
func TestIdle(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"idle","seconds":20}]}`)
	q := ids[0]
	p.visit("/", q)
	p.setClock(19 * time.Second)
	p.mouse([2]float64{500, 300}, [2]float64{520, 310})
	p.setClock(38 * time.Second)
	if p.open(q) {
		t.Fatalf("opened 19 s after the pointer moved; trace %q", p.trace())
	}
	p.setClock(40 * time.Second)
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" idle") != 1 {
		t.Errorf("trace %q, want one showing by idle", p.trace())
	}
}

// TestTimeOnSite: time on site runs across the pages of a visit: 40 s on
// one page and 21 s on the next open a quiz set to 60 s.
func TestTimeOnSite(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_site","seconds":60}]}`)
	q := ids[0]
	p.visit("/", q)
	p.setClock(40 * time.Second)
	p.visit("/catalog", q)
	p.setClock(59 * time.Second)
	if p.open(q) {
		t.Fatalf("opened at 59 s on the site; trace %q", p.trace())
	}
	p.setClock(61 * time.Second)
	p.waitOpen(q)
}

// TestPagesViewed: the third page of a visit opens a quiz set to 3 pages.
func TestPagesViewed(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"pages_viewed","count":3}]}`, `{"on":[{"type":"manual"}]}`)
	q := ids[0]
	p.visit("/", ids...)
	p.visit("/catalog", ids...)
	p.setClock(time.Second)
	if p.open(q) {
		t.Fatalf("opened on the second page; trace %q", p.trace())
	}
	p.visit("/catalog/gas", ids...)
	p.waitOpen(q)
}

// TestManual: beckon('show', id) opens a quiz with the manual trigger, and
// not one without it (the page uses beckon('open') for that).
func TestManual(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"manual"}]}`, `{"on":[{"type":"time_on_page","seconds":600}]}`)
	p.visit("/", ids...)
	eval[any](p, fmt.Sprintf(`beckon('show', %q)`, ids[1]))
	p.setClock(time.Second)
	if p.open(ids[1]) {
		t.Fatalf("a quiz without the manual trigger opened; trace %q", p.trace())
	}
	eval[any](p, fmt.Sprintf(`beckon('show', %q)`, ids[0]))
	p.waitOpen(ids[0])
}

// manualOnly is a quiz only beckon('show') opens: beside the quiz under
// test it keeps the engine ticking after that one is shown or dropped.
const manualOnly = `{"on":[{"type":"manual"}]}`

// TestCapsAcrossReloads: with the default caps (once per visit, two
// dismissals) a quiz shows once in a visit whatever the pages, again in
// the next visit, and never after the visitor closed it twice.
func TestCapsAcrossReloads(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}]}`, manualOnly)
	q := ids[0]
	p.visit("/", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(q)
	p.closeQuiz(q)

	p.visit("/catalog", ids...) // the same visit
	p.setClock(30 * time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("shown twice in one visit; trace %q", p.trace())
	}

	p.setClock(time.Hour) // 30 minutes without a page view end the visit
	p.visit("/", ids...)
	p.setClock(time.Hour + 6*time.Second)
	p.waitOpen(q)
	p.closeQuiz(q)

	p.setClock(2 * time.Hour)
	p.visit("/", ids...)
	p.setClock(2*time.Hour + 30*time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("shown after two dismissals; trace %q", p.trace())
	}
}

// TestOneInterruption: two quizzes due at the same moment: only the one of
// higher priority shows; the other is dropped for the page view and, never
// having shown, keeps its cap for the next page.
func TestOneInterruption(t *testing.T) {
	low := `{"on":[{"type":"time_on_page","seconds":5}],"priority":1}`
	high := `{"on":[{"type":"time_on_page","seconds":5}],"priority":5}`
	p, ids := newPage(t, low, high, manualOnly)
	p.visit("/", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(ids[1])
	if p.open(ids[0]) || p.traced("trigger:show ") != 1 {
		t.Fatalf("both showed; trace %q", p.trace())
	}
	p.closeQuiz(ids[1])
	p.setClock(20 * time.Second)
	if p.open(ids[0]) {
		t.Fatalf("the dropped quiz came after the first closed; trace %q", p.trace())
	}

	p.visit("/catalog", ids...)
	p.setClock(30 * time.Second)
	p.waitOpen(ids[0])
	if p.open(ids[1]) {
		t.Errorf("the first quiz showed twice in a visit")
	}
}

// TestTypingGuard: a quiz due while the visitor types in the page's search
// box waits, and shows once the focus leaves the box.
func TestTypingGuard(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}]}`, manualOnly)
	q := ids[0]
	p.visit("/", ids...)
	if err := chromedp.Do(p.ctx, chromedp.Click("#search"), chromedp.SendKeys("#search", "котёл")); err != nil {
		t.Fatal(err)
	}
	p.setClock(10 * time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("interrupted the typing visitor; trace %q", p.trace())
	}
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	p.waitOpen(q)
	if v := eval[string](p, `document.getElementById('search').value`); v != "котёл" {
		t.Errorf("the search box holds %q", v)
	}
}

// TestPageRules: include by prefix (/sale) and glob (/catalog/*), exclude
// (/catalog/secret*) winning over include.
func TestPageRules(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"pages":{"include":["/catalog/*","/sale"],
		"exclude":["/catalog/secret*"]},"caps":{"per_visit":0,"max_dismissals":0}}`, manualOnly)
	q := ids[0]
	step := time.Duration(0)
	visit := func(path string) {
		p.visit(path, ids...)
		step += 10 * time.Second
		p.setClock(step)
	}
	for _, path := range []string{"/about", "/catalog", "/catalog/secret-sale", "/salepoint"} {
		visit(path)
		if p.open(q) {
			t.Fatalf("opened on %s; trace %q", path, p.trace())
		}
	}
	for _, path := range []string{"/sale/winter", "/catalog/boilers/gas"} {
		visit(path)
		p.waitOpen(q)
	}
}

// TestDeviceAndScreens: a quiz for desktops and one for phones, both due
// after 5 s: each screen gets its own. The screenshots (BECKON_SCREENSHOT_DIR)
// show the quiz a trigger opened on each.
func TestDeviceAndScreens(t *testing.T) {
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"device":"desktop"}`,
				`{"on":[{"type":"time_on_page","seconds":5}],"device":"phone"}`, manualOnly)
			p.lang = vp.Lang
			want, other := ids[0], ids[1]
			if vp.Name == "phone" {
				want, other = other, want
			}
			p.visitAt("/", vp.Width, vp.Height, ids...)
			p.setClock(6 * time.Second)
			p.waitOpen(want)
			if p.open(other) || p.traced("trigger:show ") != 1 {
				t.Fatalf("trace %q, want only %s", p.trace(), want)
			}
			servertest.ScreenshotViewport(p.ctx, t, "trigger-quiz-"+vp.Name)
		})
	}
}

// TestExitIntentPhone: on a phone a fast scroll back up is the exit intent;
// on a desktop it is not (the pointer is).
func TestExitIntentPhone(t *testing.T) {
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			p, ids := newPage(t, `{"on":[{"type":"exit_intent"}]}`, manualOnly)
			q := ids[0]
			p.visitAt("/", vp.Width, vp.Height, ids...)
			p.wheel(80)
			if p.open(q) {
				t.Fatalf("opened while scrolling down")
			}
			y := eval[float64](p, `scrollY`)
			p.wheelOnce(-float64(vp.Height))
			p.waitFor("the page scrolled up", func() bool { return eval[float64](p, `scrollY`) <= y-float64(vp.Height)/2 })
			if vp.Name == "phone" {
				p.waitOpen(q)
				return
			}
			p.setClock(time.Second)
			if p.open(q) {
				t.Fatalf("a desktop took a scroll up for exit intent; trace %q", p.trace())
			}
		})
	}
}

// TestNoRepeatAfterConversion: a visitor who left a lead in a quiz a
// trigger opened never sees it again (after_conversion "never"), though the
// caps would allow it every visit; closing it after the lead is no
// dismissal. The trigger analytics count the showing as converted, by its
// trigger, page and the visit's utm_source.
func TestNoRepeatAfterConversion(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"caps":{"per_visit":0,"max_dismissals":1}}`, manualOnly)
	q := ids[0]
	p.visit("/?utm_source=Yandex", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(q)
	p.shadowClick(".bkqz .foot .primary")
	p.shadowClick(".bkqz .opt:nth-child(1)")
	p.shadowClick(".bkqz [name=phone]")
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("+79161234567")); err != nil {
		t.Fatal(err)
	}
	p.shadowClick(".bkqz .form .primary")
	p.waitTrace("trigger:converted " + q)
	p.closeQuiz(q)

	p.setClock(time.Hour)
	p.visit("/", ids...)
	p.setClock(time.Hour + 30*time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("shown again after the lead; trace %q", p.trace())
	}
	st := eval[map[string]any](p, fmt.Sprintf(`JSON.parse(localStorage.getItem('beckon_trg_%s')).w[%q]`, p.key, q))
	if st["d"] != 0.0 || st["x"] != 1.0 {
		t.Errorf("remembered %v, want no dismissal and the conversion", st)
	}
	want := `[map[closed:0 conversion_rate:1 converted:1 name:yandex shown:1]]`
	p.waitFor("the conversion in the trigger stats", func() bool {
		st := p.triggerStats(q)
		return fmt.Sprint(st["by_source"]) == want && fmt.Sprint(st["by_trigger"]) == strings.Replace(want, "yandex", "time_on_page", 1) &&
			fmt.Sprint(st["by_page"]) == strings.Replace(want, "yandex", "/", 1)
	})
}

// TestCapsAcrossTabs: a dismissal in one tab counts in another tab of the
// site opened before it.
func TestCapsAcrossTabs(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"caps":{"per_visit":0,"max_dismissals":1}}`, manualOnly)
	q := ids[0]
	first := p.ctx
	second, cancel := chromedp.NewContext(first)
	defer cancel()
	servertest.OnNewDocument(second, t, clockScript)
	p.visit("/", ids...)
	p.setClock(3 * time.Second)
	p.ctx = second // due at 8 s
	p.visit("/", ids...)
	p.ctx = first
	p.setClock(6 * time.Second)
	p.waitOpen(q)
	p.closeQuiz(q)

	p.ctx = second
	p.setClock(20 * time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("the second tab showed it after the dismissal in the first; trace %q", p.trace())
	}
}

// TestExitIntentPhoneIdleAfterReading: on a phone a visitor who has read
// half the page and then stops for 10 s is leaving; one who stops before
// reading that far is not.
func TestExitIntentPhoneIdleAfterReading(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"exit_intent"}]}`, manualOnly)
	q := ids[0]
	phone := servertest.DesktopAndPhone[1]
	p.visitAt("/", phone.Width, phone.Height, ids...)
	p.wheel(30)
	p.setClock(time.Minute)
	if p.open(q) {
		t.Fatalf("opened after a minute at 30 %% of the page; trace %q", p.trace())
	}
	p.wheel(60)
	p.setClock(time.Minute + 9*time.Second)
	if p.open(q) {
		t.Fatalf("opened 9 s after reading half the page; trace %q", p.trace())
	}
	p.setClock(time.Minute + 11*time.Second)
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" exit_intent") != 1 {
		t.Errorf("trace %q, want one showing by exit_intent", p.trace())
	}
}

// TestVisitorAndSource: "new" is the first visit only; "returning" with
// utm_source yandex needs a later visit that came from Yandex (the tag
// compared without regard to case).
func TestVisitorAndSource(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"visitor":"new"}`,
		`{"on":[{"type":"time_on_page","seconds":5}],"visitor":"returning","utm_source":["yandex"]}`, manualOnly)
	newcomer, fromYandex := ids[0], ids[1]
	p.visit("/?utm_source=Yandex", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(newcomer)
	p.closeQuiz(newcomer)

	p.setClock(time.Hour)
	p.visit("/", ids...)
	p.setClock(time.Hour + 10*time.Second)
	if p.traced("trigger:show") > 0 {
		t.Fatalf("a returning visitor without the tag got %q", p.trace())
	}

	p.setClock(2 * time.Hour)
	p.visit("/?utm_source=YANDEX&utm_medium=cpc", ids...)
	p.setClock(2*time.Hour + 10*time.Second)
	p.waitOpen(fromYandex)
	if p.open(newcomer) {
		t.Errorf("the newcomers' quiz showed to a returning visitor")
	}
}

// TestEveryDays: once a day: not in a visit an hour later, again a day later.
func TestEveryDays(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5}],"caps":{"per_visit":0,"every_days":1,"max_dismissals":0}}`, manualOnly)
	q := ids[0]
	p.visit("/", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(q)
	p.closeQuiz(q)

	p.setClock(time.Hour)
	p.visit("/", ids...)
	p.setClock(time.Hour + 10*time.Second)
	if p.traced("trigger:show") > 0 {
		t.Fatalf("shown again within the day: %q", p.trace())
	}

	p.setClock(24*time.Hour + 10*time.Second)
	p.visit("/", ids...)
	p.setClock(24*time.Hour + 20*time.Second)
	p.waitOpen(q)
}

// TestPulledWhileTyping: a widget pulled from outside (beckon('show'), or a
// push) after the engine stopped watching the page (every widget shown)
// waits while the visitor types, and shows when the focus leaves.
func TestPulledWhileTyping(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":5},{"type":"manual"}],"caps":{"per_visit":0,"max_dismissals":0}}`)
	q := ids[0]
	p.visit("/", ids...)
	p.setClock(6 * time.Second)
	p.waitOpen(q)
	// The tick that showed the only widget stopped the watch.
	p.closeQuiz(q)
	if err := chromedp.Do(p.ctx, chromedp.Click("#search"), chromedp.SendKeys("#search", "котёл")); err != nil {
		t.Fatal(err)
	}
	// The engine decides within the call: had it shown, it would be open now.
	eval[any](p, fmt.Sprintf(`beckon('show', %q)`, q))
	if p.open(q) || p.traced("trigger:show ") > 1 {
		t.Fatalf("interrupted the typing visitor; trace %q", p.trace())
	}
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" manual") != 1 {
		t.Errorf("trace %q, want a showing by manual", p.trace())
	}
}

// TestAnalyticsSourceFromReferrer: a visit that came from a search engine
// (no utm_source) is counted under the referrer's host, on every page of
// the visit.
func TestAnalyticsSourceFromReferrer(t *testing.T) {
	p, ids := newPage(t, manualOnly)
	q := ids[0]
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, cdppage.Navigate, cdppage.NavigateParams{URL: p.origin + "/?lang=ru",
		// http: an https referrer is not sent to the test's http page (a downgrade).
		Referrer: "http://www.google.com/search?q=%D0%BA%D0%BE%D1%82%D0%BB%D1%8B"}); err != nil {
		t.Fatal(err)
	}
	p.waitTrace("trigger:ready " + q)
	p.visit("/catalog", q)
	eval[any](p, fmt.Sprintf(`beckon('show', %q)`, q))
	p.waitOpen(q)
	p.closeQuiz(q)
	want := `[map[closed:1 conversion_rate:0 converted:0 name:google.com shown:1]]`
	p.waitFor("the showing under google.com", func() bool {
		st := p.triggerStats(q)
		return fmt.Sprint(st["by_source"]) == want && fmt.Sprint(st["by_page"]) == strings.Replace(want, "google.com", "/catalog", 1)
	})
}
