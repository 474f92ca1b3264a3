package proactive_test

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// labels are Beckon's automated-message labels, by language.
var labels = map[string]string{"ru": "Автоматическое сообщение", "uk": "Автоматичне повідомлення", "en": "Automated message"}

// boilerMessage is the example: a consultant's bubble that offers
// the callback and takes replies, with a phone asked after the text.
const boilerMessage = `{"name":{"ru":"Анна, консультант","uk":"Ганна, консультант","en":"Anna, consultant"},
  "text":{"ru":"Здравствуйте! Ищете котёл? Подберу за 2 минуты.","uk":"Вітаю! Шукаєте котел? Підберу за 2 хвилини.","en":"Hello! Looking for a boiler? I can pick one for you in 2 minutes."},
  "action":{"type":"callback","widget_id":"%s"},"ask_contact":"phone",
  "triggers":{"on":[{"type":"manual"}],"caps":{"per_visit":0,"max_dismissals":0,"after_conversion":"again"}}}`

// TestLabelledInEveryLanguage: on a desktop and a 360-px phone, in ru, uk
// and en, a trigger shows the bubble with its automated label visible
// beside the name (not for screen readers only), without typing dots
// (off by default), above the callback button and clear of it and of the
// quiz's launcher, moving nothing on the page; Esc hides it.
func TestLabelledInEveryLanguage(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	p.add(sprintf(boilerMessage, p.callback))
	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	servertest.OnNewDocument(ctx, t, `window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});`)
	for _, vp := range servertest.DesktopAndPhone {
		for i, lang := range []string{"ru", "uk", "en"} {
			vp := servertest.Viewport{Name: vp.Name, Lang: lang, Width: vp.Width, Height: vp.Height}
			// The launcher's place is checked once per screen: it does not
			// depend on the language, and it takes 3 s to appear.
			p.visitPage(t, ctx, vp, i == 0)
			if shownNow := eval[bool](t, ctx, shown(0)); shownNow {
				t.Fatalf("%s %s: the bubble is on screen before any trigger fired", vp.Name, lang)
			}
			show(t, ctx, p, 0)
			tag := eval[[]any](t, ctx, `(() => { const g = `+card(0)+`.querySelector('.head .tag'); const r = g.getBoundingClientRect();
			  return [g.textContent, r.width, r.height, getComputedStyle(g).visibility, !!g.closest('.who').querySelector('.name')]; })()`)
			if tag[0] != labels[lang] || tag[1].(float64) < 40 || tag[2].(float64) < 10 || tag[3] != "visible" || tag[4] != true {
				t.Errorf("%s %s: the label beside the name is %v, want %q visible", vp.Name, lang, tag, labels[lang])
			}
			if eval[bool](t, ctx, card(0)+`.classList.contains('typing')`) {
				t.Errorf("%s %s: typing dots shown, but they are off by default", vp.Name, lang)
			}
			if got := eval[string](t, ctx, card(0)+`.getAttribute('aria-label')`); got == "" || !contains(got, labels[lang]) {
				t.Errorf("%s %s: the bubble's accessible name %q does not say it is automated", vp.Name, lang, got)
			}
			bubble := eval[[]float64](t, ctx, rect(card(0)))
			fab := eval[[]float64](t, ctx, rect(`s.querySelector('.bkcb .fab')`))
			quiz := []float64{0, 0, 0, 0}
			if i == 0 {
				quiz = eval[[]float64](t, ctx, rect(`s.querySelector('.bkqz .launch')`))
			}
			if overlap(bubble, fab) || overlap(bubble, quiz) {
				t.Errorf("%s %s: the bubble %v covers the callback button %v or the quiz launcher %v", vp.Name, lang, bubble, fab, quiz)
			}
			if bubble[0] < 0 || bubble[0]+bubble[2] > float64(vp.Width) || bubble[1] < 0 {
				t.Errorf("%s %s: the bubble %v leaves the %d-px window", vp.Name, lang, bubble, vp.Width)
			}
			servertest.ScreenshotViewport(ctx, t, "proactive-"+vp.Name+"-"+lang)
			if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
				t.Errorf("%s %s: showing the bubble shifted the page: CLS %v", vp.Name, lang, cls)
			}
			keys(t, ctx, kb.Escape)
			waitFor(t, ctx, "the bubble hidden by Esc", "!"+shown(0))
		}
	}
	servertest.NoProblems(t, problems())
}

// TestActionOpensTheCallback: the bubble's button opens the callback
// panel (the bubble steps aside); a reply, with the phone asked after
// the text, is a lead in the inbox, and the bubble then says honestly that
// a manager will call back.
func TestActionOpensTheCallback(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	p.add(sprintf(boilerMessage, p.callback))
	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)

	desktop := servertest.DesktopAndPhone[0]
	p.visitPage(t, ctx, desktop, false)
	show(t, ctx, p, 0)
	servertest.ClickInShadow(ctx, t, ".bkpa .card .primary")
	waitFor(t, ctx, "the callback panel open", `(() => { const pn = s.querySelector('.bkcb .panel'); return pn && !pn.hidden && pn.getBoundingClientRect().height > 0; })()`)
	if eval[bool](t, ctx, shown(0)) {
		t.Error("the bubble stays on screen once the callback panel opened")
	}
	servertest.ScreenshotViewport(ctx, t, "proactive-action-callback-desktop")

	phone := servertest.DesktopAndPhone[1]
	p.visitPage(t, ctx, phone, false)
	show(t, ctx, p, 0)
	typeInto(t, ctx, card(0)+`.querySelector('textarea')`, "Дом 120 м², газ. Скільки коштує монтаж?")
	keys(t, ctx, kb.Enter)
	waitFor(t, ctx, "the phone asked after the text", card(0)+`.querySelector('input[name=phone]')`)
	typeInto(t, ctx, card(0)+`.querySelector('input[name=phone]')`, "9123456789")
	servertest.ScreenshotViewport(ctx, t, "proactive-contact-phone")
	servertest.ClickInShadow(ctx, t, ".bkpa .card .form .primary")
	waitFor(t, ctx, "the thanks after sending", card(0)+`.querySelector('.ok')`)
	want := "Дякуємо! Повідомлення передано команді. Менеджер вам передзвонить."
	if got := eval[string](t, ctx, card(0)+`.querySelector('.ok').textContent`); got != want {
		t.Errorf("after sending the bubble says %q, want %q", got, want)
	}
	if got := eval[string](t, ctx, card(0)+`.querySelector('.mine').textContent`); !contains(got, "Дом 120 м², газ.") {
		t.Errorf("the visitor's message is not shown back: %q", got)
	}
	servertest.ScreenshotViewport(ctx, t, "proactive-sent-phone")

	r := p.Admin("GET", "/api/v1/sites/"+p.siteID+"/leads?type=proactive", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var out struct {
		Leads []struct {
			WidgetID string            `json:"widget_id"`
			Summary  string            `json:"summary"`
			Lang     string            `json:"lang"`
			Contact  map[string]string `json:"contact"`
			PageURL  string            `json:"page_url"`
		} `json:"leads"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Leads) != 1 {
		t.Fatalf("inbox has %d proactive leads, want the reply: %s", len(out.Leads), r.Body)
	}
	l := out.Leads[0]
	if l.WidgetID != p.ids[0] || l.Summary != "Дом 120 м², газ. Скільки коштує монтаж?" || l.Lang != "uk" || l.Contact["phone"] != "+79123456789" || l.PageURL == "" {
		t.Errorf("the lead %+v", l)
	}
	servertest.NoProblems(t, problems())
}
