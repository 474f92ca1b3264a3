package dashboard_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestSiteNavOnPhone: on a 360-px phone the site's sections scroll
// sideways, and the page's own section is brought into sight, whichever
// it is; the page itself never scrolls sideways.
func TestSiteNavOnPhone(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	id := d.CreateSite("Ремонт квартир «Уют»", "https://uyut.example")["id"].(string)
	ctx, problems := servertest.Browser(t)
	b := tab{t, ctx}
	b.run("setup", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile), chromedp.Navigate(d.Base+"/app/setup?lang=ru"),
		chromedp.WaitVisible(chromedp.CSS(`#token`)), chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken),
		chromedp.SendKeys(chromedp.CSS(`#email`), opEmail), chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/app/sites/`+id+`"]`)))
	for _, section := range []string{"", "/audit", "/keys", "/telephony"} {
		b.run("open "+section, chromedp.Navigate(d.Base+"/app/sites/"+id+section), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		b.waitJS("the current section in sight on "+section, `(() => {
			const r = document.querySelector('.sitenav [aria-current="page"]').getBoundingClientRect();
			return r.left >= 0 && r.right <= innerWidth;
		})()`)
		if b.value(`document.documentElement.scrollWidth > innerWidth`) == true {
			t.Fatalf("%s: the page scrolls sideways", section)
		}
	}
	servertest.NoProblems(t, problems())
}
