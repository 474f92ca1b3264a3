package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// configVariants is a site's public config in parts, for a site where a
// widget runs an A/B experiment: each visitor gets the control's parts
// with the variants the visitor is assigned to in place of their widgets'.
// Every variant's part is rendered once, when the entry is loaded; a
// request only picks parts (a hash per experiment) and joins them, and
// each combination's body is kept after its first request.
type configVariants struct {
	head  []byte   // `{"site":{…},"widgets":[`
	parts [][]byte // each enabled widget's JSON with its own settings
	tests []configTest
	hash  string // of the visitor-less body, the start of every ETag
	// exposures records the first config a visitor gets while a test runs.
	exposures *experiments.Service
	// bodies are the combinations served so far: choice key → *variantBody.
	// At most 5^tests of them; in practice a site runs one or two tests.
	bodies sync.Map
}

// configTest is one widget's running experiment and its variants' parts.
type configTest struct {
	part       int // index in parts
	widgetID   string
	experiment *store.Experiment
	arms       [][]byte // per variant, with "variant":"<id>"
	// settings are each variant's parsed settings (the control's first),
	// what the server acts on for a visitor of that variant (SettingsFor).
	settings []widgets.Settings
}

type variantBody struct {
	body []byte
	etag string
}

// experimentArms renders every variant of w's running experiment as the
// widget's part of the config (pw with the variant's public settings).
// A variant that no longer fits the widget's settings is served the
// control's, and the owner is told in the log.
func (s *Server) experimentArms(m widgets.Module, w widgets.Widget, site *widgets.Site, pw publicWidget, part int) (configTest, error) {
	arms, err := experiments.Arms(m, w, site.Site)
	if err != nil {
		s.log.Warn("experiment variant shows the control's settings", slog.String("site_id", site.ID), slog.Any("err", err))
	}
	t := configTest{part: part, widgetID: w.ID, experiment: w.Experiment, settings: arms}
	for i, arm := range arms {
		pw.Settings, pw.Variant = arm.Public(), w.Experiment.Variants[i].ID
		raw, err := json.Marshal(pw)
		if err != nil {
			return configTest{}, err
		}
		t.arms = append(t.arms, raw)
	}
	return t, nil
}

// assemble joins the parts, the arms of choice in place of their
// widgets' parts (choice nil: the control's parts, no variant named).
func (cv *configVariants) assemble(choice []int) []byte {
	parts := cv.parts
	if choice != nil {
		parts = append([][]byte(nil), parts...)
		for i, t := range cv.tests {
			parts[t.part] = t.arms[choice[i]]
		}
	}
	var b bytes.Buffer
	b.Write(cv.head)
	b.Write(bytes.Join(parts, []byte(",")))
	b.WriteString("]}")
	return b.Bytes()
}

// forVisitor is the config and ETag visitorID gets, and records the
// visitor's exposure to every running experiment.
func (cv *configVariants) forVisitor(ctx context.Context, siteID, visitorID string) ([]byte, string) {
	choice := make([]int, len(cv.tests))
	key := make([]byte, 0, 2*len(cv.tests))
	for i, t := range cv.tests {
		choice[i] = experiments.Assign(t.experiment, visitorID)
		key = strconv.AppendInt(append(key, '-'), int64(choice[i]), 10)
		if cv.exposures != nil {
			cv.exposures.Expose(ctx, siteID, t.experiment, visitorID, t.experiment.Variants[choice[i]].ID)
		}
	}
	if vb, ok := cv.bodies.Load(string(key)); ok {
		vb := vb.(*variantBody)
		return vb.body, vb.etag
	}
	// The ETag tells combinations apart: the base hash changes with any
	// change of the config, the suffix with the visitor's variants.
	vb := &variantBody{body: cv.assemble(choice), etag: `"` + cv.hash + string(key) + `"`}
	cv.bodies.Store(string(key), vb)
	return vb.body, vb.etag
}

// SettingsFor implements widgets.Variants: the parsed settings of the
// variant visitorID is assigned in w's running experiment, taken from the
// site's cache entry (parsed once, when /config's parts were rendered).
// Should the entry hold another experiment than w's (the site was
// reloaded between the request's lookup and now), the variants are
// parsed for this call.
func (s *Server) SettingsFor(ctx context.Context, site *widgets.Site, w widgets.Widget, visitorID string) widgets.Settings {
	e := w.Experiment
	if !e.Running() || visitorID == "" {
		return w.Parsed
	}
	if entry := s.cache.peek(site.Key); entry != nil && entry.variants != nil {
		for _, t := range entry.variants.tests {
			if t.widgetID == w.ID && t.experiment.ID == e.ID {
				return t.settings[experiments.Assign(t.experiment, visitorID)]
			}
		}
	}
	m, ok := s.modules[w.Type]
	if !ok {
		return w.Parsed
	}
	arms, err := experiments.Arms(m, w, site.Site)
	if err != nil {
		s.log.Warn("experiment variant shows the control's settings", slog.String("site_id", site.ID), slog.Any("err", err))
	}
	return arms[experiments.Assign(e, visitorID)]
}
