package socialproof_test

import (
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/socialproof"
)

func TestPublicEventNames(t *testing.T) {
	cases := []struct{ name, display, want string }{
		{"Maria Ivanova", "first_name", "Maria"},
		{"Maria Ivanova", "first_initial", "Maria I."},
		{"мария иванова", "first_initial", "мария И."},
		{"Maria Ivanova", "someone", ""},
		{"Maria", "first_initial", "Maria"},
		{"Maria (masha)", "first_initial", "Maria M."},
		{"maria@example.ru", "first_name", ""},
		{"+7 999 123-45-67 Oleg", "first_name", "Oleg"},
		{"Oleg 89991234567 Petrov", "first_initial", "Oleg P."},
		{"  ", "first_name", ""},
	}
	for _, tc := range cases {
		e := store.Event{ID: "a", Type: "purchase", Name: tc.name, City: "Bryansk", Time: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
		got := socialproof.PublicEvent(e, &socialproof.Settings{NameDisplay: tc.display})
		if got.Name != tc.want {
			t.Errorf("%q as %s: %q, want %q", tc.name, tc.display, got.Name, tc.want)
		}
		if got.City != "Bryansk" || got.Time != "2026-11-30T10:00:00Z" {
			t.Errorf("other fields changed: %+v", got)
		}
	}
}
