package popup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// xssTitle is an owner's title that would run script if it were parsed as
// markup.
const xssTitle = `Скидки <img src=x onerror="window.__xss=1"> до 30%`

// layouts of the pop-ups newShopPage gets in TestPopupInTheBrowser, in order.
var layouts = []string{"modal", "slide_in", "bar"}

// TestPopupInTheBrowser: on a desktop and a 360-px phone, each layout
// opens through the page API without moving anything on the page, keeps
// Tab inside, closes on Esc (the focus back on the page's button) and on a
// press outside; the modal's form leaves a lead in the inbox; the
// slide-in shows the visitor's promo code from the pool and copies it; the
// owner's title is shown as text.
func TestPopupInTheBrowser(t *testing.T) {
	servertest.ChromiumPath(t) // the inbox is checked after the screens: skip all of it without a browser
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	codes := []string{"BF-1001", "BF-1002", "BF-1003"}
	pid := p.pool(codes...)
	p.add(`{"layout":"modal","color":"#16a34a","image":"` + imageURL + `","image_ratio":"3:2",
	  "title":{"ru":"Перезвоним за 5 минут","uk":"Передзвонимо за 5 хвилин","en":"We’ll call you back in 5 minutes"},
	  "text":{"ru":"Оставьте номер — подберём котёл под ваш дом.","uk":"Залиште номер — підберемо котел для вашого дому.","en":"Leave your number and we’ll pick a boiler for your home."},
	  "form":{"fields":[{"name":"name"},{"name":"phone","required":true}],"consent":{"required":true,"url":"https://shop.example/privacy"}}}`)
	p.add(`{"layout":"slide_in","title":{"ru":"Ваша скидка 20%","uk":"Ваша знижка 20%","en":"Your 20% off"},
	  "text":{"ru":"Введите код при оформлении заказа.","uk":"Введіть код під час оформлення замовлення.","en":"Enter the code at checkout."},
	  "button":{"label":{"ru":"Скопировать код","uk":"Скопіювати код","en":"Copy the code"},"action":"code","pool":"` + pid + `"}}`)
	p.add(`{"layout":"bar","color":"#dc2626","title":` + jsonString(xssTitle) + `,
	  "text":{"ru":"Только до воскресенья.","uk":"Лише до неділі.","en":"Until Sunday only."},
	  "button":{"label":{"ru":"В каталог","uk":"До каталогу","en":"To the catalogue"},"action":"link","url":"/catalog"}}`)

	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			ctx, problems := servertest.Browser(t)
			servertest.ReduceMotion(ctx, t)
			serveImage(t, ctx)
			// Layout shifts of the page, whatever caused them.
			servertest.OnNewDocument(ctx, t, `window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});`)
			p.visitPage(t, ctx, vp)
			head := eval[[]float64](t, ctx, `(() => { const r = document.getElementById('last').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`)

			for i, layout := range layouts {
				openByAPI(t, ctx, i)
				if !eval[bool](t, ctx, box(i)+`.contains(s.activeElement)`) {
					t.Fatalf("%s: the focus is not in the pop-up once it opened", layout)
				}
				if i == 0 {
					waitFor(t, ctx, "the image loaded", box(0)+`.querySelector('img.pic').complete && `+box(0)+`.querySelector('img.pic').naturalWidth > 0`)
				}
				tabStaysInside(t, ctx, i, layout)
				servertest.ScreenshotViewport(ctx, t, "popup-"+layout+"-"+vp.Name)

				keys(t, ctx, kb.Escape)
				waitFor(t, ctx, layout+" closed by Esc", "!"+shown(i))
				if got := eval[string](t, ctx, `document.activeElement.id`); got != fmt.Sprintf("open%d", i) {
					t.Fatalf("%s: after Esc the focus is on %q, want the page's button open%d", layout, got, i)
				}

				openByAPI(t, ctx, i)
				// A press outside: the shade of the modal, the page for the others.
				if err := chromedp.Do(ctx, chromedp.MouseClickXY(12, 30)); err != nil {
					t.Fatal(err)
				}
				waitFor(t, ctx, layout+" closed by a press outside", "!"+shown(i))
			}
			if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
				t.Errorf("the pop-ups shifted the page's layout: CLS %v", cls)
			}
			if after := eval[[]float64](t, ctx, `(() => { const r = document.getElementById('last').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`); !slices.Equal(head, after) {
				t.Errorf("the page moved: %v, then %v", head, after)
			}

			// The bar's owner title is text, never markup.
			if got := eval[string](t, ctx, box(2)+`.querySelector('h2').textContent`); got != xssTitle {
				t.Errorf("the bar's title reads %q, want %q", got, xssTitle)
			}
			if eval[bool](t, ctx, `!!`+box(2)+`.querySelector('h2 img') || window.__xss === 1`) {
				t.Fatal("the owner's title was parsed as markup")
			}

			sendForm(t, ctx, p, vp)
			copyCode(t, ctx, p, vp, codes)
			servertest.NoProblems(t, problems())
		})
	}
	if n := len(p.inbox()); n != len(servertest.DesktopAndPhone) {
		t.Fatalf("inbox has %d pop-up leads, want one per screen", n)
	}
}

// openByAPI puts the focus on the page's button i and opens pop-up i with
// beckon('open', id), as a page script would (no input: any layout shift
// counts).
func openByAPI(t *testing.T, ctx context.Context, i int) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(document.getElementById('open%d').focus(), document.getElementById('open%d').click(), true)`, i, i))
	waitFor(t, ctx, fmt.Sprintf("pop-up %d shown", i), shown(i))
}

// tabStaysInside presses Tab once more than the pop-up has stops, and
// Shift+Tab, and checks the focus never leaves it.
func tabStaysInside(t *testing.T, ctx context.Context, i int, layout string) {
	t.Helper()
	n := eval[int](t, ctx, box(i)+`.querySelectorAll('button, input, a[href]').length`)
	for k := 0; k <= n; k++ {
		keys(t, ctx, kb.Tab)
		if !eval[bool](t, ctx, box(i)+`.contains(s.activeElement)`) {
			t.Fatalf("%s: Tab %d took the focus out of the pop-up to %s", layout, k+1, eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
		}
	}
	keys(t, ctx, kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	if !eval[bool](t, ctx, box(i)+`.contains(s.activeElement)`) {
		t.Fatalf("%s: Shift+Tab took the focus out of the pop-up", layout)
	}
}

// sendForm fills in the modal's form as a visitor does and waits for its
// thanks.
func sendForm(t *testing.T, ctx context.Context, p *shopPage, vp servertest.Viewport) {
	t.Helper()
	openByAPI(t, ctx, 0)
	// Sent without the consent: the widget asks for it, nothing is sent.
	typeInto(t, ctx, box(0)+`.querySelector('input[name=name]')`, "Анна")
	typeInto(t, ctx, box(0)+`.querySelector('input[name=phone]')`, "9123456789")
	servertest.ClickInShadow(ctx, t, ".bkpp .modal .primary")
	waitFor(t, ctx, "the consent asked for", box(0)+`.querySelector('input[name=consent]').getAttribute('aria-describedby') && s.getElementById(`+box(0)+`.querySelector('input[name=consent]').getAttribute('aria-describedby')).textContent !== ''`)
	servertest.ClickInShadow(ctx, t, ".bkpp .modal input[name=consent]")
	servertest.ClickInShadow(ctx, t, ".bkpp .modal .primary")
	waitFor(t, ctx, "the thanks after sending", box(0)+`.querySelector('.ok') && `+box(0)+`.contains(s.activeElement)`)
	servertest.ScreenshotViewport(ctx, t, "popup-modal-sent-"+vp.Name)
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the modal closed", "!"+shown(0))
}

// copyCode opens the slide-in and copies its code to the clipboard.
func copyCode(t *testing.T, ctx context.Context, p *shopPage, vp servertest.Viewport, codes []string) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(ctx, browser.SetPermission, browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: name},
			Setting: "granted", Origin: p.origin}); err != nil {
			t.Fatal(err)
		}
	}
	openByAPI(t, ctx, 1)
	code := eval[string](t, ctx, box(1)+`.querySelector('.cval').textContent`)
	if !slices.Contains(codes, code) {
		t.Fatalf("the slide-in shows code %q, not one of the pool's %v", code, codes)
	}
	servertest.ClickInShadow(ctx, t, ".bkpp .slide_in .copy")
	copied := map[string]string{"ru": "Скопировано", "uk": "Скопійовано", "en": "Copied"}[vp.Lang]
	waitFor(t, ctx, "the Copy button says copied", box(1)+`.querySelector('.copy').textContent === `+jsonString(copied))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got != code {
		t.Fatalf("the clipboard holds %q, want the code %q", got, code)
	}
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the slide-in closed", "!"+shown(1))
	// Opened again: the same code, the visitor's own.
	openByAPI(t, ctx, 1)
	if again := eval[string](t, ctx, box(1)+`.querySelector('.cval').textContent`); again != code {
		t.Fatalf("opened again, the slide-in shows %q, want %q", again, code)
	}
	keys(t, ctx, kb.Escape)
}

// typeInto types text into the element el (a JS expression) as a keyboard does.
func typeInto(t *testing.T, ctx context.Context, el, text string) {
	t.Helper()
	eval[bool](t, ctx, `(`+el+`.focus(), true)`)
	keys(t, ctx, text)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
