package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// pluralTable is the CLDR integer table the issue asks for: the numbers
// where ru and uk change form (1, 2–4, 5–20, 11–14, 21, 101, 111, …).
var pluralTable = []int{0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1000, 1001, 1002}

func TestPluralFormCLDR(t *testing.T) {
	want := map[string][]string{
		//      0       1      2      3      4      5       11      12      14      21     22     25      101    111     1000    1001   1002
		"ru": {"many", "one", "few", "few", "few", "many", "many", "many", "many", "one", "few", "many", "one", "many", "many", "one", "few"},
		"uk": {"many", "one", "few", "few", "few", "many", "many", "many", "many", "one", "few", "many", "one", "many", "many", "one", "few"},
		"en": {"other", "one", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other", "other"},
	}
	for lang, forms := range want {
		for i, n := range pluralTable {
			if got := PluralForm(lang, n); got != forms[i] {
				t.Errorf("PluralForm(%s, %d) = %s, want %s", lang, n, got, forms[i])
			}
		}
	}
	if got := PluralForm("de", 2); got != "other" {
		t.Errorf("an unknown language speaks en: got %s for 2", got)
	}
}

func TestFormsFor(t *testing.T) {
	minutes := Forms{"=1": "через минуту", "one": "через {n} минуту", "few": "через {n} минуты", "many": "через {n} минут"}
	for n, want := range map[int]string{1: "через минуту", 21: "через 21 минуту", 22: "через 22 минуты", 25: "через 25 минут", 111: "через 111 минут"} {
		if got := minutes.For("ru", n); got != want {
			t.Errorf("For(ru, %d) = %q, want %q", n, got, want)
		}
	}
}

func TestFill(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Заявка с сайта {site}.", "Заявка с сайта Shop."},
		{"{site}{site}", "ShopShop"},
		{"{unknown} and {site}", "{unknown} and Shop"},
		{"{ site } {", "{ site } {"},
		{"no placeholders", "no placeholders"},
	} {
		if got := Fill(c.in, map[string]string{"site": "Shop"}); got != c.want {
			t.Errorf("Fill(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPluralAgreesWithBrowsers runs the same numbers through Node's
// Intl.PluralRules (the widgets' plural rules) and compares categories.
func TestPluralAgreesWithBrowsers(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed; CI must run this comparison")
		}
		t.Skip("node is not installed")
	}
	var nums []int
	for n := 0; n <= 1200; n++ {
		nums = append(nums, n)
	}
	arg, _ := json.Marshal(nums)
	script := fmt.Sprintf(`const ns=%s;const o={};for(const l of ["ru","uk","en"]){const r=new Intl.PluralRules(l);o[l]=ns.map(n=>r.select(n))}console.log(JSON.stringify(o))`, arg)
	out, err := exec.Command(node, "-e", script).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var browser map[string][]string
	if err := json.Unmarshal(out, &browser); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	var diffs []string
	for _, lang := range Langs {
		for i, n := range nums {
			if got := PluralForm(lang, n); got != browser[lang][i] {
				diffs = append(diffs, fmt.Sprintf("%s %d: Go %s, Intl %s", lang, n, got, browser[lang][i]))
			}
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("Go and Intl.PluralRules disagree:\n%s", strings.Join(diffs, "\n"))
	}
}
