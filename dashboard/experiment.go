package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/store"
)

// The A/B results page shows a widget's running or last ended experiment
// as GET …/experiment computes it (experiments.Compute over the same
// tally), with the rates and their intervals drawn on the server as SVG.
// Stopping goes through the admin API (widgets:write: owners only).
// Like the API, the page first writes this replica's queued exposures
// (Deps.Flush), so both show the same numbers.

// experimentData is the page's.
type experimentData struct {
	Site      store.Site
	WidgetID  string
	Widget    string // the widget's label
	EditorURL string
	Results   *experiments.Results // nil: the widget has had no experiment
	Rows      []abRow
	Charts    []abChart // wide, then narrow for phones
	Verdict   string    // the verdict's explanation, in the page's language
	Progress  string    // what a collecting experiment still needs
	CanStop   bool
	Keep      string // the variant the stop form offers first
	Script    string
}

// abRow is one variant's results as the table shows them.
type abRow struct {
	experiments.VariantResult
	Control, Winner, Kept bool
	Rate, Low, High       string
	PBeats, PBest         string
}

func (h *handler) mountExperiment(u fiber.Router) {
	u.Get("/sites/:id/widgets/:wid/experiment", h.experimentPage)
}

func (h *handler) experimentPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	w, err := h.Store.GetWidget(ctx, site.ID, c.Params("wid"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	canEdit, err := h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	d := experimentData{Site: site, WidgetID: w.ID, Widget: widgetLabel(w), Script: staticURL("moderation.js"),
		EditorURL: "/app/sites/" + site.ID + "/widgets/" + w.ID}
	if w.Experiment != nil {
		if h.Flush != nil {
			h.Flush(ctx)
		}
		counts, err := h.Store.Tally(ctx, site.ID, store.ExperimentTally(w.Experiment.ID))
		if err != nil {
			return h.fail(c, fmt.Errorf("experiment counts of widget %s: %w", w.ID, err))
		}
		r := experiments.Compute(w.Experiment, counts)
		d.Results = &r
		d.fill(h.lang(c))
		d.CanStop = canEdit && r.Running
	}
	return h.render(c, http.StatusOK, "experiment", "ab_title", d)
}

// fill makes the table's rows, the chart and the verdict's words.
func (d *experimentData) fill(l Lang) {
	r := d.Results
	d.Keep = r.Variants[0].ID
	if r.Winner != "" {
		d.Keep = r.Winner
	}
	var minExposures, conversions int64 = -1, 0
	for i, v := range r.Variants {
		row := abRow{VariantResult: v, Control: i == 0, Winner: v.ID == r.Winner, Kept: v.ID == r.Experiment.Kept,
			Rate: abPercent(l, v.Rate), Low: abPercent(l, v.Interval[0]), High: abPercent(l, v.Interval[1]), PBest: abPercent(l, v.PBest)}
		if v.PBeatsControl != nil {
			row.PBeats = abPercent(l, *v.PBeatsControl)
		}
		d.Rows = append(d.Rows, row)
		if minExposures < 0 || v.Exposures < minExposures {
			minExposures = v.Exposures
		}
		conversions += v.Conversions
	}
	d.Charts = []abChart{drawRates(l, r.Variants, wideChart), drawRates(l, r.Variants, narrowChart)}
	switch r.Verdict {
	case "winner":
		d.Verdict = l.F("ab_verdict_winner", "variant", r.Winner)
		if r.Winner == r.Variants[0].ID {
			d.Verdict = l.T("ab_verdict_control_wins")
		}
	case "collecting":
		d.Verdict = l.F("ab_verdict_collecting", "exposures", r.MinExposures, "conversions", r.MinConversions)
		d.Progress = l.F("ab_progress", "exposures", minExposures, "conversions", conversions)
	default: // no_winner_yet, and the A/A check's healthy and suspicious
		d.Verdict = l.Or("ab_verdict_"+r.Verdict, r.Verdict)
	}
}

// abPercent shows a share as a percentage with one decimal, with the
// language's decimal separator.
func abPercent(l Lang, v float64) string {
	s := fmt.Sprintf("%.1f%%", v*100)
	if l.Code != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
