package quiz

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/validate"
)

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

var stepTypes = []string{TypeSingle, TypeMulti, TypeImage, TypeText, TypeNumber, TypeDate, TypeRating}

// Bounds of a quiz, and defaults of its steps.
const (
	MaxSteps          = 50
	MaxOptions        = 30
	MaxRules          = 20
	DefaultMaxLength  = 500  // text steps, characters
	MaxTextLength     = 5000 // the most a text step may allow
	DefaultRatingMax  = 5
	DefaultNumberStep = 1
)

// dateLayout is how date answers and bounds are written.
const dateLayout = "2006-01-02"

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

	// Parsed bounds: numbers (number: min and max; rating: 1 and max) and
	// days (date; "" is open). rules are the compiled Rules.
	lo, hi     float64
	from, till string
	rules      []compiledRule
}

// Option is one choice of a single, multi or image step.
type Option struct {
	ID    string  `json:"id"`
	Label T       `json:"label"`
	Value float64 `json:"value"` // what choosing it adds to formulas
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

// hasOptions says whether answers to the step are option ids.
func (s *Step) hasOptions() bool {
	return s.Type == TypeSingle || s.Type == TypeMulti || s.Type == TypeImage
}

// branchesByOption says whether an option's next may choose the next step.
func (s *Step) branchesByOption() bool { return s.Type == TypeSingle || s.Type == TypeImage }

var (
	idRe       = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	optionIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)
)

// normalizeStep checks one step (not yet its branching) and fills its
// defaults; field is its path (steps[2]).
func normalizeStep(field string, s *Step, locale string) error {
	if !idRe.MatchString(s.ID) {
		return validate.Field(field+".id", "must be a lowercase latin letter, then up to 39 lowercase letters, digits or _ (it names the answer in formulas)")
	}
	if err := validate.OneOf(field+".type", s.Type, stepTypes...); err != nil {
		return err
	}
	if s.Required == nil {
		on := true
		s.Required = &on
	}
	// A bound given as null is no bound.
	for _, b := range []*json.RawMessage{&s.Min, &s.Max} {
		if string(*b) == "null" {
			*b = nil
		}
	}
	for _, t := range []struct {
		name     string
		t        *T
		required bool
		kind     textKind
	}{
		{"title", &s.Title, true, kindTitle},
		{"hint", &s.Hint, false, kindBody},
		{"placeholder", &s.Placeholder, false, kindLabel},
		{"unit", &s.Unit, false, kindUnit},
	} {
		if err := normText(field+"."+t.name, t.t, locale, t.required, t.kind); err != nil {
			return err
		}
	}
	if err := s.refuseForeign(field); err != nil {
		return err
	}
	switch s.Type {
	case TypeSingle, TypeMulti, TypeImage:
		return s.normalizeOptions(field, locale)
	case TypeText:
		if s.MaxLength == 0 {
			s.MaxLength = DefaultMaxLength
		}
		if s.MaxLength < 1 || s.MaxLength > MaxTextLength {
			return validate.Field(field+".max_length", "must be between 1 and %d", MaxTextLength)
		}
	case TypeNumber:
		return s.normalizeNumber(field)
	case TypeDate:
		return s.normalizeDate(field)
	case TypeRating:
		return s.normalizeRating(field)
	}
	return nil
}

// refuseForeign refuses settings that do not apply to the step's type, so
// an owner who sets max_choices on a single step learns it does nothing.
func (s *Step) refuseForeign(field string) error {
	type setting struct {
		name  string
		set   bool
		types []string
	}
	for _, f := range []setting{
		{"options", s.Options != nil, []string{TypeSingle, TypeMulti, TypeImage}},
		{"min_choices", s.MinChoices != 0, []string{TypeMulti}},
		{"max_choices", s.MaxChoices != 0, []string{TypeMulti}},
		{"max_length", s.MaxLength != 0, []string{TypeText}},
		{"placeholder", s.Placeholder != nil, []string{TypeText, TypeNumber}},
		{"min", s.Min != nil, []string{TypeNumber, TypeDate}},
		{"max", s.Max != nil, []string{TypeNumber, TypeDate, TypeRating}},
		{"step", s.StepSize != nil, []string{TypeNumber}},
		{"unit", s.Unit != nil, []string{TypeNumber}},
		{"slider", s.Slider, []string{TypeNumber}},
	} {
		if f.set && !slices.Contains(f.types, s.Type) {
			return validate.Field(field+"."+f.name, "does not apply to a %s step", s.Type)
		}
	}
	return nil
}

func (s *Step) normalizeOptions(field, locale string) error {
	if len(s.Options) == 0 || len(s.Options) > MaxOptions {
		return validate.Field(field+".options", "must list 1 to %d options", MaxOptions)
	}
	seen := map[string]bool{}
	for i := range s.Options {
		o := &s.Options[i]
		of := at(field+".options", i)
		if o.ID == "" {
			o.ID = "o" + strconv.Itoa(i+1)
		}
		if !optionIDRe.MatchString(o.ID) {
			return validate.Field(of+".id", "must be 1 to 40 latin letters, digits, _ or -, starting with a letter or digit")
		}
		if seen[o.ID] {
			return validate.Field(of+".id", "%q is the id of another option of this step", o.ID)
		}
		seen[o.ID] = true
		if err := normText(of+".label", &o.Label, locale, true, kindLabel); err != nil {
			return err
		}
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
			return validate.Field(of+".value", "must be a number")
		}
		if err := checkImage(of+".image", o.Image); err != nil {
			return err
		}
		if s.Type == TypeImage && o.Image == "" {
			return validate.Field(of+".image", "is required: an image step shows each option as a picture")
		}
		if o.Next != "" && !s.branchesByOption() {
			return validate.Field(of+".next", "only single and image steps go on by the chosen option; use rules on a %s step", s.Type)
		}
	}
	if s.Type != TypeMulti {
		return nil
	}
	if s.MaxChoices == 0 {
		s.MaxChoices = len(s.Options)
	}
	if s.MinChoices < 0 || s.MinChoices > len(s.Options) {
		return validate.Field(field+".min_choices", "must be between 0 and the number of options (%d)", len(s.Options))
	}
	if s.MaxChoices < max(1, s.MinChoices) || s.MaxChoices > len(s.Options) {
		return validate.Field(field+".max_choices", "must be between %d (min_choices, at least 1) and the number of options (%d)", max(1, s.MinChoices), len(s.Options))
	}
	return nil
}

func (s *Step) normalizeNumber(field string) error {
	lo, err := boundNumber(field+".min", s.Min)
	if err != nil {
		return err
	}
	hi, err := boundNumber(field+".max", s.Max)
	if err != nil {
		return err
	}
	if hi <= lo {
		return validate.Field(field+".max", "must be greater than min")
	}
	if s.StepSize == nil {
		d := float64(DefaultNumberStep)
		s.StepSize = &d
	}
	if st := *s.StepSize; !(st > 0) || math.IsInf(st, 0) || st > hi-lo {
		return validate.Field(field+".step", "must be greater than 0 and at most max − min")
	}
	s.lo, s.hi = lo, hi
	s.Min, s.Max = numberJSON(lo), numberJSON(hi)
	return nil
}

// boundNumber reads a required number bound of a number step.
func boundNumber(field string, raw json.RawMessage) (float64, error) {
	if raw == nil {
		return 0, validate.Field(field, "is required for a number step")
	}
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil || math.IsInf(v, 0) {
		return 0, validate.Field(field, "must be a number")
	}
	return v, nil
}

func (s *Step) normalizeDate(field string) error {
	var err error
	if s.from, err = boundDate(field+".min", s.Min); err != nil {
		return err
	}
	if s.till, err = boundDate(field+".max", s.Max); err != nil {
		return err
	}
	if s.from != "" && s.till != "" && s.till < s.from {
		return validate.Field(field+".max", "must not be before min")
	}
	return nil
}

// boundDate reads an optional YYYY-MM-DD bound of a date step.
func boundDate(field string, raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", nil
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return "", validate.Field(field, "must be a date like 2026-12-31")
	}
	if _, err := time.Parse(dateLayout, v); err != nil {
		return "", validate.Field(field, "must be a date like 2026-12-31")
	}
	return v, nil
}

func (s *Step) normalizeRating(field string) error {
	n := DefaultRatingMax
	if s.Max != nil {
		var v float64
		if json.Unmarshal(s.Max, &v) != nil || v != math.Trunc(v) || v < 3 || v > 10 {
			return validate.Field(field+".max", "must be a whole number from 3 to 10")
		}
		n = int(v)
	}
	s.lo, s.hi = 1, float64(n)
	s.Max = numberJSON(float64(n))
	return nil
}

// numberJSON writes a number as JSON, shortest form.
func numberJSON(v float64) json.RawMessage {
	return json.RawMessage(strconv.FormatFloat(v, 'f', -1, 64))
}
