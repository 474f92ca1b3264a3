package quiz

import "encoding/json"

// Step types.
const (
	TypeSingle = "single" // one option
	TypeMulti  = "multi"  // several options
	TypeImage  = "image"  // one option, shown as pictures
	TypeText   = "text"   // free text
	TypeNumber = "number" // a number, or a slider
	TypeDate   = "date"   // a day, YYYY-MM-DD
	TypeRating = "rating" // 1..max stars
)

// Step is one question.
type Step struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Title    T      `json:"title"`
	Hint     T      `json:"hint,omitempty"`
	Required *bool  `json:"required"` // default true

	// single, multi, image
	Options    []Option `json:"options,omitempty"`
	MinChoices int      `json:"min_choices,omitempty"` // multi
	MaxChoices int      `json:"max_choices,omitempty"` // multi; default: every option

	// text
	MaxLength   int `json:"max_length,omitempty"`
	Placeholder T   `json:"placeholder,omitempty"`

	// number (numbers), date (YYYY-MM-DD), rating (max only: stars)
	Min      json.RawMessage `json:"min,omitempty"`
	Max      json.RawMessage `json:"max,omitempty"`
	StepSize *float64        `json:"step,omitempty"` // number: answers are min + k·step
	Unit     T               `json:"unit,omitempty"`
	Slider   bool            `json:"slider,omitempty"`

	// Branching: the first rule whose if holds, else the chosen option's
	// next, else Next, else the following step; "end" ends the questions.
	Next  string `json:"next,omitempty"`
	Rules []Rule `json:"rules,omitempty"`

	// Parsed bounds of number, date and rating steps, and the compiled rules.
	lo, hi   float64
	loD, hiD string
	rules    []compiledRule
}

// Option is one choice of a single, multi or image step.
type Option struct {
	ID    string  `json:"id"`
	Label T       `json:"label"`
	Value float64 `json:"value"` // what the option adds to formulas
	Image string  `json:"image,omitempty"`
	Next  string  `json:"next,omitempty"` // single and image steps
}

// IsRequired says whether the step may not be skipped.
func (s *Step) IsRequired() bool { return s.Required == nil || *s.Required }

// option finds an option by id.
func (s *Step) option(id string) (*Option, bool) {
	for i := range s.Options {
		if s.Options[i].ID == id {
			return &s.Options[i], true
		}
	}
	return nil, false
}
