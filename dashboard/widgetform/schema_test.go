package widgetform_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/dashboard/widgetform"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/standard"
)

var site = store.Site{ID: "site_1", Key: "k", Name: "Shop", Origins: []string{"https://shop.example"},
	Timezone: "Europe/Moscow", Locale: "ru", Region: "RU"}

func modules() []widgets.Module {
	return standard.Modules(servertest.Config(), sim.New(servertest.FastCalls))
}

// minimal are valid settings of the types that have no demo and need
// more than their defaults.
var minimal = map[string]string{
	"popup":       `{"title":{"en":"10% off today","ru":"Скидка 10% сегодня"},"button":{"label":{"en":"Get it"},"action":"link","url":"https://shop.example/sale"}}`,
	"multibutton": `{"channels":[{"type":"telegram","value":"shop_support"},{"type":"phone","value":"+74951234567"}]}`,
	"proactive":   `{"name":{"en":"Anna"},"text":{"en":"Hello! Can I help you choose?"},"triggers":{"on":[{"type":"time_on_page","seconds":20}]}}`,
}

// base is a valid start for a type: its demo settings, else its defaults.
func base(t *testing.T, m widgets.Module) map[string]any {
	t.Helper()
	raw := json.RawMessage(minimal[m.Type()])
	if d, ok := m.(widgets.Demo); ok {
		raw = json.RawMessage(d.DemoSettings())
	}
	n, err := widgets.Normalize(m, raw, site)
	if err != nil {
		t.Fatalf("%s: demo settings: %v", m.Type(), err)
	}
	var out map[string]any
	if err := json.Unmarshal(n, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// set puts v at path ("triggers.on[].type": in the list's first item,
// making the parents it needs).
func set(obj map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	at := obj
	for _, p := range parts[:len(parts)-1] {
		name, list := strings.CutSuffix(p, "[]")
		if list {
			items, _ := at[name].([]any)
			if len(items) == 0 {
				items = []any{map[string]any{}}
			}
			first, _ := items[0].(map[string]any)
			if first == nil {
				first = map[string]any{}
			}
			items[0] = first
			at[name] = items
			at = first
			continue
		}
		next, _ := at[name].(map[string]any)
		if next == nil {
			next = map[string]any{}
			at[name] = next
		}
		at = next
	}
	at[parts[len(parts)-1]] = v
}

// TestOptionsAreAccepted tries every choice the form offers with the
// module's Normalize: a choice the module refuses would be a form that
// cannot be saved, so the table in hints.go cannot drift from the modules.
func TestOptionsAreAccepted(t *testing.T) {
	for _, m := range modules() {
		widgetform.For(m).Walk(func(f widgetform.Field) {
			if f.Kind != widgetform.KindSelect {
				return
			}
			for _, o := range f.Options {
				if o == "" {
					continue // "none": the field left out
				}
				s := base(t, m)
				set(s, f.Path(), o)
				raw, _ := json.Marshal(s)
				_, err := widgets.Normalize(m, raw, site)
				var ve *validate.Error
				field := "settings." + strings.ReplaceAll(f.Path(), "[]", "[0]")
				if errors.As(err, &ve) && ve.Field == field {
					t.Errorf("%s: %s = %q is refused: %v", m.Type(), f.Path(), o, err)
				}
			}
		})
	}
}

// project keeps what the form keeps of settings, as widget_editor.js
// collects it: the schema's fields (empty texts and lines left out) and
// the kept ones as they were.
func project(fields []widgetform.Field, v map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		val, ok := v[f.Name]
		if !ok || val == nil {
			continue
		}
		switch f.Kind {
		case widgetform.KindGroup, widgetform.KindOptional:
			out[f.Name] = project(f.Fields, val.(map[string]any))
		case widgetform.KindList:
			var items []any
			for _, it := range val.([]any) {
				items = append(items, project(f.Fields, it.(map[string]any)))
			}
			out[f.Name] = items
		case widgetform.KindTexts:
			if t := nonEmpty(val); len(t) > 0 {
				out[f.Name] = t
			}
		case widgetform.KindKeyed:
			keyed := map[string]any{}
			for k, t := range val.(map[string]any) {
				if slicesContain(f.Options, k) && len(nonEmpty(t)) > 0 {
					keyed[k] = nonEmpty(t)
				}
			}
			out[f.Name] = keyed
		default:
			out[f.Name] = val
		}
	}
	return out
}

func nonEmpty(v any) map[string]any {
	out := map[string]any{}
	for k, s := range v.(map[string]any) {
		if s != "" {
			out[k] = s
		}
	}
	return out
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestFormKeepsEverySetting saves each type's demo settings through the
// form (schema → controls → JSON) and wants the same settings back: a
// setting the form had no control for would be lost on the owner's save.
func TestFormKeepsEverySetting(t *testing.T) {
	for _, m := range modules() {
		s := widgetform.For(m)
		demo := base(t, m)
		form := project(s.Fields, demo)
		for _, k := range s.Kept {
			form[k] = demo[k]
		}
		raw, _ := json.Marshal(form)
		got, err := widgets.Normalize(m, raw, site)
		if err != nil {
			t.Fatalf("%s: the form's JSON is refused: %v\n%s", m.Type(), err, raw)
		}
		want, _ := json.Marshal(demo)
		var a, b any
		_ = json.Unmarshal(got, &a)
		_ = json.Unmarshal(want, &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s: saved through the form\n%s\nwant\n%s", m.Type(), ja, jb)
		}
	}
}

// TestQuizBuilderFieldsLeftOut: the quiz's questions, formulas and results
// are the quiz builder's; the form sends them back untouched.
func TestQuizBuilderFieldsLeftOut(t *testing.T) {
	for _, m := range modules() {
		if m.Type() != "quiz" {
			continue
		}
		s := widgetform.For(m)
		if strings.Join(s.Kept, ",") != "steps,formulas,results" {
			t.Fatalf("quiz keeps %v, want steps, formulas, results", s.Kept)
		}
		for _, f := range s.Fields {
			if f.Name == "steps" || f.Name == "formulas" || f.Name == "results" {
				t.Errorf("the quiz form has %s", f.Name)
			}
		}
		return
	}
	t.Fatal("no quiz module")
}

// TestWhenNamesASibling: a field shown only for some values of a sibling
// names a sibling that exists and values it can have.
func TestWhenNamesASibling(t *testing.T) {
	for _, m := range modules() {
		var check func(fs []widgetform.Field)
		check = func(fs []widgetform.Field) {
			for _, f := range fs {
				check(f.Fields)
				if f.When == "" {
					continue
				}
				key, values, _ := strings.Cut(f.When, "=")
				var sibling *widgetform.Field
				for i := range fs {
					if fs[i].Name == key {
						sibling = &fs[i]
					}
				}
				if sibling == nil {
					t.Errorf("%s: %s is shown when %s, which is no sibling", m.Type(), f.Path(), key)
					continue
				}
				for _, v := range strings.Split(values, "|") {
					ok := sibling.Kind == widgetform.KindBool && (v == "true" || v == "false")
					ok = ok || slicesContain(sibling.Options, v)
					if !ok {
						t.Errorf("%s: %s is shown when %s is %q, which it cannot be", m.Type(), f.Path(), key, v)
					}
				}
			}
		}
		check(widgetform.For(m).Fields)
	}
}

// TestTextsAreLanguageKeyed: every map the form shows as a text per
// language takes one (an English text), so a map of something else (a
// webhook's field mapping) cannot be drawn as three language inputs.
func TestTextsAreLanguageKeyed(t *testing.T) {
	for _, m := range modules() {
		widgetform.For(m).Walk(func(f widgetform.Field) {
			// A field shown only with some sibling value may be refused
			// without it, for that reason: not the one tested here.
			if f.Kind != widgetform.KindTexts || strings.Contains(f.Path(), "[]") || f.When != "" {
				return
			}
			s := base(t, m)
			set(s, f.Path(), map[string]any{"en": "Hello"})
			raw, _ := json.Marshal(s)
			_, err := widgets.Normalize(m, raw, site)
			var ve *validate.Error
			if errors.As(err, &ve) && strings.HasPrefix(ve.Field, "settings."+f.Path()) {
				t.Errorf("%s: %s refuses a text in English: %v", m.Type(), f.Path(), err)
			}
		})
	}
}
