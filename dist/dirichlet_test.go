package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestDirichletAgainstGonum(t *testing.T) {
	for _, al := range [][]float64{{1, 1, 1}, {0.3, 2, 5.5}, {10, 0.7}, {2, 3, 4, 0.5}} {
		d := Must(NewDirichlet(al...))
		b, k := d.Shape()
		require.Equal(t, [2]int{1, len(al)}, [2]int{b, k})
		ref := distmv.NewDirichlet(al, nil)
		rng := newRNG(51)
		x := d.Sample(rng, 20)
		lp := d.LogProb(x).Value()
		for i := 0; i < 20; i++ {
			row := x.Value()[i*k : (i+1)*k]
			assertRel(t, ref.LogProb(row), lp[i], 1e-12, "logpdf Dir%v at %v", al, row)
		}
		// Mean and marginal variance against gonum's mean and covariance.
		m, v := d.Mean().Value(), d.Variance().Value()
		gm := ref.Mean(nil)
		for j := range al {
			a0 := 0.0
			for _, a := range al {
				a0 += a
			}
			assertRel(t, gm[j], m[j], 1e-15, "mean %d", j)
			assertRel(t, distuv.Beta{Alpha: al[j], Beta: a0 - al[j]}.Variance(), v[j], 1e-14, "variance %d", j)
		}
	}
	// K = 2: the first coordinate is Beta(α₁, α₂); the density of the pair
	// (x, 1-x) under the Lebesgue measure of x is the Beta density.
	d := Must(NewDirichlet(2.5, 0.8))
	for _, x := range []float64{0.1, 0.5, 0.93} {
		assertRel(t, distuv.Beta{Alpha: 2.5, Beta: 0.8}.LogProb(x), d.LogProb(ad.Row([]float64{x, 1 - x})).Scalar(), 1e-13, "K=2 at %v", x)
	}
	// Normalization for K = 3 by iterated 64-point Gauss-Legendre
	// quadrature over the simplex (the density is smooth up to its edges
	// for these α).
	d3 := Must(NewDirichlet(2, 3, 4.5))
	z := quad.Fixed(func(x1 float64) float64 {
		return quad.Fixed(func(x2 float64) float64 {
			return math.Exp(d3.LogProb(ad.Row([]float64{x1, x2, 1 - x1 - x2})).Scalar())
		}, 0, 1-x1, 64, nil, 0)
	}, 0, 1, 64, nil, 0)
	assert.InDelta(t, 1, z, 1e-10, "Dirichlet(2, 3, 4.5) integrates to 1")
	// Entropy against mpmath.
	for _, e := range loadGammaRef(t).Entropy.Dirichlet {
		assertRel(t, e.H, Must(NewDirichlet(e.Alpha...)).Entropy().Scalar(), 1e-12, "entropy Dir%v", e.Alpha)
	}
	// K = 2 entropy: the Beta entropy (the simplex coordinate x₁).
	assertRel(t, Must(NewBeta(2.5, 0.8)).Entropy().Scalar(), d.Entropy().Scalar(), 1e-13, "K=2 entropy")
	// Outside the support, and a zero entry.
	assert.Equal(t, math.Inf(-1), d3.LogProb(ad.Row([]float64{-0.1, 0.5, 0.6})).Scalar())
	assert.Equal(t, math.Inf(-1), d3.LogProb(ad.Row([]float64{0, 0.5, 0.5})).Scalar(), "density 0 where α > 1")
	assert.Equal(t, "simplex", d3.Support().String())
	assert.Panics(t, func() { d3.LogProb(ad.Row([]float64{0.5, 0.5})) })
}

func TestDirichletBatch(t *testing.T) {
	conc := ad.Const(2, 3, []float64{0.5, 1, 2, 3, 0.2, 1.1})
	d := Must(DirichletOf(conc))
	x := ad.Const(4, 3, []float64{0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1, 0.3, 0.3, 0.4})
	lp := d.LogProb(x).Value()
	require.Len(t, lp, 4)
	for i := 0; i < 4; i++ {
		ref := distmv.NewDirichlet(conc.Value()[(i%2)*3:(i%2+1)*3], nil)
		assertRel(t, ref.LogProb(x.Value()[i*3:(i+1)*3]), lp[i], 1e-13, "row %d", i)
	}
	h := d.Entropy().Value()
	require.Len(t, h, 2)
	assertRel(t, Must(NewDirichlet(3, 0.2, 1.1)).Entropy().Scalar(), h[1], 1e-15, "entropy row 1")
	m := d.Mean()
	r, c := m.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{r, c})
	assertRel(t, 3/4.3, m.At(1, 0), 1e-15, "mean (1, 0)")
}

func TestDirichletGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return Dirichlet{Concentration: ps[0]} }
	x := ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.2, 0.3, 0.5, 0.1, 0.1, 0.8}}
	checkLogProbGrad(t, build, []ad.Matrix{row(0.6, 3, 1.4)}, x, nil)
	checkLogProbGrad(t, build, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.6, 3, 1.4, 2, 0.3, 9}}}, x, nil)
	params := []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.6, 3, 1.4, 2, 0.3, 9}}}
	g := func(ps []ad.Var) Dirichlet { return Dirichlet{Concentration: ps[0]} }
	checkMomentsGrad(t, func(ps []ad.Var) Distribution { return g(ps) }, params)
}

func TestDirichletSampling(t *testing.T) {
	rng := newRNG(52)
	al := []float64{0.4, 1.5, 6}
	d := Must(NewDirichlet(al...))
	const n = 100000
	x := d.Sample(rng, n).Value()
	m, v := d.Mean().Value(), d.Variance().Value()
	for j := range al {
		col := make([]float64, n)
		for i := range col {
			col[i] = x[i*3+j]
		}
		mu, se := meanSE(col)
		assert.InDelta(t, m[j], mu, 5*se, "sample mean %d (5 SE)", j)
		sq := make([]float64, n)
		for i := range sq {
			sq[i] = (col[i] - m[j]) * (col[i] - m[j])
		}
		vv, sev := meanSE(sq)
		assert.InDelta(t, v[j], vv, 5*sev, "sample variance %d (5 SE)", j)
		// Marginal KS against Beta(α_j, α₀ - α_j).
		checkKSValues(t, col[:20000], distuv.Beta{Alpha: al[j], Beta: 7.9 - al[j]}.CDF, "Dirichlet marginal %d", j)
	}
	// Rsample: d/dα_j E[x_0] = (δ_0j α₀ - α_0)/α₀².
	tp := ad.NewTape()
	init := make([]float64, 3*n)
	for i := 0; i < n; i++ {
		copy(init[3*i:], al)
	}
	p := ad.NewParam("alpha", n, 3, init)
	z := Dirichlet{Concentration: tp.Param(p)}.Rsample(rng, 1)
	tp.Backward(ad.Sum(ad.ColOf(z, 0)))
	for j := range al {
		g := make([]float64, n)
		for i := range g {
			g[i] = p.Grad[3*i+j]
		}
		want := -al[0] / (7.9 * 7.9)
		if j == 0 {
			want += 1 / 7.9
		}
		assertPathwise(t, want, g, "d/dα_%d E[x_0]", j)
	}
	for _, v := range Must(NewDirichlet(0.01, 0.01, 0.01)).Sample(rng, 10000).Value() {
		require.Greater(t, v, 0.0, "Dirichlet(0.01) entry")
	}
}

func TestDirichletValidate(t *testing.T) {
	_, err := NewDirichlet(1, 0, 2)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "concentration[1] = 0")
	var pe *ParamError
	_, err = NewDirichlet(1, math.Inf(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration", pe.Param)
	_, err = DirichletOf(ad.Var{})
	require.Error(t, err)
}
