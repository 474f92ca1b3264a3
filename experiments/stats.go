package experiments

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The statistics are Bayesian: each variant's conversion rate has a
// Beta(1+conversions, 1+exposures−conversions) posterior (a uniform prior).
// Everything below is computed by deterministic numeric integration over
// one grid, so a result never changes between two reads of the same
// counts (no Monte Carlo noise).

// posterior is one variant's Beta posterior.
type posterior struct{ distuv.Beta }

func newPosterior(exposures, conversions int64) posterior {
	conversions = min(max(conversions, 0), max(exposures, 0))
	return posterior{distuv.Beta{Alpha: 1 + float64(conversions), Beta: 1 + float64(exposures-conversions)}}
}

// interval is the central 95% credible interval.
func (p posterior) interval() [2]float64 {
	return [2]float64{p.Quantile(0.025), p.Quantile(0.975)}
}

// gridPoints is the number of intervals of the integration grid (even,
// for Simpson's rule).
const gridPoints = 400

// comparison holds what the grid gives for every variant: the probability
// that it beats the control (variant 0), that it is the best of all, and
// the expected loss of choosing it (E[max of all rates] − E[its rate]).
type comparison struct {
	beatsControl []float64
	best         []float64
	loss         []float64
}

// compare integrates over x in [lo, hi], the span where any posterior has
// mass (its mean ± 12 standard deviations, within [0, 1]):
//
//	P(i beats control) = ∫ f_i(x) F_0(x) dx
//	P(i is best)       = ∫ f_i(x) ∏_{j≠i} F_j(x) dx
//	E[max]             = lo + ∫ (1 − ∏_j F_j(x)) dx
func compare(ps []posterior) comparison {
	k := len(ps)
	lo, hi := 1.0, 0.0
	for _, p := range ps {
		m, sd := p.Mean(), p.StdDev()
		lo, hi = math.Min(lo, math.Max(0, m-12*sd)), math.Max(hi, math.Min(1, m+12*sd))
	}
	c := comparison{beatsControl: make([]float64, k), best: make([]float64, k), loss: make([]float64, k)}
	h := (hi - lo) / gridPoints
	cdf, pdf := make([]float64, k), make([]float64, k)
	var maxBelow float64 // ∫ (1 − ∏F) dx
	for n := 0; n <= gridPoints; n++ {
		x := lo + float64(n)*h
		w := simpsonWeight(n) * h / 3
		all := 1.0
		for i, p := range ps {
			cdf[i], pdf[i] = p.CDF(x), p.Prob(x)
			all *= cdf[i]
		}
		maxBelow += w * (1 - all)
		for i := range ps {
			c.beatsControl[i] += w * pdf[i] * cdf[0]
			others := 1.0
			for j := range ps {
				if j != i {
					others *= cdf[j]
				}
			}
			c.best[i] += w * pdf[i] * others
		}
	}
	expectedMax := lo + maxBelow
	for i, p := range ps {
		c.loss[i] = math.Max(0, expectedMax-p.Mean())
		c.beatsControl[i] = clamp01(c.beatsControl[i])
		c.best[i] = clamp01(c.best[i])
	}
	return c
}

func simpsonWeight(n int) float64 {
	switch {
	case n == 0 || n == gridPoints:
		return 1
	case n%2 == 1:
		return 4
	}
	return 2
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

// sampleRatio tests the observed split of exposures against the weights
// with Pearson's chi-square (k−1 degrees of freedom) and returns the
// statistic and its p-value. With no exposures there is nothing to test:
// p is 1.
func sampleRatio(exposures []int64, weights []int) (chi2, p float64) {
	var total int64
	var wsum int
	for i := range exposures {
		total += exposures[i]
		wsum += weights[i]
	}
	if total == 0 || len(exposures) < 2 {
		return 0, 1
	}
	for i := range exposures {
		expected := float64(total) * float64(weights[i]) / float64(wsum)
		d := float64(exposures[i]) - expected
		chi2 += d * d / expected
	}
	return chi2, distuv.ChiSquared{K: float64(len(exposures) - 1)}.Survival(chi2)
}
