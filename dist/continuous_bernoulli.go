package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// ContinuousBernoulli is the continuous Bernoulli distribution on [0, 1]
// (Loaiza-Ganem & Cunningham 2019, "The continuous Bernoulli: fixing a
// pervasive error in variational autoencoders"), applied independently to
// each column: density C(λ) λ^x (1-λ)^{1-x} with normalizer
// C(λ) = 2 atanh(1-2λ)/(1-2λ) (C(½) = 2). Exactly one of Probs (λ, in
// (0, 1)) and Logits (η = log(λ/(1-λ)), real) is set; as in torch, λ is
// not a probability and the names only mirror the Bernoulli.
//
// Everything is computed from the natural parameter η, in which the
// distribution is the exponential family e^{ηx - Ψ(η)} with
// Ψ(η) = log(expm1(η)/η) = η/2 + log(sinh(η/2)/(η/2)): the log-normalizer,
// mean ½ + L(η/2)/2, variance L'(η/2)/4 and entropy come from the
// Langevin function L (internal/special) and need no special case at
// λ = ½ (torch switches to a two-term Taylor expansion for λ in
// [0.499, 0.501]; these are accurate to rounding there and everywhere).
// From probs, η = log1p((2λ-1)/(1-λ)) keeps its relative accuracy near ½.
// Unlike torch, probs of exactly 0 or 1 are rejected rather than clamped.
type ContinuousBernoulli struct{ Probs, Logits ad.Var }

// NewContinuousBernoulli returns ContinuousBernoulli(probs) with a scalar
// parameter, or an error if probs is not in (0, 1).
func NewContinuousBernoulli(probs float64) (ContinuousBernoulli, error) {
	return ContinuousBernoulliOf(scalar(probs))
}

// ContinuousBernoulliLogits returns ContinuousBernoulli(logits) with a
// scalar parameter, or an error if logits is not finite.
func ContinuousBernoulliLogits(logits float64) (ContinuousBernoulli, error) {
	return ContinuousBernoulliLogitsOf(scalar(logits))
}

// ContinuousBernoulliOf returns ContinuousBernoulli(probs) with probs given
// as an ad value, or an error naming the first invalid element.
func ContinuousBernoulliOf(probs ad.Var) (ContinuousBernoulli, error) {
	return checked(ContinuousBernoulli{Probs: probs})
}

// ContinuousBernoulliLogitsOf returns ContinuousBernoulli(logits) with
// logits given as an ad value, or an error naming the first invalid
// element.
func ContinuousBernoulliLogitsOf(logits ad.Var) (ContinuousBernoulli, error) {
	return checked(ContinuousBernoulli{Logits: logits})
}

// param returns the parameter that is set and whether it is Logits.
func (d ContinuousBernoulli) param() (ad.Var, bool) {
	if d.Logits != (ad.Var{}) {
		return d.Logits, true
	}
	return d.Probs, false
}

// Validate checks that exactly one of Probs and Logits is set, that probs
// lie in (0, 1) or logits are finite.
func (d ContinuousBernoulli) Validate() error {
	return validateDecl("ContinuousBernoulli", d.Probs, d.Logits)
}

// Shape returns the batch size and event width of the parameter.
func (d ContinuousBernoulli) Shape() (int, int) {
	p, _ := d.param()
	return paramShape("ContinuousBernoulli", p)
}

// Support returns the unit interval [0, 1].
func (ContinuousBernoulli) Support() Support { return UnitInterval() }

// cbNatural returns η for a parameter value and dη/d(parameter).
func cbNatural(v float64, logits bool) (eta, deta float64) {
	if logits {
		return v, 1
	}
	if v < 0.25 {
		return math.Log(v) - math.Log1p(-v), 1 / (v * (1 - v))
	}
	// 2λ - 1 is exact here, so η keeps its relative accuracy near λ = ½.
	return math.Log1p((2*v - 1) / (1 - v)), 1 / (v * (1 - v))
}

// cbMean returns Ψ'(η) = ½ + L(η/2)/2, for η <= -2 as
// 1/|η| - 1/expm1(|η|) so that small means keep their relative accuracy.
func cbMean(eta float64) float64 {
	if eta <= -2 {
		return -1/eta - 1/math.Expm1(-eta)
	}
	return 0.5 + special.Langevin(eta/2)/2
}

// cbLogDensity returns ηx - Ψ(η), for |η| >= 2 as
// (x - [η > 0])η + log|η| - log1p(-e^{-|η|}), which avoids the
// cancellation of the ±η/2 terms of (x - ½)η - log(sinh(η/2)/(η/2)).
func cbLogDensity(x, eta float64) float64 {
	if math.Abs(eta) < 2 {
		return (x-0.5)*eta - special.LogSinhc(eta/2)
	}
	lead := x * eta
	if eta > 0 {
		lead = (x - 1) * eta
	}
	return lead + math.Log(math.Abs(eta)) - math.Log1p(-math.Exp(-math.Abs(eta)))
}

// cbVariance returns Ψ″(η) = L'(η/2)/4.
func cbVariance(eta float64) float64 { return special.LangevinDeriv(eta/2) / 4 }

// LogProb returns Σ_j [η x - Ψ(η)] = Σ_j [log C(λ) + x log λ + (1-x)
// log(1-λ)] for each row, as one fused node with partials η for x and
// (x - mean) dη/dθ for the parameter θ (logits or probs). Values outside
// [0, 1] get -Inf.
func (d ContinuousBernoulli) LogProb(x ad.Var) ad.Var {
	p, logits := d.param()
	return fusedCells("ContinuousBernoulli", "LogProb", ad.ReduceCols, x, []ad.Var{p}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		if !(xv >= 0 && xv <= 1) {
			return math.Inf(-1)
		}
		eta, deta := cbNatural(v[1], logits)
		g[0], g[1] = eta, (xv-cbMean(eta))*deta
		return cbLogDensity(xv, eta)
	})
}

// Sample draws n values per batch row by the inverse CDF as a free
// constant.
func (d ContinuousBernoulli) Sample(rng *rand.Rand, n int) ad.Var {
	p, logits := d.param()
	if logits {
		return reparam.ContinuousBernoulliLogits(rng, detach(p), n)
	}
	return reparam.ContinuousBernoulliProbs(rng, detach(p), n)
}

// Rsample draws n values per batch row by the inverse CDF, differentiable
// with respect to the parameter (reparam.ContinuousBernoulliLogits and
// ContinuousBernoulliProbs).
func (d ContinuousBernoulli) Rsample(rng *rand.Rand, n int) ad.Var {
	p, logits := d.param()
	if logits {
		return reparam.ContinuousBernoulliLogits(rng, p, n)
	}
	return reparam.ContinuousBernoulliProbs(rng, p, n)
}

// cbElementwise returns a B x C fused node of val(η) with partial
// dval/dη · dη/dθ.
func (d ContinuousBernoulli) cbElementwise(val func(eta float64) (float64, float64)) ad.Var {
	p, logits := d.param()
	return paramCells("ContinuousBernoulli", ad.Elementwise, densityRows, []ad.Var{p}, func(v, g *[4]float64, _ *[4]bool) float64 {
		eta, deta := cbNatural(v[0], logits)
		y, dy := val(eta)
		g[0] = dy * deta
		return y
	})
}

// Mean returns ½ + L(η/2)/2 (torch's λ/(2λ-1) + 1/(2 atanh(1-2λ))),
// B x C.
func (d ContinuousBernoulli) Mean() ad.Var {
	return d.cbElementwise(func(eta float64) (float64, float64) { return cbMean(eta), cbVariance(eta) })
}

// Variance returns L'(η/2)/4 (torch's λ(λ-1)/(1-2λ)² +
// 1/(2 atanh(1-2λ))²), B x C, with derivative L″(η/2)/8.
func (d ContinuousBernoulli) Variance() ad.Var {
	return d.cbElementwise(func(eta float64) (float64, float64) {
		return cbVariance(eta), special.LangevinDeriv2(eta/2) / 8
	})
}

// Entropy returns Σ_j [Ψ(η) - η·mean] = -Σ_j T(η/2) for each batch row,
// where T(s) = s L(s) - log(sinh(s)/s) (special.LogSinhcTransform) is
// evaluated without cancellation; the derivative is -η·variance.
func (d ContinuousBernoulli) Entropy() ad.Var {
	p, logits := d.param()
	return paramCells("ContinuousBernoulli", ad.ReduceCols, densityRows, []ad.Var{p}, func(v, g *[4]float64, need *[4]bool) float64 {
		eta, deta := cbNatural(v[0], logits)
		if need[0] {
			g[0] = -eta * cbVariance(eta) * deta
		}
		return -special.LogSinhcTransform(eta / 2)
	})
}

// cbCDF returns F(x) = expm1(ηx)/expm1(η) for 0 <= x <= 1, written as
// e^{η(x-1)} expm1(-ηx)/expm1(-η) for η > 0 so that nothing overflows.
func cbCDF(x, eta float64) float64 {
	switch {
	case math.Abs(eta) < 1e-280:
		return x
	case eta > 0:
		return math.Exp(eta*(x-1)) * math.Expm1(-eta*x) / math.Expm1(-eta)
	}
	return math.Expm1(eta*x) / math.Expm1(eta)
}

// CDF returns P(X <= x) = expm1(ηx)/expm1(η) element-wise (x at η = 0),
// with partials the density for x and
// F(x)·[(x - 1) + x L(ηx/2) - L(η/2)]/2 · dη/dθ for the parameter (from
// ∂ log F/∂η = x/(1 - e^{-ηx}) - 1/(1 - e^{-η}), rewritten with the
// Langevin function so that η = 0 needs no special case). Values below 0
// give 0 and above 1 give 1.
func (d ContinuousBernoulli) CDF(x ad.Var) ad.Var {
	p, logits := d.param()
	return fusedCells("ContinuousBernoulli", "CDF", ad.Elementwise, x, []ad.Var{p}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		switch {
		case xv <= 0:
			return 0
		case xv >= 1:
			return 1
		}
		eta, deta := cbNatural(v[1], logits)
		cdf := cbCDF(xv, eta)
		if need[0] {
			g[0] = math.Exp(cbLogDensity(xv, eta))
		}
		if need[1] {
			g[1] = cdf * ((xv - 1) + xv*special.Langevin(eta*xv/2) - special.Langevin(eta/2)) / 2 * deta
		}
		return cdf
	})
}
