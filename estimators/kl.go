package estimators

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/special"
)

// MethodMonteCarlo is the Method of the estimates made by KL, JS and
// SymmetricKL.
const MethodMonteCarlo = "monte-carlo"

// Estimate is a Monte Carlo estimate with its standard error.
type Estimate struct {
	// Value is the estimate.
	Value float64
	// StdErr is the estimated standard deviation of Value over repeated
	// runs: the sample standard deviation of the per-sample terms divided
	// by √N (or a delta-method approximation, for ratio estimators).
	// Value ± 1.96 StdErr is an approximate 95% confidence interval. It is
	// 0 when Value is exactly known (+Inf from a support mismatch) and
	// +Inf when a per-sample term was infinite for another reason.
	StdErr float64
	// N is the number of samples behind Value (per batch row).
	N int
	// Method names how Value was computed: MethodMonteCarlo, or "snis".
	Method string
}

// KLEstimator selects the per-sample term of a Monte Carlo estimate of
// KL(p || q) from x ~ p and the ratio r = q(x)/p(x). The three are those
// of J. Schulman, "Approximating KL divergence" (2020),
// http://joschu.net/blog/kl-approx.html.
type KLEstimator int

const (
	// K1 is k1 = -log r = log p(x) - log q(x). Unbiased: E_p[k1] =
	// KL(p || q). Its variance is Var_p[log r], which stays of order KL
	// when p ≈ q (Var ≈ 2 KL for small KL), so its relative error is large
	// for close distributions; single terms can be negative.
	K1 KLEstimator = iota + 1
	// K2 is k2 = (log r)²/2. Biased: E_p[k2] = ½ E_p[(log r)²] is the
	// f-divergence with f(r) = ½ (log r)², which agrees with KL only to
	// second order as q → p (the bias is O(KL^{3/2}) and of either sign;
	// for p = N(0, 1), q = N(μ, 1) it is μ⁴/8 > 0, for q = N(0, 2²) it is
	// negative). Its variance is low (O(KL²) for close distributions), and
	// every term is >= 0.
	K2
	// K3 is k3 = (r - 1) - log r, evaluated as expm1(log r) - log r with a
	// series for small log r. Every term is >= 0 (log r <= r - 1). It is
	// unbiased when p's support contains q's, because then E_p[r] = 1; in
	// general E_p[r] = Q(supp p), so E_p[k3] = KL - Q(outside supp p), and
	// k3 underestimates KL when q puts mass where p has none (for p =
	// U(-1, 1), q = N(0, 1) by 1 - 0.683). Its variance is O(KL²) when
	// p ≈ q, much lower than k1's, but it involves E_p[r²] = ∫ q²/p, which
	// is infinite when q has heavier tails than p (q Student-t, p Normal):
	// use K1 there.
	K3
)

// String returns "k1", "k2" or "k3".
func (e KLEstimator) String() string {
	switch e {
	case K1:
		return "k1"
	case K2:
		return "k2"
	case K3:
		return "k3"
	}
	return fmt.Sprintf("KLEstimator(%d)", int(e))
}

// term returns the per-sample term from log p(x) and log q(x) at x ~ p,
// and whether q(x) = 0 < p(x) (support mismatch). log r = log q - log p is
// never exponentiated except inside expm1, so r itself cannot overflow
// for any finite log r below 709.
func (e KLEstimator) term(lp, lq float64) (float64, bool) {
	switch {
	case math.IsNaN(lp) || math.IsNaN(lq):
		return math.NaN(), false
	case math.IsInf(lp, -1):
		// x lies outside p's support (a rounded draw at a boundary): the
		// integrand p log(p/q) tends to 0 there.
		return 0, false
	case math.IsInf(lq, -1):
		return math.Inf(1), true
	case math.IsInf(lp, 1) && math.IsInf(lq, 1):
		return math.NaN(), false
	}
	lr := lq - lp
	switch e {
	case K1:
		return -lr, false
	case K2:
		return 0.5 * lr * lr, false
	default:
		return special.LogRatioM1(lr), false
	}
}

// KL returns a Monte Carlo estimate of KL(p || q) = E_p[log p(x) - log q(x)]
// for each batch row, from n draws x ~ p per row, with the per-sample term
// chosen by est (see K1, K2, K3). It is the fallback for pairs without a
// closed form (dist.KL). Choosing est: K3 when p and q are close and q's
// tails are no heavier than p's (smallest standard error); K1 otherwise
// (unbiased whatever the supports and tails); K2 only as a low-variance
// approximation whose bias is acceptable.
//
// Batches: p's and q's batch sizes must broadcast (equal, or one of them
// 1); the result has one Estimate per row of the broadcast batch B, each
// from n draws. When p's batch is 1 and q's is B, each row gets its own n
// draws from p. Event widths broadcast as in dist.KL: equal, or one side
// has width 1 and is applied independently to each of the other's C
// components (then that side must be univariate: for p, a row of C
// independent draws is scored as the sum of C log-densities).
//
// Sampling runs in blocks of about BlockSize rows on up to GOMAXPROCS
// goroutines, each block with its own stream BlockRNG(seed, block) where
// seed is one value drawn from rng; the result depends on rng's state, n
// and B only, not on GOMAXPROCS. When p's or q's LogProb records on an
// ad.Tape (parameters on a tape), blocks run on the calling goroutine
// instead, since a tape is not safe for concurrent use, and the
// log-densities are recorded on that tape; the estimate is the same. The
// estimate carries no gradient.
//
// Values: r = q(x)/p(x) is handled in log space. When q(x) = 0 < p(x) at a
// draw (q's support does not contain p's), KL is +Inf and the row's
// Estimate is {+Inf, 0}. Draws with p(x) = 0 (rounding at a boundary of
// p's support) contribute 0. Any other infinite term gives ±Inf with
// StdErr +Inf; a NaN log-density, or poles of both p and q at a draw, give
// an error. KL returns an error when p or q does not validate, the shapes
// do not fit, est is not K1, K2 or K3, or n < 2.
func KL(rng *rand.Rand, p, q dist.Distribution, n int, est KLEstimator) ([]Estimate, error) {
	if est < K1 || est > K3 {
		return nil, fmt.Errorf("estimators: KL: unknown estimator %v", est)
	}
	if err := checkPair("KL", p, q, n); err != nil {
		return nil, err
	}
	b, _ := batchOf(p, q)
	accs := mcTerms(rng.Uint64(), p, q, n, b, est.term)
	return estimates(accs, fmt.Sprintf("KL (%v)", est))
}

// checkPair validates p and q and checks that their shapes fit for a
// Monte Carlo estimate from n draws.
func checkPair(what string, p, q dist.Distribution, n int) error {
	if n < 2 {
		return fmt.Errorf("estimators: %s: n = %d samples, want >= 2 for a standard error", what, n)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	if _, err := batchOf(p, q); err != nil {
		return fmt.Errorf("estimators: %s: %w", what, err)
	}
	return nil
}

// batchOf returns the broadcast batch size of p and q, or an error when
// their batches or event widths do not broadcast.
func batchOf(p, q dist.Distribution) (int, error) {
	bp, cp := p.Shape()
	bq, cq := q.Shape()
	if cp != cq && cp != 1 && cq != 1 {
		return 0, fmt.Errorf("event widths %d and %d do not broadcast", cp, cq)
	}
	switch {
	case bp == bq || bq == 1:
		return bp, nil
	case bp == 1:
		return bq, nil
	}
	return 0, fmt.Errorf("batch sizes %d and %d do not broadcast", bp, bq)
}

// draw returns m draws per row of a b-row batch from a, as an m*b x c
// value whose row i is drawn from a's batch row i mod (a's batch). When
// a's event width is 1 and c > 1 (a broadcast over c independent
// components, as dist.KL treats it), each row gathers c independent draws
// of the same batch row.
func draw(rng *rand.Rand, a dist.Distribution, m, b, c int) ad.Var {
	ba, ca := a.Shape()
	per := b / ba // 1, or b when a's batch is 1
	if ca == c {
		return a.Sample(rng, m*per)
	}
	flat := a.Sample(rng, m*per*c).Value() // m*per*c*ba = m*b*c rows
	rows := m * b
	x := make([]float64, rows*c)
	for i := range rows {
		k, bb := i/ba, i%ba
		for j := range c {
			x[i*c+j] = flat[(k*c+j)*ba+bb]
		}
	}
	return ad.Const(rows, c, x)
}

// termFunc returns the per-sample term from log a(x) and log b(x) at a
// draw x ~ a, and whether the draw proves the divergence infinite.
type termFunc func(la, lb float64) (float64, bool)

// mcTerms draws n values per batch row (of b rows) from a, in blocks
// seeded from seed, and accumulates term(log a(x), log b(x)) per row.
func mcTerms(seed uint64, a, bd dist.Distribution, n, b int, term termFunc) []acc {
	_, ca := a.Shape()
	_, cb := bd.Shape()
	c := max(ca, cb)
	size := max(1, BlockSize/b)
	block := func(rng *rand.Rand, _, lo, hi int) blockResult {
		x := draw(rng, a, hi-lo, b, c)
		la, lb := a.LogProb(x).Value(), bd.LogProb(x).Value()
		accs := make([]acc, b)
		terms := make([]float64, len(la))
		var skip []bool // draws that prove the divergence infinite
		for i := range la {
			t, mis := term(la[i], lb[i])
			terms[i] = t
			if mis {
				if skip == nil {
					skip = make([]bool, len(la))
				}
				skip[i] = true
				accs[i%b].mismatch++
			}
		}
		for r := range accs {
			accs[r].addRow(terms, skip, r, b)
		}
		return blockResult{accs: accs}
	}
	var res []blockResult
	if recordsOnTape(a, bd, b, c) {
		res = runBlocks(seed, n, size, 1, block)
	} else {
		res = Blocks(seed, n, size, block)
	}
	total := make([]acc, b)
	for _, r := range res {
		for i := range total {
			total[i].merge(r.accs[i])
		}
	}
	return total
}

type blockResult struct{ accs []acc }

// recordsOnTape reports whether a's or b's LogProb records on an ad.Tape,
// probing with one draw from a throw-away stream.
func recordsOnTape(a, b dist.Distribution, rows, cols int) bool {
	x := draw(rand.New(rand.NewPCG(1, 2)), a, 1, rows, cols)
	return a.LogProb(x).Tape() != nil || b.LogProb(x).Tape() != nil
}

// acc accumulates per-sample terms: finite ones by count, mean and sum of
// squared deviations (merged with the pairwise formula of Chan, Golub and
// LeVeque, "Algorithms for computing the sample variance", 1983), the
// others by kind.
type acc struct {
	n                int
	mean, m2         float64
	posInf, negInf   int
	mismatch, nonNum int
}

// addRow adds terms[r], terms[r+step], ... (except where skip is true) by
// a two-pass mean and sum of squares, then merges them in.
func (a *acc) addRow(terms []float64, skip []bool, r, step int) {
	var blk acc
	var s float64
	for i := r; i < len(terms); i += step {
		t := terms[i]
		switch {
		case skip != nil && skip[i]:
		case math.IsNaN(t):
			blk.nonNum++
		case math.IsInf(t, 1):
			blk.posInf++
		case math.IsInf(t, -1):
			blk.negInf++
		default:
			blk.n++
			s += t
		}
	}
	if blk.n > 0 {
		blk.mean = s / float64(blk.n)
		for i := r; i < len(terms); i += step {
			if t := terms[i]; !math.IsNaN(t) && !math.IsInf(t, 0) && (skip == nil || !skip[i]) {
				d := t - blk.mean
				blk.m2 += d * d
			}
		}
	}
	a.merge(blk)
}

func (a *acc) merge(b acc) {
	a.posInf += b.posInf
	a.negInf += b.negInf
	a.mismatch += b.mismatch
	a.nonNum += b.nonNum
	if b.n == 0 {
		return
	}
	if a.n == 0 {
		a.n, a.mean, a.m2 = b.n, b.mean, b.m2
		return
	}
	n := a.n + b.n
	d := b.mean - a.mean
	a.mean += d * float64(b.n) / float64(n)
	a.m2 += b.m2 + d*d*float64(a.n)*float64(b.n)/float64(n)
	a.n = n
}

// errNaN is wrapped by the errors for undefined per-sample terms.
var errNaN = errors.New("a per-sample term is undefined (NaN log-density, or both densities infinite at a draw)")

// estimate turns the accumulated terms into an Estimate.
func (a acc) estimate() (Estimate, error) {
	n := a.n + a.posInf + a.negInf + a.mismatch + a.nonNum
	e := Estimate{N: n, Method: MethodMonteCarlo}
	switch {
	case a.nonNum > 0:
		return e, fmt.Errorf("%w: %d of %d draws", errNaN, a.nonNum, n)
	case a.mismatch > 0:
		e.Value = math.Inf(1)
	case a.posInf > 0 && a.negInf > 0:
		return e, fmt.Errorf("per-sample terms are +Inf at %d and -Inf at %d of %d draws", a.posInf, a.negInf, n)
	case a.posInf > 0:
		e.Value, e.StdErr = math.Inf(1), math.Inf(1)
	case a.negInf > 0:
		e.Value, e.StdErr = math.Inf(-1), math.Inf(1)
	default:
		e.Value = a.mean
		e.StdErr = math.Sqrt(a.m2 / float64(n-1) / float64(n))
	}
	return e, nil
}

// estimates converts one accumulator per batch row.
func estimates(accs []acc, what string) ([]Estimate, error) {
	out := make([]Estimate, len(accs))
	for i, a := range accs {
		e, err := a.estimate()
		if err != nil {
			return nil, fmt.Errorf("estimators: %s, batch row %d: %w", what, i, err)
		}
		out[i] = e
	}
	return out, nil
}
