package estimators

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// LogDensity is anything with a (possibly unnormalized) log-density of the
// rows of a value, R x 1: every dist.Distribution, or a LogDensityFunc.
type LogDensity interface {
	LogProb(x ad.Var) ad.Var
}

// LogDensityFunc adapts a function to LogDensity.
type LogDensityFunc func(x ad.Var) ad.Var

// LogProb returns f(x).
func (f LogDensityFunc) LogProb(x ad.Var) ad.Var { return f(x) }

// ImportanceSample draws n rows x ~ proposal and returns them with their
// log importance weights log target(x) - log proposal(x) (LogWeights).
// With a proposal batch of B > 1, x has n*B rows laid out as Sample's and
// logw has one entry per row. target may be unnormalized; then LogMeanExp
// of the log weights estimates the log of its normalizing constant.
func ImportanceSample(rng *rand.Rand, target LogDensity, proposal dist.Distribution, n int) (x ad.Var, logw []float64) {
	x = proposal.Sample(rng, n)
	lt, lq := target.LogProb(x).Value(), proposal.LogProb(x).Value()
	return x, LogWeights(nil, lt, lq)
}

// LogWeights writes the log importance weights logTarget[i] -
// logProposal[i] into dst (allocated when nil) and returns it. A draw with
// target density 0 gets -Inf (weight 0), also where the proposal density
// is 0 too. It panics if the lengths differ.
func LogWeights(dst, logTarget, logProposal []float64) []float64 {
	if len(logTarget) != len(logProposal) {
		panic(fmt.Sprintf("estimators: LogWeights: %d target and %d proposal log-densities", len(logTarget), len(logProposal)))
	}
	dst = resize(dst, len(logTarget))
	for i, lt := range logTarget {
		if math.IsInf(lt, -1) {
			dst[i] = lt
			continue
		}
		dst[i] = lt - logProposal[i]
	}
	return dst
}

// NormalizedWeights writes the self-normalized weights w_i / Σ w_j for
// log weights logw into dst (allocated when nil) and returns it: a softmax
// with the largest log weight factored out, so that no weight overflows.
// When every log weight is -Inf (or logw is empty) the weights are NaN
// (0/0); a +Inf log weight gets all the mass (shared among the +Inf
// entries). It panics if dst is not nil and has a different length.
func NormalizedWeights(dst, logw []float64) []float64 {
	dst = resize(dst, len(logw))
	m := math.Inf(-1)
	for _, v := range logw {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 1) {
		var k float64
		for _, v := range logw {
			if math.IsInf(v, 1) {
				k++
			}
		}
		for i, v := range logw {
			dst[i] = 0
			if math.IsInf(v, 1) {
				dst[i] = 1 / k
			}
		}
		return dst
	}
	var s float64
	for i, v := range logw {
		dst[i] = math.Exp(v - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
	return dst
}

// ESS returns the effective sample size of importance weights given as
// log weights, (Σ w)² / Σ w² (Kong 1992; Owen, "Monte Carlo theory,
// methods and examples", 2013, §9.3), computed from the normalized weights
// as 1 / Σ w̃², so that no weight overflows. It lies in [1, n] for n
// weights not all zero, and is 0 when every weight is 0 (every log weight
// -Inf) or logw is empty.
func ESS(logw []float64) float64 {
	m := math.Inf(-1)
	for _, v := range logw {
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) || len(logw) == 0 {
		return 0
	}
	var s, s2 float64
	if math.IsInf(m, 1) {
		for _, v := range logw {
			if math.IsInf(v, 1) {
				s++
			}
		}
		return s
	}
	for _, v := range logw {
		w := math.Exp(v - m)
		s += w
		s2 += w * w
	}
	return s * s / s2
}

// SNIS returns the self-normalized importance-sampling estimate of
// E_target[f(x)] from draws x_i of a proposal with log weights logw and
// values f_i = f(x_i):
//
//	μ̂ = Σ w̃_i f_i,  w̃_i = w_i / Σ w_j,
//
// with the delta-method standard error √(Σ w̃_i² (f_i - μ̂)²) (Owen,
// "Monte Carlo theory, methods and examples", 2013, §9.2). The estimate is consistent but biased by O(1/n); the
// standard error is trustworthy only when the weights are not heavy-tailed
// (check ESS, or the k-hat of PSIS, whose smoothed log weights can be
// passed here instead of the raw ones). Draws with weight 0 are left out,
// whatever their f. The Estimate has N = len(f) and Method "snis". It
// panics if the lengths differ or logw is empty, and gives NaN when every
// weight is 0.
func SNIS(logw, f []float64) Estimate {
	if len(logw) != len(f) {
		panic(fmt.Sprintf("estimators: SNIS: %d log weights and %d values", len(logw), len(f)))
	}
	if len(f) == 0 {
		panic("estimators: SNIS of no draws")
	}
	w := NormalizedWeights(nil, logw)
	var mu float64
	for i, wi := range w {
		if wi != 0 {
			mu += wi * f[i]
		}
	}
	var v float64
	for i, wi := range w {
		if wi != 0 {
			d := wi * (f[i] - mu)
			v += d * d
		}
	}
	return Estimate{Value: mu, StdErr: math.Sqrt(v), N: len(f), Method: "snis"}
}

// resize returns dst if it has length n, a new slice if dst is nil, and
// panics otherwise.
func resize(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("estimators: dst has length %d, want %d", len(dst), n))
	}
	return dst
}
