package dashboard_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestSignInInChromium: a person sets Beckon up, turns two-step sign-in on
// and signs in again, with the keyboard, in a real browser, on a desktop
// and a 360-px phone. The strict CSP must not block anything the pages
// use (a violation is a console error), no page may scroll sideways on
// the phone, and every step is photographed into $BECKON_SCREENSHOT_DIR.
func TestSignInInChromium(t *testing.T) {
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	siteID := d.CreateSite("Магазин", "https://shop.example")["id"].(string)
	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	// Every field a person can reach has a label a screen reader reads.
	labelled := func(what string) {
		t.Helper()
		if n := eval(`[...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML).join(' ')`); n != "" {
			t.Errorf("%s: fields without a label: %s", what, n)
		}
	}
	noSidewaysScroll := func(what string, width int) {
		t.Helper()
		scroll, _ := strconv.Atoi(eval(`document.documentElement.scrollWidth`))
		if scroll > width {
			t.Errorf("%s: the page is %d px wide in a %d-px window", what, scroll, width)
		}
	}

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	servertest.Screenshot(ctx, t, "dashboard-setup-desktop")
	labelled("dashboard-setup-desktop")
	run("fill setup",
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	servertest.Screenshot(ctx, t, "dashboard-sites-desktop")
	labelled("dashboard-sites-desktop")

	run("enrol", chromedp.Navigate(d.Base+"/app/account/2fa"), chromedp.WaitVisible(chromedp.CSS(`img.qr`)))
	secret, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name=secret]`)))
	if err != nil {
		t.Fatal(err)
	}
	servertest.Screenshot(ctx, t, "dashboard-enrol-desktop")
	labelled("dashboard-enrol-desktop")
	b := d.browser(t, "")
	run("confirm", chromedp.SendKeys(chromedp.CSS(`#code`), b.code(secret, 0)+"\r"), chromedp.WaitVisible(chromedp.CSS(`ol.codes`)))
	servertest.Screenshot(ctx, t, "dashboard-recovery-desktop")
	labelled("dashboard-recovery-desktop")
	run("account", chromedp.Navigate(d.Base+"/app/account"), chromedp.WaitVisible(chromedp.CSS(`ul.sessions`)))
	servertest.Screenshot(ctx, t, "dashboard-account-desktop")
	labelled("dashboard-account-desktop")

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("account on the phone", chromedp.Navigate(d.Base+"/app/account"), chromedp.WaitVisible(chromedp.CSS(`ul.sessions`)))
	noSidewaysScroll("account", 360)
	servertest.Screenshot(ctx, t, "dashboard-account-phone")
	labelled("dashboard-account-phone")

	run("sign out", chromedp.Click(chromedp.CSS(`button.link`)), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	noSidewaysScroll("login", 360)
	servertest.Screenshot(ctx, t, "dashboard-login-phone")
	labelled("dashboard-login-phone")
	run("sign in", chromedp.SendKeys(chromedp.CSS(`#email`), opEmail), chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	if focused := eval(`document.activeElement && document.activeElement.id`); focused != "code" {
		t.Errorf("the code field has no focus on the second step (focus: %q)", focused)
	}
	servertest.Screenshot(ctx, t, "dashboard-2fa-phone")
	labelled("dashboard-2fa-phone")
	d.clock.Add(30 * time.Second)
	run("code", chromedp.SendKeys(chromedp.CSS(`#code`), b.code(secret, 0)+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	noSidewaysScroll("sites", 360)

	run("desktop again", chromedp.EmulateViewport(1280, 800))
	run("sign out", chromedp.Click(chromedp.CSS(`button.link`)), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	servertest.Screenshot(ctx, t, "dashboard-login-desktop")
	labelled("dashboard-login-desktop")
	run("sign in", chromedp.SendKeys(chromedp.CSS(`#email`), opEmail), chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	servertest.Screenshot(ctx, t, "dashboard-2fa-desktop")
	labelled("dashboard-2fa-desktop")
	if lang := eval(`document.documentElement.lang`); lang != "ru" {
		t.Errorf("the language chosen on the first page was not kept: %q", lang)
	}
	d.clock.Add(30 * time.Second)
	run("code", chromedp.SendKeys(chromedp.CSS(`#code`), b.code(secret, 0)+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("people", chromedp.Navigate(d.Base+"/app/sites/"+siteID+"/people"), chromedp.WaitVisible(chromedp.CSS(`#invite-email`)))
	run("invite", chromedp.SendKeys(chromedp.CSS(`#invite-email`), "manager@example.com\r"), chromedp.WaitVisible(chromedp.CSS(`#link`)))
	servertest.Screenshot(ctx, t, "dashboard-people-desktop")
	labelled("dashboard-people-desktop")
	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile), chromedp.Navigate(d.Base+"/app/sites/"+siteID+"/people"), chromedp.WaitVisible(chromedp.CSS(`#invite-email`)))
	noSidewaysScroll("people", 360)
	servertest.Screenshot(ctx, t, "dashboard-people-phone")
	labelled("dashboard-people-phone")
	servertest.NoProblems(t, problems())
}
