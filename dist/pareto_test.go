package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func paretoOf(ps []ad.Var) Distribution { return Pareto{Scale: ps[0], Alpha: ps[1]} }
func pareto1(ps []float64) Distribution { return Must(NewPareto(ps[0], ps[1])) }

func TestParetoAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{1, 3}, {0.2, 0.7}, {7, 2.5}, {2, 1.5}} {
		d := Must(NewPareto(c[0], c[1]))
		xs := []float64{c[0] / 2, c[0], 1.3 * c[0], 4 * c[0], 100 * c[0]}
		checkAgainstRef(t, d, distuv.Pareto{Xm: c[0], Alpha: c[1]}, xs, 1e-14, "Pareto")
		checkQuad(t, d, c[0], math.Inf(1), 1e-10, []float64{1.5 * c[0], 3 * c[0]}, 2*c[0], 10*c[0])
	}
	checkFamilyRef(t, "Pareto", pareto1, 1e-14)
	assert.True(t, math.IsInf(Must(NewPareto(1, 1)).Mean().Scalar(), 1), "mean at α = 1")
	assert.True(t, math.IsInf(Must(NewPareto(1, 2)).Variance().Scalar(), 1), "variance at α = 2")
}

func TestParetoBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.Pareto{Xm: p[0], Alpha: p[1]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.Pareto{Xm: p[0], Alpha: p[1]}.CDF(x) }
	checkBatch(t, paretoOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 1.5, 0.3, 3}}, row(1, 2, 3)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 1.5, 2.5, 1, 1, 1, 2, 2, 2, 1.4, 0.5, 6}}, ref, cdf)
	checkBatch(t, paretoOf, []ad.Matrix{mat(0.3), col(0.5, 2.5)}, row(0.4, 0.2, 1.9), ref, cdf)
	// Moments with α on both sides of 1 and 2 in one batch.
	checkBatch(t, paretoOf, []ad.Matrix{row(1, 2), col(0.5, 1.5, 3)}, row(3, 4), ref, cdf)
}

func TestParetoGradients(t *testing.T) {
	checkLogProbGrad(t, paretoOf, []ad.Matrix{row(0.3, 1), row(1.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 1.3}}, nil)
	checkLogProbGrad(t, paretoOf, []ad.Matrix{mat(0.2), col(5, 6, 7)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0.3, 4, 4}}, nil)
	checkCDFGrad(t, paretoOf, []ad.Matrix{mat(0.1), mat(2.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, paretoOf, []ad.Matrix{row(0.1, 0.2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.3, 0.3, 1}}, nil)
	checkMomentsGrad(t, paretoOf, []ad.Matrix{row(0.5, 1.2), col(3.5, 2.6)})
	// Below the scale: -Inf and zero partials, never NaN.
	tp := ad.NewTape()
	s := ad.NewParam("scale", 1, 1, []float64{1})
	a := ad.NewParam("alpha", 1, 1, []float64{2})
	lp := Pareto{Scale: tp.Param(s), Alpha: tp.Param(a)}.LogProb(ad.Scalar(0.5))
	assert.Equal(t, math.Inf(-1), lp.Scalar())
	tp.Backward(lp)
	assert.Equal(t, []float64{0, 0}, []float64{s.Grad[0], a.Grad[0]}, "partials below the scale")
}

func TestParetoSampling(t *testing.T) {
	rng := newRNG(101)
	d := Must(NewPareto(0.8, 9))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.Pareto{Xm: 0.8, Alpha: 9}.CDF, rng, 20000)
	heavy := Must(NewPareto(0.8, 0.7))
	checkKS(t, heavy, distuv.Pareto{Xm: 0.8, Alpha: 0.7}.CDF, rng, 20000)
	// E[1/z] = α/(x_m(α+1)), finite for every α.
	recip := func(z ad.Var) ad.Var { return ad.Div(ad.Scalar(1), z) }
	for _, a := range []float64{9, 0.7} {
		checkPathwise(t, paretoOf, []float64{0.8, a}, "1/z", recip,
			[]float64{-a / (0.64 * (a + 1)), 1 / (0.8 * (a + 1) * (a + 1))}, rng, 200000)
	}
}

func TestParetoValidate(t *testing.T) {
	_, err := NewPareto(0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "scale[0] = 0")
	var pe *ParamError
	_, err = ParetoOf(ad.Scalar(1), ad.Row([]float64{1, -2}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "alpha", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = ParetoOf(ad.Const(1, 2, []float64{1, 1}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestKLParetoPareto(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return pareto1(p), pareto1(q) }
	for _, c := range [][4]float64{{1, 1, 1, 1}, {1.2, 3, 1, 2}, {0.5, 0.7, 0.3, 1.7}, {3, 2.5, 3, 0.4}} {
		p, q := pareto1(c[:2]), pareto1(c[2:])
		want := klQuadLogTails(p, q, c[0], math.Inf(1), 2*c[0], 10*c[0])
		assert.InDelta(t, want, klScalar(t, p, q), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
	}
	checkKLRef(t, "Pareto", build, 5e-15, 5e-15)
	// Near p = q in α the Fisher information is 1/α². (In the scale the
	// family is not regular: the KL is first order, α2 log(x1/x2), and is
	// checked against mpmath above.)
	a := 2.2
	checkKLFisher(t, func(ps []float64) Distribution { return pareto1([]float64{1.3, ps[0]}) }, []float64{a}, []float64{a}, [][]float64{{1 / (a * a)}}, 5e-6)
	// p.Scale < q.Scale: +Inf in that row, zero partials, never NaN.
	tp := ad.NewTape()
	x1 := ad.NewParam("x1", 2, 1, []float64{1.5, 0.5})
	a1 := ad.NewParam("a1", 1, 1, []float64{2})
	x2 := ad.NewParam("x2", 1, 1, []float64{1})
	a2 := ad.NewParam("a2", 1, 1, []float64{3})
	kl, err := KL(Pareto{Scale: tp.Param(x1), Alpha: tp.Param(a1)}, Pareto{Scale: tp.Param(x2), Alpha: tp.Param(a2)})
	require.NoError(t, err)
	assertRel(t, math.Log(2.0/3)+1.5-1+3*math.Log(1.5), kl.At(0, 0), 1e-15, "row inside")
	assert.Equal(t, math.Inf(1), kl.At(1, 0), "row with p.Scale < q.Scale")
	tp.Backward(ad.Sum(kl))
	assert.Equal(t, 0.0, x1.Grad[1], "zero partial in the +Inf row")
	assert.False(t, math.IsNaN(a1.Grad[0]) || math.IsNaN(x2.Grad[0]) || math.IsNaN(a2.Grad[0]), "no NaN gradient")
	assertRel(t, -3/1.0, x2.Grad[0], 1e-15, "∂/∂x2 from the finite row only")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Pareto{Scale: v[0], Alpha: v[1]}, Pareto{Scale: v[2], Alpha: v[3]}
	}, []ad.Matrix{row(1.1, 0.9), row(0.8, 1.9), mat(0.5), row(1.2, 2.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Pareto{Scale: v[0], Alpha: v[1]}, Pareto{Scale: v[2], Alpha: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{1.1, 0.4, 3, 1}}, row(0.8, 1.9), mat(0.5), col(4.2, 2.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		xq := logUniform(rng, 1e-2, 1e2)
		return Must(NewPareto(xq*(1+rng.ExpFloat64()), logUniform(rng, 1e-2, 1e2))), Must(NewPareto(xq, logUniform(rng, 1e-2, 1e2)))
	}, 500)
	checkKLMonteCarlo(t, Must(NewPareto(1.5, 3)), Must(NewPareto(1, 2)), newRNG(102), 100000, 5)
}
