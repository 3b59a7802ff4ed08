package estimators

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/kldiv/kldiv/internal/special"
)

// ErrTooFewDraws is wrapped by the error PSIS returns when there are too
// few log weights to fit a tail.
var ErrTooFewDraws = errors.New("too few draws for a generalized Pareto tail fit")

// PSIS applies Pareto-smoothed importance sampling (Vehtari, Simpson,
// Gelman, Yao and Gabry, "Pareto smoothed importance sampling", JMLR 25,
// 2024; arXiv:1507.02646) to log importance weights. It returns the
// smoothed log weights and the Pareto shape estimate k-hat of the weights'
// right tail.
//
// Algorithm (as in the reference implementations, R packages loo and
// posterior, with relative efficiency 1): the M = ⌈min(n/5, 3√n)⌉ largest
// weights are the tail and the (M+1)-th largest is the cutoff u; a
// generalized Pareto distribution is fitted to the exceedances w - u of
// the tail by the quasi-Bayesian method of Zhang and Stephens (2009,
// "A new and efficient estimation method for the generalized Pareto
// distribution", Technometrics 51) with the weakly informative prior of
// Vehtari et al. that pulls k towards 0.5 with weight 10/(M + 10); the
// tail weights are then replaced, in their order, by u plus the fitted
// quantiles at (z - ½)/M, z = 1..M (the expected order statistics), and
// capped at the largest raw weight. The other weights are unchanged.
//
// The smoothed log weights are on the scale of logw (not normalized: pass
// them to NormalizedWeights, ESS or SNIS). k-hat says how far the weights
// can be trusted: below KhatThreshold(n) (at most 0.7) the PSIS estimate
// of an expectation is reliable; above 0.7 it is not, whatever n; above 1
// the weights' mean does not exist.
//
// When the M largest log weights are equal to within √ε ≈ 1.5e-8, loo's tolerance (an
// exact fit, q = p up to rounding, gives constant log weights) there is no
// tail to fit: the log weights are returned unchanged with k-hat = -Inf.
// The weights are then bounded by the common tail value, so every moment
// exists and the estimate is as reliable as it gets; -Inf compares below
// every threshold accordingly. The reference implementations return
// +Inf there (loo's do_psis_i, ArviZ's psislw and PSIS.jl, with a warning
// that the tail cannot be fitted) or NA (posterior's pareto_khat), which
// would flag a perfect fit as a failed one (+Inf) or compare false with
// every threshold (NaN); k-hat is invariant to the scale of the tail's
// spread, so no finite value is its limit either. Without the tolerance,
// rounding noise of 1e-16 in an exact fit's log weights made the fit fail
// (+Inf) or fitted the shape of the noise, where exactly equal weights
// gave -Inf. When the fit fails
// numerically on a tail that is not degenerate, the log weights are
// returned unchanged with k-hat = +Inf.
//
// PSIS returns an error wrapping ErrTooFewDraws when n < 21 (M < 5), and
// an error when a log weight is NaN or +Inf or when a tail weight is 0
// (fewer than M nonzero weights). -Inf log weights (zero weights) below
// the tail are allowed.
func PSIS(logw []float64) (smoothedLogW []float64, khat float64, err error) {
	n := len(logw)
	m := int(math.Ceil(math.Min(0.2*float64(n), 3*math.Sqrt(float64(n)))))
	if m < 5 {
		return nil, 0, fmt.Errorf("estimators: PSIS: %w: %d log weights, need at least 21", ErrTooFewDraws, n)
	}
	for i, v := range logw {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return nil, 0, fmt.Errorf("estimators: PSIS: log weight[%d] = %v", i, v)
		}
	}
	// Sort indices by log weight (ties by index, so the result does not
	// depend on the sort algorithm).
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case logw[a] < logw[b]:
			return -1
		case logw[a] > logw[b]:
			return 1
		}
		return 0
	})
	out := slices.Clone(logw)
	tail := idx[n-m:]
	maxLW := logw[tail[m-1]]
	if math.IsInf(logw[tail[0]], -1) {
		return nil, 0, fmt.Errorf("estimators: PSIS: only %d of %d weights are nonzero, fewer than the tail of %d", countFinite(logw), n, m)
	}
	if maxLW-logw[tail[0]] <= degenerateTail {
		return out, math.Inf(-1), nil
	}
	// Work with weights scaled so that the largest is 1, exp(logw - max).
	cut := logw[idx[n-m-1]] - maxLW
	if cut == logw[tail[0]]-maxLW {
		// The cutoff ties with the tail: move it just below (as posterior
		// does) so that every exceedance is positive.
		cut -= 0x1p-52
	}
	expCut := math.Exp(cut)
	x := make([]float64, m)
	for i, j := range tail {
		x[i] = math.Exp(logw[j]-maxLW) - expCut
	}
	k, sigma := gpdFit(x)
	if math.IsNaN(k) || math.IsInf(k, 0) || !(sigma > 0) || math.IsInf(sigma, 1) {
		return out, math.Inf(1), nil
	}
	for i, j := range tail {
		p := (float64(i) + 0.5) / float64(m)
		s := math.Log(gpdQuantile(p, k, sigma) + expCut)
		out[j] = math.Min(s, 0) + maxLW
	}
	return out, k, nil
}

// degenerateTail is the spread of the M largest log weights (largest minus
// smallest) at or below which PSIS takes the tail as constant: √ε, relative
// differences of the weights far below any Monte Carlo error (the
// tolerance of loo's do_psis_i).
const degenerateTail = 1.4901161193847656e-08

func countFinite(x []float64) int {
	var c int
	for _, v := range x {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			c++
		}
	}
	return c
}

// KhatThreshold returns the sample-size dependent k-hat threshold
// min(1 - 1/log₁₀ n, 0.7) of Vehtari et al. (2024, §3.2.4, eq. 13): below
// it, a PSIS estimate from n draws has a small probability of a large
// error.
func KhatThreshold(n int) float64 {
	return math.Min(1-1/math.Log10(float64(n)), 0.7)
}

// gpdFit fits a generalized Pareto distribution with location 0,
// shape k and scale sigma,
//
//	F(x) = 1 - (1 + k x/sigma)^(-1/k),
//
// to the positive exceedances x (sorted ascending), by the method of
// Zhang and Stephens (2009, §4): the posterior mean of θ = -k/sigma over a
// grid of 30 + ⌊√n⌋ points under the profile likelihood, with their prior
// scale 3 at the first quartile; then k = mean log(1 - θ x) and
// sigma = -k/θ. k is finally pulled towards 0.5 as (n k + 10·½)/(n + 10),
// the weakly informative prior of Vehtari et al. (2024, appendix C); sigma
// is from the unadjusted k, as in loo and posterior. (Zhang and Stephens's
// k is the negative of this k.) It returns NaN when the first quartile
// equals the minimum (no spread to fit).
func gpdFit(x []float64) (k, sigma float64) {
	n := len(x)
	xstar := x[int(float64(n)/4+0.5)-1] // first quartile
	if !(xstar > x[0]) {
		return math.NaN(), math.NaN()
	}
	const prior = 3
	grid := 30 + int(math.Sqrt(float64(n)))
	theta := make([]float64, grid)
	ll := make([]float64, grid)
	for j := range theta {
		t := 1/x[n-1] + (1-math.Sqrt(float64(grid)/(float64(j)+0.5)))/prior/xstar
		theta[j] = t
		kt := meanLog1p(-t, x)
		// Profile log-likelihood of θ (Zhang and Stephens, §4).
		ll[j] = float64(n) * (math.Log(-t/kt) - kt - 1)
	}
	lse := special.LogSumExp(ll)
	var th float64
	for j, t := range theta {
		th += t * math.Exp(ll[j]-lse)
	}
	k = meanLog1p(-th, x)
	sigma = -k / th
	const a = 10 // prior pseudo-observations at k = 0.5
	k = (k*float64(n) + a*0.5) / float64(n+a)
	return k, sigma
}

// meanLog1p returns the mean of log1p(a x_i).
func meanLog1p(a float64, x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Log1p(a * v)
	}
	return s / float64(len(x))
}

// gpdQuantile returns the p-quantile of the generalized Pareto
// distribution with location 0, shape k and scale sigma:
// sigma ((1-p)^(-k) - 1)/k, or -sigma log(1-p) for k = 0.
func gpdQuantile(p, k, sigma float64) float64 {
	if math.Abs(k) < 1e-15 {
		return -sigma * math.Log1p(-p)
	}
	return sigma * math.Expm1(-k*math.Log1p(-p)) / k
}
