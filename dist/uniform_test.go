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

func uniformOf(ps []ad.Var) Distribution { return Uniform{Low: ps[0], High: ps[1]} }
func uniform1(ps []float64) Distribution { return Must(NewUniform(ps[0], ps[1])) }

func TestUniformAgainstGonum(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {-3.5, 0.2}, {10, 17}} {
		d := Must(NewUniform(c[0], c[1]))
		xs := []float64{c[0] - 1, c[0], c[0] + 0.1*(c[1]-c[0]), (c[0] + c[1]) / 2, c[1], c[1] + 2}
		checkAgainstRef(t, d, distuv.Uniform{Min: c[0], Max: c[1]}, xs, 1e-14, "Uniform")
		checkQuad(t, d, c[0], c[1], 1e-12, xs[2:4])
	}
	checkFamilyRef(t, "Uniform", uniform1, 1e-14)
}

func TestUniformBatch(t *testing.T) {
	ref := func(p []float64, x float64) float64 { return distuv.Uniform{Min: p[0], Max: p[1]}.LogProb(x) }
	cdf := func(p []float64, x float64) float64 { return distuv.Uniform{Min: p[0], Max: p[1]}.CDF(x) }
	checkBatch(t, uniformOf, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0, 1, 2, -1, -2, -3}}, row(3, 4, 5)},
		ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.5, 1.5, 2.5, 1, 1, 1, 2, 2, 2, -1, 0, 6}}, ref, cdf)
	checkBatch(t, uniformOf, []ad.Matrix{mat(0.3), col(0.5, 2)}, row(0.4, 0.2, 1.9), ref, cdf)
	// The support follows the batch: row b of a value is checked against
	// [low_b, high_b].
	d := Must(UniformOf(ad.Col([]float64{0, 10}), ad.Col([]float64{1, 11})))
	assert.NoError(t, d.Support().Check(ad.Col([]float64{0.5, 10.5})))
	assert.Error(t, d.Support().Check(ad.Col([]float64{10.5, 0.5})))
}

func TestUniformGradients(t *testing.T) {
	// Values strictly inside (gradient of the value is 0).
	checkLogProbGrad(t, uniformOf, []ad.Matrix{row(0.3, -1), row(1.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 0}}, nil)
	checkLogProbGrad(t, uniformOf, []ad.Matrix{mat(-0.2), col(5, 6, 7)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 0.5, 0, 4, 4}}, nil)
	checkCDFGrad(t, uniformOf, []ad.Matrix{mat(0.1), mat(2.3)}, row(0.2, 0.5, 2), nil)
	checkCDFGrad(t, uniformOf, []ad.Matrix{row(0.1, -2), col(1.3, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 0.2, 0.3, -1}}, nil)
	// Outside: -Inf and zero partials, never NaN.
	tp := ad.NewTape()
	lo := ad.NewParam("low", 1, 1, []float64{0})
	hi := ad.NewParam("high", 1, 1, []float64{1})
	x := ad.NewParam("x", 1, 1, []float64{2})
	lp := Uniform{Low: tp.Param(lo), High: tp.Param(hi)}.LogProb(tp.Param(x))
	assert.Equal(t, math.Inf(-1), lp.Scalar())
	tp.Backward(lp)
	assert.Equal(t, []float64{0, 0, 0}, []float64{lo.Grad[0], hi.Grad[0], x.Grad[0]}, "partials outside the support")
}

func TestUniformSampling(t *testing.T) {
	rng := newRNG(91)
	d := Must(NewUniform(-0.5, 2))
	checkMoments(t, d, rng, 200000, 5)
	checkKS(t, d, distuv.Uniform{Min: -0.5, Max: 2}.CDF, rng, 20000)
	// E[z²] = (L² + LH + H²)/3.
	checkPathwise(t, uniformOf, []float64{-0.5, 2}, "z²", ad.Square, []float64{(-1 + 2) / 3.0, (-0.5 + 4) / 3}, rng, 200000)
}

func TestUniformValidate(t *testing.T) {
	_, err := NewUniform(1, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "high[0] = 1, want > low (1)")
	var pe *ParamError
	_, err = UniformOf(ad.Row([]float64{0, 5}), ad.Scalar(3))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "high", pe.Param)
	assert.Equal(t, 0, pe.Index)
	_, err = NewUniform(math.Inf(-1), 1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "low", pe.Param)
	_, err = NewUniform(0, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "high", pe.Param)
	_, err = UniformOf(ad.Const(1, 2, []float64{0, 0}), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
}

func TestKLUniformUniform(t *testing.T) {
	build := func(p, q []float64) (Distribution, Distribution) { return uniform1(p), uniform1(q) }
	for _, c := range [][4]float64{{0, 1, 0, 1}, {0.2, 0.9, 0, 1}, {-3, 2, -5, 7.5}, {1, 1.5, 1, 4}} {
		p, q := uniform1(c[:2]), uniform1(c[2:])
		want := klQuadLogTails(p, q, c[0], c[1], (c[0]+c[1])/2)
		assert.InDelta(t, want, klScalar(t, p, q), 1e-12*math.Max(1, want), "KL %v by quadrature", c)
	}
	// Exactly representable case: log 2.
	assertRel(t, math.Ln2, klScalar(t, uniform1([]float64{0.25, 0.75}), uniform1([]float64{0, 1})), 1e-16, "KL = log 2")
	checkKLRef(t, "Uniform", build, 5e-15, 5e-15)
	// Near p = q the divergence is first order: shrinking p's interval by
	// a relative δ gives -log(1-δ) = δ + δ²/2 + ... .
	for _, h := range []float64{1e-6, 1e-9, 1e-12} {
		p := uniform1([]float64{0.5 + h, 2.5})
		q := uniform1([]float64{0.5, 2.5})
		hh := (0.5 + h) - 0.5 // the shift as represented (exact subtraction)
		assertRel(t, -math.Log1p(-hh/2), klScalar(t, p, q), 1e-15, "KL with low shifted by %v", h)
	}
	// Support mismatch: +Inf in that row (never NaN), zero partials there,
	// finite in the other row.
	tp := ad.NewTape()
	l1 := ad.NewParam("l1", 2, 1, []float64{0.2, -0.5})
	h1 := ad.NewParam("h1", 2, 1, []float64{0.8, 0.5})
	l2 := ad.NewParam("l2", 1, 1, []float64{0})
	h2 := ad.NewParam("h2", 1, 1, []float64{1})
	kl, err := KL(Uniform{Low: tp.Param(l1), High: tp.Param(h1)}, Uniform{Low: tp.Param(l2), High: tp.Param(h2)})
	require.NoError(t, err)
	assertRel(t, math.Log(1/0.6), kl.At(0, 0), 1e-15, "row inside")
	assert.Equal(t, math.Inf(1), kl.At(1, 0), "row outside")
	tp.Backward(ad.Sum(kl))
	assert.InDeltaSlice(t, []float64{1 / 0.6, 0}, l1.Grad, 1e-14, "∂/∂low of p: 1/w1 inside, 0 in the +Inf row")
	assert.InDeltaSlice(t, []float64{-1 / 0.6, 0}, h1.Grad, 1e-14, "∂/∂high of p")
	assert.Equal(t, []float64{-1}, l2.Grad, "∂/∂low of q from the finite row only")
	assert.Equal(t, []float64{1}, h2.Grad, "∂/∂high of q from the finite row only")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Uniform{Low: v[0], High: v[1]}, Uniform{Low: v[2], High: v[3]}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(-0.5), row(1.2, 2.6)}, nil)
	checkKLBatch(t, func(v []ad.Var) (Distribution, Distribution) {
		return Uniform{Low: v[0], High: v[1]}, Uniform{Low: v[2], High: v[3]}
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.1, -0.4, 0.3, 0}}, row(0.8, 1.9), mat(-0.5), col(4.2, 2.6)})
	checkKLRandom(t, newRNG(11), func(rng *rand.Rand) (Distribution, Distribution) {
		l := 3 * rng.NormFloat64()
		w := logUniform(rng, 1e-2, 1e2)
		// q contains p: wider on both sides.
		return Must(NewUniform(l, l+w)), Must(NewUniform(l-w*rng.Float64(), l+w+w*rng.Float64()))
	}, 500)
	checkKLMonteCarlo(t, Must(NewUniform(0, 1)), Must(NewUniform(-1, 2)), newRNG(92), 10000, 5)
}
