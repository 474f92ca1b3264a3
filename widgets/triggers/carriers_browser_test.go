package triggers_test

// The callback and the countdown bar under the trigger engine, in a real
// Chromium: a trigger opens the callback's panel and shows a bar that
// waited off screen, a callback panel the visitor opened holds the one
// interruption, so no triggered pop-up covers it, and a call asked for in
// a panel a trigger opened is its conversion.

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// visible is the JS condition: sel in the widgets' shadow root is on screen.
func (p *page) visible(sel string) bool {
	return eval[bool](p, fmt.Sprintf(`(() => { const e = document.querySelector('beckon-root').shadowRoot.querySelector(%q);
  return !!e && !e.hidden && e.getBoundingClientRect().height > 0; })()`, sel))
}

func TestCallbackAndCountdownByTriggers(t *testing.T) {
	p, ids := newSitePage(t,
		map[string]any{"type": "callback", "settings": json.RawMessage(`{"managers":[{"name":"Анна","phone":"+79000000010"}],
  "triggers":{"on":[{"type":"manual"}],"caps":{"per_visit":0}}}`)},
		map[string]any{"type": "countdown", "settings": json.RawMessage(`{"mode":"evergreen","duration_seconds":5400,
  "title":{"ru":"Скидка на монтаж сгорит через","uk":"Знижка на монтаж згорить через","en":"The installation discount ends in"},
  "triggers":{"on":[{"type":"manual"}]}}`)},
		popupWith(`{"on":[{"type":"time_on_page","seconds":5}]}`),
	)
	cb, bar, pop := ids[0], ids[1], ids[2]
	// The countdown says it is ready once its deadline came: it is loaded, and off screen.
	p.visit("/", ids...)
	if p.visible("[data-type=countdown] .bkcd") {
		t.Fatalf("the bar with a trigger block is on screen before any trigger; trace %q", p.trace())
	}
	eval[any](p, fmt.Sprintf(`beckon('show', %q)`, bar))
	p.waitTrace("trigger:shown " + bar + " manual")
	p.waitFor("the bar on screen", func() bool { return p.visible("[data-type=countdown] .bkcd") })
	servertest.ScreenshotViewport(p.ctx, t, "countdown-bar-by-trigger")
	p.shadowClick("[data-type=countdown] .bkcd .x")
	p.waitTrace("trigger:closed " + bar)

	// The visitor opens the callback: it holds the one interruption, the
	// pop-up due meanwhile is skipped for this page.
	p.shadowClick("[data-type=callback] .fab")
	p.waitTrace("trigger:opened " + cb)
	p.setClock(6 * time.Second)
	if p.traced("trigger:show "+pop) > 0 || !p.visible("[data-type=callback] .panel") {
		t.Fatalf("a pop-up was shown over the open callback panel; trace %q", p.trace())
	}
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\x1b")); err != nil {
		t.Fatal(err)
	}
	p.waitTrace("trigger:closed " + cb)

	// A trigger opens the panel.
	eval[any](p, fmt.Sprintf(`document.activeElement && document.activeElement.blur(), beckon('show', %q)`, cb))
	p.waitTrace("trigger:shown " + cb + " manual")
	p.waitFor("the callback panel on screen", func() bool { return p.visible("[data-type=callback] .panel") })
	servertest.ScreenshotViewport(p.ctx, t, "callback-by-trigger")

	// The visitor asks for a call: a conversion of the triggered showing.
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("912 345-67-89")); err != nil {
		t.Fatal(err)
	}
	p.shadowClick("[data-type=callback] button[type=submit]")
	p.waitTrace("trigger:converted " + cb)
	p.waitFor("the callback's conversion in the trigger stats", func() bool {
		return fmt.Sprint(p.triggerStats(cb)["by_trigger"]) == "[map[closed:0 conversion_rate:1 converted:1 name:manual shown:1]]"
	})
}
