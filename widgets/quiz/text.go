package quiz

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/validate"
)

// T is an owner's text: in JSON a plain string (in the site's language) or
// an object {"ru","uk","en"} with at least one text. Once normalized it is
// always the object, keyed by language.
type T map[string]string

// plainKey holds a plain string until Normalize knows the site's
// language; badKey marks a value that is no text, for Normalize to refuse
// with its path (encoding/json cannot name the path of an UnmarshalJSON
// error: "steps[2].title" would be lost).
const (
	plainKey = ""
	badKey   = "\x00"
)

// UnmarshalJSON accepts a string or an object of texts per language.
func (t *T) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = T{plainKey: s}
		return nil
	}
	var m map[string]string
	if json.Unmarshal(b, &m) != nil {
		m = T{badKey: ""}
	}
	*t = m
	return nil
}

// In is the text in lang, else in the site's locale, else in any language
// (ru, uk, en in that order); "" when t has none.
func (t T) In(lang, siteLocale string) string {
	for _, l := range []string{lang, siteLocale, "ru", "uk", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// textKind bounds one kind of owner text.
type textKind struct {
	max  int  // characters
	line bool // one line (a title, a label), else it may span lines
}

var (
	kindTitle  = textKind{max: 200, line: true}
	kindLabel  = textKind{max: 100, line: true}
	kindButton = textKind{max: 40, line: true}
	kindUnit   = textKind{max: 20, line: true}
	kindBody   = textKind{max: 2000}
)

// normText checks the owner's text at field and rewrites a plain string
// into the site's language (locale). Blank languages are dropped; a text
// left with none is nil, or "is required".
func normText(field string, t *T, locale string, required bool, k textKind) error {
	check := validate.Text
	if k.line {
		check = validate.Line
	}
	if _, bad := (*t)[badKey]; bad {
		return validate.Field(field, `must be a text ("…") or texts per language ({"ru":"…","uk":"…","en":"…"})`)
	}
	if s, ok := (*t)[plainKey]; ok {
		if err := check(field, s, required, k.max); err != nil {
			return err
		}
		*t = T{locale: s}
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
		if err := check(field+"."+lang, s, false, k.max); err != nil {
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

// siteLang is the language a plain owner's text is taken to be in.
func siteLang(locale string) string { return i18n.Lang(locale) }

// placeholderRe finds {name} placeholders in result texts and summaries.
var placeholderRe = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// checkPlaceholders refuses a {name} in t that names neither a formula nor
// a step: it would reach visitors as it was typed.
func checkPlaceholders(field string, t T, known map[string]bool) error {
	for _, lang := range validate.Locales {
		for _, m := range placeholderRe.FindAllStringSubmatch(t[lang], -1) {
			if !known[m[1]] {
				return validate.Field(field+"."+lang, "{%s} names no formula or step; placeholders are {formula name} or {step id}", m[1])
			}
		}
	}
	return nil
}

// checkImage accepts an empty value or an absolute https URL of at most
// 2048 characters, the only kind a page served over https can show.
func checkImage(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return validate.Field(field, "must be an https:// URL of an image, up to 2048 characters")
	}
	return nil
}

// at names an element of a list in a field path: at("steps", 2) is steps[2].
func at(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// catalogue is i18n/quiz_widget.json: the widget's texts, of which the
// server uses a few (how an answer reads in the inbox). It is read as
// plain maps so the widget's texts may grow without touching Go.
var catalogue = i18n.MustLoad[map[string]any]("quiz_widget")

// serverText is the catalogue's text key in lang (en for languages
// Beckon does not speak).
func serverText(lang, key string) string {
	s, _ := catalogue[i18n.Lang(lang)][key].(string)
	return s
}
