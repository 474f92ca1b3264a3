package dashboard_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestNotificationPagesInChromium: an owner uses notifications.js in a
// real browser under the strict CSP: saves a Telegram channel and sends a
// test that the fake bot gets ("Test delivered"), saves a webhook (its
// new secret shown once) whose refusing receiver's error shows in words,
// has a bad Bitrix24 address refused at its field (with focus), replays
// the failed message from the log after the receiver recovers, and reads
// the audit page; on a desktop and a 360-px phone, every field labelled,
// nothing wider than the window. Screenshots go to $BECKON_SCREENSHOT_DIR.
func TestNotificationPagesInChromium(t *testing.T) {
	s := newNTSite(t, servertest.NewStore(t, "embedded"))
	recv := newNTReceiver(t, http.StatusBadRequest)
	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	waitText := func(what, sel, want string) {
		t.Helper()
		js := fmt.Sprintf(`(document.querySelector(%q)||{}).textContent?.includes(%q)`, sel, want)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
			t.Fatalf("%s: %q never showed %q (it shows %q)", what, sel, want, eval(fmt.Sprintf(`(document.querySelector(%q)||{}).textContent`, sel)))
		}
	}
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "") }
	page := s.d.Base + s.path("/notifications")

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("sign in", chromedp.Navigate(s.d.Base+"/app/login?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "owner@flowers.example"), chromedp.SendKeys(chromedp.CSS(`#password`), "owner-pass-1\r"),
		chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("channels", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#ch-telegram form`)))

	run("telegram", chromedp.Click(chromedp.CSS(`#ch-telegram input[name=on]`)),
		chromedp.SendKeys(chromedp.CSS(`#nt-telegram-bot_token`), ntBotToken), chromedp.SendKeys(chromedp.CSS(`#nt-telegram-chat_id`), "-1001234567890"),
		chromedp.Click(chromedp.CSS(`#ch-telegram button[type=submit]`)))
	waitText("save telegram", "#ch-telegram .nt-result", "Saved.")
	if v := eval(`document.getElementById('nt-telegram-bot_token').value`); v != "****Dsaw" {
		t.Errorf("the saved token shows as %q, want it masked", v)
	}
	run("test telegram", chromedp.Click(chromedp.CSS(`#ch-telegram [data-test]`)))
	waitText("test telegram", "#ch-telegram .nt-result", "Test delivered")
	if s.bot.count() != 1 {
		t.Fatalf("the bot got %d messages", s.bot.count())
	}

	run("webhook", chromedp.Click(chromedp.CSS(`#ch-webhook input[name=on]`)),
		chromedp.SendKeys(chromedp.CSS(`#nt-webhook-url`), recv.URL+"/hook"), chromedp.Click(chromedp.CSS(`#ch-webhook button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#nt-webhook-secret-once`)))
	first := eval(`document.getElementById('nt-webhook-secret-once').value`)
	if !strings.HasPrefix(first, "whsec_") || eval(`document.querySelector('[data-secret]').textContent`) != "****"+first[len(first)-4:] {
		t.Errorf("the new secret shows as %q, masked as %q", first, eval(`document.querySelector('[data-secret]').textContent`))
	}
	// A new secret replaces it, shown once too.
	eval(`window.confirm = () => true`) // the confirmation, answered yes
	run("rotate", chromedp.Click(chromedp.CSS(`#ch-webhook [data-rotate]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('nt-webhook-secret-once').value.startsWith('whsec_') && document.getElementById('nt-webhook-secret-once').value !== %q`, first))); err != nil {
		t.Fatalf("no new secret after rotating: %v", err)
	}
	run("test webhook", chromedp.Click(chromedp.CSS(`#ch-webhook [data-test]`)))
	waitText("test webhook", "#ch-webhook .nt-result", "The receiver refused the message (HTTP 400).")

	run("bad bitrix", chromedp.Click(chromedp.CSS(`#ch-bitrix24 input[name=on]`)),
		chromedp.SendKeys(chromedp.CSS(`#nt-bitrix24-url`), "https://shop.bitrix24.ru/crm/"), chromedp.Click(chromedp.CSS(`#ch-bitrix24 button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#nt-err-bitrix24-url`)))
	if v := eval(`document.activeElement && document.activeElement.id`); v != "nt-bitrix24-url" {
		t.Errorf("the refused field has no focus (focus: %q)", v)
	}
	if v := eval(`document.getElementById('nt-bitrix24-url').getAttribute('aria-describedby')`); !strings.Contains(v, "nt-err-bitrix24-url") {
		t.Errorf("the field does not point at its error: %q", v)
	}
	check("notify-channels-desktop", 1280)

	run("log", chromedp.Navigate(page+"/log"), chromedp.WaitVisible(chromedp.CSS(`#nt-log`)))
	check("notify-log-desktop", 1280)
	recv.status.Store(http.StatusOK)
	eval(`window.confirm = () => true`) // the replay's confirmation, answered yes (a new page)
	failed := eval(`document.querySelector('.nt-row:has(.status.nt-failed)').dataset.id`)
	run("replay", chromedp.Click(chromedp.CSS(`#msg-`+failed+` [data-replay]`)))
	waitText("replay", "#msg-"+failed+"-result", "Delivered.")
	waitText("replay", "#msg-"+failed+" .status", "Delivered")
	servertest.ScreenshotViewport(ctx, t, "notify-log-replayed-desktop")

	run("audit", chromedp.Navigate(s.d.Base+s.path("/audit")), chromedp.WaitVisible(chromedp.CSS(`#audit`)))
	check("notify-audit-desktop", 1280)

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("channels on the phone", chromedp.Navigate(page+"?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#ch-telegram form`)))
	check("notify-channels-phone", 360)
	run("log on the phone", chromedp.Navigate(page+"/log"), chromedp.WaitVisible(chromedp.CSS(`#nt-log`)))
	check("notify-log-phone", 360)
	run("audit on the phone", chromedp.Navigate(s.d.Base+s.path("/audit")), chromedp.WaitVisible(chromedp.CSS(`#audit`)))
	check("notify-audit-phone", 360)
	// The refused save answers 422, which the browser logs.
	servertest.NoProblems(t, problems(), "status of 422 (Unprocessable Entity)")
}
