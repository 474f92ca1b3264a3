package game_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// wheelGame always gives "b", the middle of three prizes, so the sector the
// wheel lands on tells whether it followed the server.
const wheelGame = `{"kind":"wheel","color":"#7c3aed","no_prize_weight":0,"consent":{"required":true},
  "title":{"ru":"Крутите колесо — скидка ваша","uk":"Крутіть колесо — знижка ваша","en":"Spin the wheel for a discount"},
  "prizes":[
   {"id":"a","title":{"ru":"Скидка 5%","uk":"Знижка 5%","en":"5% off"},"weight":0,"stock":null},
   {"id":"b","title":{"ru":"Бесплатная доставка","uk":"Безкоштовна доставка","en":"Free delivery"},"weight":1,"stock":100,"code":{"shared":"SHIP-FREE"}},
   {"id":"c","title":{"ru":"Подарок","uk":"Подарунок","en":"A gift"},"weight":0,"stock":3}]}`

// TestWheelInTheBrowser: on a desktop (the wheel turns) and a 360-px phone
// (reduced motion), a visitor leaves a phone, ticks the consent and spins;
// the wheel stops on the server's sector, the result and the code are
// shown and announced; the "chances" link shows the server's odds; after a
// reload the game shows the first result, "already played", with no way to
// spin again, and the server counted one draw per visitor.
func TestWheelInTheBrowser(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	wid := p.game(wheelGame)
	for i, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			ctx, problems := servertest.Browser(t)
			if vp.Name == "phone" {
				servertest.ReduceMotion(ctx, t)
			}
			// Layout shifts of the page's own elements (a shift inside the
			// widgets' shadow root names no node: the dialog's own content
			// changing is not the page moving).
			servertest.OnNewDocument(ctx, t, `window.__cls = 0; window.__shifts = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) { const page = e.sources.filter((x) => x.node && x.node.nodeName !== 'BECKON-ROOT'); if (!page.length) continue; window.__cls += e.value; window.__shifts.push(e.value.toFixed(3) + ' ' + page.map((x) => x.node.nodeName).join(',')); } }).observe({type: 'layout-shift', buffered: true});`)
			p.visitPage(t, ctx, vp)
			servertest.ClickInShadow(ctx, t, ".bkgm .fab")
			waitFor(t, ctx, "the dialog open", visible(".bkgm .box"))
			if n := eval[int](t, ctx, `s.querySelectorAll('.bkgm .disc path').length`); n != 3 {
				t.Fatalf("the wheel has %d sectors, want one per prize (3, no 'no prize')", n)
			}
			servertest.ScreenshotViewport(ctx, t, "game-wheel-form-"+vp.Name)

			typeInto(t, ctx, "phone", fmt.Sprintf("+7 912 345-67-8%d", i))
			servertest.ClickInShadow(ctx, t, ".bkgm input[name=consent]")
			servertest.ClickInShadow(ctx, t, ".bkgm form button[type=submit]")
			waitFor(t, ctx, "the result shown", visible(".bkgm .result .res"))
			if got := eval[string](t, ctx, landedOn); got != "b" {
				t.Fatalf("the wheel stopped on %q, want the server's prize b", got)
			}
			// Reduced motion: the wheel is set at its angle, never animated.
			if turned := eval[bool](t, ctx, `s.querySelector('.bkgm .disc').classList.contains('turn')`); turned == (vp.Name == "phone") {
				t.Fatalf("%s: the wheel's transition is on = %v", vp.Name, turned)
			}
			res := eval[string](t, ctx, `s.querySelector('.bkgm .result').textContent`)
			live := eval[string](t, ctx, `s.querySelector('.bkgm [role=status]').textContent`)
			prize := map[string]string{"ru": "Бесплатная доставка", "uk": "Безкоштовна доставка"}[vp.Lang]
			if !strings.Contains(res, prize) || !strings.Contains(res, "SHIP-FREE") || !strings.Contains(live, prize) {
				t.Fatalf("result %q, announced %q; want %q with the code", res, live, prize)
			}
			if visible := eval[bool](t, ctx, visible(".bkgm form button[type=submit]")); visible {
				t.Fatal("the spin button is still there after the draw")
			}
			servertest.ScreenshotViewport(ctx, t, "game-wheel-won-"+vp.Name)

			servertest.ClickInShadow(ctx, t, ".bkgm .link")
			waitFor(t, ctx, "the odds shown", `s.querySelectorAll('.bkgm table tbody tr').length === 4`)
			odds := eval[string](t, ctx, `s.querySelector('.bkgm table').textContent`)
			if !strings.Contains(odds, "100") || !strings.Contains(odds, prize) {
				t.Fatalf("odds %q, want %s at 100 %%", odds, prize)
			}
			servertest.ScreenshotViewport(ctx, t, "game-wheel-chances-"+vp.Name)
			if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
				t.Fatalf("the page moved under the game: layout shift %.4f: %s", cls, eval[string](t, ctx, `window.__shifts.join("; ")`))
			}

			// Again, after a reload: the first result, no second spin.
			if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, "the game mounted again", `s && s.querySelector('.bkgm .fab')`)
			servertest.ClickInShadow(ctx, t, ".bkgm .fab")
			waitFor(t, ctx, "the first result shown", visible(".bkgm .already"))
			if eval[bool](t, ctx, visible(".bkgm form")) {
				t.Fatal("after a reload the form is offered again")
			}
			if got := eval[string](t, ctx, landedOn); got != "b" {
				t.Fatalf("after a reload the wheel shows %q, want b", got)
			}
			if !strings.Contains(eval[string](t, ctx, `s.querySelector('.bkgm .result').textContent`), "SHIP-FREE") {
				t.Fatal("after a reload the code is not shown")
			}
			if s := p.stats(wid); s.Draws != i+1 {
				t.Fatalf("the server counted %d draws after %d visitors, want one each", s.Draws, i+1)
			}
			keysDo(t, ctx, kb.Escape)
			waitFor(t, ctx, "closed by Esc", `!`+visible(".bkgm .box"))
			servertest.NoProblems(t, problems())
		})
	}
}

// TestScratchCardInTheBrowser: the card's layer comes off under a dragged
// pointer, and the keyboard's Reveal shows the server's result; a visitor
// whose browser forgot the game but whose e-mail played is shown the
// first result, not a new draw.
func TestScratchCardInTheBrowser(t *testing.T) {
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		t.Setenv("BECKON_SCREENSHOT_DIR", t.TempDir())
	}
	p := newShopPage(t)
	wid := p.game(`{"kind":"scratch","contact":"email","no_prize_weight":1,
	  "prizes":[{"id":"ten","title":{"ru":"Скидка 10%","uk":"Знижка 10%","en":"10% off"},"weight":0,"stock":null}]}`)
	vp := servertest.DesktopAndPhone[1]
	ctx, problems := servertest.Browser(t)
	p.visitPage(t, ctx, vp)
	servertest.ClickInShadow(ctx, t, ".bkgm .fab")
	typeInto(t, ctx, "email", "anna@shop.example")
	servertest.ClickInShadow(ctx, t, ".bkgm form button[type=submit]")
	waitFor(t, ctx, "the card to scratch", visible(".bkgm canvas.cover")+" && "+visible(".bkgm .hint"))
	if eval[bool](t, ctx, visible(".bkgm .result .res")) {
		t.Fatal("the result shows before the card is scratched")
	}
	// Drag across the card's middle: the layer there is gone.
	r := eval[[]float64](t, ctx, `(() => { const b = s.querySelector('.bkgm canvas.cover').getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })()`)
	y := r[1] + r[3]/2
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent("mousePressed", r[0]+20, y, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", r[0]+r[2]/3, y, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseMoved", r[0]+r[2]/2, y, chromedp.ButtonLeft),
		chromedp.MouseEvent("mouseReleased", r[0]+r[2]/2, y, chromedp.ButtonLeft),
	); err != nil {
		t.Fatal(err)
	}
	alpha := `(() => { const c = s.querySelector('.bkgm canvas.cover'); const g = c.getContext('2d', {willReadFrequently: true}); return [g.getImageData(Math.round(c.width/3), Math.round(c.height/2), 1, 1).data[3], g.getImageData(5, 5, 1, 1).data[3]]; })()`
	if a := eval[[]int](t, ctx, alpha); a[0] != 0 || a[1] != 255 {
		t.Fatalf("layer alpha %d under the dragged pointer, %d in a corner; want 0 and 255", a[0], a[1])
	}
	servertest.ScreenshotViewport(ctx, t, "game-scratch-half-"+vp.Name)
	eval[bool](t, ctx, `(s.querySelector('.bkgm .box > button.primary').focus(), true)`)
	keysDo(t, ctx, kb.Enter)
	waitFor(t, ctx, "the result shown", visible(".bkgm .result .res"))
	lost := map[string]string{"ru": "В этот раз без приза", "uk": "Цього разу без призу"}[vp.Lang]
	if got := eval[string](t, ctx, `s.querySelector('.bkgm .result').textContent`); !strings.Contains(got, lost) {
		t.Fatalf("result %q, want %q (the server's draw: no prize)", got, lost)
	}
	servertest.ScreenshotViewport(ctx, t, "game-scratch-result-"+vp.Name)

	// The browser forgets; the same e-mail is the same player.
	eval[bool](t, ctx, `(localStorage.clear(), true)`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the game mounted again", `s && s.querySelector('.bkgm .fab')`)
	servertest.ClickInShadow(ctx, t, ".bkgm .fab")
	typeInto(t, ctx, "email", "Anna@Shop.Example")
	servertest.ClickInShadow(ctx, t, ".bkgm form button[type=submit]")
	waitFor(t, ctx, "already played", visible(".bkgm .already"))
	if s := p.stats(wid); s.Draws != 1 {
		t.Fatalf("the server counted %d draws, want 1", s.Draws)
	}
	servertest.NoProblems(t, problems())
}

func keysDo(t testing.TB, ctx context.Context, k string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
		t.Fatal(err)
	}
}

// TestTriggerOpensTheGame: a game with a trigger block and no launcher
// opens by itself when its trigger fires (1 s on the page), through the
// shared engine, with the focus in the dialog.
func TestTriggerOpensTheGame(t *testing.T) {
	p := newShopPage(t)
	p.game(`{"launcher":"none","prizes":[{"id":"ten","title":"Скидка 10%","weight":1,"stock":null}],
	  "triggers":{"on":[{"type":"time_on_page","seconds":1}]}}`)
	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	p.visitPage(t, ctx, servertest.DesktopAndPhone[0])
	if eval[bool](t, ctx, visible(".bkgm .fab")) {
		t.Fatal(`launcher "none" shows a launcher`)
	}
	waitFor(t, ctx, "the game opened by its trigger", visible(".bkgm .box"))
	if !eval[bool](t, ctx, `s.querySelector('.bkgm .box').contains(s.activeElement)`) {
		t.Fatal("the focus is not in the game once its trigger opened it")
	}
	servertest.NoProblems(t, problems())
}
