package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/embed"
)

// chromiumPath finds the browser. Without one a developer's run skips the
// browser tests, and says so on stderr even without -v; in CI (CI=true,
// what .ci/run sets) a missing browser fails them instead.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if inCI() {
		t.Fatal("Chromium not found, and CI is set: browser tests may not be skipped there (.ci/run installs it with apt-get install chromium)")
	}
	noBrowserOnce.Do(func() {
		fmt.Fprintln(os.Stderr, "server: SKIPPING the browser tests: Chromium not found (apt-get install chromium); CI=true makes this a failure")
	})
	t.Skip("Chromium not found (apt-get install chromium)")
	return ""
}

var noBrowserOnce sync.Once

// inCI reports whether CI says this is a CI run (CI=true, 1, …; CI=false
// and an unset CI are not).
func inCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// TestMissingBrowser runs a browser test again in a child process whose PATH
// holds no browser: it fails when CI=true and skips, saying so on stderr,
// when CI is unset or false.
func TestMissingBrowser(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{"true", true, "Chromium not found, and CI is set"},
		{"", false, "SKIPPING the browser tests"},
		{"false", false, "SKIPPING the browser tests"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestDemoPageInBrowser$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PATH="+t.TempDir(), "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.wantFail || !strings.Contains(string(out), tc.want) {
			t.Errorf("CI=%q: failed %v (%v), want %v, and output with %q:\n%s", tc.ci, failed, err, tc.wantFail, tc.want, out)
		}
	}
}

// browser starts a headless Chromium and collects console errors and
// uncaught exceptions of every page it opens.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })

	var mu sync.Mutex
	var problems []string
	// Console subscribes at once (starting the browser), so nothing the
	// pages print later is missed.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				mu.Lock()
				problems = append(problems, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// demoServer starts a real server whose demo site allows its own origin.
func demoServer(t *testing.T, assets *embed.Assets) (base string, srv *Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base = "http://" + ln.Addr().String()
	ln.Close()
	cfg := testConfig()
	cfg.PublicURL = base
	st := storeFactories["embedded"](t)
	ctx := context.Background()
	key, _, err := EnsureDemoSite(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hash, _, _ := EnsureAdminToken(ctx, st, cfg)
	srv, err = New(ctx, cfg, st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AdminTokenHash: hash, DemoSiteKey: key, Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	ln, err = net.Listen("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	go srv.App().Listener(ln)
	return base, srv
}

// fixtureAssets is the committed loader plus a test widget bundle for the
// countdown type, to see the loader lazy-load and mount a bundle.
func fixtureAssets(t *testing.T) *embed.Assets {
	t.Helper()
	loader, err := fs.ReadFile(os.DirFS("../embed/dist"), "embed.js")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := os.ReadFile(filepath.Join("testdata", "fixture-widget.js"))
	if err != nil {
		t.Fatal(err)
	}
	manifest, _ := json.Marshal(map[string]any{"loader": "embed.js", "widgets": map[string]string{"countdown": "countdown.f1x7ure0.js"}})
	assets, err := embed.New(fstest.MapFS{
		"manifest.json":         {Data: manifest},
		"embed.js":              {Data: loader},
		"countdown.f1x7ure0.js": {Data: bundle},
	})
	if err != nil {
		t.Fatal(err)
	}
	return assets
}

const shadowProbe = `(() => {
  const host = document.querySelector('beckon-root');
  if (!host || !host.shadowRoot) return null;
  const r = host.getBoundingClientRect();
  return { site: host.getAttribute('data-beckon-site'), width: r.width, height: r.height,
           html: host.shadowRoot.innerHTML,
           configFetched: performance.getEntriesByType('resource').some(e => e.name.includes('/w/v1/') && e.name.endsWith('/config')) };
})()`

type shadowState struct {
	Site          string  `json:"site"`
	Width         float64 `json:"width"`
	Height        float64 `json:"height"`
	HTML          string  `json:"html"`
	ConfigFetched bool    `json:"configFetched"`
}

func waitShadow(ctx context.Context, t *testing.T, until func(shadowState) bool) shadowState {
	t.Helper()
	var st *shadowState
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		if st, err = chromedp.Run(ctx, chromedp.Evaluate[*shadowState](shadowProbe)); err != nil {
			t.Fatal(err)
		}
		if st != nil && until(*st) {
			return *st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the loader did not get there in 15 s; last state: %+v", st)
	return shadowState{}
}

// TestDemoPageInBrowser opens /demo as a newcomer would: the loader fetches
// the config and mounts its Shadow DOM host, with no console errors.
func TestDemoPageInBrowser(t *testing.T) {
	ctx, problems := browser(t)
	base, srv := demoServer(t, nil)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/demo?lang=en")); err != nil {
		t.Fatal(err)
	}
	st := waitShadow(ctx, t, func(s shadowState) bool { return s.ConfigFetched })
	if st.Site != srv.demoKey {
		t.Fatalf("host mounted for site %q, want %q", st.Site, srv.demoKey)
	}
	if st.Width != 0 || st.Height != 0 {
		t.Fatalf("the host element takes space on the page: %vx%v", st.Width, st.Height)
	}
	screenshot(ctx, t, "demo-desktop")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitShadow(ctx, t, func(s shadowState) bool { return s.ConfigFetched })
	screenshot(ctx, t, "demo-phone")
	if p := problems(); len(p) > 0 {
		t.Fatalf("console errors or warnings on /demo:\n%s", strings.Join(p, "\n"))
	}
}

// TestLoaderLazyLoadsBundles: with a bundle for an enabled widget, the
// loader loads it, mounts it in the Shadow DOM, and the page API's queued
// 'open' and event hooks reach it.
func TestLoaderLazyLoadsBundles(t *testing.T) {
	ctx, problems := browser(t)
	base, _ := demoServer(t, fixtureAssets(t))
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/demo?lang=uk"))
	if err == nil {
		// The demo page's own button calls beckon('open','callback'); here
		// the queued call for the fixture widget comes from the console.
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`beckon('open','countdown'); true`))
	}
	if err != nil {
		t.Fatal(err)
	}
	st := waitShadow(ctx, t, func(s shadowState) bool { return strings.Contains(s.HTML, `data-open="yes"`) })
	if !strings.Contains(st.HTML, "fixture countdown") || !strings.Contains(st.HTML, " 32<") {
		t.Fatalf("bundle not mounted with its context (type, locale, 32-hex visitor id): %s", st.HTML)
	}
	events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#events li')).map(li => li.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(events, "\n")
	if !strings.Contains(joined, "ready") || !strings.Contains(joined, "fixture:mounted") {
		t.Fatalf("event hooks did not see ready and the widget's event: %q", events)
	}
	const readVid = `localStorage.getItem('beckon_vid')`
	vid1, _ := chromedp.Run(ctx, chromedp.Evaluate[string](readVid))
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	vid2, _ := chromedp.Run(ctx, chromedp.Evaluate[string](readVid))
	if vid1 == "" || vid1 != vid2 {
		t.Fatalf("visitor id not kept across page views: %q then %q", vid1, vid2)
	}
	if p := problems(); len(p) > 0 {
		t.Fatalf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

// viewport is a screen a test looks at the demo on, in a language.
type viewport struct {
	name          string
	lang          string
	width, height int64
}

// desktopAndPhone are the two screens widgets must work on.
var desktopAndPhone = []viewport{{"desktop", "ru", 1280, 800}, {"phone", "uk", 360, 740}}

// loadDemo loads /demo in lang at the viewport.
func loadDemo(ctx context.Context, t *testing.T, base, lang string, width, height int64) {
	t.Helper()
	speak(ctx, t, lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(base+"/demo?lang="+lang)); err != nil {
		t.Fatal(err)
	}
}

// speak makes the browser's language lang, which the loader passes to
// widgets as their locale.
func speak(ctx context.Context, t *testing.T, lang string) {
	t.Helper()
	ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: lang})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// reduceMotion sets prefers-reduced-motion: reduce. Besides checking that
// the widget honours it, it keeps screenshots true: a full-page capture
// replays running animations from their first frame.
func reduceMotion(ctx context.Context, t *testing.T) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
	if err != nil {
		t.Fatal(err)
	}
}

// onNewDocument runs script in every document the tab loads from now on,
// before the page's own scripts.
func onNewDocument(ctx context.Context, t *testing.T, script string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
		t.Fatal(err)
	}
}

// clickInShadow clicks the middle of the element sel of the widgets'
// shadow root with the mouse, after checking that nothing covers that
// point.
func clickInShadow(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
  const s = document.querySelector('beckon-root').shadowRoot;
  const el = s.querySelector(%q);
  if (!el) return 'missing';
  el.scrollIntoView({block: 'nearest'});
  const r = el.getBoundingClientRect();
  const x = r.x + r.width / 2, y = r.y + r.height / 2;
  const hit = s.elementFromPoint(x, y);
  if (!hit || !(el.contains(hit) || hit.contains(el) || hit.closest('label') === el.closest('label'))) return 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing');
  return [x, y];
})()`, sel)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
	if err != nil {
		t.Fatal(err)
	}
	xy, ok := res.([]any)
	if !ok || len(xy) != 2 {
		t.Fatalf("cannot click %s: %v", sel, res)
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(xy[0].(float64), xy[1].(float64))); err != nil {
		t.Fatal(err)
	}
}

// screenshot saves a PNG into $BECKON_SCREENSHOT_DIR when it is set, so a
// person can look at what visitors see.
func screenshot(ctx context.Context, t *testing.T, name string) {
	dir := os.Getenv("BECKON_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenshotViewport is screenshot of the window only, as scrolled: what a
// visitor sees at that moment (a full-page capture resizes the window, which
// unsticks and re-lays out what the test wants to show).
func screenshotViewport(ctx context.Context, t *testing.T, name string) {
	dir := os.Getenv("BECKON_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// demoSite is the id of the demo site, the only site of a demoServer.
func demoSite(t *testing.T, base string) string {
	t.Helper()
	var sites struct{ Sites []struct{ ID string } }
	adminCall(t, "GET", base+"/api/v1/sites", nil, &sites)
	if len(sites.Sites) != 1 {
		t.Fatalf("want the demo site only, got %+v", sites.Sites)
	}
	return sites.Sites[0].ID
}

// demoWidget changes the demo site's widget of type typ: settings are
// merged into the current ones (a nil value deletes a key).
func demoWidget(t *testing.T, base, typ string, settings map[string]any) {
	t.Helper()
	site := demoSite(t, base)
	var widgets struct {
		Widgets []struct {
			ID, Type string
			Settings map[string]any
		}
	}
	adminCall(t, "GET", base+"/api/v1/sites/"+site+"/widgets", nil, &widgets)
	for _, w := range widgets.Widgets {
		if w.Type != typ {
			continue
		}
		for k, v := range settings {
			if v == nil {
				delete(w.Settings, k)
			} else {
				w.Settings[k] = v
			}
		}
		adminCall(t, "PATCH", base+"/api/v1/sites/"+site+"/widgets/"+w.ID, map[string]any{"settings": w.Settings}, nil)
		return
	}
	t.Fatalf("the demo site has no %s widget", typ)
}
