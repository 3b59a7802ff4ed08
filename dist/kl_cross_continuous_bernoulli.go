package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klContinuousBernoulliExponential)
	RegisterKL(klContinuousBernoulliNormal)
	RegisterKL(klContinuousBernoulliUniform)
	registerInfinite[ContinuousBernoulli, Pareto]()
}

// The continuous Bernoulli CB(η) (natural parameter η = logits, s = η/2)
// has log-density ηx - Ψ(η) on [0, 1] with Ψ(η) = s + LogSinhc(s), mean
// μ = ½ + L(s)/2, variance V = L'(s)/4 (L the Langevin function) and
// entropy H = -T(s), T = special.LogSinhcTransform >= 0; ∂H/∂η = -ηV and
// ∂μ/∂η = V (continuous_bernoulli.go). A side given by probs λ has
// η = logit λ and the partial is multiplied by dη/dλ = 1/(λ(1-λ)).

// cbCross holds those quantities for one parameter value.
type cbCross struct {
	eta, deta, s, mu, v float64
}

func newCBCross(param float64, logits bool) cbCross {
	eta, deta := cbNatural(param, logits)
	return cbCross{eta: eta, deta: deta, s: eta / 2, mu: cbMean(eta), v: cbVariance(eta)}
}

// klContinuousBernoulliExponential is KL(CB(η) || Exponential(r)), summed
// over columns (expTargetCross):
//
//	KL = -H(p) - log r + r μ = C + LogRatioM1(log(rμ)),
//
// with C = 1 + log μ + T(s), the KL from p to the exponential distribution
// with its mean. For η <= -2, where p is an exponential distribution of
// rate λ = -η truncated to [0, 1] and C → 0 as λ grows, C is
// -log1p(-e^{-λ}) - LogRatioM1(log1p(-u)) with u = λ/expm1(λ) = 1 - λμ
// (two non-negative terms), which avoids the cancellation of the log λ
// terms of log μ and T. torch's _kl_continuous_bernoulli_exponential is
// the first line. Partials: ∂η = V(η + r), ∂r = μ - 1/r.
func klContinuousBernoulliExponential(p ContinuousBernoulli, q Exponential) (ad.Var, error) {
	pp, logits := p.param()
	return klCross("KL(ContinuousBernoulli || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		c := newCBCross(x[0], logits)
		r := x[1]
		var ce float64
		if c.eta <= -2 {
			lam := -c.eta
			u := lam / math.Expm1(lam)
			ce = -math.Log1p(-math.Exp(-lam)) - special.LogRatioM1(math.Log1p(-u))
		} else {
			ce = 1 + math.Log(c.mu) + special.LogSinhcTransform(c.s)
		}
		kl, _, dr := expTargetCross(ce, c.mu, math.Log(c.mu), r)
		if grad {
			d[0] = c.v * (c.eta + r) * c.deta
			d[1] = dr
		}
		return kl
	}, pp, q.Rate), nil
}

// klContinuousBernoulliNormal is KL(CB(η) || N(m, σ)), summed over columns
// (normalTargetCross), with the negentropy
// J = ½ log(2πe V) - H = ½ log(2πV) + ½ + T(s), ½ log(πe/6) at η = 0
// (the uniform distribution) and ½ log 2π - ½ as |η| → ∞:
//
//	KL = J + ½ LogRatioM1(log(V/σ²)) + ½ ((μ - m)/σ)².
//
// torch's _kl_continuous_bernoulli_normal is the same divergence.
// Partials: ∂η = ηV + (μ-m)V/σ² + ∂V/∂η/(2σ²), ∂V/∂η = L″(s)/8.
func klContinuousBernoulliNormal(p ContinuousBernoulli, q Normal) (ad.Var, error) {
	pp, logits := p.param()
	return klCross("KL(ContinuousBernoulli || Normal)", func(x, d *[4]float64, grad bool) float64 {
		c := newCBCross(x[0], logits)
		j := 0.5*math.Log(2*math.Pi*c.v) + 0.5 + special.LogSinhcTransform(c.s)
		kl, cmu, cv, dm, ds := normalTargetCross(j, c.mu, c.v, x[1], x[2])
		if grad {
			d[0] = (c.eta*c.v + cmu*c.v + cv*special.LangevinDeriv2(c.s)/8) * c.deta
			d[1], d[2] = dm, ds
		}
		return kl
	}, pp, q.Loc, q.Scale), nil
}

// klContinuousBernoulliUniform is KL(CB(η) || U(l, h)), summed over
// columns: +Inf (zero partials) in rows where [0, 1] is not inside
// [l, h], else
//
//	KL = -H(p) + log(h - l) = T(s) + log1p((h - 1) - l).
//
// It is finite for U(0, 1), where torch's
// _kl_continuous_bernoulli_uniform gives +Inf (its test uses >= and <=).
// Partials: ∂η = ηV, ∂l = -1/(h-l), ∂h = 1/(h-l).
func klContinuousBernoulliUniform(p ContinuousBernoulli, q Uniform) (ad.Var, error) {
	pp, logits := p.param()
	return klCross("KL(ContinuousBernoulli || Uniform)", func(x, d *[4]float64, grad bool) float64 {
		l, h := x[1], x[2]
		if l > 0 || h < 1 {
			return math.Inf(1)
		}
		c := newCBCross(x[0], logits)
		kl := special.LogSinhcTransform(c.s) + math.Log1p((h-1)-l)
		if grad {
			w := h - l
			d[0] = c.eta * c.v * c.deta
			d[1] = -1 / w
			d[2] = 1 / w
		}
		return kl
	}, pp, q.Low, q.High), nil
}

// klBetaContinuousBernoulli is KL(Beta(a, b) || CB(η)), summed over
// columns (registered in kl_cross_beta.go):
//
//	KL = -H(p) - η E X + Ψ(η)
//	   = KL(Beta(a, b) || Beta(1, 1)) + LogSinhc(s) - 2s (a - b)/(2(a + b)),
//
// with the first term as in klBetaUniform (negEntropyBetaCross) and Ψ(η) - ημ_p = LogSinhc(s) - η(μ_p - ½), μ_p - ½ =
// (a - b)/(2(a+b)) formed from the exact difference: every term is
// accurate as p and q approach U(0, 1) = Beta(1, 1) = CB(½). torch's
// _kl_beta_continuous_bernoulli is the first line. Partials:
// ∂a = -∂H/∂a - η ∂μ_p/∂a (likewise b), ∂η = μ_q - μ_p.
func klBetaContinuousBernoulli(p Beta, q ContinuousBernoulli) (ad.Var, error) {
	qp, logits := q.param()
	return klCross("KL(Beta || ContinuousBernoulli)", func(x, d *[4]float64, grad bool) float64 {
		a, b := x[0], x[1]
		c := newCBCross(x[2], logits)
		s := a + b
		kl := negEntropyBetaCross(a, b) + special.LogSinhc(c.s) - c.eta*(a-b)/(2*s)
		if grad {
			ts := (s - 2) * special.Trigamma(s)
			s2 := s * s
			d[0] = (a-1)*special.Trigamma(a) - ts - c.eta*b/s2
			d[1] = (b-1)*special.Trigamma(b) - ts + c.eta*a/s2
			d[2] = (c.mu - a/s) * c.deta
		}
		return kl
	}, p.Concentration1, p.Concentration0, qp), nil
}

// klUniformContinuousBernoulli is KL(U(l, h) || CB(η)), summed over
// columns (registered in kl_cross_uniform.go): +Inf (zero partials) in
// rows where [l, h] is not inside [0, 1], else
//
//	KL = -log w - η(l+h)/2 + Ψ(η) = -log1p(-(l + (1-h))) + LogSinhc(s) - s(l + (h - 1)),
//
// finite also for l = 0 or h = 1, where torch's
// _kl_uniform_continuous_bernoulli gives +Inf; it keeps its relative
// accuracy as p and q approach U(0, 1) = CB(½). Partials:
// ∂η = μ_q - (l+h)/2, ∂l = 1/w - η/2, ∂h = -1/w - η/2.
func klUniformContinuousBernoulli(p Uniform, q ContinuousBernoulli) (ad.Var, error) {
	qp, logits := q.param()
	return klCross("KL(Uniform || ContinuousBernoulli)", func(x, d *[4]float64, grad bool) float64 {
		l, h := x[0], x[1]
		if l < 0 || h > 1 {
			return math.Inf(1)
		}
		c := newCBCross(x[2], logits)
		kl := -math.Log1p(-(l + (1 - h))) + special.LogSinhc(c.s) - c.s*(l+(h-1))
		if grad {
			w := h - l
			d[0] = 1/w - c.eta/2
			d[1] = -1/w - c.eta/2
			d[2] = (c.mu - (l+h)/2) * c.deta
		}
		return kl
	}, p.Low, p.High, qp), nil
}
