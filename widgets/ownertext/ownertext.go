// Package ownertext is the text a site owner writes into a widget's
// settings (a title, a button, a thank-you): one text in the site's
// language or one per language.
package ownertext

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// Text is an owner's text: in JSON a plain string (in the site's language)
// or an object {"ru","uk","en"} with at least one text. Once normalized it
// is always the object, keyed by language.
type Text map[string]string

// plainKey holds a plain string until Normalize knows the site's language;
// badKey marks a value that is no text, for Normalize to refuse with its
// path (encoding/json cannot name the path of an UnmarshalJSON error:
// "steps[2].title" would be lost).
const (
	plainKey = ""
	badKey   = "\x00"
)

// UnmarshalJSON accepts a string or an object of texts per language.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = Text{plainKey: s}
		return nil
	}
	var m map[string]string
	if json.Unmarshal(b, &m) != nil {
		m = Text{badKey: ""}
	}
	*t = m
	return nil
}

// In is the text in lang, else in the site's locale, else in any language
// (ru, uk, en in that order); "" when t has none.
func (t Text) In(lang, siteLocale string) string {
	for _, l := range []string{lang, siteLocale, "ru", "uk", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Normalize checks the owner's text at field (one line when line, at most
// most characters) and rewrites a plain string into the site's language
// (locale). Blank languages are dropped; a text left with none is nil, or
// "is required".
func Normalize(field string, t *Text, locale string, required, line bool, most int) error {
	check := validate.Text
	if line {
		check = validate.Line
	}
	if _, bad := (*t)[badKey]; bad {
		return validate.Field(field, `must be a text ("…") or texts per language ({"ru":"…","uk":"…","en":"…"})`)
	}
	if s, ok := (*t)[plainKey]; ok {
		if err := check(field, s, required, most); err != nil {
			return err
		}
		*t = Text{locale: s}
	}
	langs := make([]string, 0, len(*t))
	for lang := range *t {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		if !slices.Contains(validate.Locales, lang) {
			return validate.Field(field+"."+lang, "unknown language; use ru, uk or en")
		}
		s := (*t)[lang]
		if err := check(field+"."+lang, s, false, most); err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			delete(*t, lang)
		}
	}
	if len(*t) == 0 {
		*t = nil
		if required {
			return validate.Field(field, "is required")
		}
	}
	return nil
}
