package quiz

import (
	"encoding/json"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Public implements widgets.Settings: what the browser needs to draw the
// quiz, never the formulas, rules, option values, result ranges or
// summaries (results are worked out by the server only, so a tampered
// browser cannot change a price).
func (s *Settings) Public() any {
	p := publicSettings{Color: s.Color, Start: s.Start, Form: publicForm{Title: s.Form.Title, Text: s.Form.Text,
		Button: s.Form.Button, Position: s.Form.Position, Fields: s.Form.Fields, Consent: s.publicConsent()},
		PartialLeads: s.PartialLeads, OfferCallback: s.OfferCallback, Launcher: s.Launcher, Triggers: s.Triggers,
		Steps: make([]publicStep, len(s.Steps)), Results: make([]publicResult, len(s.Results))}
	for i := range s.Steps {
		st := &s.Steps[i]
		ps := publicStep{ID: st.ID, Type: st.Type, Title: st.Title, Hint: st.Hint, Required: st.IsRequired(),
			MinChoices: st.MinChoices, MaxChoices: st.MaxChoices, MaxLength: st.MaxLength, Placeholder: st.Placeholder,
			Min: st.Min, Max: st.Max, Step: st.StepSize, Unit: st.Unit, Slider: st.Slider}
		for _, o := range st.Options {
			ps.Options = append(ps.Options, publicOption{ID: o.ID, Label: o.Label, Image: o.Image})
		}
		p.Steps[i] = ps
	}
	for i, r := range s.Results {
		p.Results[i] = publicResult{ID: r.ID, Title: r.Title, Image: r.Image}
	}
	return p
}

type publicSettings struct {
	Color         string         `json:"color"`
	Start         Start          `json:"start"`
	Steps         []publicStep   `json:"steps"`
	Results       []publicResult `json:"results"`
	Form          publicForm     `json:"form"`
	PartialLeads  bool           `json:"partial_leads"`
	OfferCallback bool           `json:"offer_callback"`
	Launcher      *Launcher      `json:"launcher"`
	// Triggers is the whole block: the engine needs every field.
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

type publicStep struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Title       T               `json:"title"`
	Hint        T               `json:"hint,omitempty"`
	Required    bool            `json:"required"`
	Options     []publicOption  `json:"options,omitempty"`
	MinChoices  int             `json:"min_choices,omitempty"`
	MaxChoices  int             `json:"max_choices,omitempty"`
	MaxLength   int             `json:"max_length,omitempty"`
	Placeholder T               `json:"placeholder,omitempty"`
	Min         json.RawMessage `json:"min,omitempty"`
	Max         json.RawMessage `json:"max,omitempty"`
	Step        *float64        `json:"step,omitempty"`
	Unit        T               `json:"unit,omitempty"`
	Slider      bool            `json:"slider,omitempty"`
}

type publicOption struct {
	ID    string `json:"id"`
	Label T      `json:"label"`
	Image string `json:"image,omitempty"`
}

type publicResult struct {
	ID    string `json:"id"`
	Title T      `json:"title"`
	Image string `json:"image,omitempty"`
}

type publicForm struct {
	Title    T              `json:"title,omitempty"`
	Text     T              `json:"text,omitempty"`
	Button   T              `json:"button,omitempty"`
	Position string         `json:"position"`
	Fields   []Field        `json:"fields"`
	Consent  consent.Public `json:"consent"`
}

// publicConsent is the form's consent with the lead purpose's default
// texts. Settings read from the store (the site's cached config) have not
// been through Normalize, which is what tells consent its purpose: a copy
// is normalized here, which changes nothing else of stored settings.
func (s *Settings) publicConsent() consent.Public {
	c := s.Form.Consent
	_ = c.Normalize(store.Site{Name: c.Operator}, "form.consent", consent.Lead)
	return c.Public()
}
