package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestTransformedLogNormal(t *testing.T) {
	for _, c := range [][2]float64{{0, 1}, {0.3, 0.8}, {-1.5, 2}} {
		mu, s := c[0], c[1]
		d := Must(NewTransformed(Must(NewNormal(mu, s)), Exp{}))
		ref := distuv.LogNormal{Mu: mu, Sigma: s}
		for _, y := range []float64{1e-3, 0.2, 1, 2.5, 40} {
			// The log-normal density written out: -log y - log σ - log √(2π) - (log y - μ)²/(2σ²).
			z := (math.Log(y) - mu) / s
			direct := -math.Log(y) - math.Log(s) - logSqrt2Pi - 0.5*z*z
			assertRel(t, direct, logProbAt(d, y), 1e-13, "log-normal %v at %v", c, y)
			assertRel(t, ref.LogProb(y), logProbAt(d, y), 1e-13, "gonum log-normal %v at %v", c, y)
		}
		checkNormalized(t, d, 0, math.Inf(1), 1e-9, math.Exp(mu))
		assert.Equal(t, "positive", d.Support().String())
		// Outside the support: -Inf, never NaN.
		for _, y := range []float64{-1, 0, math.Inf(-1)} {
			assert.Equal(t, math.Inf(-1), logProbAt(d, y), "log-normal at %v", y)
		}
	}
}

func TestTransformedSigmoidNormalized(t *testing.T) {
	mu, s := 0.5, 1.3
	d := Must(NewTransformed(Must(NewNormal(mu, s)), Sigmoid{}))
	checkNormalized(t, d, 0, 1, 1e-9)
	// The logit-normal density: N(logit y | μ, σ) / (y (1 - y)).
	for _, y := range []float64{0.01, 0.3, 0.5, 0.97} {
		lg := math.Log(y / (1 - y))
		want := distuv.Normal{Mu: mu, Sigma: s}.LogProb(lg) - math.Log(y*(1-y))
		assertRel(t, want, logProbAt(d, y), 1e-12, "logit-normal at %v", y)
	}
	assert.Equal(t, "unit_interval", d.Support().String())
	assert.Equal(t, math.Inf(-1), logProbAt(d, 1.5))
}

func TestTransformedAffineAndCompose(t *testing.T) {
	// Affine(2, -3) of N(0, 1) is N(2, 3).
	d := Must(NewTransformed(Must(NewNormal(0, 1)), Affine{Loc: scalar(2), Scale: scalar(-3)}))
	for _, y := range []float64{-4, 0, 2, 7} {
		assertRel(t, distuv.Normal{Mu: 2, Sigma: 3}.LogProb(y), logProbAt(d, y), 1e-13, "Affine at %v", y)
	}
	assert.Equal(t, "real", d.Support().String())
	// Exp then Affine(1, 2): y = 1 + 2 exp(x), p(y) = logN((y-1)/2)/2 on (1, ∞).
	d = Must(NewTransformed(Must(NewNormal(0.2, 0.6)), Exp{}, Affine{Loc: scalar(1), Scale: scalar(2)}))
	ref := distuv.LogNormal{Mu: 0.2, Sigma: 0.6}
	for _, y := range []float64{1.01, 2, 5, 12} {
		assertRel(t, ref.LogProb((y-1)/2)-math.Ln2, logProbAt(d, y), 1e-12, "Exp, Affine at %v", y)
	}
	assert.Equal(t, "greater_than(1)", d.Support().String())
	assert.Equal(t, math.Inf(-1), logProbAt(d, 0.5))
	// A negative scale turns the half-line around.
	d = Must(NewTransformed(Must(NewNormal(0, 1)), Compose{Exp{}, Affine{Loc: scalar(1), Scale: scalar(-2)}}))
	assert.Equal(t, "less_than(1)", d.Support().String())
	checkNormalized(t, d, math.Inf(-1), 1, 1e-9, -1)
	// Tanh: (-1, 1).
	d = Must(NewTransformed(Must(NewNormal(0.3, 0.7)), Tanh{}))
	checkNormalized(t, d, -1, 1, 1e-9)
	assert.Equal(t, "interval(-1, 1)", d.Support().String())
}

func TestTransformedBatch(t *testing.T) {
	loc := ad.Const(2, 3, []float64{0, 0.5, -1, 1, 0.2, 0.3})
	scale := ad.Row([]float64{0.5, 1, 2})
	d := Must(NewTransformed(Must(NormalOf(loc, scale)), Exp{}))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.5, 1, 2, 3, 0.1, 0.7, 1.1, 1.2, 1.3, 0.01, 5, 2})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := range 4 {
		var want float64
		for j := range 3 {
			want += distuv.LogNormal{Mu: loc.At(i%2, j), Sigma: scale.At(0, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	// One row is scored against every batch member; a row outside the
	// support gets -Inf alone.
	one := d.LogProb(ad.Row([]float64{0.5, 1, 2})).Value()
	require.Len(t, one, 2)
	assertRel(t, lp[0], one[0], 1e-15, "row 0")
	x2 := ad.Const(2, 3, []float64{0.5, 1, 2, 3, -0.1, 0.7})
	lp2 := d.LogProb(x2).Value()
	assertRel(t, lp[0], lp2[0], 1e-15, "valid row beside an invalid one")
	assert.Equal(t, math.Inf(-1), lp2[1])
	// Batched Affine parameters tile with the value's rows.
	aff := Affine{Loc: ad.Col([]float64{1, -1}), Scale: ad.Col([]float64{2, 0.5})}
	d = Must(NewTransformed(Must(NormalOf(ad.Col([]float64{0, 1}), scalar(1))), aff))
	x = ad.Col([]float64{0.3, 0.1, 2, -4})
	lp = d.LogProb(x).Value()
	for i := range 4 {
		want := distuv.Normal{Mu: aff.Loc.At(i%2, 0) + aff.Scale.At(i%2, 0)*float64(i%2), Sigma: math.Abs(aff.Scale.At(i%2, 0))}.LogProb(x.At(i, 0))
		assertRel(t, want, lp[i], 1e-13, "batched affine row %d", i)
	}
	s := d.Sample(newRNG(2), 3)
	require.Equal(t, 6, s.Rows())
}

// TestTransformedStickBreakingNormalized integrates the density of a
// Normal pushed onto the 3-simplex by StickBreaking over the free
// coordinates (y_0, y_1) by 2-D Gauss-Legendre quadrature, y_1 = (1 - y_0)u.
func TestTransformedStickBreakingNormalized(t *testing.T) {
	base := Must(NormalOf(ad.Row([]float64{0.3, -0.4}), ad.Row([]float64{0.8, 1.1})))
	d := Must(NewTransformed(base, StickBreaking{}))
	_, c := d.Shape()
	require.Equal(t, 3, c)
	assert.Equal(t, "simplex", d.Support().String())
	const n = 400
	xs, ws := make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(xs, ws, 0, 1)
	vals := make([]float64, 0, n*n*3)
	weights := make([]float64, 0, n*n)
	for a := range n {
		for b := range n {
			y0 := xs[a]
			y1 := (1 - y0) * xs[b]
			vals = append(vals, y0, y1, 1-y0-y1)
			weights = append(weights, ws[a]*ws[b]*(1-y0))
		}
	}
	lp := d.LogProb(ad.Const(n*n, 3, vals)).Value()
	var z float64
	for i, w := range weights {
		z += w * math.Exp(lp[i])
	}
	assert.InDelta(t, 1, z, 1e-6, "StickBreaking-transformed Normal integrates to 1")
}

func TestTransformedGradients(t *testing.T) {
	exp := func(ps []ad.Var) Distribution {
		return TransformedDistribution{Base: Normal{Loc: ps[0], Scale: ps[1]}, Transforms: []Bijector{Exp{}}}
	}
	checkLogProbGrad(t, exp, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, 0.5, 0.1}}, nil)
	aff := func(ps []ad.Var) Distribution {
		return TransformedDistribution{Base: Normal{Loc: ps[0], Scale: ps[1]}, Transforms: []Bijector{Sigmoid{}, Affine{Loc: ps[2], Scale: ps[3]}}}
	}
	checkLogProbGrad(t, aff, []ad.Matrix{row(0.2, -0.4), mat(0.9), row(-1, 0), row(3, 2)}, ad.Matrix{Rows: 3, Cols: 2, Data: []float64{0.5, 1.2, -0.2, 0.5, 1, 0.1}}, nil)
	// Onto the simplex: a step of 1e-7 keeps the perturbed rows within the
	// simplex check's tolerance.
	sb := func(ps []ad.Var) Distribution {
		return TransformedDistribution{Base: Normal{Loc: ps[0], Scale: ps[1]}, Transforms: []Bijector{StickBreaking{}}}
	}
	checkLogProbGrad(t, sb, []ad.Matrix{row(0.3, -0.2), row(0.8, 1.4)}, row(0.2, 0.5, 0.3), &ad.CheckOptions{Step: 1e-7, AbsTol: 1e-5, RelTol: 1e-5})
	// Rows outside the support pass no gradient.
	tp := ad.NewTape()
	y := tp.Input(2, 1, []float64{2, -1})
	loc := tp.Input(1, 1, []float64{0.1})
	lp := TransformedDistribution{Base: Normal{Loc: loc, Scale: scalar(1)}, Transforms: []Bijector{Exp{}}}.LogProb(y)
	tp.Backward(ad.SliceRows(lp, 1, 2))
	assert.Equal(t, []float64{0, 0}, y.Grad())
	assert.Equal(t, []float64{0}, loc.Grad())
}

func TestTransformedSampling(t *testing.T) {
	rng := newRNG(5)
	mu, s := 0.2, 0.5
	d := Must(NewTransformed(Must(NewNormal(mu, s)), Exp{}))
	const n = 200000
	xs := d.Sample(rng, n).Value()
	require.Len(t, xs, n)
	mean := math.Exp(mu + s*s/2)
	vari := math.Expm1(s*s) * math.Exp(2*mu+s*s)
	checkSampleMoments(t, xs, mean, vari, 5, "log-normal")
	checkKSValues(t, xs[:20000], distuv.LogNormal{Mu: mu, Sigma: s}.CDF, "log-normal")
	assert.NoError(t, d.Support().Check(ad.Col(xs)))
	// Rsample: E[y] = exp(μ + σ²/2), so ∂/∂μ = E[y] and ∂/∂σ = σ E[y]. The
	// pathwise estimates are means of y and ε y; their standard errors are
	// estimated from the same draws.
	tp := ad.NewTape()
	lp := ad.NewParam("loc", 1, 1, []float64{mu})
	sp := ad.NewParam("scale", 1, 1, []float64{s})
	dd := TransformedDistribution{Base: Normal{Loc: tp.Param(lp), Scale: tp.Param(sp)}, Transforms: []Bijector{Exp{}}}
	require.True(t, Provides[Reparameterized](dd))
	y := dd.Rsample(rng, n)
	tp.Backward(ad.Mean(y))
	var sy, syy, se, see float64
	for _, v := range y.Value() {
		e := (math.Log(v) - mu) / s
		sy += v
		syy += v * v
		se += e * v
		see += e * e * v * v
	}
	sdY := math.Sqrt(syy/n - (sy/n)*(sy/n))
	sdEY := math.Sqrt(see/n - (se/n)*(se/n))
	assert.InDelta(t, mean, lp.Grad[0], 5*sdY/math.Sqrt(n), "d/dμ E[y]")
	assert.InDelta(t, s*mean, sp.Grad[0], 5*sdEY/math.Sqrt(n), "d/dσ E[y]")
}

func TestTransformedValidate(t *testing.T) {
	n := Must(NewNormal(0, 1))
	_, err := NewTransformed(n, Affine{Loc: scalar(0), Scale: scalar(0)})
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "transforms[0].scale", pe.Param)
	_, err = NewTransformed(n, Exp{}, Compose{Affine{Loc: scalar(math.NaN()), Scale: scalar(1)}})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "transforms[1][0].loc", pe.Param)
	_, err = NewTransformed(nil, Exp{})
	assert.Error(t, err)
	_, err = NewTransformed(n, nil)
	assert.Error(t, err)
	// Width checks: LowerCholesky needs a triangular width.
	_, err = NewTransformed(Must(NormalOf(ad.Row([]float64{0, 0}), scalar(1))), LowerCholesky{})
	assert.ErrorContains(t, err, "LowerCholesky")
	_, err = NewTransformed(Must(NormalOf(ad.Row([]float64{0, 0, 0}), scalar(1))), LowerCholesky{})
	assert.NoError(t, err)
	// Affine parameters may not widen the event.
	_, err = NewTransformed(n, Affine{Loc: ad.Row([]float64{0, 1}), Scale: scalar(1)})
	assert.ErrorContains(t, err, "does not broadcast")
	// A base without Rsample: no pathwise samples through the transforms.
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	tm := Must(NewTransformed(mix, Exp{}))
	assert.False(t, Provides[Reparameterized](tm))
	assert.PanicsWithValue(t, "dist: TransformedDistribution: base dist.MixtureSameFamily has no Rsample (check dist.Provides first)", func() { tm.Rsample(newRNG(1), 2) })
	assert.NoError(t, tm.Support().Check(tm.Sample(newRNG(1), 100)), "samples of a transformed mixture are positive")
	// Base errors come through.
	_, err = NewTransformed(Normal{Loc: scalar(0), Scale: scalar(-1)}, Exp{})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
}

// TestTransformedBoundary: values on the boundary of the support (0 and 1
// under a Sigmoid, a vertex of the simplex under StickBreaking) have
// density 0: -Inf, not NaN, with zero gradient.
func TestTransformedBoundary(t *testing.T) {
	d := Must(NewTransformed(Must(NewNormal(0, 1)), Sigmoid{}))
	lp := d.LogProb(ad.Const(3, 1, []float64{0, 1, 0.5})).Value()
	assert.Equal(t, math.Inf(-1), lp[0])
	assert.Equal(t, math.Inf(-1), lp[1])
	assert.InDelta(t, -0.9189385332046727+math.Log(4), lp[2], 1e-12, "log N(0) - log σ'(0) at 0.5")
	e := Must(NewTransformed(Must(NormalOf(ad.Row([]float64{0}), ad.Scalar(1))), StickBreaking{}))
	assert.Equal(t, math.Inf(-1), e.LogProb(ad.Const(1, 2, []float64{1, 0})).Scalar())
	tp := ad.NewTape()
	loc := tp.Input(1, 1, []float64{0.3})
	out := Must(NewTransformed(Normal{Loc: loc, Scale: ad.Scalar(1)}, Sigmoid{})).LogProb(ad.Const(2, 1, []float64{0, 0.4}))
	tp.Backward(ad.Sum(ad.SliceRows(out, 1, 2)))
	assert.False(t, math.IsNaN(loc.Grad()[0]), "finite gradient from the valid row")
}
