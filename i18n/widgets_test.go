package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWidgetPluralsAgreeWithGo bundles the countdown widget's plural
// chooser (embed/src/widgets/countdown/time.ts) with the repo's esbuild,
// runs it in Node on the catalogue's own unit words, with Intl.PluralRules
// and with the fallback for browsers without it, and compares each word
// with what Go picks for the same number.
func TestWidgetPluralsAgreeWithGo(t *testing.T) {
	embedDir, _ := filepath.Abs("../embed")
	esbuild := filepath.Join(embedDir, "node_modules", "esbuild")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(esbuild); err != nil || serr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node or embed/node_modules (npm ci --prefix embed) is missing; CI must run this comparison")
		}
		t.Skip("node or embed/node_modules is missing")
	}
	nums := []int{0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1000}
	units := []string{"d", "h", "m", "s"}
	script := fmt.Sprintf(`
const esbuild = require(%q);
const src = esbuild.buildSync({entryPoints: [%q], bundle: true, format: 'cjs', platform: 'node', write: false}).outputFiles[0].text;
const m = {exports: {}};
new Function('module', 'exports', 'require', src)(m, m.exports, require);
const texts = require(%q);
const nums = %s, units = %s, out = {};
for (const mode of ['intl', 'fallback']) {
  if (mode === 'fallback') Intl.PluralRules = undefined;
  out[mode] = {};
  for (const l of ['ru', 'uk', 'en']) {
    const word = m.exports.plural(l);
    out[mode][l] = nums.map((n) => units.map((u) => word(n, texts[l].units[u])));
  }
}
console.log(JSON.stringify(out));`,
		esbuild, filepath.Join(embedDir, "src/widgets/countdown/time.ts"), mustAbs("countdown_widget.json"),
		jsonOf(nums), jsonOf(units))
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = embedDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got map[string]map[string][][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	var diffs []string
	for _, mode := range []string{"intl", "fallback"} {
		for _, lang := range Langs {
			for i, n := range nums {
				for j, u := range units {
					want := Countdown[lang].Units[u].For(lang, n)
					if w := got[mode][lang][i][j]; w != want {
						diffs = append(diffs, fmt.Sprintf("%s %s %d %s: widget %q, Go %q", mode, lang, n, u, w, want))
					}
				}
			}
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("the widget and Go pick different words:\n%s", strings.Join(diffs, "\n"))
	}
	if w := Countdown["ru"].Units["d"].For("ru", 21); w != "день" {
		t.Fatalf("ru 21 days: %q", w)
	}
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestUkrainianPhoneExample: the placeholder groups a Ukrainian number
// the usual way, 50 123 45 67 (the copy review's item 29).
func TestUkrainianPhoneExample(t *testing.T) {
	embedDir, _ := filepath.Abs("../embed")
	esbuild := filepath.Join(embedDir, "node_modules", "esbuild")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(esbuild); err != nil || serr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node or embed/node_modules is missing")
		}
		t.Skip("node or embed/node_modules is missing")
	}
	script := fmt.Sprintf(`
const src = require(%q).buildSync({entryPoints: [%q], bundle: true, format: 'cjs', platform: 'node', write: false}).outputFiles[0].text;
const m = {exports: {}};
new Function('module', 'exports', 'require', src)(m, m.exports, require);
console.log(JSON.stringify([m.exports.example(380, 'UA'), m.exports.example(7, 'RU')]));`,
		esbuild, filepath.Join(embedDir, "src/widgets/callback/phone.ts"))
	out, err := exec.Command(node, "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != `["50 123 45 67","912 345-67-89"]` {
		t.Fatalf("examples %s", got)
	}
}
