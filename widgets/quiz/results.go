package quiz

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// MaxResults bounds a quiz's result screens.
const MaxResults = 20

// Result is a screen shown after the questions: the first whose When holds
// for its formula's value; one without When is the fallback.
type Result struct {
	ID    string `json:"id"`
	Title T      `json:"title"`
	Text  T      `json:"text,omitempty"` // may hold {formula} and {step_id} placeholders
	Image string `json:"image,omitempty"`
	When  *Range `json:"when,omitempty"`
	// Summary is the one line a manager reads (store.Lead.Summary); it may
	// hold placeholders too.
	Summary T `json:"summary,omitempty"`
}

// Range holds when Min ≤ the value of formula Value < Max; a bound left
// out is open.
type Range struct {
	Value string   `json:"value"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
}

func (r *Range) holds(v float64) bool {
	return (r.Min == nil || v >= *r.Min) && (r.Max == nil || v < *r.Max)
}

// normalizeResults checks the result screens: ids, texts, images, ranges
// over existing formulas, placeholders that name something.
func normalizeResults(results []Result, steps []Step, formulas []Formula, locale string) error {
	if len(results) > MaxResults {
		return validate.Field("results", "at most %d result screens", MaxResults)
	}
	known := map[string]bool{}
	for _, s := range steps {
		known[s.ID] = true
	}
	isFormula := map[string]bool{}
	for _, f := range formulas {
		known[f.Name], isFormula[f.Name] = true, true
	}
	ids := map[string]bool{}
	for i := range results {
		r := &results[i]
		field := at("results", i)
		if r.ID == "" {
			r.ID = "r" + strconv.Itoa(i+1)
		}
		if !idRe.MatchString(r.ID) {
			return validate.Field(field+".id", "must be a lowercase latin letter, then up to 39 lowercase letters, digits or _")
		}
		if ids[r.ID] {
			return validate.Field(field+".id", "%q is the id of another result", r.ID)
		}
		ids[r.ID] = true
		for _, t := range []struct {
			name     string
			t        *T
			required bool
			kind     textKind
		}{
			{"title", &r.Title, true, kindTitle},
			{"text", &r.Text, false, kindBody},
			{"summary", &r.Summary, false, kindTitle},
		} {
			if err := normText(field+"."+t.name, t.t, locale, t.required, t.kind); err != nil {
				return err
			}
			if err := checkPlaceholders(field+"."+t.name, *t.t, known); err != nil {
				return err
			}
		}
		if err := checkImage(field+".image", r.Image); err != nil {
			return err
		}
		if w := r.When; w != nil {
			if !isFormula[w.Value] {
				return validate.Field(field+".when.value", "%q is no formula of this quiz", w.Value)
			}
			if w.Min == nil && w.Max == nil {
				return validate.Field(field+".when", "needs min, max or both; a fallback result has no when")
			}
			if w.Min != nil && w.Max != nil && *w.Max <= *w.Min {
				return validate.Field(field+".when.max", "must be greater than min")
			}
		}
	}
	return nil
}

// choose picks the result screen for the formulas' values: the first whose
// range holds, else the first without a range; nil when none fits.
func chooseResult(results []Result, values map[string]float64) *Result {
	var fallback *Result
	for i := range results {
		r := &results[i]
		switch {
		case r.When == nil:
			if fallback == nil {
				fallback = r
			}
		default:
			// A value the formula could not work out chooses no screen.
			if v, ok := values[r.When.Value]; ok && r.When.holds(v) {
				return r
			}
		}
	}
	return fallback
}

// placeholderValues are what the {name}s of texts stand for in lang: a
// formula's value formatted, a step's answer as text on one line. Only
// the names the texts use are worked out.
func (d *Definition) placeholderValues(texts []string, a Answers, values map[string]float64, lang string) map[string]string {
	out := map[string]string{}
	for _, t := range texts {
		for _, m := range placeholderRe.FindAllStringSubmatch(t, -1) {
			name := m[1]
			if _, done := out[name]; done {
				continue
			}
			if v, ok := values[name]; ok {
				out[name] = FormatNumber(v, lang)
			} else if d.isFormula(name) {
				out[name] = "—" // worked out to no number for these answers
			} else if s, ok := d.steps[name]; ok {
				// On one line: a visitor's line break must not add a line
				// to a title, a whisper or a CSV row.
				out[name] = oneLine(s.answerText(a[name], lang, d.locale))
			}
		}
	}
	return out
}

// FormatNumber writes v as people of lang read it: digits grouped by
// thousands ("420 000" with a no-break space in ru and uk, "420,000" in
// en) and at most two decimals ("1 234,5" / "1,234.5").
func FormatNumber(v float64, lang string) string {
	group, point := "\u00a0", ","
	if i18n.Lang(lang) == "en" {
		group, point = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if v < 0 && (whole != "0" || frac != "") {
		b.WriteString("-")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// Evaluate works out the formulas for the answers and picks the result
// screen, its texts filled in for lang; the second value is the line for
// the manager: the result's summary, or its title and the formulas'
// values. An error wraps ErrFormula when a formula gives no number for
// these answers; the result is still whole without that formula's value
// (see environment), and callers go on with it.
func (d *Definition) Evaluate(a Answers, lang string) (store.LeadResult, string, error) {
	lang = d.lang(lang)
	_, values, err := d.environment(a)
	res := store.LeadResult{Values: values}
	r := chooseResult(d.settings.Results, values)
	if r == nil {
		return res, shorten(d.defaultSummary("", values, lang), maxSummary), err
	}
	title, text, summary := r.Title.In(lang, d.locale), r.Text.In(lang, d.locale), r.Summary.In(lang, d.locale)
	ph := d.placeholderValues([]string{title, text, summary}, a, values, lang)
	res.Screen = r.ID
	res.Title = i18n.Fill(title, ph)
	res.Text = i18n.Fill(text, ph)
	summary = i18n.Fill(summary, ph)
	if summary == "" {
		summary = d.defaultSummary(res.Title, values, lang)
	}
	return res, shorten(summary, maxSummary), err
}

// maxSummary bounds the manager's line, in characters: it is read aloud
// before a call, and a long text answer in it would go on for minutes.
const maxSummary = 300

// oneLine puts a text on one line: line breaks and tabs become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\t', '\v', '\f', 0x85, 0x2028, 0x2029:
			return ' '
		}
		return r
	}, s)
}

// shorten cuts s to max characters, the last of them an ellipsis.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// defaultSummary is the manager's line when the owner wrote none: the
// result's title and each formula's value ("Small flat; price 420 000").
func (d *Definition) defaultSummary(title string, values map[string]float64, lang string) string {
	parts := []string{}
	if title != "" {
		parts = append(parts, title)
	}
	for _, f := range d.formulas {
		parts = append(parts, fmt.Sprintf("%s %s", f.name, FormatNumber(values[f.name], lang)))
	}
	return strings.Join(parts, "; ")
}
