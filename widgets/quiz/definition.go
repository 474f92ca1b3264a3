package quiz

import (
	"encoding/json"
	"errors"

	"github.com/beckonhq/beckon/store"
)

// Definition is a quiz compiled from normalized settings: its steps by id,
// its formulas and rules ready to run. It is read-only once made, so one
// value serves every session of its version at once.
type Definition struct {
	settings *Settings
	locale   string // the site's, for texts the visitor's language lacks
	steps    map[string]*Step
	order    map[string]int // a step's index in the list
	formulas []compiledFormula
}

// Answers maps a step's id to its validated answer (CheckAnswer's value).
type Answers map[string]json.RawMessage

// ParseDefinition compiles a stored version of a quiz: settings that
// Normalize once accepted. The owner's webhook is not checked again.
func ParseDefinition(raw []byte, site store.Site) (*Definition, error) {
	var s Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	if err := s.normalizeDefinition(site); err != nil {
		return nil, err
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

// Next is the step after stepID given the answers so far; "" when the
// questions are done.
func (d *Definition) Next(stepID string, a Answers) (string, error) {
	return "", errors.New("quiz: not built yet")
}

// Complete says whether path (the steps answered, in order) is a whole
// way through the quiz: it starts at the first step, each step follows
// from the one before, every required step on it is answered and its
// last step leads to the end.
func (d *Definition) Complete(a Answers, path []string) bool {
	return false
}

// Evaluate works out the formulas for the answers and picks the result
// screen, its texts filled in for lang; the second value is the manager's
// summary line.
func (d *Definition) Evaluate(a Answers, lang string) (store.LeadResult, string, error) {
	return store.LeadResult{}, "", errors.New("quiz: not built yet")
}

// Describe turns the answers on path into what an inbox, a message or an
// export shows: each step's title and the answer as text, in lang.
func (d *Definition) Describe(a Answers, path []string, lang string) []store.LeadAnswer {
	return nil
}

// compile checks normalized-to-be settings for site and compiles them.
func compile(s *Settings, site store.Site) (*Definition, error) {
	return nil, errors.New("quiz: not built yet")
}
