package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// crossPairs lists every finite cross-family pair of kl_cross_*.go with a
// drawer of random valid parameters (p's, then q's) for which the
// divergence is finite.
var crossPairs = []struct {
	P, Q string
	draw func(r *rand.Rand) []float64
}{
	{"Beta", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), lu(r, 0.05, 20)} }},
	{"Beta", "Gamma", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), lu(r, 0.2, 50), lu(r, 0.05, 20)}
	}},
	{"Beta", "Normal", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), nr(r, 2), lu(r, 0.01, 10)}
	}},
	{"Beta", "Uniform", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), -lu(r, 1e-3, 3), 1 + lu(r, 1e-3, 3)}
	}},
	{"Beta", "Laplace", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), nr(r, 1), lu(r, 0.01, 10)}
	}},
	{"Beta", "Chi2", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), lu(r, 0.2, 50)} }},
	{"Exponential", "Gamma", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.2, 50), lu(r, 0.05, 20)} }},
	{"Exponential", "Gumbel", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), nr(r, 3), lu(r, 0.2, 10)} }},
	{"Exponential", "Normal", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Exponential", "Laplace", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Exponential", "Weibull", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.05, 20), lu(r, 0.2, 5)} }},
	{"Exponential", "HalfNormal", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.05, 20)} }},
	{"Exponential", "Chi2", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.2, 50)} }},
	{"Gamma", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), lu(r, 0.05, 20), lu(r, 0.05, 20)} }},
	{"Gamma", "Gumbel", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.2, 5), nr(r, 3), lu(r, 0.3, 10)}
	}},
	{"Gamma", "Normal", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 200), lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Gamma", "Laplace", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.2, 50), lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Chi2", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), lu(r, 0.05, 20)} }},
	{"Chi2", "Gumbel", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.5, 50), nr(r, 3), lu(r, 1, 10)} }},
	{"Chi2", "Normal", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Chi2", "Laplace", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Gumbel", "Normal", func(r *rand.Rand) []float64 { return []float64{nr(r, 3), lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Laplace", "Normal", func(r *rand.Rand) []float64 { return []float64{nr(r, 3), lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Laplace", "Gumbel", func(r *rand.Rand) []float64 {
		s := lu(r, 0.05, 20)
		return []float64{nr(r, 3), s * (0.05 + 0.9*r.Float64()), nr(r, 3), s}
	}},
	{"Normal", "Gumbel", func(r *rand.Rand) []float64 { return []float64{nr(r, 3), lu(r, 0.05, 5), nr(r, 3), lu(r, 0.3, 20)} }},
	{"Normal", "Laplace", func(r *rand.Rand) []float64 { return []float64{nr(r, 3), lu(r, 0.05, 20), nr(r, 3), lu(r, 0.05, 20)} }},
	{"Pareto", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), 1 + lu(r, 1e-3, 50), lu(r, 0.05, 20)} }},
	{"Pareto", "Gamma", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.05, 20), 1 + lu(r, 1e-3, 50), lu(r, 0.2, 50), lu(r, 0.05, 20)}
	}},
	{"Pareto", "Normal", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.05, 20), 2 + lu(r, 1e-3, 50), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Pareto", "Laplace", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.05, 20), 1 + lu(r, 1e-3, 50), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Pareto", "Chi2", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), 1 + lu(r, 1e-3, 50), lu(r, 0.2, 50)} }},
	{"Uniform", "Beta", func(r *rand.Rand) []float64 {
		l := r.Float64() * 0.9
		return []float64{l, l + (1-l)*(0.01+0.99*r.Float64()), lu(r, 0.2, 50), lu(r, 0.2, 50)}
	}},
	{"Uniform", "Exponential", func(r *rand.Rand) []float64 {
		l := lu(r, 1e-3, 10)
		return []float64{l, l + lu(r, 1e-3, 10), lu(r, 0.05, 20)}
	}},
	{"Uniform", "Gamma", func(r *rand.Rand) []float64 {
		l := lu(r, 1e-3, 10)
		return []float64{l, l + lu(r, 1e-3, 10), lu(r, 0.2, 50), lu(r, 0.05, 20)}
	}},
	{"Uniform", "Gumbel", func(r *rand.Rand) []float64 {
		l := nr(r, 3)
		return []float64{l, l + lu(r, 1e-3, 10), nr(r, 3), lu(r, 0.3, 20)}
	}},
	{"Uniform", "Normal", func(r *rand.Rand) []float64 {
		l := nr(r, 3)
		return []float64{l, l + lu(r, 1e-3, 10), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Uniform", "Pareto", func(r *rand.Rand) []float64 {
		xm := lu(r, 0.05, 10)
		l := xm * (1 + lu(r, 1e-6, 3))
		return []float64{l, l + lu(r, 1e-3, 10), xm, lu(r, 0.05, 20)}
	}},
	{"Uniform", "Laplace", func(r *rand.Rand) []float64 {
		l := nr(r, 3)
		return []float64{l, l + lu(r, 1e-3, 10), nr(r, 3), lu(r, 0.05, 20)}
	}},
	{"Uniform", "Chi2", func(r *rand.Rand) []float64 {
		l := lu(r, 1e-3, 10)
		return []float64{l, l + lu(r, 1e-3, 10), lu(r, 0.2, 50)}
	}},
	{"Weibull", "Gamma", func(r *rand.Rand) []float64 {
		return []float64{lu(r, 0.05, 20), lu(r, 0.3, 10), lu(r, 0.2, 50), lu(r, 0.05, 20)}
	}},
	{"Weibull", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.3, 10), lu(r, 0.05, 20)} }},
	{"Weibull", "Chi2", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.3, 10), lu(r, 0.2, 50)} }},
	{"HalfNormal", "Exponential", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.05, 20)} }},
	{"HalfNormal", "Gamma", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.2, 50), lu(r, 0.05, 20)} }},
	{"HalfNormal", "Chi2", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.05, 20), lu(r, 0.2, 50)} }},
	{"LogNormal", "Exponential", func(r *rand.Rand) []float64 { return []float64{nr(r, 2), lu(r, 0.05, 2), lu(r, 0.05, 20)} }},
	{"LogNormal", "Gamma", func(r *rand.Rand) []float64 {
		return []float64{nr(r, 2), lu(r, 0.05, 2), lu(r, 0.2, 50), lu(r, 0.05, 20)}
	}},
	{"LogNormal", "Chi2", func(r *rand.Rand) []float64 { return []float64{nr(r, 2), lu(r, 0.05, 2), lu(r, 0.2, 50)} }},
	{"Beta", "ContinuousBernoulli", func(r *rand.Rand) []float64 { return []float64{lu(r, 0.2, 50), lu(r, 0.2, 50), cbProbCross(r)} }},
	{"ContinuousBernoulli", "Exponential", func(r *rand.Rand) []float64 { return []float64{cbProbCross(r), lu(r, 0.05, 20)} }},
	{"ContinuousBernoulli", "Normal", func(r *rand.Rand) []float64 { return []float64{cbProbCross(r), nr(r, 1), lu(r, 0.05, 5)} }},
	{"ContinuousBernoulli", "Uniform", func(r *rand.Rand) []float64 {
		return []float64{cbProbCross(r), -lu(r, 1e-3, 3), 1 + lu(r, 1e-3, 3)}
	}},
	{"Uniform", "ContinuousBernoulli", func(r *rand.Rand) []float64 {
		l := r.Float64() * 0.9
		return []float64{l, l + (1-l)*(0.01+0.99*r.Float64()), cbProbCross(r)}
	}},
}

// cbProbCross draws a continuous Bernoulli probs parameter: logits
// N(0, 3²), so that both nearly uniform and nearly exponential shapes
// occur.
func cbProbCross(r *rand.Rand) float64 { return 1 / (1 + math.Exp(-3*r.NormFloat64())) }

// lu draws log-uniformly from [lo, hi]; nr draws N(0, s²).
func lu(r *rand.Rand, lo, hi float64) float64 { return logUniform(r, lo, hi) }
func nr(r *rand.Rand, s float64) float64      { return s * r.NormFloat64() }

// TestKLCrossMpmath compares every cross pair with the mpmath references
// (numerical integration at 40 digits) to relative 1e-12, both for
// ordinary parameters and when p is within a relative 1e-6 of a member of
// q's family (KL ~ 1e-12).
func TestKLCrossMpmath(t *testing.T) {
	kls, _ := crossRefs(t)
	seen := map[[2]string]bool{}
	for _, e := range kls {
		seen[[2]string{e.P, e.Q}] = true
		p, q := scalarPairCross(e.P, e.PP, e.Q, e.QP)
		got := klScalar(t, p, q)
		assertRel(t, e.KL, got, 1e-12, "%s vs mpmath", nameCross(e.P, e.PP, e.Q, e.QP))
	}
	for _, pr := range crossPairs {
		assert.True(t, seen[[2]string{pr.P, pr.Q}], "no mpmath reference for KL(%s || %s)", pr.P, pr.Q)
	}
}

// TestKLCrossQuadrature compares every cross pair with double-exponential
// quadrature of p log(p/q) in float64 (integrateTanhSinh) at the reference
// parameters, to 1e-9 relative. Beta p with concentration0 < 1, whose
// density has a power singularity at 1 that float64 cannot resolve, is
// left to the mpmath references.
func TestKLCrossQuadrature(t *testing.T) {
	kls, _ := crossRefs(t)
	n := 0
	for _, e := range kls {
		if e.P == "Beta" && e.PP[1] < 1 {
			continue
		}
		n++
		p, q := scalarPairCross(e.P, e.PP, e.Q, e.QP)
		lo, hi, br := supportCross(e.P, e.PP, e.Q, e.QP)
		want := klQuadTanhSinh(p, q, lo, hi, br...)
		tol := 1e-9
		if e.Near {
			// The quadrature cancels p log p against p log q (each O(1))
			// to a KL of 1e-12: its error is ~1e-16 absolute.
			assert.InDelta(t, want, klScalar(t, p, q), 1e-14, "%s vs quadrature", nameCross(e.P, e.PP, e.Q, e.QP))
			continue
		}
		assertRel(t, want, klScalar(t, p, q), tol, "%s vs quadrature", nameCross(e.P, e.PP, e.Q, e.QP))
	}
	require.Greater(t, n, 150)
}

// TestKLCrossConstants checks the shape constants of kl_cross.go against
// mpmath.
func TestKLCrossConstants(t *testing.T) {
	_, c := crossRefs(t)
	for name, got := range map[string]float64{
		"negentropy_exp":     negentropyExpCross,
		"negentropy_gumbel":  negentropyGumbelCross,
		"negentropy_laplace": negentropyLaplaceCross,
		"negentropy_uniform": negentropyUniformCross,
		"halfnormal_exp":     halfNormalExpCross,
		"halfnormal_delta":   halfNormalDeltaCross,
	} {
		want, ok := c[name]
		require.True(t, ok, name)
		assert.InEpsilon(t, want, got, 1e-15, name)
	}
}

// TestKLCrossRandom draws random parameters for every pair and asserts
// KL >= 0 and never NaN, and that the divergence agrees with quadrature to
// 1e-6 (a looser check over a wide parameter range).
func TestKLCrossRandom(t *testing.T) {
	rng := newRNG(7)
	for _, pr := range crossPairs {
		np := famArityCross[pr.P]
		for range 60 {
			ps := pr.draw(rng)
			p, q := scalarPairCross(pr.P, ps[:np], pr.Q, ps[np:])
			v := klScalar(t, p, q)
			name := nameCross(pr.P, ps[:np], pr.Q, ps[np:])
			require.False(t, math.IsNaN(v), "%s is NaN", name)
			assert.GreaterOrEqual(t, v, 0.0, "%s >= 0", name)
		}
		for range 4 {
			ps := pr.draw(rng)
			// Float64 quadrature cannot resolve a Beta density's power
			// singularity at 1, nor a Pareto tail as heavy as x^{-2}.
			if pr.P == "Beta" && ps[1] < 1 {
				ps[1] += 1
			}
			if pr.P == "Pareto" {
				ps[1] = math.Max(ps[1], 1.5)
				if pr.Q == "Normal" {
					ps[1] = math.Max(ps[1], 2.5)
				}
			}
			p, q := scalarPairCross(pr.P, ps[:np], pr.Q, ps[np:])
			v := klScalar(t, p, q)
			lo, hi, br := supportCross(pr.P, ps[:np], pr.Q, ps[np:])
			want := klQuadTanhSinh(p, q, lo, hi, br...)
			assert.InDelta(t, want, v, 1e-6*math.Max(1, math.Abs(want)), "%s vs quadrature", nameCross(pr.P, ps[:np], pr.Q, ps[np:]))
		}
	}
}

// gradPointsCross are parameter values for the gradient checks, away from
// the boundaries where a partial is infinite.
var gradPointsCross = map[[2]string][]float64{
	{"Beta", "Exponential"}:                {2.5, 3.5, 1.7},
	{"Beta", "Gamma"}:                      {2.5, 0.7, 1.6, 3},
	{"Beta", "Normal"}:                     {2.5, 3.5, 0.3, 0.4},
	{"Beta", "Uniform"}:                    {2.5, 0.7, -0.5, 1.3},
	{"Beta", "Laplace"}:                    {2.5, 3.5, 0.3, 0.4},
	{"Beta", "Chi2"}:                       {2.5, 3.5, 1.4},
	{"Exponential", "Gamma"}:               {1.5, 2.5, 3},
	{"Exponential", "Gumbel"}:              {1.5, 0.3, 0.8},
	{"Exponential", "Normal"}:              {1.5, 0.3, 0.8},
	{"Exponential", "Laplace"}:             {1.5, 0.3, 0.8},
	{"Exponential", "Weibull"}:             {1.5, 0.5, 1.7},
	{"Exponential", "HalfNormal"}:          {1.5, 0.9},
	{"Exponential", "Chi2"}:                {1.5, 2.5},
	{"Gamma", "Exponential"}:               {2.5, 3, 1.5},
	{"Gamma", "Gumbel"}:                    {2.5, 3, 0.5, 0.6},
	{"Gamma", "Normal"}:                    {2.5, 3, 0.8, 0.6},
	{"Gamma", "Laplace"}:                   {2.5, 3, 0.8, 0.6},
	{"Chi2", "Exponential"}:                {3, 0.4},
	{"Chi2", "Gumbel"}:                     {3, 2, 1.5},
	{"Chi2", "Normal"}:                     {3, 3, 2.5},
	{"Chi2", "Laplace"}:                    {3, 2, 2},
	{"Gumbel", "Normal"}:                   {0.5, 1.5, 1, 2},
	{"Laplace", "Normal"}:                  {0.5, 1.5, 1, 2},
	{"Laplace", "Gumbel"}:                  {0.5, 0.5, 1, 2},
	{"Normal", "Gumbel"}:                   {0.5, 1.5, 1, 2},
	{"Normal", "Laplace"}:                  {0.5, 1.5, 1, 2},
	{"Pareto", "Exponential"}:              {1.5, 3, 0.5},
	{"Pareto", "Gamma"}:                    {1.5, 3, 2, 0.9},
	{"Pareto", "Normal"}:                   {1.5, 3, 2, 1},
	{"Pareto", "Laplace"}:                  {1.5, 3, 2, 1},
	{"Pareto", "Chi2"}:                     {1.5, 3, 4},
	{"Uniform", "Beta"}:                    {0.2, 0.7, 2.5, 3.5},
	{"Uniform", "Exponential"}:             {0.2, 0.7, 2.5},
	{"Uniform", "Gamma"}:                   {0.2, 0.7, 2.5, 3.5},
	{"Uniform", "Gumbel"}:                  {0.2, 0.7, 0.5, 0.3},
	{"Uniform", "Normal"}:                  {0.2, 0.7, 0.5, 0.3},
	{"Uniform", "Pareto"}:                  {1.2, 3.7, 1, 2.5},
	{"Uniform", "Laplace"}:                 {0.2, 0.7, 0.5, 0.3},
	{"Uniform", "Chi2"}:                    {0.2, 0.7, 3},
	{"Weibull", "Gamma"}:                   {1.5, 2, 2.5, 1.5},
	{"Weibull", "Exponential"}:             {1.5, 2, 0.6},
	{"Weibull", "Chi2"}:                    {1.5, 2, 2.5},
	{"HalfNormal", "Exponential"}:          {1.5, 0.6},
	{"HalfNormal", "Gamma"}:                {1.5, 2, 1.2},
	{"HalfNormal", "Chi2"}:                 {1.5, 1.5},
	{"LogNormal", "Exponential"}:           {0.3, 0.5, 0.6},
	{"LogNormal", "Gamma"}:                 {0.3, 0.5, 4, 2.5},
	{"LogNormal", "Chi2"}:                  {0.3, 0.5, 3},
	{"Beta", "ContinuousBernoulli"}:        {2.5, 3.5, 0.3},
	{"ContinuousBernoulli", "Exponential"}: {0.3, 1.5},
	{"ContinuousBernoulli", "Normal"}:      {0.3, 0.4, 0.3},
	{"ContinuousBernoulli", "Uniform"}:     {0.3, -0.5, 1.5},
	{"Uniform", "ContinuousBernoulli"}:     {0.2, 0.7, 0.3},
}

// TestKLCrossGrad checks the gradient of every pair with respect to all
// parameters of both sides by finite differences, at the points above and
// at a batch: the first parameter of p has 3 rows and 2 columns, the
// first of q 1 row and 2 columns, the others are scalars (broadcasting
// over rows and columns), with the values spread around the point.
func TestKLCrossGrad(t *testing.T) {
	for _, pr := range crossPairs {
		pt, ok := gradPointsCross[[2]string{pr.P, pr.Q}]
		require.True(t, ok, "no gradient point for KL(%s || %s)", pr.P, pr.Q)
		build := pairCross(pr.P, pr.Q)
		t.Run(pr.P+"-"+pr.Q, func(t *testing.T) {
			checkKLGrad(t, build, matsCross(pt...), nil)
			np := famArityCross[pr.P]
			ms := matsCross(pt...)
			ms[0] = ad.Matrix{Rows: 3, Cols: 2, Data: spreadCross(pt[0], 6, pr.P == "Uniform")}
			ms[np] = ad.Matrix{Rows: 1, Cols: 2, Data: spreadCross(pt[np], 2, pr.Q == "Uniform" || pr.Q == "Pareto")}
			checkKLGrad(t, build, ms, nil)
		})
	}
}

// spreadCross returns n values within ±5% of x (down only when down, so
// that a lower bound such as Uniform's low or Pareto's scale stays valid).
func spreadCross(x float64, n int, down bool) []float64 {
	out := make([]float64, n)
	for i := range out {
		f := 0.05 * float64(i) / float64(n)
		if !down {
			f -= 0.025
		}
		out[i] = x * (1 - f)
		if x == 0 {
			out[i] = f
		}
	}
	return out
}

// TestKLCrossBatch checks batched KL against element-wise scalar KL for
// every pair: p's parameters 4 x 3 and q's 1 x 3 (broadcast over rows),
// each grid point a valid random draw.
func TestKLCrossBatch(t *testing.T) {
	rng := newRNG(3)
	for _, pr := range crossPairs {
		np := famArityCross[pr.P]
		sets := make([][]float64, 12)
		for k := range sets {
			sets[k] = pr.draw(rng)
		}
		n := len(sets[0])
		params := make([]ad.Matrix, n)
		for a := 0; a < n; a++ {
			if a >= np {
				params[a] = ad.Matrix{Rows: 1, Cols: 3, Data: []float64{sets[0][a], sets[1][a], sets[2][a]}}
				continue
			}
			data := make([]float64, 12)
			for i := 0; i < 4; i++ {
				for j := 0; j < 3; j++ {
					if crossCoupledCross(pr.P, pr.Q) {
						// p's valid values depend on q's (column j): move
						// q's own draw up slightly.
						data[i*3+j] = sets[j][a] * (1 + 0.01*float64(i))
					} else {
						data[i*3+j] = sets[i*3+j][a]
					}
				}
			}
			params[a] = ad.Matrix{Rows: 4, Cols: 3, Data: data}
		}
		t.Run(pr.P+"-"+pr.Q, func(t *testing.T) {
			checkKLBatch(t, pairCross(pr.P, pr.Q), params)
		})
	}
}

// crossCoupledCross reports whether p's valid parameters depend on q's
// (a support condition), so that batch rows are derived from q's draw.
func crossCoupledCross(p, q string) bool {
	switch {
	case p == "Uniform" && (q == "Pareto" || q == "Beta"):
		return true
	case p == "Laplace" && q == "Gumbel":
		return true
	}
	return false
}

// TestKLCrossInfRows checks pairs with +Inf for some parameter values: in
// a batch mixing finite and infinite rows, the infinite rows are +Inf,
// the finite ones equal the scalar KL, nothing is NaN, and Backward gives
// zero gradients for the parameters of infinite rows and finite ones
// elsewhere.
func TestKLCrossInfRows(t *testing.T) {
	cases := []struct {
		P, Q   string
		finite []float64
		inf    []float64
	}{
		{"Beta", "Uniform", []float64{2, 3, -0.5, 1.5}, []float64{2, 3, 0.1, 1.5}},
		{"Beta", "Uniform", []float64{2, 3, 0, 1}, []float64{2, 3, -1, 0.9}},
		{"Uniform", "Beta", []float64{0.1, 0.9, 2, 3}, []float64{-0.1, 0.9, 2, 3}},
		{"Uniform", "Beta", []float64{0.01, 0.99, 2, 3}, []float64{0.1, 1.2, 2, 3}},
		{"Uniform", "Exponential", []float64{0, 2, 1}, []float64{-0.5, 2, 1}},
		{"Uniform", "Gamma", []float64{0.5, 2, 2, 1}, []float64{-0.5, 2, 2, 1}},
		{"Uniform", "Pareto", []float64{1, 2, 1, 3}, []float64{0.9, 2, 1, 3}},
		{"Pareto", "Exponential", []float64{1, 1.5, 1}, []float64{1, 1, 1}},
		{"Pareto", "Gamma", []float64{1, 1.5, 2, 1}, []float64{1, 0.5, 2, 1}},
		{"Pareto", "Normal", []float64{1, 2.5, 0, 1}, []float64{1, 2, 0, 1}},
		{"Pareto", "Laplace", []float64{1, 1.5, 0, 1}, []float64{1, 0.9, 0, 1}},
		{"Laplace", "Gumbel", []float64{0, 0.5, 0, 1}, []float64{0, 1, 0, 1}},
		{"ContinuousBernoulli", "Uniform", []float64{0.3, -0.5, 1.5}, []float64{0.3, 0.1, 1.5}},
		{"Uniform", "ContinuousBernoulli", []float64{0.1, 0.9, 0.3}, []float64{0.1, 1.1, 0.3}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s-%s", c.P, c.Q)
		n := len(c.finite)
		p1, q1 := scalarPairCross(c.P, c.finite[:famArityCross[c.P]], c.Q, c.finite[famArityCross[c.P]:])
		want := klScalar(t, p1, q1)
		// Rows: finite, infinite, finite.
		tp := ad.NewTape()
		params := make([]*ad.Param, n)
		vars := make([]ad.Var, n)
		for k := 0; k < n; k++ {
			params[k] = ad.NewParam("θ", 3, 1, []float64{c.finite[k], c.inf[k], c.finite[k]})
			vars[k] = tp.Param(params[k])
		}
		p, q := pairCross(c.P, c.Q)(vars)
		kl, err := KL(p, q)
		require.NoError(t, err, name)
		v := kl.Value()
		assert.InEpsilon(t, want, v[0], 1e-15, "%s row 0", name)
		assert.True(t, math.IsInf(v[1], 1), "%s row 1 is +Inf: %v", name, v[1])
		assert.InEpsilon(t, want, v[2], 1e-15, "%s row 2", name)
		// Backward through the finite rows and the infinite one.
		tp.Backward(ad.Sum(kl))
		for k := 0; k < n; k++ {
			g := params[k].Grad
			assert.Equal(t, 0.0, g[1], "%s: gradient of parameter %d in the +Inf row", name, k)
			for _, i := range []int{0, 2} {
				assert.False(t, math.IsNaN(g[i]) || math.IsInf(g[i], 0), "%s: gradient of parameter %d row %d = %v", name, k, i, g[i])
			}
		}
	}
}

// infinitePairsCross are the support mismatches registered with
// registerInfinite by the cross files.
var infinitePairsCross = [][2]string{
	{"Beta", "Pareto"},
	{"Exponential", "Beta"}, {"Exponential", "Pareto"}, {"Exponential", "Uniform"},
	{"Gamma", "Beta"}, {"Gamma", "Pareto"}, {"Gamma", "Uniform"},
	{"Gumbel", "Beta"}, {"Gumbel", "Exponential"}, {"Gumbel", "Gamma"}, {"Gumbel", "Pareto"}, {"Gumbel", "Uniform"},
	{"Laplace", "Beta"}, {"Laplace", "Exponential"}, {"Laplace", "Gamma"}, {"Laplace", "Pareto"}, {"Laplace", "Uniform"},
	{"Normal", "Beta"}, {"Normal", "Exponential"}, {"Normal", "Gamma"}, {"Normal", "Pareto"}, {"Normal", "Uniform"},
	{"Pareto", "Beta"}, {"Pareto", "Uniform"},
	{"Chi2", "Beta"}, {"Chi2", "Pareto"}, {"Chi2", "Uniform"},
	{"Gumbel", "Chi2"}, {"Laplace", "Chi2"}, {"Normal", "Chi2"},
	{"ContinuousBernoulli", "Pareto"}, {"Exponential", "ContinuousBernoulli"}, {"Gamma", "ContinuousBernoulli"},
	{"Gumbel", "ContinuousBernoulli"}, {"Laplace", "ContinuousBernoulli"}, {"Normal", "ContinuousBernoulli"},
	{"Pareto", "ContinuousBernoulli"}, {"Chi2", "ContinuousBernoulli"},
	{"Normal", "HalfNormal"}, {"Normal", "LogNormal"}, {"Normal", "Weibull"},
	{"Gumbel", "HalfNormal"}, {"Gumbel", "LogNormal"}, {"Gumbel", "Weibull"},
	{"Laplace", "HalfNormal"}, {"Laplace", "LogNormal"}, {"Laplace", "Weibull"},
}

// validParamsCross returns valid parameters of a family, 2 x 1 for the
// first parameter (a batch of two) and 1 x 1 for the others.
func validParamsCross(fam string) []ad.Var {
	first := map[string][]float64{
		"Normal": {0, 1}, "Beta": {2, 3}, "Exponential": {1, 2}, "Gamma": {2, 3}, "Gumbel": {0, 1}, "Laplace": {0, 1},
		"Pareto": {1, 2}, "Uniform": {0, 0.5}, "Chi2": {2, 3}, "ContinuousBernoulli": {0.3, 0.6},
		"HalfNormal": {1, 2}, "LogNormal": {0, 1}, "Weibull": {1, 2},
	}[fam]
	rest := map[string][]float64{
		"Normal": {1}, "Beta": {2}, "Gamma": {1}, "Gumbel": {1}, "Laplace": {1}, "Pareto": {3}, "Uniform": {1},
		"LogNormal": {1}, "Weibull": {2},
	}[fam]
	out := []ad.Var{ad.Col(first)}
	for _, v := range rest {
		out = append(out, ad.Scalar(v))
	}
	return out
}

// TestKLCrossInfinitePairs checks the support mismatches: +Inf in every
// row, with the batch shape, never NaN; and a loss that adds a finite
// recorded term gets zero gradient from them.
func TestKLCrossInfinitePairs(t *testing.T) {
	for _, pq := range infinitePairsCross {
		p, q := famCross(pq[0], validParamsCross(pq[0])), famCross(pq[1], validParamsCross(pq[1]))
		kl, err := KL(p, q)
		require.NoError(t, err, "KL(%s || %s)", pq[0], pq[1])
		require.Equal(t, [2]int{2, 1}, [2]int{kl.Rows(), kl.Cols()}, "KL(%s || %s) shape", pq[0], pq[1])
		for _, v := range kl.Value() {
			assert.True(t, math.IsInf(v, 1), "KL(%s || %s) = %v, want +Inf", pq[0], pq[1], v)
		}
		found := false
		for _, pr := range Pairs() {
			if pr.P == pq[0] && pr.Q == pq[1] {
				found = true
				assert.Equal(t, Infinite, pr.Kind, "KL(%s || %s) kind", pq[0], pq[1])
			}
		}
		assert.True(t, found, "KL(%s || %s) listed by Pairs", pq[0], pq[1])
	}
	// Backward through an infinite pair on a tape: the parameters get no
	// gradient from it.
	tp := ad.NewTape()
	loc := ad.NewParam("loc", 2, 1, []float64{0, 1})
	n := Normal{Loc: tp.Param(loc), Scale: ad.Scalar(1)}
	kl, err := KL(n, Must(NewExponential(1)))
	require.NoError(t, err)
	tp.Backward(ad.Add(ad.Sum(n.LogProb(ad.Col([]float64{0.5, 0.5}))), ad.Sum(kl)))
	for _, g := range loc.Grad {
		assert.False(t, math.IsNaN(g), "gradient is NaN")
	}
	assert.InDelta(t, 0.5, loc.Grad[0], 1e-15, "gradient of the log-density alone")
	assert.InDelta(t, -0.5, loc.Grad[1], 1e-15, "gradient of the log-density alone")
}

// TestKLCrossWideParameters draws parameters over a wide range (each
// positive parameter of the random draws multiplied by e^{12 Z} with
// probability 0.3, to about 1e18 either way) and asserts that KL is
// never NaN or negative and that Backward gives no NaN gradient (an
// overflowed KL is +Inf with zero gradients).
func TestKLCrossWideParameters(t *testing.T) {
	rng := newRNG(17)
	for _, pr := range crossPairs {
		np := famArityCross[pr.P]
		for range 1000 {
			ps := pr.draw(rng)
			for k := range ps {
				if rng.Float64() < 0.3 {
					ps[k] *= math.Exp(12 * rng.NormFloat64())
				}
			}
			p0, q0 := scalarPairCross(pr.P, ps[:np], pr.Q, ps[np:])
			if p0.Validate() != nil || q0.Validate() != nil {
				continue
			}
			tp := ad.NewTape()
			params := make([]*ad.Param, len(ps))
			vars := make([]ad.Var, len(ps))
			for k, v := range ps {
				params[k] = ad.NewParam("θ", 1, 1, []float64{v})
				vars[k] = tp.Param(params[k])
			}
			p, q := pairCross(pr.P, pr.Q)(vars)
			kl, err := KL(p, q)
			require.NoError(t, err)
			v := kl.Scalar()
			name := nameCross(pr.P, ps[:np], pr.Q, ps[np:])
			if !assert.False(t, math.IsNaN(v), "%s is NaN", name) || !assert.GreaterOrEqual(t, v, 0.0, "%s", name) {
				continue
			}
			tp.Backward(kl)
			for k, pp := range params {
				assert.False(t, math.IsNaN(pp.Grad[0]), "%s: gradient %d is NaN", name, k)
			}
		}
	}
}
