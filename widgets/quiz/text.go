package quiz

import (
	"fmt"
	"net/url"
	"regexp"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/ownertext"
)

// T is an owner's text, a plain string or one per language; an alias, so
// the quiz's settings name it briefly.
type T = ownertext.Text

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
// into the site's language (locale); see ownertext.Normalize.
func normText(field string, t *T, locale string, required bool, k textKind) error {
	return ownertext.Normalize(field, t, locale, required, k.line, k.max)
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
