package experiments

import "math"

// The claim "this variant converts differently from the control" is made
// by a mixture sequential probability ratio test (mSPRT; Johari, Pekelis,
// Walsh, "Always valid inference", 2017) on the difference of the two
// rates, normal approximation: with d = rate_i − rate_0 and its variance
// V = r0(1−r0)/n0 + ri(1−ri)/ni, and a normal mixture of effects with
// variance τ²,
//
//	Λ = sqrt(V / (V+τ²)) · exp(d² τ² / (2 V (V+τ²)))
//
// Under "no difference" the chance that Λ ever reaches 1/α, however often
// it is read, is at most α: the owner may look every day.

// SequentialAlpha is the test's error rate across all reads, split among
// the variants compared with the control (Bonferroni).
const SequentialAlpha = 0.05

// mixtureShare sets τ: effects of about 20% of the control's rate
// (relative) are what an owner's variants plausibly make.
const mixtureShare = 0.2

// sequentialLR is Λ for variant (ni, ci) against the control (n0, c0); 0
// when either has no exposures or no variance yet.
func sequentialLR(n0, c0, ni, ci int64) float64 {
	if n0 == 0 || ni == 0 {
		return 0
	}
	r0, ri := float64(c0)/float64(n0), float64(ci)/float64(ni)
	v := r0*(1-r0)/float64(n0) + ri*(1-ri)/float64(ni)
	pooled := float64(c0+ci) / float64(n0+ni)
	tau2 := math.Pow(mixtureShare*pooled, 2)
	if v <= 0 || tau2 <= 0 {
		return 0
	}
	d := ri - r0
	return math.Sqrt(v/(v+tau2)) * math.Exp(d*d*tau2/(2*v*(v+tau2)))
}
