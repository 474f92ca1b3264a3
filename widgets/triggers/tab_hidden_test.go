package triggers_test

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// windowState minimizes or restores the browser's window: headless
// Chromium then hides the tab (visibilitychange to hidden) and shows it
// again, as a phone does when the visitor switches apps and comes back.
func (p *page) windowState(st browser.WindowState) {
	p.t.Helper()
	win, err := chromedp.Call(p.ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: win.WindowID, Bounds: &browser.Bounds{WindowState: st}}); err != nil {
		p.t.Fatal(err)
	}
}

// TestExitIntentPhoneTabHidden: on a phone the tab hidden (another app, the
// tab list) and shown again is exit intent: the quiz opens when the visitor
// is back, never while the tab is hidden. A desktop's tab switch is not.
func TestExitIntentPhoneTabHidden(t *testing.T) {
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			p, ids := newPage(t, `{"on":[{"type":"exit_intent"}]}`, manualOnly)
			q := ids[0]
			p.visitAt("/", vp.Width, vp.Height, ids...)
			eval[any](p, `window.__hidden = 0; document.addEventListener('visibilitychange', () => document.hidden && __hidden++), 1`)
			p.windowState(browser.WindowStateMinimized)
			p.waitFor("the tab hidden", func() bool { return eval[int](p, `__hidden`) == 1 })
			p.setClock(time.Second)
			if p.open(q) || p.traced("trigger:show ") > 0 {
				t.Fatalf("shown while the tab was hidden; trace %q", p.trace())
			}
			p.windowState(browser.WindowStateNormal)
			p.waitFor("the tab shown again", func() bool { return !eval[bool](p, `document.hidden`) })
			if vp.Name == "phone" {
				p.waitOpen(q)
				if p.traced("trigger:shown "+q+" exit_intent") != 1 {
					t.Errorf("trace %q, want one showing by exit_intent", p.trace())
				}
				return
			}
			p.setClock(2 * time.Second)
			if p.open(q) {
				t.Fatalf("a desktop took a tab switch for exit intent; trace %q", p.trace())
			}
		})
	}
}
