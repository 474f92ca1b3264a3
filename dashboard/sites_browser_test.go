package dashboard_test

import (
	"net/http"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestSitePagesInChromium: the operator opens a site in a real browser on
// a desktop and a 360-px phone, copies the snippet with the button (the
// clipboard then holds it), sees the install check, is shown a bad region
// at its field, and makes an API key. The strict CSP must let copy.js
// run and block nothing (a violation is a console error); no page scrolls
// sideways on the phone; every field has a label. Screenshots go to
// $BECKON_SCREENSHOT_DIR.
func TestSitePagesInChromium(t *testing.T) {
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	site := d.CreateSite("Магазин цветов", "https://shop.example", "https://www.shop.example")
	id, key := site["id"].(string), site["key"].(string)
	servertest.ExpectStatus(t, d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, "Origin", "https://shop.example"), http.StatusOK)

	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "") }
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{Permission: &cdpbrowser.PermissionDescriptor{Name: name},
			Setting: "granted", Origin: d.Base}); err != nil {
			t.Fatal(err)
		}
	}

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	check("dashboard-sites-list-desktop", 1280)
	run("site", chromedp.Click(chromedp.CSS(`ul.sites a`)), chromedp.WaitVisible(chromedp.CSS(`button.copy.ready`)))
	snippet := eval(`document.getElementById('snippet').value`)
	if want := `data-site="` + key + `"`; !strings.Contains(snippet, want) {
		t.Fatalf("the snippet %q lacks %s", snippet, want)
	}
	if seen := eval(`document.querySelector('ul.install').textContent`); !strings.Contains(seen, "We saw your snippet on https://shop.example just now.") ||
		!strings.Contains(seen, "Not seen on https://www.shop.example yet.") {
		t.Errorf("install check: %q", seen)
	}
	check("dashboard-site-desktop", 1280)

	// The keyboard reaches the button; Enter copies.
	run("focus copy", chromedp.Focus(chromedp.CSS(`button.copy`)), chromedp.KeyEvent("\r"))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('snippet-status').textContent.startsWith('Copied')`)); err != nil {
		t.Fatalf("the copy button never said copied: %v", err)
	}
	if got := eval(`navigator.clipboard.readText()`); got != snippet {
		t.Fatalf("the clipboard holds %q, want the snippet %q", got, snippet)
	}
	servertest.Screenshot(ctx, t, "dashboard-site-copied-desktop")

	run("bad region", chromedp.SetValue(chromedp.CSS(`#site-region`), "ZZ"), chromedp.Click(chromedp.CSS(`form[action="/app/sites/`+id+`"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#err-region`)))
	if v := eval(`document.getElementById('site-region').getAttribute('aria-describedby')`); !strings.Contains(v, "err-region") {
		t.Errorf("the region field does not point at its error: %q", v)
	}
	if focused := eval(`document.activeElement && document.activeElement.id`); focused != "site-region" {
		t.Errorf("the refused field has no focus (focus: %q)", focused)
	}
	servertest.ScreenshotViewport(ctx, t, "dashboard-site-error-desktop")

	run("keys", chromedp.Navigate(d.Base+"/app/sites/"+id+"/keys"), chromedp.WaitVisible(chromedp.CSS(`#key-name`)),
		chromedp.SendKeys(chromedp.CSS(`#key-name`), "CRM"), chromedp.Click(chromedp.CSS(`input[value="leads:read"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/keys"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#secret`)))
	check("dashboard-keys-desktop", 1280)

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("site on the phone", chromedp.Navigate(d.Base+"/app/sites/"+id+"?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`button.copy.ready`)))
	check("dashboard-site-phone", 360)
	run("keys on the phone", chromedp.Navigate(d.Base+"/app/sites/"+id+"/keys"), chromedp.WaitVisible(chromedp.CSS(`#key-name`)))
	check("dashboard-keys-phone", 360)
	run("revoke on the phone", chromedp.Click(chromedp.CSS(`ul.keys a.danger`)), chromedp.WaitVisible(chromedp.CSS(`#h-revoke`)))
	check("dashboard-key-revoke-phone", 360)
	run("new site on the phone", chromedp.Navigate(d.Base+"/app/sites/new"), chromedp.WaitVisible(chromedp.CSS(`#site-name`)))
	check("dashboard-site-new-phone", 360)
	// The refused form answers 422, which the browser logs.
	servertest.NoProblems(t, problems(), "status of 422 (Unprocessable Entity) ("+d.Base+"/app/sites/"+id+")")
}
