// Package widgetform describes a widget type's settings as a form: the
// fields of the module's settings struct, found by reflection on their json
// tags, with what reflection cannot know (choices, colours, long texts,
// secrets) from the table in hints.go. The dashboard's editor island
// (dashboard/static/widget_editor.js) draws the form from this schema, so
// a setting added to a module shows in the editor without a template edit;
// the tests make sure it also gets a label in every language.
package widgetform

import (
	"reflect"
	"strings"

	"github.com/beckonhq/beckon/widgets"
)

// Kinds of control. Each maps one JSON shape to one control.
const (
	KindText     = "text"     // string
	KindTextarea = "textarea" // long string
	KindURL      = "url"      // string, an address
	KindColor    = "color"    // string, #rrggbb
	KindTime     = "time"     // string, HH:MM
	KindSecret   = "secret"   // string Beckon generates when left empty
	KindSelect   = "select"   // string, one of Options
	KindNumber   = "number"   // int or float
	KindBool     = "bool"     // bool
	KindLines    = "lines"    // []string, one a line
	KindInts     = "ints"     // []int, comma-separated
	KindDays     = "days"     // []int of weekdays 0..6, checkboxes
	KindTexts    = "texts"    // map language → text
	KindPairs    = "pairs"    // map string → string
	KindKeyed    = "keyed"    // map Options key → language → text
	KindGroup    = "group"    // struct
	KindOptional = "optional" // *struct: absent unless turned on
	KindList     = "list"     // []struct
)

// Field is one setting. Name is its JSON name; the control of a field at
// path p (e.g. "managers[0].phone") is named "settings."+p in the form.
type Field struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Options  []string `json:"options,omitempty"`
	Int      bool     `json:"int,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Fields   []Field  `json:"fields,omitempty"`
	Advanced bool     `json:"advanced,omitempty"`
	// When is "sibling=value|value": the field matters only then.
	When string `json:"when,omitempty"`
	// Long is a language-keyed text of several lines.
	Long bool `json:"long,omitempty"`
	// Label is the text shown; the dashboard fills it in the page's
	// language (LabelKeys names the catalogue keys).
	Label string `json:"label,omitempty"`
	// OptionLabels are the texts of Options, in order.
	OptionLabels []string `json:"option_labels,omitempty"`
	// path is the field's path with [] for list items ("managers[].phone").
	path string
}

// Path is the field's path in its type's settings with "[]" for a list's
// items, as hints.go and the catalogue keys name it.
func (f Field) Path() string { return f.path }

// Schema is a widget type's form.
type Schema struct {
	Type   string  `json:"type"`
	Fields []Field `json:"fields"`
	// Kept are settings the form leaves out and sends back unchanged
	// (the quiz's steps, edited in the quiz builder).
	Kept []string `json:"kept,omitempty"`
}

// For derives the schema of m's settings.
func For(m widgets.Module) Schema {
	typ := m.Type()
	s := Schema{Type: typ}
	t := reflect.TypeOf(m.NewSettings())
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, f := range structFields(typ, t, "") {
		if kept[typ+":"+f.path] {
			s.Kept = append(s.Kept, f.Name)
			continue
		}
		s.Fields = append(s.Fields, f)
	}
	return s
}

func structFields(typ string, t reflect.Type, prefix string) []Field {
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := strings.Split(sf.Tag.Get("json"), ",")[0]
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" {
			out = append(out, structFields(typ, deref(sf.Type), prefix)...)
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		out = append(out, fieldOf(typ, name, path, sf.Type))
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func fieldOf(typ, name, path string, t reflect.Type) Field {
	f := Field{Name: name, path: path}
	optional := t.Kind() == reflect.Pointer && deref(t).Kind() == reflect.Struct
	t = deref(t)
	switch t.Kind() {
	case reflect.String:
		f.Kind = KindText
	case reflect.Bool:
		f.Kind = KindBool
	case reflect.Int, reflect.Int64, reflect.Int32:
		f.Kind, f.Int = KindNumber, true
	case reflect.Float64, reflect.Float32:
		f.Kind = KindNumber
	case reflect.Struct:
		f.Kind = KindGroup
		if optional {
			f.Kind = KindOptional
		}
		f.Fields = structFields(typ, t, path)
	case reflect.Slice:
		switch e := deref(t.Elem()); e.Kind() {
		case reflect.Struct:
			f.Kind = KindList
			f.Fields = structFields(typ, e, path+"[]")
		case reflect.Int:
			f.Kind = KindInts
		default:
			f.Kind = KindLines
		}
	case reflect.Map:
		// A map of strings is a text per language unless hints.go says
		// it is pairs (an inbound webhook's field mapping).
		f.Kind = KindTexts
		if t.Elem().Kind() == reflect.Map {
			f.Kind = KindKeyed
		}
	default:
		f.Kind = KindText
	}
	applyHint(typ, &f)
	return f
}

// Walk calls fn for every field of s, depth first, with its path.
func (s Schema) Walk(fn func(f Field)) { walk(s.Fields, fn) }

func walk(fs []Field, fn func(f Field)) {
	for _, f := range fs {
		fn(f)
		walk(f.Fields, fn)
	}
}

// LabelKeys are the catalogue keys of f's label, the first present wins:
// one for this type and path ("wf_callback_managers_phone"), one for the
// name in its block, shared by every type that has the block
// ("wf_consent_text"), then one for every field of that name ("wf_phone").
func LabelKeys(typ string, f Field) []string {
	flat := strings.NewReplacer("[]", "", ".", "_").Replace(f.path)
	keys := []string{"wf_" + typ + "_" + flat}
	if parts := strings.Split(strings.ReplaceAll(f.path, "[]", ""), "."); len(parts) > 1 {
		keys = append(keys, "wf_"+parts[len(parts)-2]+"_"+f.Name)
	}
	return append(keys, "wf_"+f.Name)
}

// OptionKeys are the catalogue keys of option v of f: the field's own,
// then one shared by every option of that value.
func OptionKeys(f Field, v string) []string {
	v = strings.ReplaceAll(v, "-", "_")
	return []string{"wfo_" + f.Name + "_" + v, "wfo_" + v}
}
