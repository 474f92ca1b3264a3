package experiments

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// merge returns base with each top-level key of override replaced: a
// variant names only what it changes ("title", "color", "triggers").
func merge(base, override json.RawMessage) (json.RawMessage, error) {
	var b, o map[string]json.RawMessage
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, fmt.Errorf("experiments: widget settings: %w", err)
	}
	if err := json.Unmarshal(override, &o); err != nil {
		return nil, fmt.Errorf("experiments: variant settings: %w", err)
	}
	if b == nil {
		b = map[string]json.RawMessage{}
	}
	maps.Copy(b, o)
	return json.Marshal(b)
}

// variantSettings is variant i's settings, normalized by the widget's
// module: the widget's own for the control, in A/A mode and for a variant
// that overrides nothing; else the widget's with the variant's keys
// replaced. Errors name the field under "settings" (validate.Prefix).
func variantSettings(m widgets.Module, w store.Widget, e *store.Experiment, i int, site store.Site) (json.RawMessage, error) {
	v := e.Variants[i]
	if i == 0 || e.Mode == "aa" || len(v.Settings) == 0 {
		return w.Settings, nil
	}
	merged, err := merge(w.Settings, v.Settings)
	if err != nil {
		return nil, err
	}
	return widgets.NormalizeUpdate(m, merged, w.Settings, site)
}

// Arms are the parsed settings of each variant of w's running experiment,
// the control's first (w.Parsed): what /config renders per variant. A
// variant that no longer normalizes (the widget's own settings changed
// under it) shows the control's settings, and err says why.
func Arms(m widgets.Module, w widgets.Widget, site store.Site) ([]widgets.Settings, error) {
	e := w.Experiment
	arms := make([]widgets.Settings, len(e.Variants))
	var failed error
	for i := range e.Variants {
		arms[i] = w.Parsed
		if i == 0 {
			continue
		}
		raw, err := variantSettings(m, w.Widget, e, i, site)
		if err == nil {
			var s widgets.Settings
			if s, err = widgets.Parse(m, raw); err == nil {
				arms[i] = s
				continue
			}
		}
		failed = fmt.Errorf("experiments: variant %s of widget %s: %w", e.Variants[i].ID, w.ID, err)
	}
	return arms, failed
}

// checkVariantSettings normalizes every variant's settings for the API,
// naming a bad field "variants[i].settings.<field>".
func checkVariantSettings(m widgets.Module, w store.Widget, e *store.Experiment, site store.Site) error {
	for i := range e.Variants {
		if _, err := variantSettings(m, w, e, i, site); err != nil {
			return validate.Prefix(fmt.Sprintf("variants[%d]", i), err)
		}
	}
	return nil
}
