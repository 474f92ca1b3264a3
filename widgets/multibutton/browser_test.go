package multibutton_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestMultibuttonInTheBrowser: on a desktop (ru) and a 360-px phone (uk)
// the page shows exactly one floating button, the multi-button: the
// callback and the quiz it hosts draw none. Its fan lists the channels by
// name, takes the keyboard (arrows, Esc back to the button) and closes on
// a press outside; its items open the callback and quiz panels and follow
// links, and every click reaches the owner's report. After the callback's
// working hours its item reads "call me later". Nothing on the page moves.
func TestMultibuttonInTheBrowser(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	cb := p.widget("callback", callbackSettings("[]"))
	quiz := p.widget("quiz", quizSettings)
	mb := p.widget("multibutton", `{"color":"#0f766e","channels":[
	  {"type":"callback","widget_id":"`+cb+`"},
	  {"type":"quiz","widget_id":"`+quiz+`","label":{"ru":"Подобрать котёл","uk":"Підібрати котел","en":"Find a boiler"}},
	  {"type":"telegram","value":"@kotly_shop"},
	  {"type":"whatsapp","value":"+7 916 123-45-67"},
	  {"type":"phone","value":"+7 495 123-45-67"}]}`)
	names := map[string][]string{
		"ru": {"Перезвоните мне", "Подобрать котёл", "Telegram", "WhatsApp", "Позвонить нам"},
		"uk": {"Зателефонуйте мені пізніше", "Підібрати котел", "Telegram", "WhatsApp", "Зателефонувати нам"},
	}

	for i, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			if vp.Name == "phone" {
				// The phone visits after the callback's hours: a window that
				// excludes now, in the site's zone.
				now := time.Now().In(mustZone(t, "Europe/Moscow"))
				h := (now.Hour() + 12) % 24
				hours := fmt.Sprintf(`[{"from":"%02d:00","to":"%02d:30"}]`, h, h)
				servertest.ExpectStatus(t, p.Admin("PATCH", "/api/v1/sites/"+p.siteID+"/widgets/"+cb,
					map[string]any{"settings": json.RawMessage(callbackSettings(hours))}), http.StatusOK)
			}
			ctx, problems := servertest.Browser(t)
			servertest.ReduceMotion(ctx, t)
			servertest.OnNewDocument(ctx, t, `// CLS as browsers define it: shifts within 0.5 s of the visitor's input
// (a panel the visitor opened taking its place) do not count.
window.__cls = 0; window.__shifts = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) { if (e.hadRecentInput) continue; window.__cls += e.value; window.__shifts.push(e.sources.map((x) => x.node ? (x.node.nodeName + '.' + (x.node.className || '') + ' ' + JSON.stringify(x.previousRect) + '→' + JSON.stringify(x.currentRect)) : '?').join(', ')); } }).observe({type: 'layout-shift', buffered: true});
// Links are followed as far as the click: the test stays on the page.
addEventListener('click', (e) => { const a = e.composedPath().find((n) => n.tagName === 'A'); if (a) { window.__followed = a.href; e.preventDefault(); } }, true);`)
			p.visitPage(t, ctx, vp)
			waitFor(t, ctx, "every widget mounted", `s && s.querySelector('.bkmb .fab') && s.querySelector('.bkcb') && s.querySelector('.bkqz')`)
			last := eval[[]float64](t, ctx, `(() => { const r = document.getElementById('last').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`)

			// One floating button: the multi-button's, in the corner.
			if got := eval[[]string](t, ctx, floating+`.map(b => b.parentElement.className + ' ' + b.className)`); len(got) != 1 || got[0] != "bkmb fab" {
				t.Fatalf("floating buttons %q, want the multi-button's alone", got)
			}
			fab := eval[[]float64](t, ctx, `(() => { const r = s.querySelector('.bkmb .fab').getBoundingClientRect(); return [innerWidth - r.right, innerHeight - r.bottom, r.width]; })()`)
			if fab[0] > 24 || fab[1] > 24 || fab[2] < 44 {
				t.Fatalf("the button stands %v px from the right and bottom, %v px wide; want a corner button of at least 44 px", fab[0], fab[1])
			}
			if got := eval[string](t, ctx, `s.querySelector('.bkmb .fab').getAttribute('aria-label')`); got != map[string]string{"ru": "Связаться с нами", "uk": "Зв’язатися з нами"}[vp.Lang] {
				t.Fatalf("the button's name is %q", got)
			}
			servertest.ScreenshotViewport(ctx, t, "multibutton-closed-"+vp.Name)

			// Open: the channels by name, the focus on the first.
			servertest.ClickInShadow(ctx, t, ".bkmb .fab")
			waitFor(t, ctx, "the fan open", fanOpen)
			if got := eval[string](t, ctx, `s.querySelector('.bkmb .fab').getAttribute('aria-expanded')`); got != "true" {
				t.Fatalf("aria-expanded %q on the open fan", got)
			}
			waitFor(t, ctx, "the callback item's label for the hours", item(names[vp.Lang][0]))
			if got := eval[[]string](t, ctx, fanItems+`.map(i => i.querySelector('.lbl').firstChild.textContent)`); !slices.Equal(got, names[vp.Lang]) {
				t.Fatalf("the fan lists %q, want %q", got, names[vp.Lang])
			}
			if !eval[bool](t, ctx, fanItems+`[0] === s.activeElement`) {
				t.Fatalf("the focus is on %q, not the first channel", eval[string](t, ctx, active))
			}
			if vp.Name == "phone" {
				// A sheet along the bottom edge, the width of the screen.
				r := eval[[]float64](t, ctx, `(() => { const r = s.querySelector('.bkmb .fan').getBoundingClientRect(); return [r.left, r.right, innerHeight - r.bottom]; })()`)
				if r[0] != 0 || r[1] != float64(vp.Width) || r[2] != 0 {
					t.Fatalf("the phone's fan spans %v, want a sheet from 0 to %d at the bottom", r, vp.Width)
				}
			}
			if n := servertest.WidgetAnimations(ctx, t); n != 0 {
				t.Errorf("%d animations run for a visitor who asked for reduced motion", n)
			}
			servertest.ScreenshotViewport(ctx, t, "multibutton-open-"+vp.Name)

			keys(t, ctx, kb.ArrowDown)
			if !eval[bool](t, ctx, fanItems+`[1] === s.activeElement`) {
				t.Fatal("ArrowDown did not move the focus to the second channel")
			}
			keys(t, ctx, kb.Escape)
			waitFor(t, ctx, "the fan closed by Esc", "!"+fanOpen)
			if !eval[bool](t, ctx, `s.activeElement === s.querySelector('.bkmb .fab')`) {
				t.Fatalf("after Esc the focus is on %q, want the button", eval[string](t, ctx, active))
			}

			servertest.ClickInShadow(ctx, t, ".bkmb .fab")
			waitFor(t, ctx, "the fan open again", fanOpen)
			if err := chromedp.Do(ctx, chromedp.MouseClickXY(12, 60)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, "the fan closed by a press outside", "!"+fanOpen)

			// The callback item opens the callback's panel; Esc there gives
			// the focus back to the multi-button.
			openItem(t, ctx, names[vp.Lang][0])
			waitFor(t, ctx, "the callback panel open", `!s.querySelector('.bkcb .panel').hidden`)
			if eval[bool](t, ctx, fanOpen) {
				t.Fatal("the fan stays open over the callback panel")
			}
			servertest.ScreenshotViewport(ctx, t, "multibutton-callback-"+vp.Name)
			keys(t, ctx, kb.Escape)
			waitFor(t, ctx, "the callback panel closed, the focus on the button", `s.querySelector('.bkcb .panel').hidden && s.activeElement === s.querySelector('.bkmb .fab')`)

			// The quiz item opens the quiz.
			openItem(t, ctx, names[vp.Lang][1])
			waitFor(t, ctx, "the quiz open", `!s.querySelector('.bkqz .shade').hidden`)
			keys(t, ctx, kb.Escape)
			waitFor(t, ctx, "the quiz closed", `s.querySelector('.bkqz .shade').hidden`)

			// The Telegram item is a link to t.me, in a new tab.
			openItem(t, ctx, "Telegram")
			if got := eval[string](t, ctx, `window.__followed || ''`); got != "https://t.me/kotly_shop" {
				t.Fatalf("the Telegram item followed %q", got)
			}
			if got := eval[string](t, ctx, item("Telegram")+`.target`); got != "_blank" {
				t.Fatalf("the Telegram link opens in %q, want a new tab", got)
			}

			if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
				t.Errorf("the page's layout shifted: CLS %v: %v", cls, eval[[]string](t, ctx, `window.__shifts`))
			}
			if after := eval[[]float64](t, ctx, `(() => { const r = document.getElementById('last').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`); !slices.Equal(last, after) {
				t.Errorf("the page moved: %v, then %v", last, after)
			}
			servertest.NoProblems(t, problems())

			// Each screen clicked the callback, the quiz and Telegram once.
			// Waited for here, before the browser closes with the subtest:
			// closing it would cancel a click's request still on its way.
			n := int64(i + 1)
			p.waitClicks(t, mb, map[string]int64{"callback": n, "quiz": n, "telegram": n, "whatsapp": 0, "phone": 0})
		})
	}
}

// waitClicks waits until the owner's report of widget mb counts want per
// channel type; the last click's request may still be on its way.
func (p *shopPage) waitClicks(t *testing.T, mb string, want map[string]int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rep := p.report(mb, "")
		got := map[string]int64{}
		for _, c := range rep.Channels {
			got[c.Type] = c.Total
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the report counts %v, want %v", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openItem opens the fan with the mouse and clicks the channel labelled text.
func openItem(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	servertest.ClickInShadow(ctx, t, ".bkmb .fab")
	waitFor(t, ctx, "the fan open", fanOpen)
	i := eval[int](t, ctx, fanItems+`.indexOf(`+item(text)+`)`)
	if i < 0 {
		t.Fatalf("no channel labelled %q", text)
	}
	servertest.ClickInShadow(ctx, t, fmt.Sprintf(".bkmb .fan li:nth-child(%d) .item", i+1))
}

// TestMultibuttonLeftAndSwitchedOff: a bottom-left multi-button whose quiz
// is switched off lists only what is on the page; the page API opens its
// fan, and Tab past the last channel leaves the fan and closes it.
func TestMultibuttonLeftAndSwitchedOff(t *testing.T) {
	p := newShopPage(t)
	quiz := p.widget("quiz", quizSettings)
	p.widget("multibutton", `{"position":"bottom-left","icon":"phone","label":"Напишите нам","channels":[
	  {"type":"quiz","widget_id":"`+quiz+`"},
	  {"type":"email","value":"sales@kotly.example"},
	  {"type":"link","value":"https://kotly.example/map","label":"Как нас найти","icon":"map"}]}`)
	servertest.ExpectStatus(t, p.Admin("PATCH", "/api/v1/sites/"+p.siteID+"/widgets/"+quiz, map[string]any{"enabled": false}), http.StatusOK)

	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	vp := servertest.DesktopAndPhone[0]
	p.visitPage(t, ctx, vp)
	waitFor(t, ctx, "the multi-button mounted", `s && s.querySelector('.bkmb .fab')`)
	r := eval[[]float64](t, ctx, `(() => { const r = s.querySelector('.bkmb .fab').getBoundingClientRect(); return [r.left, innerHeight - r.bottom]; })()`)
	if r[0] > 24 || r[1] > 24 {
		t.Fatalf("the bottom-left button stands at %v", r)
	}
	if got := eval[string](t, ctx, `s.querySelector('.bkmb .fab').getAttribute('aria-label')`); got != "Напишите нам" {
		t.Fatalf("the button's name is %q, want the owner's label", got)
	}

	eval[bool](t, ctx, `(window.beckon('open', 'multibutton'), true)`)
	waitFor(t, ctx, "the fan opened by the page API", fanOpen)
	if got := eval[[]string](t, ctx, fanItems+`.map(i => i.querySelector('.lbl').firstChild.textContent)`); !slices.Equal(got, []string{"Написать на почту", "Как нас найти"}) {
		t.Fatalf("the fan lists %q, want the e-mail and the link (the quiz is switched off)", got)
	}
	if got := eval[string](t, ctx, item("Как нас найти")+`.href`); got != "https://kotly.example/map" {
		t.Fatalf("the link goes to %q", got)
	}
	servertest.ScreenshotViewport(ctx, t, "multibutton-left-open-desktop")
	// Tab: the link, the button (the fan stays open), then out of the widget.
	keys(t, ctx, kb.Tab)
	keys(t, ctx, kb.Tab)
	if !eval[bool](t, ctx, fanOpen+` && s.activeElement === s.querySelector('.bkmb .fab')`) {
		t.Fatalf("after two Tabs the focus is on %q and the fan open: %v", eval[string](t, ctx, active), eval[bool](t, ctx, fanOpen))
	}
	keys(t, ctx, kb.Tab)
	waitFor(t, ctx, "the fan closed once the focus left it", "!"+fanOpen)
	servertest.NoProblems(t, problems())
}
