package experiments

import (
	"github.com/beckonhq/beckon/store"
)

// The decision rule, documented in docs/EXPERIMENTS.md. A winner is named
// only when
//   - every variant has at least MinExposures exposures and the
//     experiment at least MinConversions conversions (before that a
//     posterior is mostly prior), and
//   - the sequential test (sequential.go, valid under daily reads) finds
//     the variant better than the control (or every variant worse than
//     the control, which then wins), and
//   - choosing it is expected to lose less than LossThreshold of the
//     control's rate (relative): E[max rate − its rate] < 1% × control,
//     the Bayesian expected-loss stopping rule.
//
// The expected loss alone bounds what a wrong pick costs but would, with
// enough data, call one of two equal variants a "winner"; the sequential
// test keeps a tie from being called a win however often the owner looks.
const (
	MinExposures   = 100
	MinConversions = 10
	LossThreshold  = 0.01
	// SRMAlpha: a split of exposures this unlikely under the weights means
	// assignment or exposure counting is broken.
	SRMAlpha = 0.001
)

// Method names the statistics in every result.
const Method = "bayesian beta-binomial: Beta(1+conversions, 1+exposures-conversions) posteriors, intervals, P(beats control), P(best) and expected loss by numeric integration; winner: mSPRT sequential test (alpha 0.05 across all reads) and expected loss below 1% of the control's rate, after 100 exposures per variant and 10 conversions; sample ratio mismatch: Pearson chi-square, warning at p < 0.001"

// Results is the body of GET …/experiment.
type Results struct {
	Experiment *store.Experiment `json:"experiment"`
	Running    bool              `json:"running"`
	Method     string            `json:"method"`
	Variants   []VariantResult   `json:"variants"`
	// SampleReady: every variant has MinExposures, the experiment
	// MinConversions.
	SampleReady bool `json:"sample_ready"`
	// Winner is the variant to keep under the decision rule; "" while
	// there is none (always in A/A mode).
	Winner string `json:"winner"`
	// Verdict: collecting (sample not ready), no_winner_yet, winner;
	// in A/A mode healthy or suspicious (an arm's rate differs beyond
	// chance, or the split does not match the weights).
	Verdict            string    `json:"verdict"`
	SampleRatio        SRMResult `json:"sample_ratio"`
	Warnings           []string  `json:"warnings"`
	MinExposures       int       `json:"min_exposures"`
	MinConversions     int       `json:"min_conversions"`
	SequentialAlpha    float64   `json:"sequential_alpha"`
	LossThresholdShare float64   `json:"loss_threshold"`
}

// VariantResult is one variant's counts and posterior.
type VariantResult struct {
	ID          string `json:"id"`
	Weight      int    `json:"weight"`
	Exposures   int64  `json:"exposures"`
	Conversions int64  `json:"conversions"`
	// Rate is conversions/exposures (0 with no exposures); Interval the
	// 95% credible interval of the rate.
	Rate     float64    `json:"rate"`
	Interval [2]float64 `json:"interval"`
	// PBeatsControl is P(rate > control's rate); null for the control.
	PBeatsControl *float64 `json:"p_beats_control"`
	PBest         float64  `json:"p_best"`
	// ExpectedLoss is E[max of all rates − this rate], in rate units.
	ExpectedLoss float64 `json:"expected_loss"`
}

// SRMResult is the sample ratio mismatch check.
type SRMResult struct {
	ChiSquare float64 `json:"chi_square"`
	PValue    float64 `json:"p_value"`
	Mismatch  bool    `json:"mismatch"`
}

// Compute reads e's results from its tally's counts (fields
// "<variant>:exposures" and "<variant>:conversions").
func Compute(e *store.Experiment, counts map[string]int64) Results {
	r := Results{Experiment: e, Running: e.Running(), Method: Method, Warnings: []string{},
		MinExposures: MinExposures, MinConversions: MinConversions, SequentialAlpha: SequentialAlpha, LossThresholdShare: LossThreshold}
	ps := make([]posterior, len(e.Variants))
	exposures := make([]int64, len(e.Variants))
	weights := make([]int, len(e.Variants))
	var conversions int64
	r.SampleReady = true
	for i, v := range e.Variants {
		n, c := counts[v.ID+":exposures"], counts[v.ID+":conversions"]
		ps[i], exposures[i], weights[i] = newPosterior(n, c), n, v.Weight
		conversions += c
		vr := VariantResult{ID: v.ID, Weight: v.Weight, Exposures: n, Conversions: c, Interval: ps[i].interval()}
		if n > 0 {
			vr.Rate = float64(c) / float64(n)
		}
		if n < MinExposures {
			r.SampleReady = false
		}
		r.Variants = append(r.Variants, vr)
	}
	if conversions < MinConversions {
		r.SampleReady = false
	}
	cmp := compare(ps)
	for i := range r.Variants {
		if i > 0 {
			p := cmp.beatsControl[i]
			r.Variants[i].PBeatsControl = &p
		}
		r.Variants[i].PBest, r.Variants[i].ExpectedLoss = cmp.best[i], cmp.loss[i]
	}
	chi2, p := sampleRatio(exposures, weights)
	r.SampleRatio = SRMResult{ChiSquare: chi2, PValue: p, Mismatch: p < SRMAlpha}
	if r.SampleRatio.Mismatch {
		r.Warnings = append(r.Warnings, "sample ratio mismatch: the exposures are not split as the weights say (chi-square p < 0.001); assignment or counting is broken, do not trust these results")
	}
	switch {
	case e.Mode == "aa":
		r.Verdict = "healthy"
		if r.SampleRatio.Mismatch {
			r.Verdict = "suspicious"
		}
		for _, v := range r.Variants[1:] {
			// Identical arms differ this much by chance in about one of
			// 500 independent reads: a prompt to look, not a proof.
			if r.SampleReady && (*v.PBeatsControl > 0.999 || *v.PBeatsControl < 0.001) {
				r.Verdict = "suspicious"
				r.Warnings = append(r.Warnings, "A/A: variant "+v.ID+" converts differently from the control although both show the same settings; look for what else differs (caching, a conversion counted elsewhere)")
			}
		}
	case !r.SampleReady:
		r.Verdict = "collecting"
	default:
		r.Verdict = "no_winner_yet"
		if w := winner(r.Variants, ps[0].Mean()); w >= 0 && !r.SampleRatio.Mismatch {
			r.Winner, r.Verdict = e.Variants[w].ID, "winner"
		}
	}
	return r
}

// winner is the index of the variant to keep, or -1: the variant of
// least expected loss among those the sequential test finds better than
// the control, when that loss is below the threshold; the control when
// the test finds every other variant worse than it.
func winner(vs []VariantResult, controlRate float64) int {
	bound := float64(len(vs)-1) / SequentialAlpha
	best, worse := -1, 0
	for i, v := range vs[1:] {
		i++
		if sequentialLR(vs[0].Exposures, vs[0].Conversions, v.Exposures, v.Conversions) < bound {
			continue
		}
		if v.Rate < vs[0].Rate {
			worse++
		} else if best < 0 || v.ExpectedLoss < vs[best].ExpectedLoss {
			best = i
		}
	}
	if best < 0 && worse == len(vs)-1 {
		best = 0
	}
	if best >= 0 && vs[best].ExpectedLoss >= LossThreshold*controlRate {
		return -1
	}
	return best
}
