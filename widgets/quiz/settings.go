// Package quiz is the quiz-to-lead widget: a quiz or calculator whose
// answers qualify a visitor and end in a lead. This file and its siblings
// settings, steps, branching, calc, results, answers and definition are the
// definition side (what an owner saves, checked and compiled once); the
// runtime (sessions, leads, analytics) lives in the module's other files.
package quiz

import (
	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Settings of a quiz widget, as stored; docs/API.md documents each field
// and its default.
type Settings struct {
	Color    string    `json:"color"` // accent colour of buttons and progress, #rrggbb
	Start    Start     `json:"start"`
	Steps    []Step    `json:"steps"`
	Formulas []Formula `json:"formulas"`
	Results  []Result  `json:"results"`
	Form     Form      `json:"form"`
	// PartialLeads keeps a lead whose visitor left contacts before
	// finishing the questions (event lead.started), completed later.
	PartialLeads bool `json:"partial_leads"`
	// OfferCallback lets the result screen ask for a call through the
	// site's callback widget.
	OfferCallback bool `json:"offer_callback"`
	// Launcher is the floating button; nil: none, the quiz opens from the
	// page (data-beckon-quiz elements or beckon('open','quiz')).
	Launcher *Launcher `json:"launcher"`
	// Triggers open the quiz by themselves (exit intent, time on page, …);
	// nil: only the launcher and the page open it. docs/TRIGGERS.md.
	Triggers *triggers.Settings `json:"triggers,omitempty"`

	NotifyURL    string `json:"notify_url"`
	NotifySecret string `json:"notify_secret"` // whsec_…; generated when a URL is set without one

	// allowPrivate is the operator's BECKON_WEBHOOK_ALLOW_PRIVATE, set by
	// the module that made the value (Module.NewSettings).
	allowPrivate bool
	// def is the compiled definition, made by Normalize.
	def *Definition
}

var (
	_ widgets.Settings  = (*Settings)(nil)
	_ widgets.Defaulter = (*Settings)(nil)
	_ widgets.Webhooker = (*Settings)(nil)
)

// Start is the screen before the first question.
type Start struct {
	Title  T      `json:"title,omitempty"`
	Text   T      `json:"text,omitempty"`
	Bonus  T      `json:"bonus,omitempty"` // the promised gift ("a 10% discount")
	Image  string `json:"image,omitempty"` // https URL
	Button T      `json:"button,omitempty"`
}

// Form is where the visitor leaves contacts.
type Form struct {
	Title    T       `json:"title,omitempty"`
	Text     T       `json:"text,omitempty"`
	Button   T       `json:"button,omitempty"`
	Position string  `json:"position"` // end (after the last question) or start (right after the start screen)
	Fields   []Field `json:"fields"`
	// Consent is the personal-data checkbox (152-FZ), with its own text
	// for leads.
	Consent consent.Settings `json:"consent"`
}

// Field is one contact field of the form.
type Field struct {
	Name     string `json:"name"` // name, phone, email or messenger
	Required bool   `json:"required"`
}

// Launcher is the floating button that opens the quiz.
type Launcher struct {
	Label    T      `json:"label,omitempty"`
	Position string `json:"position"` // bottom-right or bottom-left
}

// Defaults, named so docs and code cannot drift.
const (
	DefaultColor            = "#2563eb"
	DefaultFormPosition     = "end"
	DefaultLauncherPosition = "bottom-right"
)

// Contact fields a form may ask for.
var fieldNames = []string{"name", "phone", "email", "messenger"}

// defaultFields are asked when the owner names none: a name if the visitor
// wants to give it, and a phone to call.
func defaultFields() []Field {
	return []Field{{Name: "name"}, {Name: "phone", Required: true}}
}

// Defaults implements widgets.Defaulter: offer_callback is on unless the
// owner turns it off.
func (s *Settings) Defaults(site store.Site) {
	s.OfferCallback = true
}

// Normalize implements widgets.Settings: fills defaults, checks every
// field (errors name the JSON path: steps[2].options[1].next) and compiles
// the formulas and rules once.
func (s *Settings) Normalize(site store.Site) error {
	if err := s.normalizeDefinition(site); err != nil {
		return err
	}
	if s.Triggers != nil {
		if err := s.Triggers.Normalize("triggers"); err != nil {
			return err
		}
	}
	return s.normalizeNotify()
}

// Definition is the compiled quiz of settings Normalize accepted; nil for
// settings it has not seen (stored ones: use ParseDefinition).
func (s *Settings) Definition() *Definition { return s.def }

// normalizeDefinition is everything Normalize checks except the owner's
// webhook, which a stored version does not need again.
func (s *Settings) normalizeDefinition(site store.Site) error {
	d, err := compile(s, site)
	if err != nil {
		return err
	}
	s.def = d
	return nil
}

// normalizeLook checks the colour, the start screen and the launcher.
func (s *Settings) normalizeLook(locale string) error {
	if s.Color == "" {
		s.Color = DefaultColor
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	st := &s.Start
	for _, t := range []struct {
		name string
		t    *T
		kind textKind
	}{
		{"title", &st.Title, kindTitle},
		{"text", &st.Text, kindBody},
		{"bonus", &st.Bonus, kindTitle},
		{"button", &st.Button, kindButton},
	} {
		if err := normText("start."+t.name, t.t, locale, false, t.kind); err != nil {
			return err
		}
	}
	if err := checkImage("start.image", st.Image); err != nil {
		return err
	}
	if l := s.Launcher; l != nil {
		if l.Position == "" {
			l.Position = DefaultLauncherPosition
		}
		if err := validate.OneOf("launcher.position", l.Position, "bottom-right", "bottom-left"); err != nil {
			return err
		}
		if err := normText("launcher.label", &l.Label, locale, false, kindButton); err != nil {
			return err
		}
	}
	return nil
}

// normalizeForm checks the contact form: known fields, each once, and at
// least one way to reach the visitor.
func (s *Settings) normalizeForm(site store.Site, locale string) error {
	f := &s.Form
	for _, t := range []struct {
		name string
		t    *T
		kind textKind
	}{
		{"title", &f.Title, kindTitle},
		{"text", &f.Text, kindBody},
		{"button", &f.Button, kindButton},
	} {
		if err := normText("form."+t.name, t.t, locale, false, t.kind); err != nil {
			return err
		}
	}
	if f.Position == "" {
		f.Position = DefaultFormPosition
	}
	if err := validate.OneOf("form.position", f.Position, "end", "start"); err != nil {
		return err
	}
	if f.Fields == nil {
		f.Fields = defaultFields()
	}
	seen := map[string]bool{}
	reach := false
	for i, fd := range f.Fields {
		field := at("form.fields", i) + ".name"
		if err := validate.OneOf(field, fd.Name, fieldNames...); err != nil {
			return err
		}
		if seen[fd.Name] {
			return validate.Field(field, "%q is asked twice", fd.Name)
		}
		seen[fd.Name] = true
		reach = reach || fd.Name != "name"
	}
	if !reach {
		return validate.Field("form.fields", "must ask for a phone, an e-mail or a messenger: a lead needs a way to reach the visitor")
	}
	return f.Consent.Normalize(site, "form.consent", consent.Lead)
}

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }
