package embed_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/embed"
)

// loaderBudget is the most embed.js may weigh gzipped; see the README.
const loaderBudget = 2048

// bundleBudget is the most one widget bundle may weigh gzipped (15 KiB); see
// the README. A widget that needs more should lazy-load its rarely used parts.
const bundleBudget = 15 << 10

// bundleBudgets are tighter budgets of some types, gzipped bytes: the social
// proof bundle runs on every page of a shop and its issue (9) promised at
// most 10 KB, taken strictly as 10,000 bytes.
var bundleBudgets = map[string]int{"social_proof": 10_000}

// newApp routes the assets the way the server does.
func newApp(a *embed.Assets) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/embed.js", a.Loader)
	app.Get("/embed/:file", a.Bundle)
	return app
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func request(t *testing.T, app *fiber.App, method, path string, headers map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A bundle big enough that gzip pays off.
var fixtureBundle = []byte(strings.Repeat("beckon('define','countdown',function(ctx){ctx.root.textContent='tick'});\n", 20))

func fixtureAssets(t *testing.T) *embed.Assets {
	t.Helper()
	manifest, _ := json.Marshal(embed.Manifest{Loader: "embed.js", Widgets: map[string]string{"countdown": "countdown.1a2b3c4d.js"}})
	a, err := embed.New(fstest.MapFS{
		"manifest.json":         {Data: manifest},
		"embed.js":              {Data: []byte(strings.Repeat("/* loader */\n", 50))},
		"countdown.1a2b3c4d.js": {Data: fixtureBundle},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wantHeaders(t *testing.T, res response, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := res.header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

func TestLoaderHeaders(t *testing.T) {
	app := newApp(embed.Default())
	want, err := os.ReadFile(filepath.Join("dist", "embed.js"))
	if err != nil {
		t.Fatal(err)
	}
	res := request(t, app, "GET", "/embed.js", nil)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	wantHeaders(t, res, map[string]string{
		"Cache-Control":                "public, max-age=300",
		"Content-Type":                 "text/javascript; charset=utf-8",
		"X-Content-Type-Options":       "nosniff",
		"Cross-Origin-Resource-Policy": "cross-origin",
		"Content-Encoding":             "",
	})
	if etag := res.header.Get("ETag"); !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 18 {
		t.Errorf("ETag %q is not a strong quoted tag", etag)
	}
	if !bytes.Equal(res.body, want) {
		t.Errorf("body is not dist/embed.js")
	}
	head := request(t, app, "HEAD", "/embed.js", nil)
	if head.status != 200 || len(head.body) != 0 || head.header.Get("ETag") != res.header.Get("ETag") {
		t.Errorf("HEAD: status %d, %d bytes, ETag %q", head.status, len(head.body), head.header.Get("ETag"))
	}
}

func TestNotModified(t *testing.T) {
	for _, tc := range []struct{ name, path, cacheControl string }{
		{"loader", "/embed.js", "public, max-age=300"},
		{"bundle", "/embed/countdown.1a2b3c4d.js", "public, max-age=31536000, immutable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(fixtureAssets(t))
			plain := request(t, app, "GET", tc.path, nil).header.Get("ETag")
			zipped := request(t, app, "GET", tc.path, map[string]string{"Accept-Encoding": "gzip"}).header.Get("ETag")
			if plain == "" || zipped == "" || plain == zipped {
				t.Fatalf("ETags identity %q, gzip %q: want two different tags", plain, zipped)
			}
			for _, inm := range []string{plain, zipped, "W/" + plain, `"other", ` + zipped, "*"} {
				res := request(t, app, "GET", tc.path, map[string]string{"If-None-Match": inm, "Accept-Encoding": "gzip"})
				if res.status != 304 || len(res.body) != 0 {
					t.Errorf("If-None-Match %s: status %d, %d bytes; want 304, empty", inm, res.status, len(res.body))
				}
				wantHeaders(t, res, map[string]string{"Cache-Control": tc.cacheControl, "ETag": zipped, "Vary": "Accept-Encoding"})
			}
			if res := request(t, app, "GET", tc.path, map[string]string{"If-None-Match": `"stale"`}); res.status != 200 {
				t.Errorf("stale ETag: status %d, want 200", res.status)
			}
		})
	}
}

func TestGzipNegotiation(t *testing.T) {
	app := newApp(fixtureAssets(t))
	for _, tc := range []struct {
		acceptEncoding string
		gzip           bool
	}{
		{"", false},
		{"identity", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.5", true},
		{"GZIP", true},
		{"*", true},
		{"gzip;q=0", false},
		{"*;q=0", false},
		{"br, *;q=0.1, gzip;q=0", false},
	} {
		t.Run(tc.acceptEncoding, func(t *testing.T) {
			res := request(t, app, "GET", "/embed/countdown.1a2b3c4d.js", map[string]string{"Accept-Encoding": tc.acceptEncoding})
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			wantHeaders(t, res, map[string]string{"Vary": "Accept-Encoding", "Content-Type": "text/javascript; charset=utf-8"})
			body := res.body
			if enc := res.header.Get("Content-Encoding"); tc.gzip != (enc == "gzip") {
				t.Fatalf("Content-Encoding %q, want gzip: %v", enc, tc.gzip)
			}
			if tc.gzip {
				if len(body) >= len(fixtureBundle) {
					t.Errorf("gzip body %d bytes, not smaller than %d", len(body), len(fixtureBundle))
				}
				body = gunzip(t, body)
			}
			if !bytes.Equal(body, fixtureBundle) {
				t.Errorf("body differs from the bundle")
			}
		})
	}
}

func TestBundle(t *testing.T) {
	a := fixtureAssets(t)
	app := newApp(a)

	url, ok := a.BundleURL("countdown")
	if !ok || url != "/embed/countdown.1a2b3c4d.js" {
		t.Fatalf("BundleURL(countdown) = %q, %v", url, ok)
	}
	if url, ok := a.BundleURL("quiz"); ok || url != "" {
		t.Fatalf("BundleURL(quiz) = %q, %v; want none", url, ok)
	}
	res := request(t, app, "GET", url, nil)
	if res.status != 200 || !bytes.Equal(res.body, fixtureBundle) {
		t.Fatalf("GET %s: status %d, %d bytes", url, res.status, len(res.body))
	}
	wantHeaders(t, res, map[string]string{
		"Cache-Control":                "public, max-age=31536000, immutable",
		"Content-Type":                 "text/javascript; charset=utf-8",
		"X-Content-Type-Options":       "nosniff",
		"Cross-Origin-Resource-Policy": "cross-origin",
	})

	// Only bundles named in the manifest: not the loader, not the manifest.
	for _, path := range []string{"/embed/quiz.1a2b3c4d.js", "/embed/embed.js", "/embed/manifest.json", "/embed/countdown.00000000.js", "/embed/..%2fembed.js"} {
		res := request(t, app, "GET", path, nil)
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(res.body, &body); err != nil || res.status != 404 || body.Error.Code != "not_found" || body.Error.Message == "" {
			t.Errorf("GET %s: %d %s; want 404 not_found", path, res.status, res.body)
		}
		if cc := res.header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: a 404 cached for good: %q", path, cc)
		}
	}
}

func TestNewRejectsBrokenBuilds(t *testing.T) {
	js := &fstest.MapFile{Data: []byte("x")}
	for name, fsys := range map[string]fstest.MapFS{
		"no manifest":     {"embed.js": js},
		"bad json":        {"manifest.json": {Data: []byte("{")}, "embed.js": js},
		"no loader name":  {"manifest.json": {Data: []byte(`{"widgets":{}}`)}, "embed.js": js},
		"loader missing":  {"manifest.json": {Data: []byte(`{"loader":"embed.js"}`)}},
		"bundle missing":  {"manifest.json": {Data: []byte(`{"loader":"embed.js","widgets":{"quiz":"quiz.1a2b3c4d.js"}}`)}, "embed.js": js},
		"bundle in a dir": {"manifest.json": {Data: []byte(`{"loader":"embed.js","widgets":{"quiz":"x/quiz.js"}}`)}, "embed.js": js, "x/quiz.js": js},
		"bundle escapes":  {"manifest.json": {Data: []byte(`{"loader":"embed.js","widgets":{"quiz":"../quiz.js"}}`)}, "embed.js": js},
		"empty type":      {"manifest.json": {Data: []byte(`{"loader":"embed.js","widgets":{"":"embed.js"}}`)}, "embed.js": js},
	} {
		if _, err := embed.New(fsys); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

// TestDefaultServesEveryBundle: the compiled-in manifest and files agree.
func TestDefaultServesEveryBundle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("dist", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m embed.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	a := embed.Default()
	app := newApp(a)
	for typ, name := range m.Widgets {
		url, ok := a.BundleURL(typ)
		if !ok || url != "/embed/"+name {
			t.Errorf("BundleURL(%q) = %q, %v; want /embed/%s", typ, url, ok, name)
		}
		if res := request(t, app, "GET", url, nil); res.status != 200 {
			t.Errorf("GET %s: %d", url, res.status)
		}
	}
}

// TestLoaderSizeBudget reports what every page that embeds Beckon downloads.
func TestLoaderSizeBudget(t *testing.T) {
	size := embed.Default().LoaderGzipSize()
	t.Logf("embed.js: %d bytes gzipped (budget %d)", size, loaderBudget)
	if size > loaderBudget {
		t.Fatalf("embed.js is %d bytes gzipped, over the budget of %d", size, loaderBudget)
	}
}

// TestBundleSizeBudget reports what a visitor downloads for each widget: the
// gzipped body the server sends, measured through its own handler.
func TestBundleSizeBudget(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("dist", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m embed.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Widgets) == 0 {
		t.Fatal("the manifest names no widget bundle")
	}
	a := embed.Default()
	app := newApp(a)
	for _, typ := range slices.Sorted(maps.Keys(m.Widgets)) {
		url, _ := a.BundleURL(typ)
		res := request(t, app, "GET", url, map[string]string{"Accept-Encoding": "gzip"})
		if res.status != 200 || res.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s with gzip: status %d, Content-Encoding %q", url, res.status, res.header.Get("Content-Encoding"))
		}
		size, budget := len(res.body), bundleBudget
		if b, ok := bundleBudgets[typ]; ok {
			budget = b
		}
		t.Logf("%s (%s): %d bytes gzipped (budget %d)", typ, url, size, budget)
		if size > budget {
			t.Errorf("the %s bundle is %d bytes gzipped, over the budget of %d", typ, size, budget)
		}
	}
}

// TestBundlesMatchSources: the committed dist/ is what src/ builds to.
func TestBundlesMatchSources(t *testing.T) {
	_, err := os.Stat(filepath.Join("node_modules", ".bin", "esbuild"))
	node, nodeErr := exec.LookPath("node")
	if nodeErr != nil {
		err = nodeErr
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot check embed/dist against embed/src, run `npm ci --prefix embed` (needs Node): %v", err)
		}
		t.Skip("embed/node_modules not installed (npm ci --prefix embed); not checking dist/ against src/")
	}
	out, err := exec.Command(node, "build.mjs", "--check").CombinedOutput()
	if err != nil {
		t.Fatalf("node build.mjs --check: %v\n%s", err, out)
	}
}
