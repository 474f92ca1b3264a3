package emailgif

import "testing"

// The labels are drawn once under digits that change every frame, so they
// are abbreviations that read right with any number (never «01 дней»).
func TestDefaultLabels(t *testing.T) {
	for lang, want := range map[string][4]string{
		"ru":    {"дн.", "ч", "мин", "сек"},
		"uk":    {"дн.", "год", "хв", "сек"},
		"uk-UA": {"дн.", "год", "хв", "сек"},
		"en":    {"days", "hrs", "min", "sec"},
		"de":    {"days", "hrs", "min", "sec"},
	} {
		if got := DefaultLabels(lang); got != want {
			t.Errorf("DefaultLabels(%q) = %q, want %q", lang, got, want)
		}
	}
}
