package store

import (
	"context"
	"encoding/json"
	"time"
)

// Experiment is an A/B (or A/A) test of one widget, kept on the widget's
// record (Widget.Experiment) so that starting, replacing or stopping it is
// one atomic widget update and the server's /config cache sees it with
// the widget. Its counts live under the tally ExperimentTally(ID).
type Experiment struct {
	// ID is new for every start: assignments and counts belong to it, so
	// replacing the variants (or their weights) starts from zero.
	ID string `json:"id"`
	// Mode is "ab" (variants may change settings) or "aa" (every variant
	// shows the widget's own settings: a check of the setup).
	Mode     string              `json:"mode"`
	Variants []ExperimentVariant `json:"variants"`
	// StartedAt is when the experiment started; EndedAt when an owner
	// stopped it (nil while it runs), keeping Kept's settings.
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	Kept      string     `json:"kept,omitempty"`
}

// ExperimentVariant is one arm of an experiment. The first variant is the
// control: its settings are the widget's own.
type ExperimentVariant struct {
	ID     string `json:"id"`
	Weight int    `json:"weight"`
	// Settings override the widget's settings: each top-level key given
	// replaces the widget's. Empty for the control and in A/A mode.
	Settings json.RawMessage `json:"settings,omitempty"`
}

// Running reports whether the experiment assigns visitors now.
func (e *Experiment) Running() bool { return e != nil && e.EndedAt == nil }

// ExperimentTally names the tally of an experiment's counts: fields
// "<variant>:exposures" and "<variant>:conversions".
func ExperimentTally(experimentID string) string { return "experiment:" + experimentID }

// Experiments records who took part in an experiment, once each. Both
// calls add to the experiment's tally (ExperimentTally) in the same
// atomic step as the visitor's record, so counts and records never
// disagree; a site that does not exist is ErrNotFound. The records go
// with the site (DeleteSite).
type Experiments interface {
	// ExposeVisitor records that visitorID was shown variant of the site's
	// experiment: the first call for a visitor adds one to the variant's
	// exposures and returns true; later calls (whatever variant they
	// name) change nothing and return false.
	ExposeVisitor(ctx context.Context, siteID, experimentID, visitorID, variant string) (first bool, err error)
	// ConvertVisitor counts visitorID's conversion for the variant it was
	// exposed to, once: it returns that variant, or "" when the visitor
	// was never exposed or has converted already (nothing is counted).
	ConvertVisitor(ctx context.Context, siteID, experimentID, visitorID string) (variant string, err error)
}
