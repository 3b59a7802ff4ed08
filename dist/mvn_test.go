package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	gmat "gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
)

func TestMVNLogProbAgainstGonum(t *testing.T) {
	rng := newRNG(11)
	for _, d := range []int{1, 2, 3, 5, 8} {
		loc := randVecMVN(rng, d, 2)
		cov := randSPDMVN(rng, d, 0.3)
		ref := gonumNormalMVN(t, loc, cov, 1)
		byCov := Must(NewMultivariateNormal(loc, cov))
		var prec gmat.Dense
		require.NoError(t, prec.Inverse(gmat.NewDense(d, d, append([]float64(nil), cov...))))
		pv := append([]float64(nil), prec.RawMatrix().Data...)
		for i := 0; i < d; i++ { // exactly symmetric
			for j := 0; j < i; j++ {
				pv[j*d+i] = pv[i*d+j]
			}
		}
		byPrec := Must(MultivariateNormalPrecision(ad.Row(loc), ad.Row(pv)))
		byTril := Must(MultivariateNormalScaleTril(ad.Row(loc), ad.Row(cholMVN(t, cov, d))))
		b, e := byCov.Shape()
		require.Equal(t, [2]int{1, d}, [2]int{b, e})
		for k := 0; k < 6; k++ {
			x := randVecMVN(rng, d, 3)
			want := ref.LogProb(x)
			xv := ad.Row(x)
			assertRel(t, want, byCov.LogProb(xv).Scalar(), 1e-13, "d=%d covariance", d)
			assertRel(t, want, byTril.LogProb(xv).Scalar(), 1e-13, "d=%d scale_tril", d)
			assertRel(t, want, byPrec.LogProb(xv).Scalar(), 1e-11, "d=%d precision", d)
		}
		assertRel(t, ref.Entropy(), byCov.Entropy().Scalar(), 1e-13, "d=%d entropy", d)
		assertRel(t, ref.Entropy(), byPrec.Entropy().Scalar(), 1e-12, "d=%d entropy (precision)", d)
		// Covariance, variance and mean give back the parameters.
		c := byPrec.Covariance().Value()
		for k := range cov {
			assert.InDelta(t, cov[k], c[k], 1e-11*(1+math.Abs(cov[k])), "d=%d covariance from precision [%d]", d, k)
		}
		v := byCov.Variance().Value()
		for j := 0; j < d; j++ {
			assertRel(t, cov[j*d+j], v[j], 1e-13, "variance[%d]", j)
		}
		assert.Equal(t, loc, byCov.Mean().Value())
	}
	// Far from the mean the density keeps its relative accuracy.
	d := Must(NewMultivariateNormal([]float64{0, 0}, []float64{1, 0.5, 0.5, 2}))
	ref := gonumNormalMVN(t, []float64{0, 0}, []float64{1, 0.5, 0.5, 2}, 1)
	assertRel(t, ref.LogProb([]float64{40, -70}), d.LogProb(ad.Row([]float64{40, -70})).Scalar(), 1e-14, "tail")
}

// TestMVNNormalized2D integrates the density of a correlated 2-D normal
// over the plane by tensor Gauss-Legendre quadrature on a box of ±12
// standard deviations (outside mass below 1e-30), cut into 24 x 24 cells.
func TestMVNNormalized2D(t *testing.T) {
	cov := []float64{2, -1.2, -1.2, 1.1}
	d := Must(NewMultivariateNormal([]float64{0.5, -1}, cov))
	const cells, pts = 24, 20
	xs, ws := make([]float64, pts), make([]float64, pts)
	sd := []float64{math.Sqrt(cov[0]), math.Sqrt(cov[3])}
	lo := []float64{0.5 - 12*sd[0], -1 - 12*sd[1]}
	h := []float64{24 * sd[0] / cells, 24 * sd[1] / cells}
	quad.Legendre{}.FixedLocations(xs, ws, 0, 1)
	n := cells * pts
	grid := make([]float64, 0, 2*n*n)
	weight := make([]float64, 0, n*n)
	for a := 0; a < n; a++ {
		xa := lo[0] + h[0]*(float64(a/pts)+xs[a%pts])
		for b := 0; b < n; b++ {
			xb := lo[1] + h[1]*(float64(b/pts)+xs[b%pts])
			grid = append(grid, xa, xb)
			weight = append(weight, h[0]*ws[a%pts]*h[1]*ws[b%pts])
		}
	}
	lp := d.LogProb(ad.Const(n*n, 2, grid)).Value()
	var z float64
	for k, w := range weight {
		z += w * math.Exp(lp[k])
	}
	assert.InDelta(t, 1, z, 1e-12, "density integrates to 1")
}

func TestMVNBatchLogProb(t *testing.T) {
	rng := newRNG(12)
	const b, d = 3, 4
	locs := randVecMVN(rng, b*d, 1)
	covs := make([]float64, 0, b*d*d)
	for range b {
		covs = append(covs, randSPDMVN(rng, d, 0.5)...)
	}
	m := Must(MultivariateNormalCov(ad.Const(b, d, locs), ad.Const(b, d*d, covs)))
	x := randVecMVN(rng, 2*b*d, 2) // two tiles of the batch
	lp := m.LogProb(ad.Const(2*b, d, x)).Value()
	require.Len(t, lp, 2*b)
	for i := 0; i < 2*b; i++ {
		k := i % b
		ref := gonumNormalMVN(t, locs[k*d:(k+1)*d], covs[k*d*d:(k+1)*d*d], 1)
		assertRel(t, ref.LogProb(x[i*d:(i+1)*d]), lp[i], 1e-13, "row %d", i)
	}
	// Shared loc (1 x D) with batched scale; one x row scored against each
	// batch member.
	m2 := Must(MultivariateNormalCov(ad.Const(1, d, locs[:d]), ad.Const(b, d*d, covs)))
	bb, dd := m2.Shape()
	require.Equal(t, [2]int{b, d}, [2]int{bb, dd})
	lp2 := m2.LogProb(ad.Const(1, d, x[:d])).Value()
	require.Len(t, lp2, b)
	for k := 0; k < b; k++ {
		ref := gonumNormalMVN(t, locs[:d], covs[k*d*d:(k+1)*d*d], 1)
		assertRel(t, ref.LogProb(x[:d]), lp2[k], 1e-13, "shared loc, member %d", k)
	}
	h := m2.Entropy().Value()
	require.Len(t, h, b)
	mean := m2.Mean()
	assert.Equal(t, [2]int{b, d}, [2]int{mean.Rows(), mean.Cols()})
	assert.Equal(t, [2]int{b, d * d}, [2]int{m2.Covariance().Rows(), m2.Covariance().Cols()})
	assert.Panics(t, func() { m.LogProb(ad.Const(2, d, x[:2*d])) }, "2 rows against a batch of 3")
	assert.Panics(t, func() { m.LogProb(ad.Const(3, d-1, x[:3*(d-1)])) }, "wrong width")
}

func TestMVNGradients(t *testing.T) {
	rng := newRNG(13)
	const d = 3
	l1 := cholMVN(t, randSPDMVN(rng, d, 0.5), d)
	l2 := cholMVN(t, randSPDMVN(rng, d, 0.5), d)
	build := func(ps []ad.Var) Distribution { return MultivariateNormal{Loc: ps[0], ScaleTril: ps[1]} }
	x := ad.Matrix{Rows: 4, Cols: d, Data: randVecMVN(rng, 4*d, 1.5)}
	// Batched loc and scale, x tiling the batch twice.
	checkLogProbGrad(t, build, []ad.Matrix{{Rows: 2, Cols: d, Data: randVecMVN(rng, 2*d, 1)},
		{Rows: 2, Cols: d * d, Data: append(append([]float64(nil), l1...), l2...)}}, x, nil)
	// Shared loc and scale over four rows.
	checkLogProbGrad(t, build, []ad.Matrix{row(randVecMVN(rng, d, 1)...), row(l1...)}, x, nil)
	// Shared scale, batched loc; a single x row broadcast over the batch.
	checkLogProbGrad(t, build, []ad.Matrix{{Rows: 4, Cols: d, Data: randVecMVN(rng, 4*d, 1)}, row(l2...)},
		ad.Matrix{Rows: 1, Cols: d, Data: randVecMVN(rng, d, 1)}, nil)
	// Through the covariance and precision constructors.
	cov := randSPDMVN(rng, d, 0.5)
	for _, ctor := range []func(ad.Var, ad.Var) (MultivariateNormal, error){MultivariateNormalCov, MultivariateNormalPrecision} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			// ½(A + Aᵀ) keeps the perturbed matrix exactly symmetric.
			a := ad.Reshape(v[2], d, d)
			sym := ad.Reshape(ad.Scale(ad.Add(a, ad.Transpose(a)), 0.5), 1, d*d)
			m, err := ctor(v[1], sym)
			if err != nil {
				panic(err)
			}
			return m.LogProb(v[0])
		}, []ad.Matrix{x, row(randVecMVN(rng, d, 1)...), row(cov...)}, nil)
		assert.NoError(t, err, "LogProb gradient through a matrix constructor")
	}
	// Entropy, variance and covariance.
	for name, f := range map[string]func(MultivariateNormal) ad.Var{
		"entropy": MultivariateNormal.Entropy, "variance": MultivariateNormal.Variance,
		"covariance": MultivariateNormal.Covariance, "mean": MultivariateNormal.Mean,
	} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return f(MultivariateNormal{Loc: v[0], ScaleTril: v[1]})
		}, []ad.Matrix{row(1, 2, 3), {Rows: 2, Cols: d * d, Data: append(append([]float64(nil), l1...), l2...)}}, nil)
		assert.NoError(t, err, "%s gradient", name)
	}
}

func TestMVNSampling(t *testing.T) {
	rng := newRNG(14)
	const d, n = 3, 100000
	locs := []float64{1, -2, 0.5, 0, 0, 3}
	covs := append(randSPDMVN(rng, d, 0.2), randSPDMVN(rng, d, 1)...)
	m := Must(MultivariateNormalCov(ad.Const(2, d, locs), ad.Const(2, d*d, covs)))
	xs := m.Sample(rng, n)
	require.Equal(t, [2]int{2 * n, d}, [2]int{xs.Rows(), xs.Cols()})
	checkSampleMomentsMVN(t, xs.Value(), n, 2, d, locs, covs, 5)
	assert.NoError(t, m.Support().Check(xs))
}

func TestMVNRsample(t *testing.T) {
	rng := newRNG(15)
	const d, n = 3, 200000
	l := cholMVN(t, randSPDMVN(rng, d, 0.5), d)
	mu := []float64{0.5, -1, 2}
	// E|z|² = |μ|² + tr(L Lᵀ): pathwise gradients 2μ and 2L (lower).
	tp := ad.NewTape()
	loc := ad.NewParam("loc", 1, d, mu)
	scale := ad.NewParam("scale_tril", 1, d*d, l)
	z := MultivariateNormal{Loc: tp.Param(loc), ScaleTril: tp.Param(scale)}.Rsample(rng, n)
	require.Equal(t, [2]int{n, d}, [2]int{z.Rows(), z.Cols()})
	tp.Backward(ad.Mean(ad.SumCols(ad.Square(z))))
	// Standard errors from the per-sample gradients 2 z_i and 2 z_i ε_j,
	// with ε = L⁻¹(z - μ) recovered from the draws.
	zv := z.Value()
	lm := gmat.NewTriDense(d, gmat.Lower, append([]float64(nil), l...))
	gradMean := make([]float64, d*d)
	gradSq := make([]float64, d*d)
	muMean, muSq := make([]float64, d), make([]float64, d)
	eps := gmat.NewVecDense(d, nil)
	for k := 0; k < n; k++ {
		r := zv[k*d : (k+1)*d]
		diff := gmat.NewVecDense(d, []float64{r[0] - mu[0], r[1] - mu[1], r[2] - mu[2]})
		require.NoError(t, eps.SolveVec(lm, diff))
		for i := 0; i < d; i++ {
			muMean[i] += 2 * r[i]
			muSq[i] += 4 * r[i] * r[i]
			for j := 0; j <= i; j++ {
				g := 2 * r[i] * eps.AtVec(j)
				gradMean[i*d+j] += g
				gradSq[i*d+j] += g * g
			}
		}
	}
	se := func(s, s2 float64) float64 { m := s / n; return math.Sqrt((s2/n - m*m) / n) }
	for i := 0; i < d; i++ {
		assert.InDelta(t, 2*mu[i], loc.Grad[i], 5*se(muMean[i], muSq[i]), "d/dloc[%d] E|z|²", i)
		for j := 0; j < d; j++ {
			if j > i {
				assert.Equal(t, 0.0, scale.Grad[i*d+j], "upper part has no gradient")
				continue
			}
			assert.InDelta(t, 2*l[i*d+j], scale.Grad[i*d+j], 5*se(gradMean[i*d+j], gradSq[i*d+j]), "d/dL[%d,%d] E|z|²", i, j)
		}
	}
	// With fixed noise, Rsample is a smooth function of the parameters:
	// its vector-Jacobian product against finite differences.
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return MultivariateNormal{Loc: v[0], ScaleTril: v[1]}.Rsample(newRNG(3), 4)
	}, []ad.Matrix{{Rows: 2, Cols: d, Data: randVecMVN(rng, 2*d, 1)}, row(l...)}, nil)
	assert.NoError(t, err, "Rsample gradient")
}

func TestMVNValidate(t *testing.T) {
	var pe *ParamError
	// Not symmetric, in batch row 1.
	cov := append([]float64{1, 0, 0, 1}, 2, 0.5, 0.4, 1)
	_, err := MultivariateNormalCov(ad.Row([]float64{0, 0}), ad.Const(2, 4, cov))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "covariance_matrix", pe.Param)
	assert.Equal(t, 6, pe.Index)
	assert.Contains(t, err.Error(), "symmetric")
	assert.Contains(t, err.Error(), "batch row 1")
	// Not positive definite: the second leading minor fails.
	_, err = NewMultivariateNormal([]float64{0, 0, 0}, []float64{1, 2, 0, 2, 1, 0, 0, 0, 1})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "covariance_matrix", pe.Param)
	assert.Contains(t, err.Error(), "positive-definite")
	assert.Contains(t, err.Error(), "batch row 0")
	assert.Contains(t, err.Error(), "leading minor of order 2")
	_, err = MultivariateNormalPrecision(ad.Row([]float64{0, 0}), ad.Const(2, 4, []float64{1, 0, 0, 1, -1, 0, 0, 1}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "precision_matrix", pe.Param)
	assert.Contains(t, err.Error(), "batch row 1")
	_, err = NewMultivariateNormal([]float64{0, 0}, []float64{1, math.NaN(), math.NaN(), 1})
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, err.Error(), "finite")
	_, err = NewMultivariateNormal([]float64{math.Inf(1), 0}, []float64{1, 0, 0, 1})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "loc", pe.Param)
	// scale_tril: upper part, diagonal.
	_, err = MultivariateNormalScaleTril(ad.Row([]float64{0, 0}), ad.Row([]float64{1, 0.5, 0, 1}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale_tril", pe.Param)
	assert.Contains(t, err.Error(), "0 above the diagonal")
	_, err = MultivariateNormalScaleTril(ad.Row([]float64{0, 0}), ad.Const(2, 4, []float64{1, 0, 0, 1, 1, 0, 3, -1}))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 7, pe.Index)
	assert.Contains(t, err.Error(), "batch row 1")
	// Shapes.
	_, err = MultivariateNormalScaleTril(ad.Row([]float64{0, 0}), ad.Row([]float64{1, 0, 1}))
	require.Error(t, err)
	assert.False(t, errors.As(err, &pe))
	assert.Contains(t, err.Error(), "4 columns")
	_, err = MultivariateNormalCov(ad.Const(2, 2, []float64{0, 0, 0, 0}), ad.Const(3, 4, make([]float64, 12)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not broadcast")
	assert.Panics(t, func() { _, _ = NewMultivariateNormal([]float64{0, 0}, []float64{1, 0, 1}) })
	// A valid struct literal passes; Must panics on an error.
	assert.NoError(t, MultivariateNormal{Loc: ad.Row([]float64{0}), ScaleTril: ad.Row([]float64{2})}.Validate())
	assert.Panics(t, func() { Must(NewMultivariateNormal([]float64{0}, []float64{-1})) })
}
