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

// NegativeBinomial is the negative binomial distribution with torch's
// convention: the number of successes k = 0, 1, 2, ... before TotalCount
// failures in independent trials with success probability p,
// P(X = k) = Γ(k+r)/(Γ(r) k!) (1-p)^r p^k with r = TotalCount > 0 (real
// values allowed). The probability is given as Probs (in [0, 1)) or Logits
// (finite log-odds); exactly one of the two is set. It applies
// independently to each column, and TotalCount broadcasts like the
// probability.
//
// The value is discrete: LogProb and CDF carry no derivative with respect
// to it (its partial is 0); they do carry one with respect to TotalCount.
type NegativeBinomial struct{ TotalCount, Probs, Logits ad.Var }

// NewNegativeBinomial returns NegativeBinomial(totalCount, probs) with
// scalar parameters, or an error if totalCount is not positive or probs is
// not in [0, 1).
func NewNegativeBinomial(totalCount, probs float64) (NegativeBinomial, error) {
	return NegativeBinomialOf(scalar(totalCount), scalar(probs))
}

// NegativeBinomialLogits returns the negative binomial distribution with
// scalar total count and log-odds, or an error naming the invalid
// parameter.
func NegativeBinomialLogits(totalCount, logits float64) (NegativeBinomial, error) {
	return NegativeBinomialLogitsOf(scalar(totalCount), scalar(logits))
}

// NegativeBinomialOf returns NegativeBinomial(totalCount, probs) with
// ad-valued parameters, or an error naming the first invalid element.
func NegativeBinomialOf(totalCount, probs ad.Var) (NegativeBinomial, error) {
	return checked(NegativeBinomial{TotalCount: totalCount, Probs: probs})
}

// NegativeBinomialLogitsOf returns the negative binomial distribution with
// ad-valued total count and log-odds, or an error naming the first invalid
// element.
func NegativeBinomialLogitsOf(totalCount, logits ad.Var) (NegativeBinomial, error) {
	return checked(NegativeBinomial{TotalCount: totalCount, Logits: logits})
}

func probClosedOpen(x float64) bool { return x >= 0 && x < 1 }

// Validate checks that TotalCount is positive and finite, that exactly one
// of Probs and Logits is set with Probs in [0, 1) or Logits finite, and
// that the shapes broadcast.
func (d NegativeBinomial) Validate() error {
	return validateDecl("NegativeBinomial", d.TotalCount, d.Probs, d.Logits)
}

func (d NegativeBinomial) param() (ad.Var, bool) {
	return pickParam("NegativeBinomial", d.Probs, d.Logits)
}

// Shape returns the broadcast batch size and event width.
func (d NegativeBinomial) Shape() (int, int) {
	th, _ := d.param()
	return paramShape("NegativeBinomial", d.TotalCount, th)
}

// Support returns {0, 1, 2, ...}.
func (NegativeBinomial) Support() Support { return NonNegativeInteger() }

// digammaDiff returns ψ(x+k) - ψ(x) for a non-negative integer k: the sum
// Σ_{m<k} 1/(x+m) when k is small (no cancellation), else the digamma
// difference.
func digammaDiff(x, k float64) float64 {
	if k <= 64 {
		var s float64
		for m := 0.0; m < k; m++ {
			s += 1 / (x + m)
		}
		return s
	}
	return special.Digamma(x+k) - special.Digamma(x)
}

// nbLogPMF returns log Γ(k+r) - log Γ(r) - log k! + r log(1-p) + k log p.
func nbLogPMF(k, r float64, b prob2) float64 {
	v := b.lin(k, r)
	if math.IsInf(v, -1) {
		return v
	}
	return special.Lgamma(k+r) - special.Lgamma(r) - special.Lgamma(k+1) + v
}

// nbLogPMFSaddle is nbLogPMF in the saddle-point form of entropySeries,
// through P(k) = r/(k+r) · Binomial(k; k+r, p) (C(k+r-1, k) =
// r/(k+r) · C(k+r, k)), so that it keeps its absolute accuracy for
// large r and k.
func nbLogPMFSaddle(k, r float64, b prob2) float64 {
	if k == 0 {
		return r * b.lq
	}
	if b.p == 0 {
		return math.Inf(-1)
	}
	return -math.Log1p(k/r) + binomialLogPMFSaddle(k, k+r, b.p, b.q, b.lp, b.lq)
}

// LogProb returns Σ_j log P(X = k_j) for each row (-Inf for a value that is
// not a non-negative integer), one fused node with partials
// ψ(k+r) - ψ(r) + log(1-p) for the total count and k/p - r/(1-p) (probs) or
// k(1-p) - rp (logits).
func (d NegativeBinomial) LogProb(x ad.Var) ad.Var {
	th, lg := d.param()
	rv, tv := viewOf(d.TotalCount), viewOf(th)
	return fusedTerms("NegativeBinomial", "LogProb", ad.ReduceCols, x, []ad.Var{d.TotalCount, th}, func(i, j int, k float64, g []float64, need []bool) float64 {
		if !isCount(k) {
			return math.Inf(-1)
		}
		r := rv.at(i, j)
		b := prob2Of(tv.at(i, j), lg)
		v := nbLogPMF(k, r, b)
		if math.IsInf(v, -1) {
			return v
		}
		if need[1] {
			g[1] = digammaDiff(r, k) + b.lq
		}
		g[2] = b.grad(lg, k, r)
		return v
	})
}

// Sample draws n values per batch row as a free constant, as a
// Gamma-Poisson mixture: Poisson(λ) with λ ~ Gamma(r, rate (1-p)/p).
func (d NegativeBinomial) Sample(rng *rand.Rand, n int) ad.Var {
	th, lg := d.param()
	b, c := d.Shape()
	rv, tv := viewOf(d.TotalCount), viewOf(th)
	return sampleGrid(b, c, n, func(bi, j int) float64 {
		pr := prob2Of(tv.at(bi, j), lg)
		if pr.p == 0 {
			return 0
		}
		lam := distuv.Gamma{Alpha: rv.at(bi, j), Beta: pr.q / pr.p, Src: rng}.Rand()
		return samplePoisson(rng, lam)
	})
}

// Mean returns r p/(1-p) broadcast to B x C.
func (d NegativeBinomial) Mean() ad.Var {
	b, c := d.Shape()
	p, q := probsVar("NegativeBinomial", d.Probs, d.Logits), complVar("NegativeBinomial", d.Probs, d.Logits)
	return expand(ad.Div(ad.Mul(d.TotalCount, p), q), b, c)
}

// Variance returns r p/(1-p)² broadcast to B x C.
func (d NegativeBinomial) Variance() ad.Var {
	b, c := d.Shape()
	p, q := probsVar("NegativeBinomial", d.Probs, d.Logits), complVar("NegativeBinomial", d.Probs, d.Logits)
	return expand(ad.Div(ad.Mul(d.TotalCount, p), ad.Square(q)), b, c)
}

// CDF returns P(X <= x) = I_{1-p}(r, k+1) for k = floor(x) element-wise
// (regularized incomplete beta; 0 below 0). The partial with respect to p
// is -(1-p)^(r-1) p^k / B(r, k+1) (times p(1-p) for logits); the partial
// with respect to r is Σ_{i<=k} P(X = i)(ψ(i+r) - ψ(r) + log(1-p)), summed
// directly when k is below the mode and as minus the complementary sum
// over i > k (the full sum is 0) otherwise.
func (d NegativeBinomial) CDF(x ad.Var) ad.Var {
	th, lg := d.param()
	rv, tv := viewOf(d.TotalCount), viewOf(th)
	return fusedTerms("NegativeBinomial", "CDF", ad.Elementwise, x, []ad.Var{d.TotalCount, th}, func(i, j int, xv float64, g []float64, need []bool) float64 {
		if xv < 0 {
			return 0
		}
		k, r := math.Floor(xv), rv.at(i, j)
		b := prob2Of(tv.at(i, j), lg)
		if b.p == 0 {
			return 1
		}
		lbeta := special.Lbeta(r, k+1)
		if lg {
			g[2] = -math.Exp(b.lin(k+1, r) - lbeta)
		} else {
			g[2] = -math.Exp(b.lin(k, r-1) - lbeta)
		}
		if need[1] {
			g[1] = nbCDFdr(k, r, b)
		}
		return mathext.RegIncBeta(r, k+1, b.q)
	})
}

// nbCDFdr returns ∂/∂r P(X <= k) for X ~ NB(r, p).
func nbCDFdr(k, r float64, b prob2) float64 {
	mode := 0.0
	if r > 1 {
		mode = math.Floor(b.p * (r - 1) / b.q)
	}
	var acc kahan
	if k <= mode {
		lpm := nbLogPMF(0, r, b)
		h := 0.0 // ψ(i+r) - ψ(r)
		for i := 0.0; i <= k; i++ {
			acc.add(math.Exp(lpm) * (h + b.lq))
			lpm += b.lp + math.Log((i+r)/(i+1))
			h += 1 / (i + r)
		}
		return acc.sum()
	}
	// -Σ_{i>k} P(X = i)(ψ(i+r) - ψ(r) + log(1-p)). For m >= 1 the mass
	// P(X = i+m) <= P(X = i) ρ^m with ρ = p max(1, (i+r)/(i+1)), and
	// |ψ(i+m+r) - ψ(r) + log(1-p)| <= H + m/(i+r) with H the current
	// factor, so the rest is at most
	// P(X = i) (H ρ/(1-ρ) + ρ/((1-ρ)²(i+r))); stop when that is below
	// 1e-17 of the sum so far.
	i := k + 1
	lpm := nbLogPMF(i, r, b)
	h := digammaDiff(r, i)
	for n := 0; n < 1<<26; n++ {
		m := math.Exp(lpm)
		hh := h + b.lq
		acc.add(m * hh)
		rho := b.p * math.Max(1, (i+r)/(i+1))
		if rho < 1 {
			rest := m * (math.Abs(hh)*rho/(1-rho) + rho/((1-rho)*(1-rho)*(i+r)))
			if rest <= 1e-17*math.Abs(acc.sum()) || rest == 0 {
				break
			}
		}
		lpm += b.lp + math.Log((i+r)/(i+1))
		h += 1 / (i + r)
		i++
	}
	return -acc.sum()
}

// Enumerate lists the masses of k = 0, 1, 2, ... for component j of batch
// row b. The ratio P(X = i+1)/P(X = i) = p(i+r)/(i+1) is at most
// ρ = p max(1, (k+1+r)/(k+2)) for i > k, so once ρ < 1 the tail bound is
// P(X = k) · p(k+r)/(k+1) / (1 - ρ); before that it is 1. The enumeration
// ends when the bound is 0.
func (d NegativeBinomial) Enumerate(b, j int) iter.Seq[MassPoint] {
	th, lg := d.param()
	bb, c := d.Shape()
	checkComponent("NegativeBinomial", b, j, bb, c)
	r := viewOf(d.TotalCount).at(b, j)
	pr := prob2Of(viewOf(th).at(b, j), lg)
	return func(yield func(MassPoint) bool) {
		for k := 0; ; k++ {
			kf := float64(k)
			m := math.Exp(nbLogPMF(kf, r, pr))
			tail := 1.0
			rho := pr.p * math.Max(1, (kf+1+r)/(kf+2))
			if rho < 1 {
				tail = m * (pr.p * (kf + r) / (kf + 1)) / (1 - rho)
			}
			if !yield(MassPoint{K: k, Mass: m, Tail: tail}) || tail == 0 {
				return
			}
		}
	}
}

// Entropy returns Σ_j H(NegativeBinomial(r, p)) for each batch row, by the
// exact series -Σ_k p_k log p_k over the k that carry the mass (see
// entropySeries; the window is widened by 60/(-log p) for the geometric
// tail), with partials -Σ_k p_k log p_k ∂ log p_k: ψ(k+r) - ψ(r) + log(1-p)
// for the total count and k/p - r/(1-p) for probs (times p(1-p) for logits).
// The masses are in the saddle-point form (nbLogPMFSaddle), so the relative
// accuracy holds for large r (checked against mpmath to r = 2.5e5).
func (d NegativeBinomial) Entropy() ad.Var {
	th, lg := d.param()
	rv, tv := viewOf(d.TotalCount), viewOf(th)
	return klGrid("NegativeBinomial", []ad.Var{d.TotalCount, th}, func(i, j int, g []float64, need []bool) float64 {
		r := rv.at(i, j)
		b := prob2Of(tv.at(i, j), lg)
		if b.p == 0 {
			return 0
		}
		mean, sd := r*b.p/b.q, math.Sqrt(r*b.p)/b.q
		lo, up := seriesWindow(mean, sd, math.Inf(1))
		up += math.Ceil(60 / -b.lp)
		var h, dr, dp float64
		psi := digammaDiff(r, lo) // ψ(k+r) - ψ(r), stepped with k
		for k := lo; k <= up; k++ {
			lp := nbLogPMFSaddle(k, r, b)
			if !math.IsInf(lp, -1) {
				t := math.Exp(lp) * lp
				h -= t
				dr -= t * (psi + b.lq)
				dp -= t * b.grad(lg, k, r)
			}
			psi += 1 / (r + k)
		}
		g[0], g[1] = dr, dp
		return h
	})
}
