package estimators

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/special"
)

// JS returns a Monte Carlo estimate of the Jensen-Shannon divergence
//
//	JS(p, q) = ½ E_p[log p(x) - log m(x)] + ½ E_q[log q(y) - log m(y)],
//	m = (p + q)/2,
//
// in nats, for each batch row, from n draws x ~ p and n independent draws
// y ~ q per row. A term is log 2 - softplus(log q(x) - log p(x)) (and the
// same with p and q exchanged), which is log p - log m with log m computed
// by log-sum-exp, so no density is ever exponentiated; every term is at
// most log 2, hence so is the estimate, and JS itself lies in [0, log 2].
// The estimate is not clamped at 0 (that would bias it); it can fall
// slightly below 0 when p ≈ q. The standard error combines the two
// independent halves: ½ √(se_p² + se_q²).
//
// A support mismatch needs no special case: where q(x) = 0 the term is
// log 2. Draws where the sampled distribution's own density is 0 (rounding
// at a boundary) contribute 0. Batches, blocks, parallelism and
// determinism are as for KL; JS draws two values from rng (one seed per
// half). It returns an error when p or q does not validate, the shapes do
// not fit, n < 2, or a log-density is NaN.
func JS(rng *rand.Rand, p, q dist.Distribution, n int) ([]Estimate, error) {
	if err := checkPair("JS", p, q, n); err != nil {
		return nil, err
	}
	b, _ := batchOf(p, q)
	seedP, seedQ := rng.Uint64(), rng.Uint64()
	ep, err := estimates(mcTerms(seedP, p, q, n, b, jsTerm), "JS, draws from p")
	if err != nil {
		return nil, err
	}
	eq, err := estimates(mcTerms(seedQ, q, p, n, b, jsTerm), "JS, draws from q")
	if err != nil {
		return nil, err
	}
	out := make([]Estimate, b)
	for i := range out {
		out[i] = combine(ep[i], eq[i], 0.5)
	}
	return out, nil
}

// jsTerm is log a(x) - log m(x) for m = (a + b)/2 at x ~ a:
// log 2 - log(1 + b(x)/a(x)).
func jsTerm(la, lb float64) (float64, bool) {
	switch {
	case math.IsNaN(la) || math.IsNaN(lb):
		return math.NaN(), false
	case math.IsInf(la, -1):
		return 0, false
	case math.IsInf(la, 1) && math.IsInf(lb, 1):
		return math.NaN(), false
	}
	return math.Ln2 - special.Softplus(lb-la), false
}

// SymmetricKL returns Monte Carlo estimates of the symmetric (Jeffreys)
// divergence KL(p || q) + KL(q || p) for each batch row: two independent
// KL estimates (n draws from p, then n draws from q, with estimator est)
// added, their standard errors combined as √(se₁² + se₂²). It is +Inf
// with standard error 0 when either direction has a support mismatch. It
// draws two values from rng; otherwise it behaves as KL (and returns an
// error if the two directions are infinite with opposite signs).
func SymmetricKL(rng *rand.Rand, p, q dist.Distribution, n int, est KLEstimator) ([]Estimate, error) {
	pq, err := KL(rng, p, q, n, est)
	if err != nil {
		return nil, err
	}
	qp, err := KL(rng, q, p, n, est)
	if err != nil {
		return nil, err
	}
	if len(pq) != len(qp) {
		// Unreachable: both directions broadcast to the same batch.
		panic(fmt.Sprintf("estimators: SymmetricKL: %d and %d rows", len(pq), len(qp)))
	}
	out := make([]Estimate, len(pq))
	for i := range out {
		out[i] = combine(pq[i], qp[i], 1)
		if math.IsNaN(out[i].Value) {
			return nil, fmt.Errorf("estimators: SymmetricKL, batch row %d: the two directions are infinite with opposite signs", i)
		}
	}
	return out, nil
}

// combine returns w (a + b) for independent estimates a and b, with
// standard error w √(se_a² + se_b²); an exactly known +Inf (StdErr 0) on
// either side gives {+Inf, 0}.
func combine(a, b Estimate, w float64) Estimate {
	e := Estimate{N: a.N + b.N, Method: MethodMonteCarlo}
	if (math.IsInf(a.Value, 1) && a.StdErr == 0) || (math.IsInf(b.Value, 1) && b.StdErr == 0) {
		e.Value = math.Inf(1)
		return e
	}
	e.Value = w * (a.Value + b.Value)
	e.StdErr = w * math.Hypot(a.StdErr, b.StdErr)
	return e
}
