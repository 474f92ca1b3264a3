// Package i18n is Beckon's one catalogue of texts in ru, uk and en: JSON
// files that Go reads through go:embed and the widget bundles import at build
// time, and the CLDR plural rules that pick a form for a number.
package i18n

import (
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Langs are the languages every text exists in; the first is the fallback
// for any other.
var Langs = []string{"en", "ru", "uk"}

// Lang is the language to speak for locale: ru, uk or en; anything else
// speaks en.
func Lang(locale string) string {
	switch l := strings.ToLower(locale); {
	case l == "ru" || strings.HasPrefix(l, "ru-"):
		return "ru"
	case l == "uk" || strings.HasPrefix(l, "uk-"):
		return "uk"
	}
	return "en"
}

var tags = map[string]language.Tag{"en": language.English, "ru": language.Russian, "uk": language.Ukrainian}

var formNames = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

// PluralForm is the CLDR cardinal category of the whole number n in lang:
// "one", "few", "many" or "other" (golang.org/x/text carries the CLDR
// tables, the same rules browsers apply in Intl.PluralRules).
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	// Operands past 10^7 may be passed modulo 10^7, says MatchPlural.
	return formNames[plural.Cardinal.MatchPlural(tags[Lang(lang)], n%10_000_000, 0, 0, 0, 0)]
}

// Forms is one text in its plural forms, keyed by CLDR category ("one",
// "few", "many", "other") and, as in ICU MessageFormat, by exact value
// ("=1": "через минуту"). {n} in a form is the number.
type Forms map[string]string

// For is the form for n in lang, with {n} filled: an exact value first, then
// the category, then "other".
func (f Forms) For(lang string, n int) string {
	s, ok := f["="+strconv.Itoa(n)]
	if !ok {
		s, ok = f[PluralForm(lang, n)]
	}
	if !ok {
		s = f["other"]
	}
	return Fill(s, map[string]string{"n": strconv.Itoa(n)})
}

// Fill replaces {name} placeholders with values; unknown names stay as
// they are (the widgets' fill() does the same).
func Fill(text string, values map[string]string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+end]
		v, ok := values[name]
		if !ok || !isWord(name) {
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		b.WriteString(v)
		text = text[open+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
