package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestNormalLogProbAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-3.5, 0.2}, {10, 7}} {
		d := Must(NewNormal(c[0], c[1]))
		ref := distuv.Normal{Mu: c[0], Sigma: c[1]}
		for _, x := range []float64{-20, -1, 0, 0.3, 4, 50} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-14, "logpdf %v at %v", c, x)
		}
		assertRel(t, ref.Entropy(), d.Entropy().Scalar(), 1e-14, "entropy %v", c)
		for _, x := range []float64{-2, 0.1, 3} {
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-14, "cdf %v at %v", c, x)
		}
		checkNormalized(t, d, math.Inf(-1), math.Inf(1), 1e-10, c[0])
	}
	// Far tail: erfc keeps relative accuracy where 1 - Φ would not.
	d := Must(NewNormal(0, 1))
	assertRel(t, 7.61985302416047e-24, d.CDF(ad.Scalar(-10)).Scalar(), 1e-13, "Φ(-10)")
	assert.InDelta(t, 1.2815515655446004, d.Quantile(ad.Scalar(0.9)).Scalar(), 1e-9, "Φ⁻¹(0.9)")
}

func TestNormalBatchLogProb(t *testing.T) {
	// Two batch rows, three columns; x tiles the batch twice (4 rows).
	loc := ad.Const(2, 3, []float64{0, 1, 2, -1, -2, -3})
	scale := ad.Const(1, 3, []float64{1, 2, 3})
	d := Must(NormalOf(loc, scale))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2, -1, 0, 1})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += distuv.Normal{Mu: loc.At(i%2, j), Sigma: scale.At(0, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-14, "row %d", i)
	}
	// Entropy sums columns and broadcasts to the batch.
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	var want float64
	for j := 0; j < 3; j++ {
		want += distuv.Normal{Mu: 0, Sigma: scale.At(0, j)}.Entropy()
	}
	assertRel(t, want, h[1], 1e-14, "entropy")
}

func TestNormalGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Normal{Loc: ps[0], Scale: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
	// Broadcast: scalar loc, column scale over a 3x2 value.
	checkLogProbGrad(t, build, []ad.Matrix{mat(0.2), col(0.5, 1, 3)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, -0.5, 0, 4, -4}}, nil)
	// CDF gradient.
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return Normal{Loc: v[1], Scale: v[2]}.CDF(v[0])
	}, []ad.Matrix{row(-1, 0.5, 2), mat(0.1), mat(1.3)}, nil)
	assert.NoError(t, err, "CDF gradient")
}

func TestNormalSampling(t *testing.T) {
	rng := newRNG(1)
	d := Must(NewNormal(1.5, 0.7))
	checkMoments(t, d, rng, 200000, 5)
	ref := distuv.Normal{Mu: 1.5, Sigma: 0.7}
	checkKS(t, d, ref.CDF, rng, 20000)
	// Rsample: pathwise gradient of E[z²] = loc² + scale² is (2 loc, 2 scale).
	tp := ad.NewTape()
	loc := ad.NewParam("loc", 1, 1, []float64{1.5})
	scale := ad.NewParam("scale", 1, 1, []float64{0.7})
	const n = 400000
	z := Normal{Loc: tp.Param(loc), Scale: tp.Param(scale)}.Rsample(rng, n)
	require.Equal(t, n, z.Rows())
	tp.Backward(ad.Mean(ad.Square(z)))
	assert.InDelta(t, 3.0, loc.Grad[0], 5*2*0.7/math.Sqrt(n), "d/dloc E[z²]")
	assert.InDelta(t, 1.4, scale.Grad[0], 5*2*0.7*math.Sqrt(2)/math.Sqrt(n), "d/dscale E[z²]")
}

func TestNormalValidate(t *testing.T) {
	_, err := NewNormal(0, -1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = -1")
	_, err = NewNormal(math.NaN(), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loc[0] = NaN")
	_, err = NormalOf(ad.Const(1, 2, []float64{0, 0}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
	var pe *ParamError
	_, err = NewNormal(0, 0)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
}

func TestKLNormalNormal(t *testing.T) {
	cases := [][4]float64{{0, 1, 0, 1}, {0, 1, 1, 2}, {-2, 0.3, 1, 5}, {3, 4, -1, 0.5}}
	for _, c := range cases {
		p, q := Must(NewNormal(c[0], c[1])), Must(NewNormal(c[2], c[3]))
		want := klQuad(p, q, math.Inf(-1), math.Inf(1), c[0])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
		// Closed form written independently: log(s2/s1) + (s1² + (m1-m2)²)/(2 s2²) - 1/2.
		direct := math.Log(c[3]/c[1]) + (c[1]*c[1]+(c[0]-c[2])*(c[0]-c[2]))/(2*c[3]*c[3]) - 0.5
		assertRel(t, direct, klScalar(t, p, q), 1e-13, "KL %v", c)
	}
	// Near p = q the naive formula loses every digit; the Fisher information
	// gives KL ≈ ½ (δm²/s² + 2 δs²/s²) to relative O(δ).
	s := 1.7
	p := Must(NewNormal(0.4, s*(1+1e-6)))
	q := Must(NewNormal(0.4, s))
	assertRel(t, 1e-12, klScalar(t, p, q), 2e-6, "KL near p=q (scale)")
	p = Must(NewNormal(0.4+1e-6*s, s))
	assertRel(t, 0.5e-12, klScalar(t, p, q), 1e-9, "KL near p=q (loc)")
	assert.Equal(t, 0.0, klScalar(t, q, q), "KL(p||p)")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Normal{Loc: v[0], Scale: v[1]}, Normal{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	checkKLMonteCarlo(t, Must(NewNormal(0, 1)), Must(NewNormal(1, 2)), newRNG(3), 100000, 5)
}

func TestKLNonNegativeRandom(t *testing.T) {
	rng := newRNG(7)
	for range 500 {
		p := Must(NewNormal(rng.NormFloat64()*3, math.Exp(rng.NormFloat64())))
		q := Must(NewNormal(rng.NormFloat64()*3, math.Exp(rng.NormFloat64())))
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
	}
}
