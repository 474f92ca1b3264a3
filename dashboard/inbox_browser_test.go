package dashboard_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestInboxInChromium: the operator opens the inbox in a real browser;
// a lead a visitor sends through the public API appears on top without
// a reload and is announced; on a 360-px phone the rows become cards
// that do not scroll sideways; the lead's page works with the keyboard.
// The strict CSP must let the live script run (a violation is a console
// error). Photographed into $BECKON_SCREENSHOT_DIR.
func TestInboxInChromium(t *testing.T) {
	s := &inboxSite{d: startDash(t, servertest.NewStore(t, "embedded"), nil)}
	s.siteID = s.d.CreateSite("Магазин", "https://a.example")["id"].(string)
	key, wid := s.popup(t)
	now := time.Now()
	for i, src := range []string{"google", "direct", "yandex", "direct"} {
		s.seedLead(t, i, now.Add(-time.Duration(4-i)*time.Hour), "quiz", wid, src)
	}
	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	labelled := func(what string) {
		t.Helper()
		if n := eval(`[...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, textarea, button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML).join(' ')`); n != "" {
			t.Errorf("%s: fields without a label: %s", what, n)
		}
	}
	inbox := s.d.Base + "/app/sites/" + s.siteID + "/inbox"

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("setup", chromedp.Navigate(s.d.Base+"/app/setup?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("inbox", chromedp.Navigate(inbox), chromedp.WaitVisible(chromedp.CSS(`#lead-lead-00003`)))
	labelled("inbox")
	// The stream is subscribed once it has answered (the script then marks
	// the table): a lead sent from then on must appear.
	run("stream open", chromedp.WaitReady(chromedp.CSS(`#inbox[data-connected="1"]`)))
	id := s.postPopupLead(t, wid, key, "Оксана", "live-1")
	run("the new lead appears", chromedp.WaitVisible(chromedp.CSS(`#lead-`+id)))
	if first := eval(`document.querySelector('#inbox tbody tr').id`); first != "lead-"+id {
		t.Errorf("the new lead is not on top: %s", first)
	}
	if said := eval(`document.getElementById('inbox-live').textContent`); said != "Новая заявка: Оксана" {
		t.Errorf("the live region says %q", said)
	}
	servertest.Screenshot(ctx, t, "dashboard-inbox-desktop")

	run("filter", chromedp.Navigate(inbox+"?source=direct"), chromedp.WaitVisible(chromedp.CSS(`#f-source`)))
	if n := eval(`document.querySelectorAll('#inbox tbody tr').length`); n != "2" {
		t.Errorf("source=direct shows %s rows, want 2", n)
	}
	// A filtered page is not changed under the reader: it offers the news.
	run("stream open on a filtered page", chromedp.WaitReady(chromedp.CSS(`#inbox[data-connected="1"]`)))
	s.postPopupLead(t, wid, key, "Богдан", "live-2")
	run("the offer", chromedp.WaitVisible(chromedp.CSS(`#inbox-live a`)))
	if said := eval(`document.querySelector('#inbox-live a').textContent`); said != "Пришли новые заявки: 1. Показать" {
		t.Errorf("the offer says %q", said)
	}
	if n := eval(`document.querySelectorAll('#inbox tbody tr').length`); n != "2" {
		t.Errorf("the filtered page changed under the reader: %s rows", n)
	}

	run("lead page", chromedp.Navigate(inbox+"/"+id), chromedp.WaitVisible(chromedp.CSS(`#lead-note`)))
	labelled("lead")
	run("note by keyboard", chromedp.Focus(chromedp.CSS(`#lead-note`)), chromedp.SendKeys(chromedp.CSS(`#lead-note`), "Перезвонить завтра"),
		chromedp.Click(chromedp.CSS(`#lead-note ~ button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if note := eval(`document.getElementById('lead-note').value`); note != "Перезвонить завтра" {
		t.Errorf("note after saving: %q", note)
	}
	servertest.Screenshot(ctx, t, "dashboard-lead-desktop")

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile), chromedp.Navigate(inbox), chromedp.WaitVisible(chromedp.CSS(`#lead-`+id)))
	if w, _ := strconv.Atoi(eval(`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("the inbox is %d px wide on a 360-px phone", w)
	}
	servertest.Screenshot(ctx, t, "dashboard-inbox-phone")
	run("lead on the phone", chromedp.Navigate(inbox+"/"+id), chromedp.WaitVisible(chromedp.CSS(`#lead-note`)))
	if w, _ := strconv.Atoi(eval(`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("the lead page is %d px wide on a 360-px phone", w)
	}
	servertest.Screenshot(ctx, t, "dashboard-lead-phone")
	servertest.NoProblems(t, problems())
}
