package socialproof_test

// The social proof widget (embed/src/widgets/social_proof) in a real
// browser, on a shop's page on an origin of its own, against a real server:
// events posted through the admin API become notices with their real age,
// the live count appears from the open pages, a deleted event disappears,
// and the feed falls back to SSE, then polling, where WebSocket is blocked.

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// words are the widget's texts the tests expect (i18n/social_proof_widget.json).
var words = map[string]struct {
	purchase, someone, threeMin, fiveHours, viewers3 string
}{
	"ru": {"Мария (Брянск) — покупка: Apple Watch", "Кто-то (Тула) — новая регистрация", "3 минуты назад", "5 часов назад", "3 человека смотрят эту страницу"},
	"uk": {"Мария (Брянск) — покупка: Apple Watch", "Хтось (Тула) — нова реєстрація", "3 хвилини тому", "5 годин тому", "3 людини переглядають цю сторінку"},
	"en": {"Мария from Брянск bought Apple Watch", "Someone from Тула signed up", "3 minutes ago", "5 hours ago", "3 people are viewing this page"},
}

// shop is a site with a social proof widget, and a page of the owner's on an
// origin of its own that embeds the site's snippet at every path:
// GET /any/path?lang=<html lang>.
type shop struct {
	ts     *servertest.Server
	siteID string
	widget string
	page   string
}

// newShop starts a server and a shop whose social proof widget has
// settings (the test's timings merged over quick defaults); more widgets
// (callback, countdown …) may follow as API bodies.
func newShop(t *testing.T, settings map[string]any, more ...map[string]any) *shop {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	var key string
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title><link rel="icon" href="data:,">
<script async src="%s/embed.js" data-site="%s"></script>
<style>body{margin:0;padding:24px;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}</style></head>
<body><h1>Apple Watch</h1><p>A watch with a red strap. In stock.</p></body></html>`, html.EscapeString(lang), ts.Base, key)
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Shop", page.URL)
	key = site["key"].(string)
	s := &shop{ts: ts, siteID: site["id"].(string), page: page.URL}
	all := map[string]any{"delay_seconds": 0, "display_seconds": 30, "interval_seconds": 1, "max_per_visit": 20}
	for k, v := range settings {
		all[k] = v
	}
	s.widget = ts.CreateWidget(s.siteID, map[string]any{"type": "social_proof", "settings": all})["id"].(string)
	for _, w := range more {
		ts.CreateWidget(s.siteID, w)
	}
	return s
}

// eventIn is an event as the owner's server posts it.
type eventIn struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Name    string    `json:"name,omitempty"`
	City    string    `json:"city,omitempty"`
	Product string    `json:"product,omitempty"`
	URL     string    `json:"url,omitempty"`
	Time    time.Time `json:"time"`
}

// post sends events through the events API with a key of the site's.
func (s *shop) post(t *testing.T, evs ...eventIn) {
	t.Helper()
	r := s.ts.Admin("POST", "/api/v1/sites/"+s.siteID+"/events", map[string]any{"events": evs})
	servertest.ExpectStatus(t, r, http.StatusAccepted)
}

// notice is what the probe reads from the widget's shadow DOM.
type notice struct {
	IDs       []string
	Text, Ago string
	Badge     string
	BadgeOn   bool
	Role      string
	Live      string
	Card      servertest.Rect
	// Box holds the notice and the count as shown.
	Box       servertest.Rect
	Neighbour []servertest.Rect
	ImgInText int
	Alerted   bool
	Sockets   int
	Sources   int
	Polls     int
	// Bundle says the social proof bundle has arrived.
	Bundle bool
	// Shift is the page's cumulative layout shift so far.
	Shift  float64
	Shifts []string
}

const probe = `(() => {
  const host = document.querySelector('beckon-root');
  const s = host && host.shadowRoot;
  const box = s && s.querySelector('.bksp');
  const conns = {Sockets: (window.__bk_ws || []).length, Sources: (window.__bk_es || []).length,
    Polls: performance.getEntriesByType('resource').filter(e => e.name.includes('/live/poll')).length, Alerted: !!window.__bk_alerted,
    Bundle: performance.getEntriesByType('resource').some(e => e.name.includes('/embed/social_proof.')),
    Shift: window.__bk_cls || 0, Shifts: window.__bk_shifts};
  if (!box) return Object.assign({IDs: [], Neighbour: []}, conns);
  const rect = (el) => { if (!el) return {X:0,Y:0,W:0,H:0}; const r = el.getBoundingClientRect(); return {X:r.x, Y:r.y, W:r.width, H:r.height}; };
  const union = (els) => { const rs = els.filter(Boolean).map(e => e.getBoundingClientRect()); if (!rs.length) return {X:0,Y:0,W:0,H:0};
    const x = Math.min(...rs.map(r => r.left)), y = Math.min(...rs.map(r => r.top));
    return {X: x, Y: y, W: Math.max(...rs.map(r => r.right)) - x, H: Math.max(...rs.map(r => r.bottom)) - y}; };
  const cards = Array.from(box.querySelectorAll('.card:not(.out)'));
  const card = cards[0];
  const region = box.querySelector('[role="status"]');
  const badge = box.querySelector('.badge');
  return Object.assign({
    IDs: cards.map(c => c.getAttribute('data-id')),
    Text: card ? card.querySelector('.msg').textContent : '', Ago: card ? card.querySelector('.ago').textContent : '',
    Badge: badge ? badge.textContent : '', BadgeOn: !!badge && badge.getClientRects().length > 0,
    Role: region ? region.getAttribute('role') : '', Live: region ? region.getAttribute('aria-live') : '',
    Card: rect(card), Box: union([card, badge]),
    Neighbour: Array.from(s.querySelectorAll('.bkcb .fab, .bkcd.floating')).map(rect),
    ImgInText: box.querySelectorAll('.txt img').length,
  }, conns);
})()`

// watch records the page's live connections and any alert(): run before
// the page's scripts.
const watch = `(() => {
  window.__bk_ws = []; window.__bk_es = []; window.__bk_cls = 0; window.__bk_shifts = [];
  // Layout shifts, each with the boxes that moved (shadow DOM nodes are not named).
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) {
    window.__bk_cls += e.value;
    window.__bk_shifts.push(e.value + ' ' + JSON.stringify(e.sources.map(s => [s.previousRect, s.currentRect])));
  } }).observe({type: 'layout-shift', buffered: true});
  window.alert = () => { window.__bk_alerted = true; };
  const W = window.WebSocket, E = window.EventSource;
  window.__bk_sockets = [];
  window.WebSocket = function (u, p) { window.__bk_ws.push(u); const ws = new W(u, p); window.__bk_sockets.push(ws); return ws; };
  window.WebSocket.prototype = W.prototype;
  window.EventSource = function (u, o) { window.__bk_es.push(u); return new E(u, o); };
  window.EventSource.prototype = E.prototype;
})()`

// blocked makes WebSocket (and, with sse, EventSource too) fail the way a
// proxy that does not pass them makes them fail: an error and a close, never
// an open. Overriding the constructors in the page (rather than blocking at
// the network) keeps the test deterministic and the console free of the
// browser's own network errors.
func blocked(sse bool) string {
	js := `(() => {
  const fail = function (u) { const x = this; (u.includes('/live/events') ? window.__bk_es : window.__bk_ws).push(u);
    x.readyState = 0; x.close = () => {};
    setTimeout(() => { x.readyState = 3; x.onerror && x.onerror(new Event('error')); x.onclose && x.onclose(new Event('close')); }, 20); };
  window.WebSocket = fail;`
	if sse {
		js += `
  window.EventSource = fail;`
	}
	return js + `
})()`
}

// open loads path of the shop's page in lang at the viewport size.
func (s *shop) open(ctx context.Context, t *testing.T, path, lang string, width, height int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(s.page+path+"?lang="+lang)); err != nil {
		t.Fatal(err)
	}
}

// until probes the page until ok says yes, for at most within.
func until(ctx context.Context, t *testing.T, within time.Duration, what string, ok func(notice) bool) notice {
	t.Helper()
	var n notice
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var err error
		if n, err = chromedp.Run(ctx, chromedp.Evaluate[notice](probe)); err != nil {
			t.Fatal(err)
		}
		if ok(n) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s; last state %+v", what, within, n)
	return n
}

// tab opens another tab of the same browser, watched.
func tab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	c, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(c); err != nil {
		t.Fatal(err)
	}
	servertest.OnNewDocument(c, t, watch)
	return c
}

func TestBrowserNoticesInEachLanguage(t *testing.T) {
	s := newShop(t, map[string]any{"display_seconds": 2})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	for _, lang := range []string{"ru", "uk", "en"} {
		t.Run(lang, func(t *testing.T) {
			w := words[lang]
			now := time.Now()
			s.post(t, eventIn{ID: "order-" + lang, Type: "purchase", Name: "Мария Иванова", City: "Брянск", Product: "Apple Watch", Time: now.Add(-3*time.Minute - 10*time.Second)})
			s.open(ctx, t, "/product/watch", lang, 1280, 800)
			n := until(ctx, t, 10*time.Second, "the notice of the recent order", func(n notice) bool { return len(n.IDs) == 1 && n.IDs[0] == "order-"+lang })
			if n.Text != w.purchase || n.Ago != w.threeMin {
				t.Errorf("notice %q, %q; want %q, %q", n.Text, n.Ago, w.purchase, w.threeMin)
			}
			if n.Role != "status" || n.Live != "polite" {
				t.Errorf("live region role %q aria-live %q", n.Role, n.Live)
			}
			// An event that happens while the page is open arrives by itself,
			// after the first notice: its real age, and "Someone" for no name.
			s.post(t, eventIn{ID: "signup-" + lang, Type: "signup", City: "Тула", Time: now.Add(-5*time.Hour - time.Minute)})
			n = until(ctx, t, 10*time.Second, "the live event's notice", func(n notice) bool { return len(n.IDs) == 1 && n.IDs[0] == "signup-"+lang })
			if n.Text != w.someone || n.Ago != w.fiveHours {
				t.Errorf("notice %q, %q; want %q, %q", n.Text, n.Ago, w.someone, w.fiveHours)
			}
			if n.Sockets != 1 || n.Shift != 0 {
				t.Errorf("%d WebSocket connections, want 1; layout shift %v, want none %v", n.Sockets, n.Shift, n.Shifts)
			}
		})
	}
	// Every notice was shown: a reload shows none of them again.
	s.open(ctx, t, "/product/watch", "en", 1280, 800)
	until(ctx, t, 10*time.Second, "the feed", func(n notice) bool { return n.Sockets == 1 })
	time.Sleep(1500 * time.Millisecond)
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); len(n.IDs) != 0 {
		t.Errorf("a reload showed %v again", n.IDs)
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserNoticeValuesAreText(t *testing.T) {
	s := newShop(t, map[string]any{"name_display": "first_name"})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	evil := `<img src=x onerror=alert(1)>`
	s.post(t, eventIn{ID: "evil", Type: "purchase", Name: evil, City: evil, Product: evil, Time: time.Now().Add(-time.Minute)})
	s.open(ctx, t, "/", "en", 1280, 800)
	n := until(ctx, t, 10*time.Second, "the notice", func(n notice) bool { return len(n.IDs) == 1 })
	if !strings.Contains(n.Text, "from "+evil+" bought "+evil) || n.ImgInText != 0 {
		t.Errorf("notice %q with %d <img> in it; want the markup shown as text", n.Text, n.ImgInText)
	}
	time.Sleep(300 * time.Millisecond)
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); n.Alerted {
		t.Error("the event's markup ran script")
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserViewerCountFromThreshold(t *testing.T) {
	// In the bottom-right corner the count's right edge stays put: a longer
	// number must not move its left edge (a layout shift).
	s := newShop(t, map[string]any{"position": "bottom-right", "viewers": map[string]any{"enabled": true, "threshold": 3, "scope": "page"}})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	tabs := []context.Context{ctx, tab(t, ctx), tab(t, ctx), tab(t, ctx), tab(t, ctx)}
	for i, c := range tabs[:2] {
		s.open(c, t, "/sale", "ru", 1280, 800)
		until(c, t, 10*time.Second, fmt.Sprintf("tab %d's feed", i+1), func(n notice) bool { return n.Sockets == 1 })
	}
	// Two people on the page, under the threshold of three: no count.
	time.Sleep(3 * time.Second)
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); n.BadgeOn {
		t.Fatalf("a count of two shown: %q", n.Badge)
	}
	s.open(tabs[2], t, "/sale", "ru", 1280, 800)
	for i, c := range tabs[:3] {
		n := until(c, t, 10*time.Second, fmt.Sprintf("tab %d's count", i+1), func(n notice) bool { return n.BadgeOn })
		if n.Badge != words["ru"].viewers3 {
			t.Errorf("tab %d: count %q, want %q", i+1, n.Badge, words["ru"].viewers3)
		}
	}
	s.open(tabs[3], t, "/sale", "ru", 1280, 800)
	s.open(tabs[4], t, "/sale", "ru", 1280, 800)
	n := until(ctx, t, 10*time.Second, "the count of five", func(n notice) bool { return n.Badge == "5 человек смотрят эту страницу" })
	if n.Shift != 0 {
		t.Errorf("layout shift %v, want none: %v", n.Shift, n.Shifts)
	}
	// Three leave: back under the threshold, the count goes.
	for _, c := range tabs[2:] {
		if err := chromedp.Do(c, chromedp.Navigate("about:blank")); err != nil {
			t.Fatal(err)
		}
	}
	until(ctx, t, 10*time.Second, "the count to go below the threshold", func(n notice) bool { return !n.BadgeOn })
	servertest.NoProblems(t, problems())
}

func TestBrowserDeletedEventDisappears(t *testing.T) {
	s := newShop(t, map[string]any{"display_seconds": 60})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Олег", City: "Казань", Product: "Чайник", Time: time.Now().Add(-2 * time.Minute)})
	s.open(ctx, t, "/", "ru", 1280, 800)
	until(ctx, t, 10*time.Second, "the notice", func(n notice) bool { return len(n.IDs) == 1 })
	r := s.ts.Admin("DELETE", "/api/v1/sites/"+s.siteID+"/events/order-1", nil)
	servertest.ExpectStatus(t, r, http.StatusNoContent)
	until(ctx, t, time.Second, "the deleted event's notice to go", func(n notice) bool { return len(n.IDs) == 0 })
	// On a loaded machine the notice's impression may be reported after
	// the delete; the server rightly answers 404 for an event that is gone.
	servertest.NoProblems(t, problems(), "/live/notices/order-1")
}

func TestBrowserFallbacks(t *testing.T) {
	for _, tc := range []struct {
		name string
		sse  bool
		ok   func(notice) bool
	}{
		{"websocket blocked, SSE", false, func(n notice) bool { return n.Sockets >= 3 && n.Sources >= 1 && n.Polls == 0 }},
		{"websocket and SSE blocked, polling", true, func(n notice) bool { return n.Sockets >= 3 && n.Sources >= 2 && n.Polls >= 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t, map[string]any{"display_seconds": 60})
			ctx, problems := servertest.Browser(t)
			servertest.OnNewDocument(ctx, t, watch)
			servertest.OnNewDocument(ctx, t, blocked(tc.sse))
			s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Анна", City: "Омск", Product: "Лампа", Time: time.Now().Add(-3 * time.Minute)})
			s.open(ctx, t, "/", "ru", 1280, 800)
			n := until(ctx, t, 20*time.Second, "the notice through the fallback", func(n notice) bool { return len(n.IDs) == 1 })
			if !tc.ok(n) || n.Text != "Анна (Омск) — покупка: Лампа" || n.Ago != "3 минуты назад" {
				t.Errorf("connections ws %d, sse %d, polls %d; notice %q, %q", n.Sockets, n.Sources, n.Polls, n.Text, n.Ago)
			}
			if !tc.sse {
				// SSE is live: an event posted now arrives without a poll.
				s.post(t, eventIn{ID: "order-2", Type: "purchase", Name: "Анна", City: "Омск", Product: "Торшер", Time: time.Now()})
				r := s.ts.Admin("DELETE", "/api/v1/sites/"+s.siteID+"/events/order-1", nil)
				servertest.ExpectStatus(t, r, http.StatusNoContent)
				n = until(ctx, t, 5*time.Second, "the live event over SSE", func(n notice) bool { return len(n.IDs) == 1 && n.IDs[0] == "order-2" })
				if n.Ago != "только что" {
					t.Errorf("age %q, want «только что»", n.Ago)
				}
			} else {
				// A poll lists the recent events: the next one (15–30 s on)
				// no longer has the deleted one, and its notice goes.
				r := s.ts.Admin("DELETE", "/api/v1/sites/"+s.siteID+"/events/order-1", nil)
				servertest.ExpectStatus(t, r, http.StatusNoContent)
				until(ctx, t, 35*time.Second, "the deleted event's notice to go at the next poll", func(n notice) bool { return len(n.IDs) == 0 })
			}
			servertest.NoProblems(t, problems())
		})
	}
}

func TestBrowserNoFeedWhereNotShown(t *testing.T) {
	s := newShop(t, map[string]any{"include_pages": []string{"/catalog", "/sale/*/today"}, "exclude_pages": []string{"/catalog/hidden"}})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	for path, want := range map[string]int{"/catalog": 1, "/catalog/shoes": 1, "/sale/shoes/today": 1, "/catalogue": 0, "/": 0, "/catalog/hidden": 0, "/catalog/hidden/x": 0} {
		s.open(ctx, t, path, "ru", 1280, 800)
		until(ctx, t, 10*time.Second, path+": the bundle", func(n notice) bool { return n.Bundle })
		time.Sleep(100 * time.Millisecond) // it runs as soon as it has arrived
		if n := until(ctx, t, 5*time.Second, path, func(n notice) bool { return n.Sockets == want }); n.Sockets != want {
			t.Errorf("%s: %d connections, want %d", path, n.Sockets, want)
		}
	}
	// Phones off: none on a phone, one on a desktop.
	r := s.ts.Admin("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+s.widget, map[string]any{"settings": map[string]any{"mobile": false}})
	servertest.ExpectStatus(t, r, http.StatusOK)
	for _, tc := range []struct {
		width int64
		want  int
	}{{360, 0}, {1280, 1}} {
		s.open(ctx, t, "/", "ru", tc.width, 800)
		until(ctx, t, 10*time.Second, "the bundle", func(n notice) bool { return n.Bundle })
		time.Sleep(100 * time.Millisecond)
		if n := until(ctx, t, 5*time.Second, "", func(n notice) bool { return n.Sockets == tc.want }); n.Sockets != tc.want {
			t.Errorf("mobile off, %d px wide: %d connections, want %d", tc.width, n.Sockets, tc.want)
		}
	}
	// A disabled widget: its bundle is not even loaded.
	r = s.ts.Admin("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+s.widget, map[string]any{"enabled": false})
	servertest.ExpectStatus(t, r, http.StatusOK)
	s.open(ctx, t, "/catalog", "ru", 1280, 800)
	// The loader has mounted its host: it has requested every bundle it will.
	st := servertest.WaitShadow(ctx, t, func(st servertest.ShadowState) bool { return st.Site != "" })
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('script[src*="social_proof"]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); n.Sockets != 0 || scripts != 0 || strings.Contains(st.HTML, "social_proof") {
		t.Errorf("disabled widget: %d connections, %d bundle scripts", n.Sockets, scripts)
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserStandsAboveOtherWidgets(t *testing.T) {
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			// The notices and a floating countdown in the bottom-left
			// corner, the callback button in the bottom-right one: on a
			// phone the notices span the width, above both.
			s := newShop(t, map[string]any{"position": "bottom-left", "viewers": map[string]any{"enabled": true, "threshold": 1}},
				map[string]any{"type": "callback", "settings": map[string]any{"position": "bottom-right", "color": "#16a34a",
					"managers": []map[string]any{{"name": "Анна", "phone": "+79000000010"}}}},
				map[string]any{"type": "countdown", "settings": map[string]any{"mode": "evergreen", "duration_seconds": 900, "placement": "floating"}})
			ctx, problems := servertest.Browser(t)
			servertest.OnNewDocument(ctx, t, watch)
			servertest.ReduceMotion(ctx, t)
			s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Мария Иванова", City: "Брянск", Product: "Apple Watch с красным ремешком",
				URL: s.page + "/product/watch", Time: time.Now().Add(-3 * time.Minute)})
			s.open(ctx, t, "/", vp.Lang, vp.Width, vp.Height)
			n := until(ctx, t, 10*time.Second, "the notice, the count and both neighbours", func(n notice) bool {
				return len(n.IDs) == 1 && n.BadgeOn && len(n.Neighbour) == 2 && n.Neighbour[0].H > 0 && n.Neighbour[1].H > 0
			})
			for _, r := range n.Neighbour {
				if overlap(n.Box, r) {
					t.Errorf("the widget %+v covers another widget's %+v", n.Box, r)
				}
			}
			if n.Box.Right() > float64(vp.Width) || n.Box.X < 0 {
				t.Errorf("the widget %+v leaves the %d px window", n.Box, vp.Width)
			}
			if n.Shift != 0 {
				t.Errorf("layout shift %v, want none: %v", n.Shift, n.Shifts)
			}
			if a := servertest.WidgetAnimations(ctx, t); a != 0 {
				t.Errorf("%d animations running for a visitor who prefers reduced motion", a)
			}
			servertest.ScreenshotViewport(ctx, t, "social_proof-"+vp.Name)
			servertest.NoProblems(t, problems())
		})
	}
}

// overlap says whether two boxes share any area.
func overlap(a, b servertest.Rect) bool {
	return a.X < b.Right() && b.X < a.Right() && a.Y < b.Bottom() && b.Y < a.Bottom()
}

func TestBrowserImpressionsAndClicks(t *testing.T) {
	s := newShop(t, nil)
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Мария", City: "Брянск", Product: "Apple Watch", URL: s.page + "/product/watch", Time: time.Now().Add(-time.Minute)})
	s.open(ctx, t, "/", "ru", 1280, 800)
	until(ctx, t, 10*time.Second, "the notice", func(n notice) bool { return len(n.IDs) == 1 })
	servertest.ClickInShadow(ctx, t, ".bksp a.msg")
	var loc string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !strings.HasSuffix(loc, "/product/watch") {
		time.Sleep(50 * time.Millisecond)
		var err error
		if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasSuffix(loc, "/product/watch") {
		t.Fatalf("the click went to %q", loc)
	}
	stats, err := s.ts.Store.NoticeStats(context.Background(), s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	if c := stats["order-1"]; c.Impressions != 1 || c.Clicks != 1 {
		t.Errorf("counts %+v, want one impression and one click", c)
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserAtMostMaxPerVisit(t *testing.T) {
	s := newShop(t, map[string]any{"display_seconds": 2, "interval_seconds": 0, "max_per_visit": 2})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	now := time.Now()
	s.post(t, eventIn{ID: "a", Type: "purchase", Name: "Анна", Product: "Лампа", Time: now.Add(-time.Minute)},
		eventIn{ID: "b", Type: "purchase", Name: "Борис", Product: "Стол", Time: now.Add(-2 * time.Minute)},
		eventIn{ID: "c", Type: "purchase", Name: "Вера", Product: "Стул", Time: now.Add(-3 * time.Minute)})
	s.open(ctx, t, "/", "ru", 1280, 800)
	var seen []string
	end := time.Now().Add(8 * time.Second)
	for time.Now().Before(end) {
		n := until(ctx, t, time.Second, "", func(notice) bool { return true })
		if len(n.IDs) == 1 && (len(seen) == 0 || seen[len(seen)-1] != n.IDs[0]) {
			seen = append(seen, n.IDs[0])
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Join(seen, ",") != "a,b" {
		t.Errorf("shown %v; want the two newest, a and b, and no more in this visit", seen)
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserResumesAfterADroppedConnection(t *testing.T) {
	s := newShop(t, map[string]any{"display_seconds": 60})
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	first := time.Now().Add(-2 * time.Minute).UTC()
	s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Олег", City: "Казань", Product: "Чайник", Time: first})
	s.open(ctx, t, "/", "ru", 1280, 800)
	until(ctx, t, 10*time.Second, "the notice", func(n notice) bool { return len(n.IDs) == 1 })
	// The network drops the connection: the widget connects again by
	// itself, asking only for what was stored after what it has.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__bk_sockets[0].close(), true`)); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, 10*time.Second, "a new connection", func(n notice) bool { return n.Sockets == 2 })
	urls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__bk_ws`))
	if err != nil {
		t.Fatal(err)
	}
	// order-1 is the site's first event stored: seq 1.
	if want := "since=1&"; strings.Contains(urls[0], "since=") || !strings.Contains(urls[1]+"&", want) {
		t.Errorf("connections %q; want the second to resume after the seq of order-1, with %s", urls, want)
	}
	open, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__bk_sockets.filter(w => w.readyState < 2).length`))
	if err != nil || open != 1 {
		t.Errorf("%d connections open (%v), want 1", open, err)
	}
	servertest.NoProblems(t, problems())
}

func TestBrowserAgeOnTheServersClock(t *testing.T) {
	s := newShop(t, nil)
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	// The visitor's clock is two hours fast.
	servertest.OnNewDocument(ctx, t, `(() => { const now = Date.now; Date.now = () => now() + 2 * 3600e3; })()`)
	s.post(t, eventIn{ID: "order-1", Type: "purchase", Name: "Олег", City: "Казань", Product: "Чайник", Time: time.Now().Add(-3*time.Minute - 10*time.Second)})
	s.open(ctx, t, "/", "ru", 1280, 800)
	if n := until(ctx, t, 10*time.Second, "the notice", func(n notice) bool { return len(n.IDs) == 1 }); n.Ago != "3 минуты назад" {
		t.Errorf("age %q on a clock two hours fast, want «3 минуты назад»", n.Ago)
	}
	servertest.NoProblems(t, problems())
}
