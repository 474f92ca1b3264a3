package server_test

// Which language the widgets speak, in a real browser: the page's, not the
// browser's, unless the site follows the browser or the snippet says so.

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// countdownTitles are the countdown bar's titles (i18n/countdown_widget.json):
// the words that show which language the widgets speak.
var countdownTitles = map[string]string{"ru": "До конца акции:", "uk": "До кінця акції:", "en": "Offer ends in"}

// languageProbe reads the language the loader chose (its host's lang) and
// the countdown bar's title once the bar shows the server's digits ("--"
// until the server has answered).
const languageProbe = `(() => {
  const root = document.querySelector('beckon-root');
  const w = root && root.shadowRoot && root.shadowRoot.querySelector('.bkcd');
  if (!w) return null;
  const digits = Array.from(w.querySelectorAll('.u:not([hidden]) .n'), (n) => n.textContent);
  if (!digits.length || digits.includes('--')) return null;
  return {Lang: root.lang, Title: w.querySelector('.title').textContent};
})()`

// widgetLanguage loads url and reads languageProbe once the bar runs.
func widgetLanguage(ctx context.Context, t *testing.T, url string) (lang, title string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	type shown struct{ Lang, Title string }
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[*shown](languageProbe))
		if err != nil {
			t.Fatal(err)
		}
		if st != nil {
			return st.Lang, st.Title
		}
	}
	t.Fatalf("%s: the countdown bar did not run within 15 s", url)
	return "", ""
}

// TestWidgetLanguage: a browser in en-US on pages of sites in other
// languages. The page's <html lang> wins over the browser; a page without
// one gets the site's locale (a uk site stays Ukrainian); a site that
// follows the browser speaks its language; data-lang on the snippet beats
// everything.
func TestWidgetLanguage(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	srv := servertest.StartDemo(t)
	base := srv.Base
	page := servertest.OwnerPage(t, base, srv.DemoKey)
	site := servertest.DemoSite(t, base)
	servertest.ReduceMotion(ctx, t)
	servertest.Speak(ctx, t, "en-US")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.language`)); got != "en-US" {
		t.Fatalf("the browser speaks %q, want en-US", got)
	}
	for _, tc := range []struct {
		name          string
		locale        string
		followBrowser bool
		query         string
		want          string
	}{
		{"a Russian page on an English site", "en", false, "?lang=ru", "ru"},
		{"a regional tag", "en", false, "?lang=ru-RU", "ru"},
		{"a uk site, no lang on the page", "uk", false, "", "uk"},
		{"a uk site, a page in another language", "uk", false, "?lang=de", "uk"},
		{"a Ukrainian page of a Russian site", "ru", false, "?lang=uk-UA", "uk"},
		{"following the browser", "uk", true, "?lang=ru", "en"},
		{"data-lang on the snippet", "en", true, "?lang=ru&data-lang=uk", "uk"},
	} {
		servertest.AdminCall(t, "PATCH", base+"/api/v1/sites/"+site, map[string]any{"locale": tc.locale, "follow_browser_language": tc.followBrowser}, nil)
		lang, title := widgetLanguage(ctx, t, page+"/"+tc.query)
		if lang != tc.want || title != countdownTitles[tc.want] {
			t.Errorf("%s (site %s, follows the browser %v, page %q): the widgets speak %q and say %q; want %s, %q",
				tc.name, tc.locale, tc.followBrowser, tc.query, lang, title, tc.want, countdownTitles[tc.want])
		}
	}
	servertest.NoProblems(t, problems())
}

// TestFollowBrowserLanguageSetting: the site setting is off by default,
// kept by PATCH, and reaches the public config the loader reads.
func TestFollowBrowserLanguageSetting(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		r := ts.Admin("POST", "/api/v1/sites", map[string]any{"name": "Shop", "origins": []string{"https://shop.example"}, "locale": "uk"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		site := r.JSON(t)
		if site["follow_browser_language"] != false {
			t.Fatalf("a new site: follow_browser_language %v, want false", site["follow_browser_language"])
		}
		id, key := site["id"].(string), site["key"].(string)
		publicFollow := func() any {
			res := ts.Request("GET", "/w/v1/"+key+"/config", nil)
			servertest.ExpectStatus(t, res, http.StatusOK)
			return res.JSON(t)["site"].(map[string]any)["follow_browser_language"]
		}
		if got := publicFollow(); got != false {
			t.Fatalf("public config: follow_browser_language %v, want false", got)
		}
		servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+id, map[string]any{"follow_browser_language": true}), http.StatusOK)
		// Another change leaves it as it is.
		r = ts.Admin("PATCH", "/api/v1/sites/"+id, map[string]any{"name": "Shop 2"})
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.JSON(t)["follow_browser_language"]; got != true {
			t.Fatalf("after PATCH: follow_browser_language %v, want true", got)
		}
		if got := publicFollow(); got != true {
			t.Fatalf("public config after PATCH: follow_browser_language %v, want true", got)
		}
		r = ts.Admin("PATCH", "/api/v1/sites/"+id, map[string]any{"follow_browser_language": "yes"})
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("follow_browser_language \"yes\": %d %s, want a refusal", r.Status, r.Body)
		}
	})
}
