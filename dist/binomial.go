package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Binomial is the binomial distribution: the number of successes in
// TotalCount independent trials with success probability p, given as Probs
// (in [0, 1]) or Logits (finite log-odds); exactly one of the two is set.
// It applies independently to each column. TotalCount holds non-negative
// integers (as float64) and broadcasts like the probability parameter.
//
// TotalCount and the value are integer-valued: LogProb, CDF and KL carry
// no derivative with respect to them (their partials are 0).
type Binomial struct{ TotalCount, Probs, Logits ad.Var }

// NewBinomial returns Binomial(totalCount, probs) with scalar parameters,
// or an error if totalCount is not a non-negative integer or probs is not
// in [0, 1].
func NewBinomial(totalCount, probs float64) (Binomial, error) {
	return BinomialOf(scalar(totalCount), scalar(probs))
}

// BinomialLogits returns the binomial distribution with scalar total count
// and log-odds, or an error naming the invalid parameter.
func BinomialLogits(totalCount, logits float64) (Binomial, error) {
	return BinomialLogitsOf(scalar(totalCount), scalar(logits))
}

// BinomialOf returns Binomial(totalCount, probs) with ad-valued
// parameters, or an error naming the first invalid element.
func BinomialOf(totalCount, probs ad.Var) (Binomial, error) {
	return checked(Binomial{TotalCount: totalCount, Probs: probs})
}

// BinomialLogitsOf returns the binomial distribution with ad-valued total
// count and log-odds, or an error naming the first invalid element.
func BinomialLogitsOf(totalCount, logits ad.Var) (Binomial, error) {
	return checked(Binomial{TotalCount: totalCount, Logits: logits})
}

// Validate checks that TotalCount holds non-negative integers, that exactly
// one of Probs and Logits is set with Probs in [0, 1] or Logits finite, and
// that the shapes broadcast.
func (d Binomial) Validate() error {
	return validateDecl("Binomial", d.TotalCount, d.Probs, d.Logits)
}

func (d Binomial) param() (ad.Var, bool) { return pickParam("Binomial", d.Probs, d.Logits) }

// Shape returns the broadcast batch size and event width.
func (d Binomial) Shape() (int, int) {
	th, _ := d.param()
	return paramShape("Binomial", d.TotalCount, th)
}

// Support returns {0, ..., TotalCount}.
func (d Binomial) Support() Support {
	return IntegerInterval{Lower: scalar(0), Upper: d.TotalCount}
}

// lchoose returns log C(n, k) through log-gamma.
func lchoose(n, k float64) float64 {
	return special.Lgamma(n+1) - special.Lgamma(k+1) - special.Lgamma(n-k+1)
}

// LogProb returns Σ_j [log C(n, k) + k log p + (n-k) log(1-p)] for each row
// (-Inf for a value outside {0, ..., n}), one fused node with partials
// k/p - (n-k)/(1-p) (probs) or k - np (logits).
func (d Binomial) LogProb(x ad.Var) ad.Var {
	th, lg := d.param()
	nv, tv := viewOf(d.TotalCount), viewOf(th)
	return fusedTerms("Binomial", "LogProb", ad.ReduceCols, x, []ad.Var{d.TotalCount, th}, func(i, j int, k float64, g []float64, _ []bool) float64 {
		n := nv.at(i, j)
		if !isCount(k) || k > n {
			return math.Inf(-1)
		}
		b := prob2Of(tv.at(i, j), lg)
		v := b.lin(k, n-k)
		if math.IsInf(v, -1) {
			return v
		}
		g[2] = b.grad(lg, k, n-k)
		return lchoose(n, k) + v
	})
}

// Sample draws n values per batch row as a free constant (gonum's
// distuv.Binomial sampler driven by rng).
func (d Binomial) Sample(rng *rand.Rand, n int) ad.Var {
	th, lg := d.param()
	b, c := d.Shape()
	nv, tv := viewOf(d.TotalCount), viewOf(th)
	return sampleGrid(b, c, n, func(bi, j int) float64 {
		return distuv.Binomial{N: nv.at(bi, j), P: prob2Of(tv.at(bi, j), lg).p, Src: rng}.Rand()
	})
}

// Mean returns n p broadcast to B x C.
func (d Binomial) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Mul(d.TotalCount, probsVar("Binomial", d.Probs, d.Logits)), b, c)
}

// Variance returns n p (1-p) broadcast to B x C.
func (d Binomial) Variance() ad.Var {
	b, c := d.Shape()
	p := probsVar("Binomial", d.Probs, d.Logits)
	return expand(ad.Mul(d.TotalCount, ad.Mul(p, complVar("Binomial", d.Probs, d.Logits))), b, c)
}

// CDF returns P(X <= x) = I_{1-p}(n-k, k+1) for k = floor(x) element-wise
// (regularized incomplete beta), with partial -(n-k) C(n, k) p^k (1-p)^(n-k-1)
// with respect to probs (times p(1-p) for logits).
func (d Binomial) CDF(x ad.Var) ad.Var {
	th, lg := d.param()
	nv, tv := viewOf(d.TotalCount), viewOf(th)
	return fusedTerms("Binomial", "CDF", ad.Elementwise, x, []ad.Var{d.TotalCount, th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		n := nv.at(i, j)
		switch {
		case xv < 0:
			return 0
		case xv >= n:
			return 1
		}
		k := math.Floor(xv)
		b := prob2Of(tv.at(i, j), lg)
		// dF/dp = -(n-k) C(n,k) p^k (1-p)^(n-k-1); for logits times p(1-p).
		if lg {
			g[2] = -math.Exp(math.Log(n-k) + lchoose(n, k) + b.lin(k+1, n-k))
		} else {
			g[2] = -math.Exp(math.Log(n-k) + lchoose(n, k) + b.lin(k, n-k-1))
		}
		switch {
		case b.p == 0:
			return 1
		case b.q == 0:
			return 0
		}
		return mathext.RegIncBeta(n-k, k+1, b.q)
	})
}

// Enumerate lists the masses of 0, ..., n for component j of batch row b.
func (d Binomial) Enumerate(b, j int) iter.Seq[MassPoint] {
	th, lg := d.param()
	bb, c := d.Shape()
	checkComponent("Binomial", b, j, bb, c)
	n := viewOf(d.TotalCount).at(b, j)
	pr := prob2Of(viewOf(th).at(b, j), lg)
	return func(yield func(MassPoint) bool) {
		for k := 0.0; k <= n; k++ {
			tail := 1.0
			if k == n {
				tail = 0
			}
			if !yield(MassPoint{K: int(k), Mass: math.Exp(lchoose(n, k) + pr.lin(k, n-k)), Tail: tail}) {
				return
			}
		}
	}
}

// Entropy returns Σ_j H(Binomial(n, p)) for each batch row, by the exact
// series -Σ_k p_k log p_k over the k that carry the mass (see
// entropySeries; O(√(np(1-p))) terms, masses in the saddle-point form,
// so that the relative accuracy holds for large n), with partial with
// respect to p
// -Σ_k p_k log p_k (k - np)/(p(1-p)) (times p(1-p) for logits) and 0 for
// the total count.
func (d Binomial) Entropy() ad.Var {
	th, lg := d.param()
	nv, tv := viewOf(d.TotalCount), viewOf(th)
	return klGrid("Binomial", []ad.Var{d.TotalCount, th}, func(i, j int, g []float64, _ []bool) float64 {
		n := nv.at(i, j)
		b := prob2Of(tv.at(i, j), lg)
		if n == 0 || b.p == 0 || b.q == 0 {
			return 0
		}
		lo, up := seriesWindow(n*b.p, math.Sqrt(n*b.p*b.q), n)
		h, dh := entropySeries(lo, up, func(k float64) (float64, float64) {
			// Score in the logit: k - np; in p it is that over p(1-p).
			return binomialLogPMFSaddle(k, n, b.p, b.q, b.lp, b.lq), k - n*b.p
		})
		if lg {
			g[1] = dh
		} else {
			g[1] = dh / (b.p * b.q)
		}
		return h
	})
}
