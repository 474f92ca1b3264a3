package quiz

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// The formula preview lets an owner try a draft of the quiz before saving
// it: the dashboard's quiz builder sends the draft settings and sample
// answers, and gets back what the quiz itself would work out for a visitor
// who gave them — the way through the questions, the formulas' values and
// the result screen — from the same compiled definition and the same
// calculator the sessions use. Nothing is stored.

// previewInput is POST …/quiz/formula-preview.
type previewInput struct {
	// Settings are the whole draft, as PATCH …/widgets/{wid} would take it.
	Settings json.RawMessage `json:"settings"`
	// Answers are sample answers by step id, as a visitor sends them.
	Answers map[string]json.RawMessage `json:"answers"`
	// Lang is the language of the result's texts (default: the site's).
	Lang string `json:"lang"`
}

// previewOutput is what the quiz would work out for the sample answers.
type previewOutput struct {
	// Path is the steps the answers go through, in order. When the
	// questions are not done, its last step is the one waiting for an
	// answer (a required step without a sample answer).
	Path []string `json:"path"`
	Done bool     `json:"done"`
	// Values are the formulas that gave a number, as the session's values.
	Values map[string]float64 `json:"values"`
	// Failed are the formulas that gave no number for these answers.
	Failed []failedFormula `json:"failed"`
	// Result is the result screen, once the questions are done; null
	// before, or when no screen fits.
	Result *previewResult `json:"result"`
}

type failedFormula struct {
	Name    string `json:"name"`
	Field   string `json:"field"` // settings.formulas[i].expr
	Message string `json:"message"`
}

type previewResult struct {
	Screen  string `json:"screen"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Summary string `json:"summary"`
}

// formulaPreview is POST /api/v1/sites/{id}/widgets/{wid}/quiz/formula-preview.
// It needs widgets:read only: it changes nothing and shows nothing but
// what the caller sent, worked out.
func (m *Module) formulaPreview(c *fiber.Ctx) error {
	site, _, err := m.adminQuiz(c, "widgets:read")
	if err != nil {
		return err
	}
	api.ChangesNothing(c)
	var in previewInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	def, err := m.draftDefinition(in.Settings, site.Site)
	if err != nil {
		return err
	}
	answers, err := sampleAnswers(def, in.Answers)
	if err != nil {
		return err
	}
	out := preview(def, answers, in.Lang)
	for i := range out.Failed {
		out.Failed[i].Message = i18n.Refusal(api.CallerOf(c).Lang, out.Failed[i].Message)
	}
	return c.JSON(out)
}

// draftDefinition compiles draft settings as saving them would (the same
// strict decoding, defaults and checks, errors under "settings"), except
// the owner's webhook, which the preview does not use.
func (m *Module) draftDefinition(raw json.RawMessage, site store.Site) (*Definition, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, validate.Field("settings", "is required: the draft quiz to try")
	}
	s := m.NewSettings().(*Settings)
	s.Defaults(site)
	if err := validate.DecodeJSON(raw, s); err != nil {
		var se *validate.SyntaxError
		if errors.As(err, &se) {
			return nil, validate.Prefix("settings", &validate.Error{Field: se.Field, Message: se.Message})
		}
		return nil, err
	}
	if err := s.normalizeDefinition(site); err != nil {
		return nil, validate.Prefix("settings", err)
	}
	return s.def, nil
}

// sampleAnswers checks each sample answer as the quiz checks a visitor's;
// errors name answers.<step id>.
func sampleAnswers(def *Definition, raw map[string]json.RawMessage) (Answers, error) {
	out := make(Answers, len(raw))
	for id, v := range raw {
		field := "answers." + id
		if _, ok := def.Step(id); !ok {
			return nil, validate.Field(field, "%q is no step of this quiz", id)
		}
		if !answered(v) {
			continue // no sample answer: the step waits, or is skipped when optional
		}
		checked, err := def.CheckAnswer(id, v)
		if err != nil {
			return nil, validate.Prefix(field, stripValue(err))
		}
		out[id] = checked
	}
	return out, nil
}

// stripValue drops CheckAnswer's "value" from the field it names, so that
// answers.rooms names the answer, not answers.rooms.value.
func stripValue(err error) error {
	var ve *validate.Error
	if !errors.As(err, &ve) {
		return err
	}
	rest := strings.TrimPrefix(ve.Field, "value")
	return &validate.Error{Field: strings.TrimPrefix(rest, "."), Message: ve.Message}
}

// preview walks the quiz as a visitor giving answers would: from the
// first step, each answered (or optional, skipped) step leads on as the
// session's advance does, until the questions end or a required step has
// no answer. The formulas see the answers on that way only, as they do
// in a session.
func preview(def *Definition, a Answers, lang string) previewOutput {
	out := previewOutput{Path: []string{}, Failed: []failedFormula{}}
	onWay := Answers{}
	for id := def.First(); id != ""; {
		if slices.Contains(out.Path, id) {
			break // cannot happen: compile refuses loops
		}
		out.Path = append(out.Path, id)
		st, _ := def.Step(id)
		v, ok := a[id]
		if !ok && st.IsRequired() {
			break
		}
		if ok {
			onWay[id] = v
		}
		next, _, err := advance(def, id, onWay)
		if err != nil {
			break
		}
		id = next
		out.Done = next == ""
	}
	_, values, firstErr := def.environment(onWay)
	out.Values = nonNil(values)
	var fe *formulaError
	errors.As(firstErr, &fe)
	for i, f := range def.formulas {
		if _, ok := values[f.name]; ok {
			continue
		}
		field := at("settings.formulas", i) + ".expr"
		var why *validate.Error
		switch {
		case fe == nil || fe.index != i:
			why = validate.Field(field, "gives no number for these answers, or builds on a formula that gives none")
		case fe.err != nil:
			// expr's own account of the failure stays as it wrote it.
			why = validate.Field(field, "gives no number for these answers: %s", fe.err)
		default:
			why = validate.Field(field, "gives no number for these answers: %v (a division by zero?)", fe.value)
		}
		out.Failed = append(out.Failed, failedFormula{Name: f.name, Field: why.Field, Message: why.Message})
	}
	if out.Done {
		res, summary, _ := def.Evaluate(onWay, lang)
		if res.Screen != "" {
			out.Result = &previewResult{Screen: res.Screen, Title: res.Title, Text: res.Text, Summary: summary}
		}
	}
	return out
}
