package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// torchKLKeys are the 87 keys of torch.distributions.kl._KL_REGISTRY
// (torch 1.13, listed by sorted((p.__name__, q.__name__) for p, q in
// _KL_REGISTRY)).
var torchKLKeys = [][2]string{
	{"Bernoulli", "Bernoulli"}, {"Bernoulli", "Poisson"}, {"Beta", "Beta"}, {"Beta", "ContinuousBernoulli"},
	{"Beta", "Exponential"}, {"Beta", "Gamma"}, {"Beta", "Normal"}, {"Beta", "Pareto"}, {"Beta", "Uniform"},
	{"Binomial", "Binomial"}, {"Categorical", "Categorical"}, {"Cauchy", "Cauchy"},
	{"ContinuousBernoulli", "ContinuousBernoulli"}, {"ContinuousBernoulli", "Exponential"},
	{"ContinuousBernoulli", "Normal"}, {"ContinuousBernoulli", "Pareto"}, {"ContinuousBernoulli", "Uniform"},
	{"Dirichlet", "Dirichlet"}, {"Exponential", "Beta"}, {"Exponential", "ContinuousBernoulli"},
	{"Exponential", "Exponential"}, {"Exponential", "Gamma"}, {"Exponential", "Gumbel"}, {"Exponential", "Normal"},
	{"Exponential", "Pareto"}, {"Exponential", "Uniform"}, {"ExponentialFamily", "ExponentialFamily"},
	{"Gamma", "Beta"}, {"Gamma", "ContinuousBernoulli"}, {"Gamma", "Exponential"}, {"Gamma", "Gamma"},
	{"Gamma", "Gumbel"}, {"Gamma", "Normal"}, {"Gamma", "Pareto"}, {"Gamma", "Uniform"},
	{"Geometric", "Geometric"}, {"Gumbel", "Beta"}, {"Gumbel", "ContinuousBernoulli"}, {"Gumbel", "Exponential"},
	{"Gumbel", "Gamma"}, {"Gumbel", "Gumbel"}, {"Gumbel", "Normal"}, {"Gumbel", "Pareto"}, {"Gumbel", "Uniform"},
	{"HalfNormal", "HalfNormal"}, {"Independent", "Independent"}, {"Laplace", "Beta"},
	{"Laplace", "ContinuousBernoulli"}, {"Laplace", "Exponential"}, {"Laplace", "Gamma"}, {"Laplace", "Laplace"},
	{"Laplace", "Normal"}, {"Laplace", "Pareto"}, {"Laplace", "Uniform"},
	{"LowRankMultivariateNormal", "LowRankMultivariateNormal"}, {"LowRankMultivariateNormal", "MultivariateNormal"},
	{"MultivariateNormal", "LowRankMultivariateNormal"}, {"MultivariateNormal", "MultivariateNormal"},
	{"Normal", "Beta"}, {"Normal", "ContinuousBernoulli"}, {"Normal", "Exponential"}, {"Normal", "Gamma"},
	{"Normal", "Gumbel"}, {"Normal", "Laplace"}, {"Normal", "Normal"}, {"Normal", "Pareto"}, {"Normal", "Uniform"},
	{"OneHotCategorical", "OneHotCategorical"}, {"Pareto", "Beta"}, {"Pareto", "ContinuousBernoulli"},
	{"Pareto", "Exponential"}, {"Pareto", "Gamma"}, {"Pareto", "Normal"}, {"Pareto", "Pareto"},
	{"Pareto", "Uniform"}, {"Poisson", "Bernoulli"}, {"Poisson", "Binomial"}, {"Poisson", "Poisson"},
	{"TransformedDistribution", "TransformedDistribution"}, {"Uniform", "Beta"},
	{"Uniform", "ContinuousBernoulli"}, {"Uniform", "Exponential"}, {"Uniform", "Gamma"}, {"Uniform", "Gumbel"},
	{"Uniform", "Normal"}, {"Uniform", "Pareto"}, {"Uniform", "Uniform"},
}

// torchExponentialFamilies are the concrete subclasses of torch's
// ExponentialFamily that kldiv has. torch registers
// (ExponentialFamily, ExponentialFamily) as a generic Bregman divergence
// of the log-normalizer that applies only when p and q have the same
// type; kldiv has no such abstract type, and the key is covered when each
// of these families has its same-family pair.
var torchExponentialFamilies = []string{
	"Bernoulli", "Beta", "ContinuousBernoulli", "Dirichlet", "Exponential", "Gamma", "Normal", "Poisson",
}

// TestKLCrossTorchKeys asserts that every key of torch's KL registry is
// covered by dist.Pairs(): concrete pairs by name (with the kind
// Infinite exactly for torch's _infinite_like pairs among the
// continuous families), Independent and TransformedDistribution by the
// structural rules, and ExponentialFamily by the same-family pairs of
// torch's exponential families.
func TestKLCrossTorchKeys(t *testing.T) {
	require.Len(t, torchKLKeys, 87)
	kinds := map[[2]string]PairKind{}
	for _, p := range Pairs() {
		kinds[[2]string{p.P, p.Q}] = p.Kind
	}
	infinite := map[[2]string]bool{}
	for _, pq := range infinitePairsCross {
		infinite[pq] = true
	}
	for _, k := range torchKLKeys {
		switch k[0] {
		case "Independent":
			assert.Contains(t, kinds, [2]string{"Independent(*)", "*"})
			assert.Contains(t, kinds, [2]string{"*", "Independent(*)"})
			continue
		case "TransformedDistribution":
			assert.Contains(t, kinds, [2]string{"TransformedDistribution(T, *)", "TransformedDistribution(T, *)"})
			continue
		case "ExponentialFamily":
			for _, f := range torchExponentialFamilies {
				assert.Contains(t, kinds, [2]string{f, f}, "same-family pair of exponential family %s", f)
			}
			continue
		}
		kind, ok := kinds[k]
		if !assert.True(t, ok, "torch's KL(%s || %s) is registered", k[0], k[1]) {
			continue
		}
		if infinite[k] {
			assert.Equal(t, Infinite, kind, "KL(%s || %s) kind", k[0], k[1])
		} else {
			assert.NotEqual(t, Infinite, kind, "KL(%s || %s) kind", k[0], k[1])
		}
	}
}

// TestChi2MirrorsGammaCross asserts that every pair registered with Gamma
// on one side has its Chi2 counterpart (Chi2(k) = Gamma(k/2, 1/2)),
// Structural for a finite Gamma pair and Infinite for a support
// mismatch, and that the counterparts agree numerically with the Gamma
// pairs.
func TestChi2MirrorsGammaCross(t *testing.T) {
	kinds := map[[2]string]PairKind{}
	for _, p := range Pairs() {
		kinds[[2]string{p.P, p.Q}] = p.Kind
	}
	n := 0
	for k, kind := range kinds {
		var mirror [2]string
		switch {
		case k[0] == "Gamma" && k[1] != "Gamma" && k[1] != "Chi2":
			mirror = [2]string{"Chi2", k[1]}
		case k[1] == "Gamma" && k[0] != "Gamma" && k[0] != "Chi2":
			mirror = [2]string{k[0], "Chi2"}
		default:
			continue
		}
		n++
		mk, ok := kinds[mirror]
		if !assert.True(t, ok, "KL(%s || %s) is registered, KL(%s || %s) is not", k[0], k[1], mirror[0], mirror[1]) {
			continue
		}
		if kind == Infinite {
			assert.Equal(t, Infinite, mk, "KL(%s || %s) kind", mirror[0], mirror[1])
		} else {
			assert.Equal(t, Structural, mk, "KL(%s || %s) kind", mirror[0], mirror[1])
		}
	}
	require.Greater(t, n, 15)
	// Values: Chi2(k) against q equals Gamma(k/2, 1/2) against q.
	for _, pr := range crossPairs {
		var other string
		switch {
		case pr.P == "Chi2":
			other = pr.Q
		case pr.Q == "Chi2":
			other = pr.P
		default:
			continue
		}
		rng := newRNG(5)
		np := famArityCross[pr.P]
		for range 5 {
			ps := pr.draw(rng)
			var viaChi2, viaGamma float64
			if pr.P == "Chi2" {
				p, q := scalarPairCross("Chi2", ps[:1], other, ps[1:])
				viaChi2 = klScalar(t, p, q)
				p2, q2 := scalarPairCross("Gamma", []float64{ps[0] / 2, 0.5}, other, ps[1:])
				viaGamma = klScalar(t, p2, q2)
			} else {
				p, q := scalarPairCross(other, ps[:np], "Chi2", ps[np:])
				viaChi2 = klScalar(t, p, q)
				p2, q2 := scalarPairCross(other, ps[:np], "Gamma", []float64{ps[np] / 2, 0.5})
				viaGamma = klScalar(t, p2, q2)
			}
			assert.Equal(t, viaGamma, viaChi2, "KL(%s || %s) %v through Gamma", pr.P, pr.Q, ps)
		}
	}
}

// TestKLCrossContinuousBernoulliLogits checks the pairs with a continuous
// Bernoulli side given by logits against the same pairs by probs (the
// mpmath references are by probs), and their gradients with respect to
// the logits.
func TestKLCrossContinuousBernoulliLogits(t *testing.T) {
	kls, _ := crossRefs(t)
	n := 0
	for _, e := range kls {
		if e.P != "ContinuousBernoulli" && e.Q != "ContinuousBernoulli" {
			continue
		}
		n++
		pf, qf, pp, qp := e.P, e.Q, append([]float64(nil), e.PP...), append([]float64(nil), e.QP...)
		// logit λ = log1p((2λ-1)/(1-λ)) keeps its relative accuracy
		// near λ = ½ and log λ - log1p(-λ) for small λ (a single form
		// would not, and the test would measure its own rounding).
		logit := func(l float64) float64 {
			if l < 0.25 {
				return math.Log(l) - math.Log1p(-l)
			}
			return math.Log1p((2*l - 1) / (1 - l))
		}
		if pf == "ContinuousBernoulli" {
			pf, pp[0] = "ContinuousBernoulliLogits", logit(pp[0])
		} else {
			qf, qp[0] = "ContinuousBernoulliLogits", logit(qp[0])
		}
		p, q := famCross(pf, scalarVars(pp)), famCross(qf, scalarVars(qp))
		assertRel(t, e.KL, klScalar(t, p, q), 1e-12, "%s by logits vs mpmath", nameCross(e.P, e.PP, e.Q, e.QP))
	}
	require.Greater(t, n, 15)
	for _, c := range []struct {
		P, Q string
		pt   []float64
	}{
		{"Beta", "ContinuousBernoulliLogits", []float64{2.5, 3.5, -0.8}},
		{"ContinuousBernoulliLogits", "Exponential", []float64{-0.8, 1.5}},
		{"ContinuousBernoulliLogits", "Exponential", []float64{-7, 4}},
		{"ContinuousBernoulliLogits", "Normal", []float64{2.2, 0.4, 0.3}},
		{"ContinuousBernoulliLogits", "Uniform", []float64{-0.8, -0.5, 1.5}},
		{"Uniform", "ContinuousBernoulliLogits", []float64{0.2, 0.7, 1.3}},
	} {
		np := 1
		if c.P == "Beta" || c.P == "Uniform" {
			np = 2
		}
		checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
			return famCross(c.P, v[:np]), famCross(c.Q, v[np:])
		}, matsCross(c.pt...), nil)
	}
}

// TestKLCrossOverlaps checks that the pairs whose families share a member
// give exactly 0 there: Gamma(1, λ) = Exponential(λ) = Weibull(1/λ, 1) =
// Chi2(2) for λ = 1/2, Beta(1, 1) = U(0, 1) = CB(½).
func TestKLCrossOverlaps(t *testing.T) {
	for _, c := range []struct {
		P      string
		pp     []float64
		Q      string
		qp     []float64
		approx bool // the parameters are rounded (1/λ), so KL is O(ε²)
	}{
		{"Gamma", []float64{1, 1.7}, "Exponential", []float64{1.7}, false},
		{"Exponential", []float64{1.7}, "Gamma", []float64{1, 1.7}, false},
		{"Weibull", []float64{2, 1}, "Exponential", []float64{0.5}, false},
		{"Exponential", []float64{0.5}, "Weibull", []float64{2, 1}, false},
		{"Weibull", []float64{2, 1}, "Gamma", []float64{1, 0.5}, false},
		{"Weibull", []float64{1 / 1.7, 1}, "Exponential", []float64{1.7}, true},
		{"Chi2", []float64{2}, "Exponential", []float64{0.5}, false},
		{"Exponential", []float64{0.5}, "Chi2", []float64{2}, false},
		{"Weibull", []float64{2, 1}, "Chi2", []float64{2}, false},
		{"Beta", []float64{1, 1}, "Uniform", []float64{0, 1}, false},
		{"Uniform", []float64{0, 1}, "Beta", []float64{1, 1}, false},
		{"Beta", []float64{1, 1}, "ContinuousBernoulli", []float64{0.5}, false},
		{"Uniform", []float64{0, 1}, "ContinuousBernoulli", []float64{0.5}, false},
		{"ContinuousBernoulli", []float64{0.5}, "Uniform", []float64{0, 1}, false},
	} {
		p, q := scalarPairCross(c.P, c.pp, c.Q, c.qp)
		v := klScalar(t, p, q)
		if c.approx {
			assert.InDelta(t, 0, v, 1e-30, "%s", nameCross(c.P, c.pp, c.Q, c.qp))
		} else {
			assert.Equal(t, 0.0, v, "%s", nameCross(c.P, c.pp, c.Q, c.qp))
		}
	}
}

// TestKLCrossUniformBoundaries checks KL(U(l, h) || Beta) and
// KL(U(l, h) || CB) at l = 0 and h = 1, where torch gives +Inf or NaN:
// finite values equal to the mpmath references (TestKLCrossMpmath covers
// [0, 1], [0, 0.4] and [0.6, 1]), and the partials for l and h: for
// Beta(α, β) with α ≠ 1 the one-sided derivative in l at 0 is infinite
// (-Inf for α > 1), never NaN; for α = 1 it is finite.
func TestKLCrossUniformBoundaries(t *testing.T) {
	grad := func(pp, qp []float64, q string) []float64 {
		tp := ad.NewTape()
		vars := make([]ad.Var, 0, 4)
		var params []*ad.Param
		for _, v := range append(append([]float64(nil), pp...), qp...) {
			pr := ad.NewParam("θ", 1, 1, []float64{v})
			params = append(params, pr)
			vars = append(vars, tp.Param(pr))
		}
		p, qq := pairCross("Uniform", q)(vars)
		kl, err := KL(p, qq)
		require.NoError(t, err)
		require.False(t, math.IsInf(kl.Scalar(), 0) || math.IsNaN(kl.Scalar()), "KL = %v", kl.Scalar())
		tp.Backward(kl)
		g := make([]float64, len(params))
		for i, pr := range params {
			g[i] = pr.Grad[0]
			assert.False(t, math.IsNaN(g[i]), "KL(U%v || %s%v): partial %d is NaN", pp, q, qp, i)
		}
		return g
	}
	g := grad([]float64{0, 0.5}, []float64{2, 3}, "Beta")
	assert.True(t, math.IsInf(g[0], -1), "∂/∂l at l = 0 for α = 2: %v", g[0])
	g = grad([]float64{0.5, 1}, []float64{2, 3}, "Beta")
	assert.True(t, math.IsInf(g[1], 1), "∂/∂h at h = 1 for β = 3: %v", g[1])
	g = grad([]float64{0, 0.5}, []float64{1, 3}, "Beta")
	assert.False(t, math.IsInf(g[0], 0), "∂/∂l at l = 0 for α = 1: %v", g[0])
	// With α = 1 the divergence is -log w - (β-1) E log(1-X) + log B(1, β):
	// ∂/∂l = 1/w + (β-1)(∂/∂l of -E log(1-X)) by a one-sided difference.
	h := 1e-7
	p0, q0 := scalarPairCross("Uniform", []float64{0, 0.5}, "Beta", []float64{1, 3})
	p1, q1 := scalarPairCross("Uniform", []float64{h, 0.5}, "Beta", []float64{1, 3})
	assert.InEpsilon(t, (klScalar(t, p1, q1)-klScalar(t, p0, q0))/h, g[0], 1e-5, "one-sided ∂/∂l at l = 0")
	g = grad([]float64{0, 1}, []float64{0.7}, "ContinuousBernoulli")
	for i, v := range g {
		assert.False(t, math.IsInf(v, 0), "CB partial %d: %v", i, v)
	}
}

// TestKLCrossMVNIndependentNormal checks that MultivariateNormal against
// Independent(Normal) (and the reverse) resolves through the structural
// Independent rule to the registered (MultivariateNormal, Normal) pairs,
// and equals KL against the MultivariateNormal with the diagonal
// covariance, with gradients.
func TestKLCrossMVNIndependentNormal(t *testing.T) {
	loc := []float64{0.3, -1, 2}
	cov := []float64{2, 0.5, 0.1, 0.5, 1, -0.2, 0.1, -0.2, 1.5}
	mvn := Must(NewMultivariateNormal(loc, cov))
	nloc, nscale := []float64{0, 0.5, 1.5}, []float64{1.2, 0.8, 2}
	ind := Must(NewIndependent(Must(NormalOf(ad.Row(nloc), ad.Row(nscale))), 1))
	diagCov := make([]float64, 9)
	for i, s := range nscale {
		diagCov[i*3+i] = s * s
	}
	diag := Must(NewMultivariateNormal(nloc, diagCov))
	require.True(t, HasKL(mvn, ind))
	require.True(t, HasKL(ind, mvn))
	for _, c := range []struct {
		p, q, pm, qm Distribution
	}{{mvn, ind, mvn, diag}, {ind, mvn, diag, mvn}} {
		got, err := KL(c.p, c.q)
		require.NoError(t, err)
		want, err := KL(c.pm, c.qm)
		require.NoError(t, err)
		require.Equal(t, 1, got.Rows())
		assert.InEpsilon(t, want.Scalar(), got.Scalar(), 1e-13, "KL(%T || %T)", c.p, c.q)
	}
	// Gradients through the structural rule, both directions (trilMVN
	// masks the strictly upper part, which the finite differences move).
	tril := mvn.ScaleTril.Value()
	params := []ad.Matrix{row(loc...), row(tril...), row(nloc...), row(nscale...)}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], 3)}, Independent{Base: Normal{Loc: v[2], Scale: v[3]}, ReinterpretedBatchNdims: 1}
	}, params, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Independent{Base: Normal{Loc: v[2], Scale: v[3]}, ReinterpretedBatchNdims: 1}, MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], 3)}
	}, params, nil)
}
