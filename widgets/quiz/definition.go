package quiz

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Definition is a quiz compiled from normalized settings: its steps by id,
// its formulas and rules ready to run. It is read-only once made, so one
// value serves every session of its version at once.
type Definition struct {
	settings *Settings
	locale   string // the site's language, for texts the visitor's lacks
	steps    map[string]*Step
	order    map[string]int // a step's index in the list
	formulas []compiledFormula
}

// Answers maps a step's id to its validated answer (CheckAnswer's value).
type Answers map[string]json.RawMessage

// ParseDefinition compiles a stored version of a quiz: settings that
// Normalize once accepted. The owner's webhook is not checked again (the
// operator's rules for it may have changed since; the version is what
// visitors answered).
func ParseDefinition(raw []byte, site store.Site) (*Definition, error) {
	var s Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("quiz: stored definition: %w", err)
	}
	if err := s.normalizeDefinition(site); err != nil {
		return nil, fmt.Errorf("quiz: stored definition: %w", err)
	}
	return s.def, nil
}

// Settings are the normalized settings the definition was made from.
func (d *Definition) Settings() *Settings { return d.settings }

// First is the id of the first question.
func (d *Definition) First() string { return d.settings.Steps[0].ID }

// Step finds a step by id.
func (d *Definition) Step(id string) (*Step, bool) {
	s, ok := d.steps[id]
	return s, ok
}

// Next is the step after stepID given the answers so far: the first rule
// of the step that holds, else the chosen option's next, else the step's
// next, else the following step; "" when the questions are done.
func (d *Definition) Next(stepID string, a Answers) (string, error) {
	s, ok := d.steps[stepID]
	if !ok {
		return "", ErrNoStep
	}
	if len(s.rules) == 0 {
		// Nothing to work out: the formulas matter to rules alone.
		return d.next(s, a, nil)
	}
	env, _, _ := d.environment(a) // a formula without a number leaves its rules false
	return d.next(s, a, env)
}

// Complete says whether path (the steps answered, in order) is a whole
// way through the quiz: it starts at the first step, each step is where
// the one before leads, every required step on it is answered, and its
// last step ends the questions.
func (d *Definition) Complete(a Answers, path []string) bool {
	if len(path) == 0 || path[0] != d.First() {
		return false
	}
	var env map[string]any // worked out for the first step with rules
	for i, id := range path {
		s, ok := d.steps[id]
		if !ok {
			return false
		}
		if s.IsRequired() && !answered(a[id]) {
			return false
		}
		if env == nil && len(s.rules) > 0 {
			env, _, _ = d.environment(a)
		}
		next, err := d.next(s, a, env)
		if err != nil {
			return false
		}
		want := ""
		if i+1 < len(path) {
			want = path[i+1]
		}
		if next != want {
			return false
		}
	}
	return true
}

// Describe turns the answers on path into what an inbox, a message or an
// export shows, in path order: each answered step's title and its answer
// as text, in lang. Skipped steps are left out.
func (d *Definition) Describe(a Answers, path []string, lang string) []store.LeadAnswer {
	lang = d.lang(lang)
	out := make([]store.LeadAnswer, 0, len(path))
	for _, id := range path {
		s, ok := d.steps[id]
		if !ok || !answered(a[id]) {
			continue
		}
		out = append(out, store.LeadAnswer{Step: id, Title: s.Title.In(lang, d.locale),
			Value: a[id], Text: s.answerText(a[id], lang, d.locale)})
	}
	return out
}

// lang is the language to speak to a visitor who asked for lang: ru, uk
// or en (another language gets en), or the site's when none is known.
func (d *Definition) lang(lang string) string {
	if lang == "" {
		return d.locale
	}
	return i18n.Lang(lang)
}

// compile fills the defaults of s, checks it for site (errors name the
// JSON path) and compiles its formulas and rules.
func compile(s *Settings, site store.Site) (*Definition, error) {
	locale := siteLang(site.Locale)
	if err := s.normalizeLook(locale); err != nil {
		return nil, err
	}
	if len(s.Steps) == 0 || len(s.Steps) > MaxSteps {
		return nil, validate.Field("steps", "must list 1 to %d questions", MaxSteps)
	}
	d := &Definition{settings: s, locale: locale, steps: make(map[string]*Step, len(s.Steps)),
		order: make(map[string]int, len(s.Steps))}
	names := map[string]string{} // step ids and formula names, to the path of their owner
	for i := range s.Steps {
		st := &s.Steps[i]
		field := at("steps", i)
		if err := normalizeStep(field, st, locale); err != nil {
			return nil, err
		}
		if slices.Contains(reservedNames, st.ID) {
			return nil, validate.Field(field+".id", "%q is a reserved word; choose another id", st.ID)
		}
		if other, taken := names[st.ID]; taken {
			return nil, validate.Field(field+".id", "%q is taken by %s", st.ID, other)
		}
		names[st.ID] = field
		d.steps[st.ID], d.order[st.ID] = st, i
	}
	if s.Formulas == nil {
		s.Formulas = []Formula{}
	}
	for i, f := range s.Formulas {
		if other, taken := names[f.Name]; taken && f.Name != "" {
			return nil, validate.Field(at("formulas", i)+".name", "%q is taken by %s; formulas and steps share names", f.Name, other)
		}
		names[f.Name] = at("formulas", i)
	}
	formulas, err := compileFormulas(s.Steps, s.Formulas)
	if err != nil {
		return nil, err
	}
	d.formulas = formulas
	if err := compileBranching(s.Steps, s.Formulas); err != nil {
		return nil, err
	}
	if err := d.tryUnanswered(); err != nil {
		return nil, err
	}
	if s.Results == nil {
		s.Results = []Result{}
	}
	if err := normalizeResults(s.Results, s.Steps, s.Formulas, locale); err != nil {
		return nil, err
	}
	if err := s.normalizeForm(site, locale); err != nil {
		return nil, err
	}
	return d, nil
}
