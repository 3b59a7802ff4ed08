package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// RelaxedBernoulli is the binary Concrete distribution (Maddison, Mnih and
// Teh 2017; Jang, Gu and Poole 2017), a continuous relaxation of
// Bernoulli(p) on the open interval (0, 1): X = σ((logit p + L)/τ) with L
// standard logistic and τ = Temperature > 0. The probability is given as
// Probs (in (0, 1)) or Logits (finite); exactly one is set. All parameters
// broadcast like a univariate family's and apply to each column.
//
// Its density, as in torch (a LogitRelaxedBernoulli pushed through the
// sigmoid), is, with y = logit x and d = logit p - τ y,
//
//	log f(x) = log τ + d - 2 softplus(d) - log x - log(1 - x).
type RelaxedBernoulli struct{ Temperature, Probs, Logits ad.Var }

// NewRelaxedBernoulli returns RelaxedBernoulli(temperature, probs) with
// scalar parameters, or an error naming the invalid one.
func NewRelaxedBernoulli(temperature, probs float64) (RelaxedBernoulli, error) {
	return RelaxedBernoulliOf(scalar(temperature), scalar(probs))
}

// RelaxedBernoulliLogits returns the relaxed Bernoulli distribution with
// scalar temperature and log-odds, or an error naming the invalid one.
func RelaxedBernoulliLogits(temperature, logits float64) (RelaxedBernoulli, error) {
	return RelaxedBernoulliLogitsOf(scalar(temperature), scalar(logits))
}

// RelaxedBernoulliOf returns RelaxedBernoulli(temperature, probs) with
// ad-valued parameters, or an error naming the first invalid element.
func RelaxedBernoulliOf(temperature, probs ad.Var) (RelaxedBernoulli, error) {
	return checked(RelaxedBernoulli{Temperature: temperature, Probs: probs})
}

// RelaxedBernoulliLogitsOf returns the relaxed Bernoulli distribution with
// ad-valued temperature and log-odds, or an error naming the first invalid
// element.
func RelaxedBernoulliLogitsOf(temperature, logits ad.Var) (RelaxedBernoulli, error) {
	return checked(RelaxedBernoulli{Temperature: temperature, Logits: logits})
}

// Validate checks that Temperature is positive, that exactly one of Probs
// and Logits is set with Probs in (0, 1) or Logits finite, and that the
// shapes broadcast.
func (d RelaxedBernoulli) Validate() error {
	return validateDecl("RelaxedBernoulli", d.Temperature, d.Probs, d.Logits)
}

func (d RelaxedBernoulli) param() (ad.Var, bool) {
	return pickParam("RelaxedBernoulli", d.Probs, d.Logits)
}

// Shape returns the broadcast batch size and event width.
func (d RelaxedBernoulli) Shape() (int, int) {
	th, _ := d.param()
	return paramShape("RelaxedBernoulli", d.Temperature, th)
}

// Support returns the unit interval (the density lives on the open
// interval).
func (RelaxedBernoulli) Support() Support { return UnitInterval() }

// logitOf returns the log-odds of cell (i, j) and the factor that turns a
// derivative with respect to the log-odds into one with respect to the
// parameter (1 for logits, 1/(p(1-p)) for probs).
func logitOf(v float64, lg bool) (float64, float64) {
	if lg {
		return v, 1
	}
	return math.Log(v) - math.Log1p(-v), 1 / (v * (1 - v))
}

// LogProb returns Σ_j log f(x_ij) for each row (-Inf where x is not in
// (0, 1)), one fused node with partials, for t = -tanh(d/2) = 1 - 2σ(d),
// ∂/∂x = -τ t/(x(1-x)) - 1/x + 1/(1-x), ∂/∂τ = 1/τ - t y and
// ∂/∂logits = t (divided by p(1-p) for probs).
func (d RelaxedBernoulli) LogProb(x ad.Var) ad.Var {
	th, lg := d.param()
	tv, pv := viewOf(d.Temperature), viewOf(th)
	return fusedTerms("RelaxedBernoulli", "LogProb", ad.ReduceCols, x, []ad.Var{d.Temperature, th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		if !(xv > 0 && xv < 1) {
			return math.Inf(-1)
		}
		tau := tv.at(i, j)
		l, dl := logitOf(pv.at(i, j), lg)
		lx, l1x := math.Log(xv), math.Log1p(-xv)
		y := lx - l1x
		dd := l - tau*y
		t := -math.Tanh(dd / 2)
		g[0] = -tau*t/(xv*(1-xv)) - 1/xv + 1/(1-xv)
		g[1] = 1/tau - t*y
		g[2] = t * dl
		return math.Log(tau) + dd - 2*special.Softplus(dd) - lx - l1x
	})
}

// CDF returns P(X <= x) = σ(τ logit x - logit p) element-wise (0 at or
// below 0, 1 at or above 1), with partials σ'·τ/(x(1-x)) for x,
// σ'·logit x for τ and -σ' for the logits (divided by p(1-p) for probs),
// σ' = σ(u)σ(-u).
func (d RelaxedBernoulli) CDF(x ad.Var) ad.Var {
	th, lg := d.param()
	tv, pv := viewOf(d.Temperature), viewOf(th)
	return fusedTerms("RelaxedBernoulli", "CDF", ad.Elementwise, x, []ad.Var{d.Temperature, th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		switch {
		case xv <= 0:
			return 0
		case xv >= 1:
			return 1
		}
		tau := tv.at(i, j)
		l, dl := logitOf(pv.at(i, j), lg)
		y := math.Log(xv) - math.Log1p(-xv)
		u := tau*y - l
		s := special.Sigmoid(u) * special.Sigmoid(-u)
		g[0] = s * tau / (xv * (1 - xv))
		g[1] = s * y
		g[2] = -s * dl
		return special.Sigmoid(u)
	})
}

// logitsVar returns the log-odds as an ad value.
func (d RelaxedBernoulli) logitsVar() ad.Var {
	th, lg := d.param()
	if lg {
		return th
	}
	return ad.Sub(ad.Log(th), ad.Log1p(ad.Neg(th)))
}

// Sample draws n values per batch row as a free constant.
func (d RelaxedBernoulli) Sample(rng *rand.Rand, n int) ad.Var {
	c := RelaxedBernoulli{Temperature: detach(d.Temperature), Probs: detachSet(d.Probs), Logits: detachSet(d.Logits)}
	return reparam.RelaxedBernoulli(rng, c.logitsVar(), c.Temperature, n)
}

// Rsample draws n values per batch row with reparam.RelaxedBernoulli,
// differentiable with respect to the probability parameter and the
// temperature.
func (d RelaxedBernoulli) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.RelaxedBernoulli(rng, d.logitsVar(), d.Temperature, n)
}
