package triggers_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// decode reads a block the way widgets read settings: strictly.
func decode(t *testing.T, raw string) *triggers.Settings {
	t.Helper()
	var s triggers.Settings
	if err := validate.DecodeJSON([]byte(raw), &s); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return &s
}

func TestNormalizeFillsDefaults(t *testing.T) {
	s := decode(t, `{"on":[{"type":"exit_intent"}]}`)
	if err := s.Normalize("triggers"); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(s.Public())
	want := `{"on":[{"type":"exit_intent"}],"pages":{"include":[],"exclude":[]},"device":"any","visitor":"any",` +
		`"utm_source":[],"caps":{"per_visit":1,"every_days":0,"after_conversion":"never","max_dismissals":2},"priority":0}`
	if string(got) != want {
		t.Errorf("public block\n got %s\nwant %s", got, want)
	}
}

func TestNormalizeKeepsChoices(t *testing.T) {
	raw := `{"on":[{"type":"time_on_page","seconds":30},{"type":"time_on_site","seconds":60},{"type":"exit_intent"},
		{"type":"scroll","percent":70},{"type":"idle","seconds":20},{"type":"pages_viewed","count":3},{"type":"manual"}],
		"pages":{"include":["/catalog/*","/sale"],"exclude":["/checkout*"]},"device":"phone","visitor":"returning",
		"utm_source":[" Yandex ","google"],"caps":{"per_visit":0,"every_days":7,"after_conversion":"again","max_dismissals":0},"priority":5}`
	s := decode(t, raw)
	if err := s.Normalize("triggers"); err != nil {
		t.Fatal(err)
	}
	if len(s.On) != 7 || s.On[3].Percent != 70 || s.Device != "phone" || s.Visitor != "returning" || s.Priority != 5 {
		t.Errorf("choices changed: %+v", s)
	}
	// An explicit 0 means "no limit" and stays 0, never the default.
	if *s.Caps.PerVisit != 0 || *s.Caps.MaxDismissals != 0 || s.Caps.EveryDays != 7 || s.Caps.AfterConversion != "again" {
		t.Errorf("caps: %+v per_visit %d max_dismissals %d", s.Caps, *s.Caps.PerVisit, *s.Caps.MaxDismissals)
	}
	if !reflect.DeepEqual(s.UTMSource, []string{"yandex", "google"}) {
		t.Errorf("utm_source %q, want trimmed lower case", s.UTMSource)
	}
	// Normalizing again (a stored block read back) changes nothing.
	before, _ := json.Marshal(s)
	if err := s.Normalize("triggers"); err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(s); string(after) != string(before) {
		t.Errorf("second Normalize changed the block:\n%s\n%s", before, after)
	}
}

func TestNormalizeNamesTheField(t *testing.T) {
	for _, tc := range []struct{ raw, field, message string }{
		{`{}`, "triggers.on", "at least one trigger"},
		{`{"on":[]}`, "triggers.on", "at least one trigger"},
		{`{"on":[` + strings.Repeat(`{"type":"manual"},`, 10) + `{"type":"manual"}]}`, "triggers.on", "at most 10"},
		{`{"on":[{"type":"exit_intent"},{"type":"hover"}]}`, "triggers.on[1].type", "must be one of time_on_page"},
		{`{"on":[{"type":"manual"},{"type":"time_on_page"}]}`, "triggers.on[1].seconds", "from 1 to 3600"},
		{`{"on":[{"type":"time_on_site","seconds":86401}]}`, "triggers.on[0].seconds", "from 1 to 86400"},
		{`{"on":[{"type":"idle","seconds":-1}]}`, "triggers.on[0].seconds", "from 1 to 3600"},
		{`{"on":[{"type":"scroll","percent":101}]}`, "triggers.on[0].percent", "from 1 to 100"},
		{`{"on":[{"type":"scroll","seconds":5,"percent":50}]}`, "triggers.on[0].seconds", "not used by the scroll trigger"},
		{`{"on":[{"type":"pages_viewed"}]}`, "triggers.on[0].count", "from 1 to 1000"},
		{`{"on":[{"type":"exit_intent","count":2}]}`, "triggers.on[0].count", "not used by the exit_intent trigger"},
		{`{"on":[{"type":"push","seconds":5}]}`, "triggers.on[0].seconds", "not used by the push trigger"},
		{`{"on":[{"type":"manual"}],"pages":{"include":["catalog"]}}`, "triggers.pages.include[0]", "starting with /"},
		{`{"on":[{"type":"manual"}],"pages":{"exclude":["/a","/b?x=1"]}}`, "triggers.pages.exclude[1]", "without spaces, query"},
		{`{"on":[{"type":"manual"}],"pages":{"include":["/` + strings.Repeat("a", 300) + `"]}}`, "triggers.pages.include[0]", ""},
		{`{"on":[{"type":"manual"}],"device":"tablet"}`, "triggers.device", "any, desktop, phone"},
		{`{"on":[{"type":"manual"}],"visitor":"old"}`, "triggers.visitor", "any, new, returning"},
		{`{"on":[{"type":"manual"}],"utm_source":["google",""]}`, "triggers.utm_source[1]", ""},
		{`{"on":[{"type":"manual"}],"caps":{"per_visit":-1}}`, "triggers.caps.per_visit", "0 (no limit) to 100"},
		{`{"on":[{"type":"manual"}],"caps":{"every_days":366}}`, "triggers.caps.every_days", "to 365"},
		{`{"on":[{"type":"manual"}],"caps":{"after_conversion":"sometimes"}}`, "triggers.caps.after_conversion", "never, again"},
		{`{"on":[{"type":"manual"}],"caps":{"max_dismissals":101}}`, "triggers.caps.max_dismissals", "to 100"},
		{`{"on":[{"type":"manual"}],"priority":101}`, "triggers.priority", "from 0 to 100"},
	} {
		s := decode(t, tc.raw)
		err := s.Normalize("triggers")
		var ve *validate.Error
		if !errors.As(err, &ve) {
			t.Errorf("%s: error %v, want a *validate.Error", tc.raw, err)
			continue
		}
		if ve.Field != tc.field || !strings.Contains(ve.Message, tc.message) {
			t.Errorf("%s: %q %q, want field %q with %q", tc.raw, ve.Field, ve.Message, tc.field, tc.message)
		}
	}
}

// The block is decoded strictly with the widget's settings: a typo is a
// 422, not a silently ignored condition.
func TestUnknownFieldsAreRejected(t *testing.T) {
	var s triggers.Settings
	err := validate.DecodeJSON([]byte(`{"on":[{"type":"scroll","percnt":50}]}`), &s)
	if err == nil || !strings.Contains(err.Error(), "percnt") {
		t.Errorf("error %v, want one naming percnt", err)
	}
}

// TestPushTrigger: push takes no field, and Has finds it (the live
// endpoint and the push API accept a widget by it).
func TestPushTrigger(t *testing.T) {
	s := decode(t, `{"on":[{"type":"exit_intent"},{"type":"push"}]}`)
	if err := s.Normalize("triggers"); err != nil {
		t.Fatal(err)
	}
	if !s.Has(triggers.Push) || s.Has(triggers.Manual) {
		t.Errorf("Has(push) %v Has(manual) %v, want true false", s.Has(triggers.Push), s.Has(triggers.Manual))
	}
	var none *triggers.Settings
	if none.Has(triggers.Push) {
		t.Error("a nil block has push")
	}
}

// TestPagesNormalize: the push API checks its own pages object with the
// block's rules, under the field it names.
func TestPagesNormalize(t *testing.T) {
	p := triggers.Pages{Include: []string{"/sale", "blog"}}
	var ve *validate.Error
	if err := p.Normalize("pages"); !errors.As(err, &ve) || ve.Field != "pages.include[1]" {
		t.Errorf("error %v, want one naming pages.include[1]", err)
	}
	p = triggers.Pages{Include: []string{"/sale/*"}}
	if err := p.Normalize("pages"); err != nil || p.Exclude == nil {
		t.Errorf("error %v exclude %v, want nil and an empty list", err, p.Exclude)
	}
}
