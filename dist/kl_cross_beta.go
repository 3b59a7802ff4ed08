package dist

import (
	"math"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klBetaExponential)
	RegisterKL(klBetaGamma)
	RegisterKL(klBetaNormal)
	RegisterKL(klBetaUniform)
	RegisterKL(klBetaLaplace)
	RegisterKL(klBetaContinuousBernoulli)
	registerInfinite[Beta, Pareto]()
}

// betaCross holds the moments of Beta(a, b) that the cross pairs use,
// with s = a + b, mean mu = a/s, variance v = ab/(s²(s+1)), the negentropy
// j = ½ log(2πe v) - H (special.BetaNegentropy, accurate for large shapes)
// and -∂H/∂a, -∂H/∂b = (a-1)ψ₁(a) - (s-2)ψ₁(s), (b-1)ψ₁(b) - (s-2)ψ₁(s).
type betaCross struct {
	a, b, s, mu, v, j float64
	nha, nhb          float64 // -∂H/∂a, -∂H/∂b (when grad)
}

func newBetaCross(a, b float64, grad bool) betaCross {
	s := a + b
	bc := betaCross{a: a, b: b, s: s, mu: a / s, v: a * b / (s * s * (s + 1)), j: special.BetaNegentropy(a, b)}
	if grad {
		ts := (s - 2) * special.Trigamma(s)
		bc.nha = (a-1)*special.Trigamma(a) - ts
		bc.nhb = (b-1)*special.Trigamma(b) - ts
	}
	return bc
}

// dmu returns ∂mu/∂a, ∂mu/∂b.
func (bc betaCross) dmu() (float64, float64) {
	s2 := bc.s * bc.s
	return bc.b / s2, -bc.a / s2
}

// dv returns ∂v/∂a, ∂v/∂b.
func (bc betaCross) dv() (float64, float64) {
	t := 2/bc.s + 1/(bc.s+1)
	return bc.v * (1/bc.a - t), bc.v * (1/bc.b - t)
}

// expConst returns 1 + log mu - H = ½ + ½ log(a(s+1)/(2πb)) + j, the KL
// from Beta(a, b) to the exponential distribution with its mean.
func (bc betaCross) expConst() float64 {
	return 0.5 + 0.5*math.Log(bc.a*(bc.s+1)/(2*math.Pi*bc.b)) + bc.j
}

// klBetaExponential is KL(Beta(a, b) || Exponential(r)), summed over
// columns: with the mean a/s (expTargetCross),
//
//	KL = -H(p) - log r + r a/s = C + LogRatioM1(log(r a/s)),
//
// where C = 1 + log(a/s) - H(p) = ½ + ½ log(a(s+1)/(2πb)) + J(a, b) uses
// the Beta negentropy J (special.BetaNegentropy), so that no terms of
// size s log s cancel for large shapes. torch's _kl_beta_exponential is
// the first line.
func klBetaExponential(p Beta, q Exponential) (ad.Var, error) {
	return klCross("KL(Beta || Exponential)", func(x, d *[4]float64, grad bool) float64 {
		bc := newBetaCross(x[0], x[1], grad)
		r := x[2]
		kl, cmu, dr := expTargetCross(bc.expConst(), bc.mu, math.Log(bc.mu), r)
		if grad {
			ma, mb := bc.dmu()
			d[0] = bc.nha + cmu*ma
			d[1] = bc.nhb + cmu*mb
			d[2] = dr
		}
		return kl
	}, p.Concentration1, p.Concentration0, q.Rate), nil
}

// klBetaGamma is KL(Beta(a, b) || Gamma(c, r)), summed over columns: with
// E X = a/s and E log X = ψ(a) - ψ(s) (gammaTargetCross),
//
//	KL = -H(p) + log Γ(c) - c log r - (c-1)(ψ(a) - ψ(s)) + r a/s
//	   = c LogRatioM1(log(r a/(cs))) + C + Λ(c) + (c-1) Δ,
//
// with C as in klBetaExponential and Δ = log(a/s) - ψ(a) + ψ(s)
// = (log a - ψ(a)) - (log s - ψ(s)) >= 0 (special.LogMinusDigamma).
// torch's _kl_beta_gamma is the first line. Partials:
// ∂c = ψ(c) - log r - E log X, ∂r = a/s - c/r, and for a, b -∂H plus
// r ∂mean - (c-1) ∂E log X, ∂E log X/∂a = ψ₁(a) - ψ₁(s),
// ∂E log X/∂b = -ψ₁(s).
func klBetaGamma(p Beta, q Gamma) (ad.Var, error) {
	return klCross("KL(Beta || Gamma)", func(x, d *[4]float64, grad bool) float64 {
		bc := newBetaCross(x[0], x[1], grad)
		c, r := x[2], x[3]
		var l float64
		if grad {
			l = special.Digamma(bc.a) - special.Digamma(bc.s)
		}
		delta := special.LogMinusDigamma(bc.a) - special.LogMinusDigamma(bc.s)
		kl, cmu, cl, dc, dr := gammaTargetCross(bc.expConst(), bc.mu, math.Log(bc.mu), l, delta, c, r)
		if grad {
			ma, mb := bc.dmu()
			ts := special.Trigamma(bc.s)
			d[0] = bc.nha + cmu*ma + cl*(special.Trigamma(bc.a)-ts)
			d[1] = bc.nhb + cmu*mb - cl*ts
			d[2], d[3] = dc, dr
		}
		return kl
	}, p.Concentration1, p.Concentration0, q.Concentration, q.Rate), nil
}

// klBetaNormal is KL(Beta(a, b) || N(m, s)), summed over columns: with
// the Beta mean, variance and negentropy J(a, b) (special.BetaNegentropy;
// the Beta is nearly normal for large shapes, where the direct form of
// torch's _kl_beta_normal cancels terms of size s log s)
//
//	KL = J(a, b) + ½ LogRatioM1(log(V/s²)) + ½ ((a/(a+b) - m)/s)²
//
// (normalTargetCross).
func klBetaNormal(p Beta, q Normal) (ad.Var, error) {
	return klCross("KL(Beta || Normal)", func(x, d *[4]float64, grad bool) float64 {
		bc := newBetaCross(x[0], x[1], grad)
		kl, cmu, cv, dm, ds := normalTargetCross(bc.j, bc.mu, bc.v, x[2], x[3])
		if grad {
			ma, mb := bc.dmu()
			va, vb := bc.dv()
			d[0] = bc.nha + cmu*ma + cv*va
			d[1] = bc.nhb + cmu*mb + cv*vb
			d[2], d[3] = dm, ds
		}
		return kl
	}, p.Concentration1, p.Concentration0, q.Loc, q.Scale), nil
}

// negEntropyBetaCross returns -H(Beta(a, b)) = KL(Beta(a, b) || U(0, 1))
// >= 0: for a, b < 1e3 as D(a, 1) + D(b, 1) - D(a+b, 2) with the Bregman
// divergences D of log Γ (special.LgammaBregman), exact as (a, b) → (1, 1);
// for larger shapes as J(a, b) - ½ log(2πe V) with the Beta negentropy J
// (special.BetaNegentropy), since the rounding of a + b and
// (1-a) + (1-b) would break the first form.
func negEntropyBetaCross(a, b float64) float64 {
	if a < 1e3 && b < 1e3 {
		return special.LgammaBregman(a, 1) + special.LgammaBregman(b, 1) - special.LgammaBregmanD(a+b, (1-a)+(1-b))
	}
	s := a + b
	return special.BetaNegentropy(a, b) - 0.5*math.Log(2*math.Pi*math.E*a*b/(s*s*(s+1)))
}

// klBetaUniform is KL(Beta(a, b) || U(l, h)), summed over columns: +Inf
// (with zero partials) in rows where [0, 1] is not inside [l, h], else
//
//	KL = -H(p) + log(h - l) = KL(Beta(a, b) || Beta(1, 1)) + log(h - l)
//	   = D(a, 1) + D(b, 1) - D(a+b, 2) + log1p((h - 1) - l),
//
// with the Bregman divergences D of log Γ (special.LgammaBregman) as in
// klBetaBeta, so that the value keeps its relative accuracy as p
// approaches U(0, 1) = Beta(1, 1) (negEntropyBetaCross). torch's _kl_beta_uniform is the first
// line. Partials: -∂H, ∂l = -1/(h-l), ∂h = 1/(h-l).
func klBetaUniform(p Beta, q Uniform) (ad.Var, error) {
	return klCross("KL(Beta || Uniform)", func(x, d *[4]float64, grad bool) float64 {
		a, b, l, h := x[0], x[1], x[2], x[3]
		if l > 0 || h < 1 {
			return math.Inf(1)
		}
		kl := negEntropyBetaCross(a, b) + math.Log1p((h-1)-l)
		if grad {
			ts := (a + b - 2) * special.Trigamma(a+b)
			w := h - l
			d[0] = (a-1)*special.Trigamma(a) - ts
			d[1] = (b-1)*special.Trigamma(b) - ts
			d[2] = -1 / w
			d[3] = 1 / w
		}
		return kl
	}, p.Concentration1, p.Concentration0, q.Low, q.High), nil
}

// klBetaLaplace is KL(Beta(a, b) || Laplace(m, σ)), summed over columns
// (not in torch). The mean absolute deviation of X ~ Beta(a, b) about m
// is, for 0 < m < 1, with I = I_m(a, b) the regularized incomplete beta
// function and k = m^a (1-m)^b/(s B(a, b)),
//
//	D = (m - μ)(2I - 1) + 2k
//
// (from E(m - X)⁺ = m I_m(a, b) - μ I_m(a+1, b) and
// I_m(a+1, b) = I_m(a, b) - m^a (1-m)^b/(a B(a, b))), and D = |m - μ|
// for m outside (0, 1). Then (laplaceTargetCross)
//
//	KL = -H(p) + log 2σ + D/σ
//	   = ½ + log(2D/√(2πV)) + J(a, b) + LogRatioM1(log(D/σ)),
//
// with the Beta negentropy J (special.BetaNegentropy). Partials:
// ∂m = (2I - 1)/σ, ∂σ = (1 - D/σ)/σ, and for a (likewise b) -∂H/∂a +
// (-∂μ/∂a (2I-1) + 2(m-μ)∂I/∂a + 2k(log m - 1/s - ψ(a) + ψ(s)))/σ, with
// ∂I/∂a from special.RegIncBetaDab.
func klBetaLaplace(p Beta, q Laplace) (ad.Var, error) {
	return klCross("KL(Beta || Laplace)", func(x, d *[4]float64, grad bool) float64 {
		bc := newBetaCross(x[0], x[1], grad)
		a, b, m, sg := bc.a, bc.b, x[2], x[3]
		var pmq, k float64
		switch {
		case m <= 0:
			pmq = -1
		case m >= 1:
			pmq = 1
		default:
			// 2I - 1, from the complement I_{1-m}(b, a) where 1 - m is
			// exact (m >= ½) and I is near 1.
			if i := mathext.RegIncBeta(a, b, m); m < 0.5 || i <= 0.5 {
				pmq = 2*math.Min(i, 1) - 1
			} else {
				pmq = 1 - 2*math.Min(mathext.RegIncBeta(b, a, 1-m), 1)
			}
			k = math.Exp(a*math.Log(m) + b*math.Log1p(-m) - math.Log(bc.s) - special.Lbeta(a, b))
		}
		dev := (m-bc.mu)*pmq + 2*k
		cl := 0.5 + math.Log(2*dev/math.Sqrt(2*math.Pi*bc.v)) + bc.j
		kl, cdd, ds := laplaceTargetCross(cl, dev, sg)
		if grad {
			ma, mb := bc.dmu()
			da, db := -ma*pmq, -mb*pmq
			if m > 0 && m < 1 {
				ia, ib := special.RegIncBetaDab(a, b, m)
				ps := special.Digamma(bc.s) - 1/bc.s
				da += 2*(m-bc.mu)*ia + 2*k*(math.Log(m)+ps-special.Digamma(a))
				db += 2*(m-bc.mu)*ib + 2*k*(math.Log1p(-m)+ps-special.Digamma(b))
			}
			d[0] = bc.nha + cdd*da
			d[1] = bc.nhb + cdd*db
			d[2] = cdd * pmq
			d[3] = ds
		}
		return kl
	}, p.Concentration1, p.Concentration0, q.Loc, q.Scale), nil
}
