package servertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ChromiumPath finds the browser. Without one a developer's run skips the
// browser tests, and says so on stderr even without -v; in CI (CI=true,
// what .ci/run sets) a missing browser fails them instead.
func ChromiumPath(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if InCI() {
		t.Fatal("Chromium not found, and CI is set: browser tests may not be skipped there (.ci/run installs it with apt-get install chromium)")
	}
	noBrowserOnce.Do(func() {
		fmt.Fprintln(os.Stderr, "SKIPPING the browser tests: Chromium not found (apt-get install chromium); CI=true makes this a failure")
	})
	t.Skip("Chromium not found (apt-get install chromium)")
	return ""
}

var noBrowserOnce sync.Once

// InCI reports whether CI says this is a CI run (CI=true, 1, …; CI=false
// and an unset CI are not).
func InCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// Browser starts a headless Chromium and collects console errors and
// uncaught exceptions of every page it opens.
func Browser(t testing.TB) (context.Context, func() []string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath(t)),
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

const ShadowProbe = `(() => {
  const host = document.querySelector('beckon-root');
  if (!host || !host.shadowRoot) return null;
  const r = host.getBoundingClientRect();
  return { site: host.getAttribute('data-beckon-site'), width: r.width, height: r.height,
           html: host.shadowRoot.innerHTML,
           configFetched: performance.getEntriesByType('resource').some(e => e.name.includes('/w/v1/') && /\/config(\?|$)/.test(e.name)) };
})()`

type ShadowState struct {
	Site          string  `json:"site"`
	Width         float64 `json:"width"`
	Height        float64 `json:"height"`
	HTML          string  `json:"html"`
	ConfigFetched bool    `json:"configFetched"`
}

func WaitShadow(ctx context.Context, t testing.TB, until func(ShadowState) bool) ShadowState {
	t.Helper()
	var st *ShadowState
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		if st, err = chromedp.Run(ctx, chromedp.Evaluate[*ShadowState](ShadowProbe)); err != nil {
			t.Fatal(err)
		}
		if st != nil && until(*st) {
			return *st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the loader did not get there in 15 s; last state: %+v", st)
	return ShadowState{}
}

// Viewport is a screen a test looks at the demo on, in a language.
type Viewport struct {
	Name          string
	Lang          string
	Width, Height int64
}

// DesktopAndPhone are the two screens widgets must work on.
var DesktopAndPhone = []Viewport{{"desktop", "ru", 1280, 800}, {"phone", "uk", 360, 740}}

// LoadDemo loads /demo in lang at the Viewport.
func LoadDemo(ctx context.Context, t testing.TB, base, lang string, width, height int64) {
	t.Helper()
	Speak(ctx, t, lang)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(base+"/demo?lang="+lang)); err != nil {
		t.Fatal(err)
	}
}

// Speak makes the browser's language lang, which the loader passes to
// widgets as their locale.
func Speak(ctx context.Context, t testing.TB, lang string) {
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

// ReduceMotion sets prefers-reduced-motion: reduce. Besides checking that
// the widget honours it, it keeps screenshots true: a full-page capture
// replays running animations from their first frame.
func ReduceMotion(ctx context.Context, t testing.TB) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
	if err != nil {
		t.Fatal(err)
	}
}

// OnNewDocument runs script in every document the tab loads from now on,
// before the page's own scripts.
func OnNewDocument(ctx context.Context, t testing.TB, script string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
		t.Fatal(err)
	}
}

// ClickInShadow clicks the middle of the element sel of the widgets'
// shadow root with the mouse, after checking that nothing covers that
// point.
func ClickInShadow(ctx context.Context, t testing.TB, sel string) {
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

// Screenshot saves a PNG into $BECKON_SCREENSHOT_DIR when it is set, so a
// person can look at what visitors see.
func Screenshot(ctx context.Context, t testing.TB, name string) {
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

// ScreenshotViewport is Screenshot of the window only, as scrolled: what a
// visitor sees at that moment (a full-page capture resizes the window, which
// unsticks and re-lays out what the test wants to show).
func ScreenshotViewport(ctx context.Context, t testing.TB, name string) {
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

// DemoSite is the id of the demo site, the only site of a StartDemo server.
func DemoSite(t testing.TB, base string) string {
	t.Helper()
	var sites struct{ Sites []struct{ ID string } }
	AdminCall(t, "GET", base+"/api/v1/sites", nil, &sites)
	if len(sites.Sites) != 1 {
		t.Fatalf("want the demo site only, got %+v", sites.Sites)
	}
	return sites.Sites[0].ID
}

// DemoWidget changes the demo site's widget of type typ: settings are
// merged into the current ones (a nil value deletes a key).
func DemoWidget(t testing.TB, base, typ string, settings map[string]any) {
	t.Helper()
	site := DemoSite(t, base)
	var widgets struct {
		Widgets []struct {
			ID, Type string
			Settings map[string]any
		}
	}
	AdminCall(t, "GET", base+"/api/v1/sites/"+site+"/widgets", nil, &widgets)
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
		AdminCall(t, "PATCH", base+"/api/v1/sites/"+site+"/widgets/"+w.ID, map[string]any{"settings": w.Settings}, nil)
		return
	}
	t.Fatalf("the demo site has no %s widget", typ)
}
