package triggers_test

// The owner's push (docs/TRIGGERS.md, "Push") in a real Chromium: the
// server's push API, the live connection (the engine's own, or the
// social-proof widget's), the engine's conditions and caps, and the
// trigger analytics its showing reports.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// popupWith is a pop-up with the trigger block.
func popupWith(block string) map[string]any {
	return map[string]any{"type": "popup", "settings": json.RawMessage(`{"title": {"ru": "Скидка 10% до конца дня", "uk": "Знижка 10% до кінця дня", "en": "10% off until midnight"},
  "text": {"ru": "Назовите код менеджеру при заказе котла.", "uk": "Назвіть код менеджеру під час замовлення котла.", "en": "Tell the manager the code when you order a boiler."},
  "triggers": ` + block + `}`)}
}

// popupOpen reports whether the pop-up is on screen.
func (p *page) popupOpen() bool {
	return eval[bool](p, `(() => { const b = document.querySelector('beckon-root').shadowRoot.querySelector('[data-type=popup] .bkpp .box');
  return !!b && !b.parentElement.hidden && b.getBoundingClientRect().height > 0; })()`)
}

// waitOnline waits until the site has a visitor on a live connection: a
// push reaches only those.
func (p *page) waitOnline() {
	p.t.Helper()
	p.waitFor("a live connection", func() bool {
		n, _, err := p.ts.Store.PresenceCounts(context.Background(), p.siteID)
		return err == nil && n > 0
	})
}

// push asks the owner's API to show widget wid now, with body.
func (p *page) push(wid, body string) {
	p.t.Helper()
	r := p.ts.Admin("POST", "/api/v1/sites/"+p.siteID+"/widgets/"+wid+"/push", json.RawMessage(body))
	servertest.ExpectStatus(p.t, r, http.StatusAccepted)
}

// triggerStats is the widget's trigger analytics of today.
func (p *page) triggerStats(wid string) map[string]any {
	r := p.ts.Admin("GET", "/api/v1/sites/"+p.siteID+"/widgets/"+wid+"/trigger-stats", nil)
	servertest.ExpectStatus(p.t, r, http.StatusOK)
	return r.JSON(p.t)
}

// TestPush: a pushed pop-up opens once, by the push trigger, on a page its
// push names; a push for other pages does nothing; a second push in the
// visit is held back by per_visit 1; the showing and its dismissal reach
// the trigger analytics. With and without a social-proof widget on the
// site (whose connection then carries the push), on a desktop and a phone.
func TestPush(t *testing.T) {
	for _, tc := range []struct {
		name          string
		socialProof   bool
		width, height int64
	}{
		{"own connection, desktop", false, 1280, 800},
		{"through social proof, phone", true, 360, 740},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bodies := []map[string]any{popupWith(`{"on":[{"type":"push"}]}`)}
			if tc.socialProof {
				bodies = append(bodies, map[string]any{"type": "social_proof", "settings": map[string]any{}})
			}
			p, ids := newSitePage(t, bodies...)
			pop := ids[0]
			p.visitAt("/catalog/gas", tc.width, tc.height, pop)
			p.waitOnline()

			p.push(pop, `{"pages":{"include":["/sale"]}}`)
			p.waitTrace("live:show " + pop)
			if p.traced("trigger:show ") > 0 || p.popupOpen() {
				t.Fatalf("a push for /sale showed the pop-up on /catalog/gas; trace %q", p.trace())
			}

			p.push(pop, `{"pages":{"include":["/catalog/*"],"exclude":["/catalog/electric"]}}`)
			p.waitTrace("trigger:shown " + pop + " push")
			p.waitFor("the pop-up on screen", p.popupOpen)
			servertest.ScreenshotViewport(p.ctx, t, fmt.Sprintf("push-%dx%d", tc.width, tc.height))
			if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\x1b")); err != nil {
				t.Fatal(err)
			}
			p.waitTrace("trigger:closed " + pop)

			p.push(pop, `{}`)
			p.waitFor("the third push", func() bool { return p.traced("live:show "+pop) >= 3 })
			if n := p.traced("trigger:show "); n != 1 || p.popupOpen() {
				t.Errorf("%d showings (open now: %v), want the one: per_visit 1; trace %q", n, p.popupOpen(), p.trace())
			}

			// What the engine reported: one showing by push, closed without
			// converting, on this page, of a visit without a source.
			want := map[string]any{"name": "push", "shown": 1.0, "closed": 1.0, "converted": 0.0, "conversion_rate": 0.0}
			var st map[string]any
			p.waitFor("the showing in the trigger stats", func() bool {
				st = p.triggerStats(pop)
				byTrigger, _ := st["by_trigger"].([]any)
				return len(byTrigger) == 1 && fmt.Sprint(byTrigger[0]) == fmt.Sprint(want)
			})
			page, _ := st["by_page"].([]any)
			source, _ := st["by_source"].([]any)
			if len(page) != 1 || page[0].(map[string]any)["name"] != "/catalog/gas" ||
				len(source) != 1 || source[0].(map[string]any)["name"] != "direct" {
				t.Errorf("stats by page %v, by source %v; want /catalog/gas and direct", page, source)
			}
		})
	}
}
