package server

// Which language the widgets speak, in a real browser: the page's, not the
// browser's, unless the site follows the browser or the snippet says so.

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/store"
)

// ownerPage serves a page of the site owner's, on an origin of its own that
// it adds to the demo site's origins, embedding the demo site's snippet:
// GET /?lang=<html lang, none when empty>&data-lang=<on the snippet>&body=<HTML>.
func ownerPage(t *testing.T, base, siteKey string) string {
	t.Helper()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		htmlLang, dataLang := "", ""
		if l := q.Get("lang"); l != "" {
			htmlLang = fmt.Sprintf(` lang="%s"`, html.EscapeString(l))
		}
		if l := q.Get("data-lang"); l != "" {
			dataLang = fmt.Sprintf(` data-lang="%s"`, html.EscapeString(l))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html%s><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><link rel="icon" href="data:,">
<script async src="%s/embed.js" data-site="%s"%s></script>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif}</style></head>
<body>%s<ol id="events"></ol></body></html>`, htmlLang, base, siteKey, dataLang, q.Get("body"))
	}))
	t.Cleanup(page.Close)
	site := demoSite(t, base)
	adminCall(t, "PATCH", base+"/api/v1/sites/"+site, map[string]any{"origins": []string{base, page.URL}}, nil)
	return page.URL
}

// widgetLanguage reads the language the loader chose (its host's lang) and
// the countdown bar's title once the bar runs.
func widgetLanguage(ctx context.Context, t *testing.T, url string) (lang, title string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	st := waitCountdown(ctx, t, url, 15*time.Second, running)
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('beckon-root').lang`))
	if err != nil {
		t.Fatal(err)
	}
	return lang, st.Title
}

// TestWidgetLanguage: a browser in en-US on pages of sites in other
// languages. The page's <html lang> wins over the browser; a page without
// one gets the site's locale (a uk site stays Ukrainian); a site that
// follows the browser speaks its language; data-lang on the snippet beats
// everything.
func TestWidgetLanguage(t *testing.T) {
	ctx, problems := countdownBrowser(t)
	base, srv := demoServer(t, nil)
	page := ownerPage(t, base, srv.demoKey)
	site := demoSite(t, base)
	reduceMotion(ctx, t)
	speak(ctx, t, "en-US")
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
		adminCall(t, "PATCH", base+"/api/v1/sites/"+site, map[string]any{"locale": tc.locale, "follow_browser_language": tc.followBrowser}, nil)
		lang, title := widgetLanguage(ctx, t, page+"/"+tc.query)
		if lang != tc.want || title != countdownWords[tc.want].title {
			t.Errorf("%s (site %s, follows the browser %v, page %q): the widgets speak %q and say %q; want %s, %q",
				tc.name, tc.locale, tc.followBrowser, tc.query, lang, title, tc.want, countdownWords[tc.want].title)
		}
	}
	noProblems(t, problems())
}

// TestFollowBrowserLanguageSetting: the site setting is off by default,
// kept by PATCH, and reaches the public config the loader reads.
func TestFollowBrowserLanguageSetting(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		r := ts.admin("POST", "/api/v1/sites", map[string]any{"name": "Shop", "origins": []string{"https://shop.example"}, "locale": "uk"})
		expectStatus(t, r, http.StatusCreated)
		site := r.json(t)
		if site["follow_browser_language"] != false {
			t.Fatalf("a new site: follow_browser_language %v, want false", site["follow_browser_language"])
		}
		id, key := site["id"].(string), site["key"].(string)
		publicFollow := func() any {
			res := ts.request("GET", "/w/v1/"+key+"/config", nil)
			expectStatus(t, res, http.StatusOK)
			return res.json(t)["site"].(map[string]any)["follow_browser_language"]
		}
		if got := publicFollow(); got != false {
			t.Fatalf("public config: follow_browser_language %v, want false", got)
		}
		expectStatus(t, ts.admin("PATCH", "/api/v1/sites/"+id, map[string]any{"follow_browser_language": true}), http.StatusOK)
		// Another change leaves it as it is.
		r = ts.admin("PATCH", "/api/v1/sites/"+id, map[string]any{"name": "Shop 2"})
		expectStatus(t, r, http.StatusOK)
		if got := r.json(t)["follow_browser_language"]; got != true {
			t.Fatalf("after PATCH: follow_browser_language %v, want true", got)
		}
		if got := publicFollow(); got != true {
			t.Fatalf("public config after PATCH: follow_browser_language %v, want true", got)
		}
		r = ts.admin("PATCH", "/api/v1/sites/"+id, map[string]any{"follow_browser_language": "yes"})
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("follow_browser_language \"yes\": %d %s, want a refusal", r.Status, r.Body)
		}
	})
}
