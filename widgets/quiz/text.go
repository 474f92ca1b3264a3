package quiz

import (
	"encoding/json"

	"github.com/beckonhq/beckon/validate"
)

// T is an owner's text: in JSON a plain string (in the site's language) or
// an object {"ru","uk","en"} with at least one text. Once normalized it is
// always the object, keyed by language.
type T map[string]string

// plainKey holds a plain string until Normalize knows the site's language.
const plainKey = ""

// UnmarshalJSON accepts a string or an object of texts per language.
func (t *T) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = T{plainKey: s}
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return &validate.Error{Message: `must be a text ("…") or texts per language ({"ru":"…","uk":"…","en":"…"})`}
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
