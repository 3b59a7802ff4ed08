package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Geometric is the geometric distribution with torch's convention: the
// number of failures k = 0, 1, 2, ... before the first success in
// independent trials with success probability p, P(X = k) = (1-p)^k p. The
// probability is given as Probs (in (0, 1]) or Logits (finite log-odds);
// exactly one of the two is set. It applies independently to each column.
//
// The value is discrete: LogProb and CDF carry no derivative with respect
// to it (its partial is 0).
type Geometric struct{ Probs, Logits ad.Var }

// NewGeometric returns Geometric(probs) with a scalar probability, or an
// error if probs is not in (0, 1].
func NewGeometric(probs float64) (Geometric, error) { return GeometricOf(scalar(probs)) }

// GeometricLogits returns the geometric distribution with scalar log-odds,
// or an error if logits is not finite.
func GeometricLogits(logits float64) (Geometric, error) { return GeometricLogitsOf(scalar(logits)) }

// GeometricOf returns Geometric(probs) with probabilities given as an ad
// value, or an error naming the first invalid element.
func GeometricOf(probs ad.Var) (Geometric, error) {
	return checked(Geometric{Probs: probs})
}

// GeometricLogitsOf returns the geometric distribution with log-odds given
// as an ad value, or an error naming the first invalid element.
func GeometricLogitsOf(logits ad.Var) (Geometric, error) {
	return checked(Geometric{Logits: logits})
}

func probOpenClosed(x float64) bool { return x > 0 && x <= 1 }

// Validate checks that exactly one of Probs and Logits is set, that Probs
// lies in (0, 1] and that Logits is finite.
func (d Geometric) Validate() error {
	return validateDecl("Geometric", d.Probs, d.Logits)
}

func (d Geometric) param() (ad.Var, bool) { return pickParam("Geometric", d.Probs, d.Logits) }

// Shape returns the batch size and event width of the parameter.
func (d Geometric) Shape() (int, int) {
	th, _ := d.param()
	return paramShape("Geometric", th)
}

// Support returns {0, 1, 2, ...}.
func (Geometric) Support() Support { return NonNegativeInteger() }

// LogProb returns Σ_j [k log(1-p) + log p] for each row (-Inf for a value
// that is not a non-negative integer), one fused node with partials
// 1/p - k/(1-p) (probs) or (1-p) - kp (logits).
func (d Geometric) LogProb(x ad.Var) ad.Var {
	th, lg := d.param()
	tv := viewOf(th)
	return fusedTerms("Geometric", "LogProb", ad.ReduceCols, x, []ad.Var{th}, func(i, j int, k float64, g []float64, _ []bool) float64 {
		if !isCount(k) {
			return math.Inf(-1)
		}
		b := prob2Of(tv.at(i, j), lg)
		v := b.lin(1, k)
		if !math.IsInf(v, -1) {
			g[1] = b.grad(lg, 1, k)
		}
		return v
	})
}

// Sample draws n values per batch row as a free constant by inversion:
// floor(log U / log(1-p)) for U uniform on (0, 1].
func (d Geometric) Sample(rng *rand.Rand, n int) ad.Var {
	th, lg := d.param()
	b, c := d.Shape()
	tv := viewOf(th)
	return sampleGrid(b, c, n, func(bi, j int) float64 {
		pr := prob2Of(tv.at(bi, j), lg)
		u := 1 - rng.Float64()
		if pr.q == 0 {
			return 0
		}
		return math.Floor(math.Log(u) / pr.lq)
	})
}

// Mean returns (1-p)/p broadcast to B x C.
func (d Geometric) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Div(complVar("Geometric", d.Probs, d.Logits), probsVar("Geometric", d.Probs, d.Logits)), b, c)
}

// Variance returns (1-p)/p² broadcast to B x C.
func (d Geometric) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Div(complVar("Geometric", d.Probs, d.Logits), ad.Square(probsVar("Geometric", d.Probs, d.Logits))), b, c)
}

// Entropy returns Σ_j -(p log p + (1-p) log(1-p))/p for each batch row
// (the Bernoulli entropy per expected trial), with 0 log 0 = 0.
func (d Geometric) Entropy() ad.Var {
	th, lg := d.param()
	tv := viewOf(th)
	return klGrid("Geometric", []ad.Var{th}, func(i, j int, g []float64, _ []bool) float64 {
		b := prob2Of(tv.at(i, j), lg)
		hb := -b.lin(b.p, b.q)
		// d/dp [hb/p] = hb'/p - hb/p², hb' = log((1-p)/p).
		dp := 0.0
		if b.q > 0 {
			dp = -(b.lp-b.lq)/b.p - hb/(b.p*b.p)
		} else {
			dp = math.Inf(-1)
		}
		g[0] = b.dParam(lg, dp)
		return hb / b.p
	})
}

// CDF returns P(X <= x) = 1 - (1-p)^(k+1) for k = floor(x) element-wise
// (0 below 0), computed as -expm1((k+1) log(1-p)), with partial
// (k+1)(1-p)^k (probs; times p(1-p) for logits).
func (d Geometric) CDF(x ad.Var) ad.Var {
	th, lg := d.param()
	tv := viewOf(th)
	return fusedTerms("Geometric", "CDF", ad.Elementwise, x, []ad.Var{th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		if xv < 0 {
			return 0
		}
		k := math.Floor(xv)
		b := prob2Of(tv.at(i, j), lg)
		g[1] = b.dParam(lg, (k+1)*math.Exp(b.lin(0, k)))
		return -math.Expm1(b.lin(0, k+1))
	})
}

// Enumerate lists the masses p(1-p)^k of k = 0, 1, 2, ... for component j
// of batch row b, with the exact tail (1-p)^(k+1); it ends when the tail
// underflows to 0.
func (d Geometric) Enumerate(b, j int) iter.Seq[MassPoint] {
	th, lg := d.param()
	bb, c := d.Shape()
	checkComponent("Geometric", b, j, bb, c)
	pr := prob2Of(viewOf(th).at(b, j), lg)
	return func(yield func(MassPoint) bool) {
		for k := 0; ; k++ {
			kf := float64(k)
			tail := math.Exp(pr.lin(0, kf+1))
			if !yield(MassPoint{K: k, Mass: math.Exp(pr.lin(1, kf)), Tail: tail}) || tail == 0 {
				return
			}
		}
	}
}
