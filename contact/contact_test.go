package contact

import (
	"errors"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/validate"
)

// fieldOf is the JSON field path a refusal names, "" when there is none.
func fieldOf(err error) string {
	var fe *validate.Error
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestCheckKeepsWhatTheFormAsksFor(t *testing.T) {
	asked := []Field{{Name: "name"}, {Name: "phone"}, {Name: "email"}}
	c, err := Check(Input{Name: " Olena ", Phone: "０５０ １２３ ４５６７", Email: "Olena@Example.COM", Messenger: "@olena"}, asked, "UA")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Olena" || c.Phone != "+380501234567" || c.Email != "Olena@example.com" || c.Messenger != "" {
		t.Fatalf("kept %+v: want the name trimmed, the full-width number in E.164, the domain lower-cased and the unasked messenger dropped", c)
	}
}

func TestCheckRefusesWithTheField(t *testing.T) {
	cases := []struct {
		name  string
		in    Input
		asked []Field
		field string
	}{
		{"only a name", Input{Name: "Olena"}, []Field{{Name: "name"}, {Name: "email"}, {Name: "phone"}}, "email"},
		{"required phone", Input{Email: "a@example.com"}, []Field{{Name: "email"}, {Name: "phone", Required: true}}, "phone"},
		{"invalid phone", Input{Phone: "123"}, []Field{{Name: "phone"}}, "phone"},
		{"phone of no country", Input{Phone: "+800 1234 5678"}, []Field{{Name: "phone"}}, "phone"},
		{"phone too long", Input{Phone: strings.Repeat("1", 33)}, []Field{{Name: "phone"}}, "phone"},
		{"display name", Input{Email: "Olena <a@example.com>"}, []Field{{Name: "email"}}, "email"},
		{"no dot in the domain", Input{Email: "a@localhost"}, []Field{{Name: "email"}}, "email"},
		{"IP literal", Input{Email: "a@[127.0.0.1]"}, []Field{{Name: "email"}}, "email"},
		{"e-mail too long", Input{Email: strings.Repeat("a", 250) + "@example.com"}, []Field{{Name: "email"}}, "email"},
		{"messenger too long", Input{Messenger: strings.Repeat("m", 101)}, []Field{{Name: "messenger"}}, "messenger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(tc.in, tc.asked, "UA")
			if got := fieldOf(err); got != tc.field {
				t.Fatalf("refused %q (%v), want field %q", got, err, tc.field)
			}
		})
	}
}
