package popup

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// T is an owner's text: in JSON a plain string (in the site's language) or
// an object {"ru","uk","en"}. Once normalized it is always the object.
type T map[string]string

// plainKey holds a plain string until Normalize knows the site's language;
// badKey marks a value that is no text, for Normalize to refuse with its
// path (an UnmarshalJSON error could not name "form.button").
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

// Bounds of owner texts, in characters.
const (
	maxTitle  = 200
	maxBody   = 1000
	maxButton = 60
)

// normText checks the owner's text at field (one line when line) and
// rewrites a plain string into the site's language. Blank languages are
// dropped; a text left with none is nil, or "is required".
func normText(field string, t *T, locale string, required, line bool, most int) error {
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
		if err := check(field+"."+lang, (*t)[lang], false, most); err != nil {
			return err
		}
		if strings.TrimSpace((*t)[lang]) == "" {
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
