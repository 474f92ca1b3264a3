package dashboard_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestAnalyticsPagesInChromium: the operator opens the analytics in a real
// browser on a desktop and a 360-px phone, picks a period with the preset
// links, and opens a password-protected share link signed out. The strict
// CSP must block nothing, no page scrolls sideways on the phone, every
// field has a label. Screenshots go to $BECKON_SCREENSHOT_DIR.
func TestAnalyticsPagesInChromium(t *testing.T) {
	s := newAnalyticsSite(t, servertest.NewStore(t, "embedded"))
	for i := 10; i < 40; i++ {
		s.seedLead(t, i, s.noon(-(i % 25)), "quiz", s.quizID, []string{"google", "yandex", "direct", "t.me"}[i%4])
	}
	share := s.createShare(t, url.Values{"label": {"Agency"}, "password": {"agency-pass-1"}})
	base := "/app/sites/" + s.siteID + "/analytics"

	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "") }

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("sign in", chromedp.Navigate(s.d.Base+"/app/login?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), opEmail), chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("analytics", chromedp.Navigate(s.d.Base+base), chromedp.WaitVisible(chromedp.CSS(`svg.an-daily`)))
	run("the 7-day preset", chromedp.Click(chromedp.CSS(`.an-presets a:first-child`)), chromedp.WaitVisible(chromedp.CSS(`.an-presets a[aria-current]:first-child`)))
	if from := eval(`document.getElementById('an-from').value`); from != s.today.AddDate(0, 0, -6).Format(time.DateOnly) {
		t.Errorf("7 days from %q", from)
	}
	check("analytics-desktop", 1280)
	run("share links", chromedp.Navigate(s.d.Base+base+"/share"), chromedp.WaitVisible(chromedp.CSS(`ul.an-links`)))
	check("analytics-share-links-desktop", 1280)
	run("new link", chromedp.SendKeys(chromedp.CSS(`#sl-label`), "Partner"), chromedp.Click(chromedp.CSS(`form[action$="/analytics/share"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.copy.ready`)))
	check("analytics-share-new-link-desktop", 1280)

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("analytics on the phone", chromedp.Navigate(s.d.Base+base+"?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`svg.an-daily`)))
	check("analytics-phone", 360)
	run("share links on the phone", chromedp.Navigate(s.d.Base+base+"/share"), chromedp.WaitVisible(chromedp.CSS(`ul.an-links`)))
	check("analytics-share-links-phone", 360)

	run("sign out", chromedp.Navigate(s.d.Base+"/app/account"), chromedp.WaitVisible(chromedp.CSS(`.top button.link`)),
		chromedp.Click(chromedp.CSS(`.top button.link`)), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	run("shared link", chromedp.Navigate(s.d.Base+share+"?lang=uk"), chromedp.WaitVisible(chromedp.CSS(`#sp-password`)))
	check("analytics-share-password-phone", 360)
	run("password", chromedp.SendKeys(chromedp.CSS(`#sp-password`), "agency-pass-1\r"), chromedp.WaitVisible(chromedp.CSS(`svg.an-daily`)))
	check("analytics-shared-phone", 360)
	run("desktop again", chromedp.EmulateViewport(1280, 800), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`svg.an-daily`)))
	check("analytics-shared-desktop", 1280)
	servertest.NoProblems(t, problems())
}
