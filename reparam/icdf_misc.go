package reparam

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Inverse-CDF samplers for the continuous Bernoulli and Kumaraswamy
// distributions. Each is one fused node whose partials are the analytic
// derivatives of the quantile function at the drawn uniform noise.

// icdfUniform draws u uniformly from the open interval (0, 1): the 53-bit
// grid of rand.Float64 shifted by half a step, so that neither end occurs
// and 1 - u is exact.
func icdfUniform(rng *rand.Rand) float64 {
	return (float64(rng.Uint64()>>11) + 0.5) / (1 << 53)
}

// icdfLogit returns log(p/(1-p)) with full relative accuracy also near
// p = ½, where it is log1p((2p-1)/(1-p)) with 2p-1 exact.
func icdfLogit(p float64) float64 {
	if p < 0.25 {
		return math.Log(p) - math.Log1p(-p)
	}
	return math.Log1p((2*p - 1) / (1 - p))
}

// ContinuousBernoulliLogits returns n pathwise draws per batch row from the
// continuous Bernoulli distribution (Loaiza-Ganem & Cunningham 2019) with
// natural parameter η = logits: an n*B x C value, row k*B+b drawing from
// row b, with values in (0, 1).
//
// A draw is the quantile x = log1p(u·expm1(η))/η of uniform noise u
// (x = u at η = 0; for η > 700, where expm1 overflows,
// x = 1 + log(u + (1-u)e^{-η})/η). Its derivative is
// ∂x/∂η = x·E(-ηx)·[(1 - x) + L(η/2) - x·L(ηx/2)]/2 with E(y) =
// expm1(y)/y and L the Langevin function, which follows from
// ∂x/∂η = -(∂F/∂η)/f for F(x) = expm1(ηx)/expm1(η) and has no
// cancellation at η = 0 (where it is x(1 - x)/2).
func ContinuousBernoulliLogits(rng *rand.Rand, logits ad.Var, n int) ad.Var {
	return continuousBernoulli(rng, logits, n, true)
}

// ContinuousBernoulliProbs is ContinuousBernoulliLogits with the parameter
// given as probs λ ∈ (0, 1), η = log(λ/(1-λ)) (computed without
// cancellation near λ = ½), and the derivative with respect to λ,
// ∂x/∂η / (λ(1-λ)).
func ContinuousBernoulliProbs(rng *rand.Rand, probs ad.Var, n int) ad.Var {
	return continuousBernoulli(rng, probs, n, false)
}

func continuousBernoulli(rng *rand.Rand, param ad.Var, n int, logits bool) ad.Var {
	u, r, c := Draw(rng, icdfUniform, n, param)
	f := ad.NewFused(r, c, ad.Elementwise, param)
	out, pp := f.Out(), f.Partial(0)
	pv := param.Value()
	pr, pc := param.Shape()
	for i := 0; i < r; i++ {
		po := (i % pr) * pc
		for j := 0; j < c; j++ {
			k := i*c + j
			v := pv[po+min(j, pc-1)]
			eta, deta := v, 1.0
			if !logits {
				eta, deta = icdfLogit(v), 1/(v*(1-v))
			}
			x := continuousBernoulliQuantile(u[k], eta)
			out[k] = x
			if pp != nil {
				pp[k] = deta * continuousBernoulliQuantileDeriv(x, eta)
			}
		}
	}
	return f.Var()
}

// continuousBernoulliQuantile returns F⁻¹(u) for natural parameter eta.
func continuousBernoulliQuantile(u, eta float64) float64 {
	switch {
	case math.Abs(eta) < 1e-280:
		return u // the O(η) correction is below the subnormal range
	case eta > 700:
		return 1 + math.Log(u+(1-u)*math.Exp(-eta))/eta
	}
	return math.Log1p(u*math.Expm1(eta)) / eta
}

// continuousBernoulliQuantileDeriv returns ∂x/∂η at the quantile x.
func continuousBernoulliQuantileDeriv(x, eta float64) float64 {
	y := -eta * x
	e := 1.0 // expm1(y)/y
	if y != 0 {
		e = math.Expm1(y) / y
	}
	return x * e * ((1 - x) + special.Langevin(eta/2) - x*special.Langevin(eta*x/2)) / 2
}

// Kumaraswamy returns n pathwise draws per batch row from the Kumaraswamy
// distribution with concentrations a = concentration1 and
// b = concentration0 (density a b x^{a-1} (1-x^a)^{b-1} on (0, 1)): an
// n*B x C value, row k*B+b drawing from row b.
//
// A draw is the quantile x = (1 - (1-u)^{1/b})^{1/a}, evaluated as
// x = exp(w/a) with w = log(1 - e^L), L = log1p(-u)/b (special.Log1mExp),
// so that neither tail loses accuracy. Its partials are ∂x/∂a = -x w/a²
// and ∂x/∂b = x L/(a b expm1(-L)).
func Kumaraswamy(rng *rand.Rand, concentration1, concentration0 ad.Var, n int) ad.Var {
	u, r, c := Draw(rng, icdfUniform, n, concentration1, concentration0)
	f := ad.NewFused(r, c, ad.Elementwise, concentration1, concentration0)
	out, pa, pb := f.Out(), f.Partial(0), f.Partial(1)
	av, bv := concentration1.Value(), concentration0.Value()
	ar, ac := concentration1.Shape()
	br, bc := concentration0.Shape()
	for i := 0; i < r; i++ {
		ao, bo := (i%ar)*ac, (i%br)*bc
		for j := 0; j < c; j++ {
			k := i*c + j
			a, b := av[ao+min(j, ac-1)], bv[bo+min(j, bc-1)]
			l := math.Log1p(-u[k]) / b
			w := special.Log1mExp(l)
			x := math.Exp(w / a)
			out[k] = x
			if pa != nil {
				pa[k] = -x * w / (a * a)
			}
			if pb != nil {
				pb[k] = x * l / (a * b * math.Expm1(-l))
			}
		}
	}
	return f.Var()
}
