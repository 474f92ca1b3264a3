package i18n

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// integerForms are the CLDR categories whole numbers fall into, per
// language, found by asking the rules (so the test follows CLDR, not a
// hand-made list).
func integerForms(lang string) []string {
	var out []string
	for n := 0; n < 1000; n++ {
		if f := PluralForm(lang, n); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// isForms says whether a JSON object is a set of plural forms.
func isForms(m map[string]any) bool {
	_, other := m["other"]
	_, one := m["one"]
	return other || one
}

// TestCatalogueComplete checks every text of every catalogue file: each
// exists in ru, uk and en, is not empty, uses the same placeholders in all
// three, and plural texts carry every form their language needs for whole
// numbers (and no unknown category).
func TestCatalogueComplete(t *testing.T) {
	names := Names()
	if len(names) == 0 {
		t.Fatalf("catalogue files: %v", names)
	}
	for _, name := range names {
		raw, err := Raw(name)
		if err != nil {
			t.Fatal(err)
		}
		var byLang map[string]any
		if err := json.Unmarshal(raw, &byLang); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if len(byLang) != len(Langs) {
			t.Errorf("%s.json: languages %d, want %v", name, len(byLang), Langs)
		}
		leaves := map[string]map[string]string{} // path -> lang -> text (forms joined)
		for _, lang := range Langs {
			v, ok := byLang[lang].(map[string]any)
			if !ok {
				t.Errorf("%s.json: no %s object", name, lang)
				continue
			}
			walk(t, name+".json "+lang, "", v, lang, func(path, text string) {
				if leaves[path] == nil {
					leaves[path] = map[string]string{}
				}
				leaves[path][lang] = text
			})
		}
		for path, byL := range leaves {
			var want []string
			for i, lang := range Langs {
				text, ok := byL[lang]
				if !ok {
					t.Errorf("%s.json %s: missing in %s", name, path, lang)
					continue
				}
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s.json %s: empty in %s", name, path, lang)
				}
				if got := placeholders(text); i == 0 {
					want = got
				} else if !slices.Equal(got, want) {
					t.Errorf("%s.json %s: placeholders %v in %s, %v in %s", name, path, got, lang, want, Langs[0])
				}
			}
		}
	}
}

// walk visits the texts under v; plural forms are checked and reported as
// one text, the placeholders of its CLDR forms together.
func walk(t *testing.T, where, path string, v map[string]any, lang string, leaf func(path, text string)) {
	for k, x := range v {
		p := strings.TrimPrefix(path+"."+k, ".")
		switch x := x.(type) {
		case string:
			leaf(p, x)
		case map[string]any:
			if !isForms(x) {
				walk(t, where, p, x, lang, leaf)
				continue
			}
			need := integerForms(lang)
			var texts []string
			for form, s := range x {
				str, ok := s.(string)
				if !ok {
					t.Errorf("%s %s.%s: not a string", where, p, form)
					continue
				}
				switch {
				case strings.HasPrefix(form, "="):
					// an exact value may leave {n} out: «через минуту»
				case slices.Contains(need, form) || form == "other":
					texts = append(texts, str)
				default:
					t.Errorf("%s %s: form %q is not a CLDR category of %s (%v)", where, p, form, lang, need)
				}
			}
			for _, form := range need {
				if _, ok := x[form]; !ok {
					t.Errorf("%s %s: no %q form (%s needs %v)", where, p, form, lang, need)
				}
			}
			slices.Sort(texts)
			leaf(p, strings.Join(texts, " "))
		default:
			t.Errorf("%s %s: %T is neither text nor forms", where, p, x)
		}
	}
}

func TestIn(t *testing.T) {
	want := map[string][]string{
		//    21 s, 22 s, 25 s, 60 s, 90 s, 120 s, 1260 s, 3600 s, 7200 s
		"ru": {"через 21 секунду", "через 22 секунды", "через 25 секунд", "через минуту", "через 90 секунд",
			"через 2 минуты", "через 21 минуту", "через час", "через 2 часа"},
		"uk": {"за 21 секунду", "за 22 секунди", "за 25 секунд", "за хвилину", "за 90 секунд",
			"за 2 хвилини", "за 21 хвилину", "за годину", "за 2 години"},
		"en": {"in 21 seconds", "in 22 seconds", "in 25 seconds", "in a minute", "in 90 seconds",
			"in 2 minutes", "in 21 minutes", "in an hour", "in 2 hours"},
	}
	secs := []int{21, 22, 25, 60, 90, 120, 1260, 3600, 7200}
	for lang, texts := range want {
		for i, s := range secs {
			if got := In(lang, time.Duration(s)*time.Second); got != texts[i] {
				t.Errorf("In(%s, %ds) = %q, want %q", lang, s, got, texts[i])
			}
		}
	}
	if got := In("ru", 400*time.Millisecond); got != "через секунду" {
		t.Errorf("under a second: %q", got)
	}
}

func TestLoadRefusesDrift(t *testing.T) {
	type tooFew struct {
		InSeconds Forms `json:"in_seconds"`
	}
	if _, err := Load[tooFew]("duration"); err == nil || !strings.Contains(err.Error(), "in_minutes") {
		t.Fatalf("a field the type does not know must fail the load, got %v", err)
	}
	if _, err := Load[durationTexts]("no-such-file"); err == nil {
		t.Fatal("a missing file must fail the load")
	}
}

// TestUkrainianApostrophe: one apostrophe per medium. Spoken texts use
// U+02BC (ʼ), which speech engines read as part of the word; the web uses
// U+2019 (’). U+0027 (') makes some engines pause mid-word.
func TestUkrainianApostrophe(t *testing.T) {
	for _, name := range Names() {
		raw, _ := Raw(name)
		var byLang map[string]json.RawMessage
		if err := json.Unmarshal(raw, &byLang); err != nil {
			t.Fatal(err)
		}
		var uk any
		_ = json.Unmarshal(byLang["uk"], &uk)
		text := fmt.Sprint(uk)
		want, wrong := "’", []string{"'", "ʼ"}
		if name == "voice" || name == "twiml" {
			want, wrong = "ʼ", []string{"'", "’"}
		}
		for _, w := range wrong {
			if strings.Contains(text, w) {
				t.Errorf("%s.json uk uses %q; use %q", name, w, want)
			}
		}
	}
}
