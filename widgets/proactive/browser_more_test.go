package proactive_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// photoURL is the sender's photo; the browser answers it (servePhoto).
const photoURL = "https://img.proactive.test/anna.png"

// TestTypingDotsThenTextByKeyboard: a bubble in the bottom-left corner,
// with a photo and the typing dots turned on, shows the dots over the
// text's own box and then the text without growing or moving (and still
// labelled), clear of the quiz launcher in that corner; opened from the
// page by keyboard it takes the focus, a reply typed and sent with Enter
// is a lead without contacts, the bubble says no answer will appear there
// (no live chat), and Esc gives the focus back to the page's button.
func TestTypingDotsThenTextByKeyboard(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	id := p.add(`{"name":"Anna","photo":"` + photoURL + `","position":"bottom-left","typing_indicator":true,"ask_contact":"none",
	  "text":{"en":"Hi! Not sure which boiler fits your house? Ask me here.","ru":"Здравствуйте! Не знаете, какой котёл подойдёт? Спросите здесь.","uk":"Вітаю! Не знаєте, який котел підійде? Запитайте тут."},
	  "action":{"type":"link","url":"/boilers","label":{"en":"See the boilers","ru":"Смотреть котлы","uk":"Дивитися котли"}},
	  "triggers":{"on":[{"type":"manual"}],"caps":{"per_visit":0,"max_dismissals":0,"after_conversion":"again"}}}`)
	ctx, problems := servertest.Browser(t)
	servePhoto(t, ctx)
	// Layout shifts as CLS counts them: not those within 0.5 s of the
	// visitor's own input (the bubble that answers a sent reply).
	servertest.OnNewDocument(ctx, t, `window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});`)
	vp := servertest.Viewport{Name: "desktop", Lang: "en", Width: 1280, Height: 800}
	p.visitPage(t, ctx, vp, true)

	show(t, ctx, p, 0)
	if !eval[bool](t, ctx, card(0)+`.classList.contains('typing') && getComputedStyle(`+card(0)+`.querySelector('.dots')).display !== 'none'`) {
		t.Fatal("typing_indicator is on, but no dots before the text")
	}
	if got := eval[string](t, ctx, card(0)+`.querySelector('.tag').textContent`); got != "Automated message" {
		t.Errorf("while the dots show, the label reads %q", got)
	}
	// Measured once the entrance (a scale from the corner) has played.
	waitFor(t, ctx, "the entrance played", `s.getAnimations().length === 0 || s.getAnimations().every(a => a.animationName !== 'bkpa-in' || a.playState === 'finished')`)
	before := eval[[]float64](t, ctx, rect(card(0)))
	servertest.ScreenshotViewport(ctx, t, "proactive-typing-desktop-en")
	waitFor(t, ctx, "the text after the dots", `!`+card(0)+`.classList.contains('typing')`)
	waitFor(t, ctx, "the photo loaded", card(0)+`.querySelector('img.ava').complete && `+card(0)+`.querySelector('img.ava').naturalWidth > 0`)
	if after := eval[[]float64](t, ctx, rect(card(0))); !slices.Equal(before, after) {
		t.Errorf("the bubble moved or grew when the text replaced the dots: %v, then %v", before, after)
	}
	if got := eval[string](t, ctx, `s.querySelector('.bkpa [role=status]').textContent`); got != "Automated message from Anna: Hi! Not sure which boiler fits your house? Ask me here." {
		t.Errorf("screen readers hear %q", got)
	}
	bubble := eval[[]float64](t, ctx, rect(card(0)))
	launcher := eval[[]float64](t, ctx, rect(`s.querySelector('.bkqz .launch')`))
	if overlap(bubble, launcher) || bubble[0] > 40 {
		t.Errorf("the bottom-left bubble %v: not in its corner or over the quiz launcher %v", bubble, launcher)
	}
	servertest.ScreenshotViewport(ctx, t, "proactive-left-photo-desktop-en")
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "hidden by Esc", "!"+shown(0))

	// By keyboard: the page's own button opens it through the page API.
	eval[bool](t, ctx, `(document.getElementById('here').focus(), document.getElementById('here').addEventListener('click', () => beckon('open', `+jsonString(id)+`)), true)`)
	keys(t, ctx, kb.Enter)
	waitFor(t, ctx, "opened by the page, the focus inside", shown(0)+` && `+card(0)+`.contains(s.activeElement) || s.activeElement === `+card(0))
	for range 3 { // the close button, the link, the reply field
		keys(t, ctx, kb.Tab)
	}
	if !eval[bool](t, ctx, `s.activeElement && s.activeElement.tagName === 'TEXTAREA'`) {
		t.Fatalf("three Tabs from the bubble reach %s, want the reply field", eval[string](t, ctx, `s.activeElement ? s.activeElement.outerHTML.slice(0, 80) : 'nothing'`))
	}
	keys(t, ctx, kb.Enter)
	if got := eval[string](t, ctx, card(0)+`.querySelector('.rf .err').textContent`); got != "Please write a message first" {
		t.Errorf("an empty reply says %q", got)
	}
	keys(t, ctx, "Do you install in Tula?")
	keys(t, ctx, kb.Enter)
	waitFor(t, ctx, "the thanks", card(0)+`.querySelector('.ok')`)
	if got := eval[string](t, ctx, card(0)+`.querySelector('.ok').textContent`); got != "Thanks! Your message has reached the team. This is not a live chat, so no reply will appear here." {
		t.Errorf("with no contact asked the bubble says %q", got)
	}
	servertest.ScreenshotViewport(ctx, t, "proactive-sent-no-contact-desktop-en")
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "hidden by Esc", "!"+shown(0))
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "here" {
		t.Errorf("after Esc the focus is on %q, want the page's button", got)
	}
	if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
		t.Errorf("the bubble shifted the page: CLS %v", cls)
	}
	leads := p.inbox()
	if len(leads) != 1 || leads[0]["summary"] != "Do you install in Tula?" || leads[0]["lang"] != "en" {
		t.Fatalf("inbox %v, want the reply", leads)
	}
	servertest.NoProblems(t, problems())
}

// servePhoto answers photoURL with a 200×200 picture, as an https host would.
func servePhoto(t *testing.T, ctx context.Context) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	for y := range 200 {
		for x := range 200 {
			img.Set(x, y, color.RGBA{uint8(200 - y/2), uint8(120 + x/4), 170, 255})
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
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://img.proactive.test/*"}}}); err != nil {
		t.Fatal(err)
	}
}

// TestTimeOnPageWaitsForTheTypist: a bubble due after 5 s on the page does
// not appear while the visitor types in the page's search box (the
// trigger engine holds it), and appears once the focus leaves the box,
// which keeps what was typed. The engine's clock is the test's.
func TestTimeOnPageWaitsForTheTypist(t *testing.T) {
	p := newShopPage(t)
	p.add(`{"name":"Анна","text":"Подсказать с выбором котла?","triggers":{"on":[{"type":"time_on_page","seconds":5}]}}`)
	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	// The engine's clock: a fixed moment plus localStorage "test_now";
	// every reading counted, so the test knows the engine looked again.
	servertest.OnNewDocument(ctx, t, `window.__reads = 0; window.__beckonClock = () => { window.__reads++; return 1796040000000 + +(localStorage.getItem('test_now') || 0); };`)
	p.visitPage(t, ctx, servertest.Viewport{Name: "desktop", Lang: "ru", Width: 1280, Height: 800}, false)

	eval[bool](t, ctx, `(document.getElementById('search').focus(), true)`)
	keys(t, ctx, "котёл")
	from := eval[int](t, ctx, `(localStorage.setItem('test_now', '10000'), window.__reads)`)
	waitFor(t, ctx, "two looks of the engine at the moved clock", fmt.Sprintf(`window.__reads >= %d`, from+2))
	if eval[bool](t, ctx, shown(0)) {
		t.Fatal("the bubble interrupted a visitor typing in the page's search box")
	}
	keys(t, ctx, kb.Tab)
	waitFor(t, ctx, "the bubble once the focus left the box", shown(0))
	if got := eval[string](t, ctx, `document.getElementById('search').value`); got != "котёл" {
		t.Errorf("the search box holds %q", got)
	}
	if eval[bool](t, ctx, card(0)+`.contains(s.activeElement)`) {
		t.Error("a bubble shown by a trigger took the focus")
	}
	servertest.NoProblems(t, problems())
}
