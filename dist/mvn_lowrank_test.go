package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestLowRankLogProbAgainstGonum(t *testing.T) {
	rng := newRNG(31)
	for _, dk := range [][2]int{{1, 1}, {2, 1}, {3, 2}, {5, 3}, {8, 2}, {4, 6}} {
		d, k := dk[0], dk[1]
		loc, w, dg := randVecMVN(rng, d, 1), randVecMVN(rng, d*k, 1), randPosMVN(rng, d, 0.2)
		m := Must(NewLowRankMultivariateNormal(loc, w, dg))
		b, e := m.Shape()
		require.Equal(t, [2]int{1, d}, [2]int{b, e})
		assert.Equal(t, k, m.Rank())
		cov := denseLowRankMVN(w, dg, d, k)
		ref := gonumNormalMVN(t, loc, cov, 1)
		for range 5 {
			x := randVecMVN(rng, d, 3)
			assertRel(t, ref.LogProb(x), m.LogProb(ad.Row(x)).Scalar(), 1e-12, "d=%d k=%d log-density", d, k)
		}
		assertRel(t, ref.Entropy(), m.Entropy().Scalar(), 1e-13, "d=%d k=%d entropy", d, k)
		c := m.Covariance().Value()
		v := m.Variance().Value()
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				assert.InDelta(t, cov[i*d+j], c[i*d+j], 1e-14*(1+math.Abs(cov[i*d+j])), "covariance")
			}
			assertRel(t, cov[i*d+i], v[i], 1e-14, "variance")
		}
		l := m.ScaleTril().Value()
		want := cholMVN(t, cov, d)
		for i := range want {
			assert.InDelta(t, want[i], l[i], 1e-13, "scale_tril")
		}
		assert.Equal(t, loc, m.Mean().Value())
	}
}

func TestLowRankBatchAndGradients(t *testing.T) {
	rng := newRNG(32)
	const b, d, k = 3, 4, 2
	locs, ws, dgs := randVecMVN(rng, b*d, 1), randVecMVN(rng, d*k, 1), randPosMVN(rng, b*d, 0.3)
	// Shared factor, batched loc and diagonal; x tiles the batch twice.
	m := Must(LowRankMultivariateNormalOf(ad.Const(b, d, locs), ad.Row(ws), ad.Const(b, d, dgs)))
	x := randVecMVN(rng, 2*b*d, 2)
	lp := m.LogProb(ad.Const(2*b, d, x)).Value()
	require.Len(t, lp, 2*b)
	h := m.Entropy().Value()
	require.Len(t, h, b)
	for i := 0; i < 2*b; i++ {
		c := i % b
		ref := gonumNormalMVN(t, locs[c*d:(c+1)*d], denseLowRankMVN(ws, dgs[c*d:(c+1)*d], d, k), 1)
		assertRel(t, ref.LogProb(x[i*d:(i+1)*d]), lp[i], 1e-12, "row %d", i)
		assertRel(t, ref.Entropy(), h[c], 1e-13, "entropy %d", c)
	}
	build := func(ps []ad.Var) Distribution {
		return LowRankMultivariateNormal{Loc: ps[0], CovFactor: ps[1], CovDiag: ps[2]}
	}
	xm := ad.Matrix{Rows: 2 * b, Cols: d, Data: x}
	checkLogProbGrad(t, build, []ad.Matrix{{Rows: b, Cols: d, Data: locs}, row(ws...), {Rows: b, Cols: d, Data: dgs}}, xm, nil)
	checkLogProbGrad(t, build, []ad.Matrix{row(locs[:d]...), {Rows: b, Cols: d * k, Data: randVecMVN(rng, b*d*k, 1)}, row(dgs[:d]...)}, xm, nil)
	checkLogProbGrad(t, build, []ad.Matrix{row(locs[:d]...), row(ws...), row(dgs[:d]...)},
		ad.Matrix{Rows: 1, Cols: d, Data: x[:d]}, nil)
	for name, f := range map[string]func(LowRankMultivariateNormal) ad.Var{
		"entropy": LowRankMultivariateNormal.Entropy, "variance": LowRankMultivariateNormal.Variance,
		"covariance": LowRankMultivariateNormal.Covariance, "scale_tril": LowRankMultivariateNormal.ScaleTril,
	} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return f(LowRankMultivariateNormal{Loc: v[0], CovFactor: v[1], CovDiag: v[2]})
		}, []ad.Matrix{row(locs[:d]...), {Rows: 2, Cols: d * k, Data: randVecMVN(rng, 2*d*k, 1)}, row(dgs[:d]...)}, nil)
		assert.NoError(t, err, "%s gradient", name)
	}
}

func TestLowRankSampling(t *testing.T) {
	rng := newRNG(33)
	const d, k, n = 3, 2, 100000
	locs := []float64{1, -2, 0.5, 0, 0, 3}
	ws := randVecMVN(rng, 2*d*k, 1)
	dgs := randPosMVN(rng, 2*d, 0.1)
	m := Must(LowRankMultivariateNormalOf(ad.Const(2, d, locs), ad.Const(2, d*k, ws), ad.Const(2, d, dgs)))
	xs := m.Sample(rng, n)
	require.Equal(t, [2]int{2 * n, d}, [2]int{xs.Rows(), xs.Cols()})
	cov := append(denseLowRankMVN(ws[:d*k], dgs[:d], d, k), denseLowRankMVN(ws[d*k:], dgs[d:], d, k)...)
	checkSampleMomentsMVN(t, xs.Value(), n, 2, d, locs, cov, 5)

	// Rsample: E|z|² = |μ|² + Σ W² + Σ diag, pathwise gradients 2μ, 2W, 1.
	tp := ad.NewTape()
	mu := []float64{0.5, -1, 2}
	loc := ad.NewParam("loc", 1, d, mu)
	w := ad.NewParam("cov_factor", 1, d*k, ws[:d*k])
	dg := ad.NewParam("cov_diag", 1, d, dgs[:d])
	const nr = 200000
	z := LowRankMultivariateNormal{Loc: tp.Param(loc), CovFactor: tp.Param(w), CovDiag: tp.Param(dg)}.Rsample(rng, nr)
	tp.Backward(ad.Mean(ad.SumCols(ad.Square(z))))
	// Per-sample gradients: 2 z_i for loc (standard error from the
	// sample), 2 z_i ε₁_l for W_il and z_i ε₂_i/√diag_i for diag_i, whose
	// standard deviations are at most 2 (3 E z_i⁴)^¼ and (3 E z_i⁴)^¼/√diag_i
	// (Cauchy-Schwarz with E ε⁴ = 3).
	zv := z.Value()
	for i := 0; i < d; i++ {
		var s, s2, s4 float64
		for r := 0; r < nr; r++ {
			v := zv[r*d+i]
			s += 2 * v
			s2 += 4 * v * v
			s4 += v * v * v * v
		}
		mean := s / nr
		se := math.Sqrt((s2/nr - mean*mean) / nr)
		assert.InDelta(t, 2*mu[i], loc.Grad[i], 5*se, "d/dloc[%d]", i)
		bound := 2 * math.Sqrt(math.Sqrt(3*s4/nr)) / math.Sqrt(nr)
		for l := 0; l < k; l++ {
			assert.InDelta(t, 2*ws[i*k+l], w.Grad[i*k+l], 5*bound, "d/dW[%d,%d]", i, l)
		}
		assert.InDelta(t, 1, dg.Grad[i], 5*bound/(2*math.Sqrt(dgs[i])), "d/ddiag[%d]", i)
	}
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return LowRankMultivariateNormal{Loc: v[0], CovFactor: v[1], CovDiag: v[2]}.Rsample(newRNG(4), 3)
	}, []ad.Matrix{{Rows: 2, Cols: d, Data: locs}, row(ws[:d*k]...), {Rows: 2, Cols: d, Data: dgs}}, nil)
	assert.NoError(t, err, "Rsample gradient")
}

func TestLowRankValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewLowRankMultivariateNormal([]float64{0, 0}, []float64{1, 2}, []float64{1, -1})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "cov_diag", pe.Param)
	assert.Equal(t, 1, pe.Index)
	_, err = NewLowRankMultivariateNormal([]float64{0, 0}, []float64{1, math.NaN()}, []float64{1, 1})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "cov_factor", pe.Param)
	_, err = NewLowRankMultivariateNormal([]float64{math.NaN(), 0}, []float64{1, 1}, []float64{1, 1})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "loc", pe.Param)
	_, err = NewLowRankMultivariateNormal([]float64{0, 0}, []float64{1, 1, 1}, []float64{1, 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multiple of D")
	_, err = NewLowRankMultivariateNormal([]float64{0, 0}, []float64{1, 1}, []float64{1, 1, 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cov_diag")
	_, err = LowRankMultivariateNormalOf(ad.Row([]float64{0, 0}), ad.Const(2, 2, []float64{1, 1, 1, 1}), ad.Const(3, 2, make([]float64, 6)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broadcast")
}
