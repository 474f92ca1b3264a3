package dashboard

import (
	"encoding/json"
	"strconv"

	"github.com/beckonhq/beckon/store"
)

// widgetSummary is one line that tells a widget from others of its type:
// its heading (or button text) in the page's language, and how many
// managers, channels, prizes or questions it has.
func (h *handler) widgetSummary(l Lang, w store.Widget) string {
	var s map[string]json.RawMessage
	if json.Unmarshal(w.Settings, &s) != nil {
		return ""
	}
	line := ""
	for _, key := range []string{"title", "button_text", "label", "name", "text"} {
		if t := textIn(s[key], l.Code); t != "" {
			line = t
			break
		}
	}
	for _, c := range []struct{ key, text string }{
		{"managers", "wl_count_managers"}, {"channels", "wl_count_channels"},
		{"prizes", "wl_count_prizes"}, {"steps", "wl_count_steps"},
	} {
		var list []json.RawMessage
		if json.Unmarshal(s[c.key], &list) == nil && len(list) > 0 {
			n := l.F(c.text, "n", strconv.Itoa(len(list)))
			if line == "" {
				return n
			}
			return line + " · " + n
		}
	}
	return line
}

// textIn is a language-keyed text in lang, else in any language.
func textIn(raw json.RawMessage, lang string) string {
	var m map[string]string
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	if t := m[lang]; t != "" {
		return t
	}
	for _, code := range langs {
		if m[code] != "" {
			return m[code]
		}
	}
	return ""
}
