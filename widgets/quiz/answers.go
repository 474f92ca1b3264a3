package quiz

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/validate"
)

// ErrNoStep is CheckAnswer's error for a step the quiz does not have.
var ErrNoStep = errors.New("quiz: no such step")

// CheckAnswer validates a visitor's answer to a step and returns it
// normalized; a bad answer is a *validate.Error naming "value" or
// "value[i]". A JSON null (or nothing) skips an optional step: the
// answer is null.
func (d *Definition) CheckAnswer(stepID string, raw json.RawMessage) (json.RawMessage, error) {
	s, ok := d.steps[stepID]
	if !ok {
		return nil, ErrNoStep
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		if s.IsRequired() {
			return nil, validate.Field("value", "is required: this question cannot be skipped")
		}
		return json.RawMessage("null"), nil
	}
	switch s.Type {
	case TypeSingle, TypeImage:
		return s.checkOption(raw)
	case TypeMulti:
		return s.checkOptions(raw)
	case TypeText:
		return s.checkText(raw)
	case TypeNumber, TypeRating:
		return s.checkNumber(raw)
	case TypeDate:
		return s.checkDate(raw)
	}
	return nil, validate.Field("value", "this question takes no answer")
}

func (s *Step) checkOption(raw json.RawMessage) (json.RawMessage, error) {
	var id string
	if json.Unmarshal(raw, &id) != nil {
		return nil, validate.Field("value", "must be the id of an option (a string)")
	}
	if _, ok := s.option(id); !ok {
		return nil, validate.Field("value", "%q is no option of this question", id)
	}
	return json.Marshal(id)
}

func (s *Step) checkOptions(raw json.RawMessage) (json.RawMessage, error) {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, validate.Field("value", "must be a list of option ids")
	}
	ids := make([]string, 0, len(items))
	for i, item := range items {
		var id string
		if json.Unmarshal(item, &id) != nil {
			return nil, validate.Field(at("value", i), "must be the id of an option (a string)")
		}
		if _, ok := s.option(id); !ok {
			return nil, validate.Field(at("value", i), "%q is no option of this question", id)
		}
		for _, seen := range ids {
			if seen == id {
				return nil, validate.Field(at("value", i), "%q is chosen twice", id)
			}
		}
		ids = append(ids, id)
	}
	least := s.MinChoices
	if s.IsRequired() {
		least = max(least, 1)
	}
	switch {
	case len(ids) == 0 && !s.IsRequired():
		return json.RawMessage("null"), nil // nothing chosen: skipped
	case len(ids) < least:
		return nil, validate.Field("value", "choose at least %d options", least)
	case len(ids) > s.MaxChoices:
		return nil, validate.Field("value", "choose at most %d options", s.MaxChoices)
	}
	return json.Marshal(ids)
}

func (s *Step) checkText(raw json.RawMessage) (json.RawMessage, error) {
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return nil, validate.Field("value", "must be a text")
	}
	v = strings.TrimSpace(v)
	if err := validate.Text("value", v, s.IsRequired(), s.MaxLength); err != nil {
		return nil, err
	}
	if v == "" {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(v)
}

// checkNumber checks a number step's answer (within min and max, on the
// grid of step from min) or a rating's (a whole number from 1 to max).
func (s *Step) checkNumber(raw json.RawMessage) (json.RawMessage, error) {
	var v float64
	if json.Unmarshal(raw, &v) != nil {
		return nil, validate.Field("value", "must be a number")
	}
	if s.Type == TypeRating {
		if v != math.Trunc(v) || v < s.lo || v > s.hi {
			return nil, validate.Field("value", "must be a whole number from 1 to %s", numberJSON(s.hi))
		}
		return numberJSON(v), nil
	}
	if v < s.lo || v > s.hi {
		return nil, validate.Field("value", "must be between %s and %s", numberJSON(s.lo), numberJSON(s.hi))
	}
	step := *s.StepSize
	k := math.Round((v - s.lo) / step)
	// Decimal steps (0.1) are not exact in binary: an answer within a
	// millionth of a step of the grid is on it, and is stored exactly on it.
	if math.Abs((v-s.lo)/step-k) > 1e-6 {
		return nil, validate.Field("value", "must be %s plus a multiple of %s", numberJSON(s.lo), numberJSON(step))
	}
	return numberJSON(roundTo(s.lo+k*step, step)), nil
}

// roundTo removes binary noise from a value on a grid of step (0.1+0.2).
func roundTo(v, step float64) float64 {
	digits := 0
	for d := step; d != math.Trunc(d) && digits < 10; d *= 10 {
		digits++
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func (s *Step) checkDate(raw json.RawMessage) (json.RawMessage, error) {
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return nil, validate.Field("value", "must be a date like 2026-12-31")
	}
	if _, err := time.Parse(dateLayout, v); err != nil {
		return nil, validate.Field("value", "must be a date like 2026-12-31")
	}
	if (s.from != "" && v < s.from) || (s.till != "" && v > s.till) {
		// A bound left out is open; each case is a whole sentence, so that
		// it reads translated too.
		switch {
		case s.till == "":
			return nil, validate.Field("value", "must be between %s and any day", s.from)
		case s.from == "":
			return nil, validate.Field("value", "must be between any day and %s", s.till)
		}
		return nil, validate.Field("value", "must be between %s and %s", s.from, s.till)
	}
	return json.Marshal(v)
}

// chosen is the option a single or image answer names.
func (s *Step) chosen(raw json.RawMessage) (*Option, bool) {
	var id string
	if len(raw) == 0 || json.Unmarshal(raw, &id) != nil {
		return nil, false
	}
	return s.option(id)
}

// answered says whether raw is an answer rather than a skip.
func answered(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && string(raw) != "null"
}

// answerText is an answer as a person reads it in lang: options' labels,
// numbers formatted with their unit, dates as the language writes them;
// "" when unanswered.
func (s *Step) answerText(raw json.RawMessage, lang, locale string) string {
	if !answered(raw) {
		return ""
	}
	switch s.Type {
	case TypeSingle, TypeImage:
		if o, ok := s.chosen(raw); ok {
			return o.Label.In(lang, locale)
		}
	case TypeMulti:
		var ids []string
		_ = json.Unmarshal(raw, &ids)
		labels := make([]string, 0, len(ids))
		for _, id := range ids {
			if o, ok := s.option(id); ok {
				labels = append(labels, o.Label.In(lang, locale))
			}
		}
		return strings.Join(labels, ", ")
	case TypeNumber:
		var v float64
		_ = json.Unmarshal(raw, &v)
		text := FormatNumber(v, lang)
		if unit := s.Unit.In(lang, locale); unit != "" {
			text += "\u00a0" + unit
		}
		return text
	case TypeRating:
		var v float64
		_ = json.Unmarshal(raw, &v)
		return i18n.Fill(serverText(lang, "ratingAnswer"), map[string]string{
			"n": string(numberJSON(v)), "max": string(numberJSON(s.hi))})
	case TypeDate:
		var v string
		_ = json.Unmarshal(raw, &v)
		return formatDay(v, lang)
	case TypeText:
		var v string
		_ = json.Unmarshal(raw, &v)
		return v
	}
	return ""
}

// formatDay writes a YYYY-MM-DD day as lang does: 24.12.2026 in ru and
// uk, 24 Dec 2026 in en.
func formatDay(day, lang string) string {
	t, err := time.Parse(dateLayout, day)
	if err != nil {
		return day
	}
	if i18n.Lang(lang) == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}
