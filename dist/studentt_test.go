package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestStudentTAgainstGonum(t *testing.T) {
	for _, c := range [][3]float64{{1, 0, 1}, {2.5, -1, 0.5}, {7, 3, 2}, {200, 0.5, 1.3}} {
		d := Must(NewStudentT(c[0], c[1], c[2]))
		ref := distuv.StudentsT{Nu: c[0], Mu: c[1], Sigma: c[2]}
		for _, x := range []float64{-50, -3, -0.2, 0, 0.4, 1, 2.9, 8, 400} {
			assertRel(t, ref.LogProb(x), logProbAt(d, x), 1e-12, "logpdf %v at %v", c, x)
			assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-12, "cdf %v at %v", c, x)
		}
		checkNormalized(t, d, math.Inf(-1), math.Inf(1), 1e-6, c[1]-10*c[2], c[1], c[1]+10*c[2])
		if c[0] > 2 {
			assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-14, "variance %v", c)
		}
		if c[0] > 1 {
			assertRel(t, ref.Mean(), d.Mean().Scalar(), 1e-15, "mean %v", c)
		}
	}
	assert.Equal(t, math.Inf(-1), logProbAt(Must(NewStudentT(3, 0, 1)), math.Inf(1)))
	// Mean and variance where they do not exist (torch's conventions).
	assert.True(t, math.IsNaN(Must(NewStudentT(1, 0, 1)).Mean().Scalar()))
	assert.True(t, math.IsNaN(Must(NewStudentT(0.8, 0, 1)).Variance().Scalar()))
	assert.Equal(t, math.Inf(1), Must(NewStudentT(1.5, 0, 1)).Variance().Scalar())
	// Entropy against mpmath quadrature (Cauchy: log(4π)).
	for _, e := range loadGammaRef(t).Entropy.StudentT {
		assertRel(t, e[3], Must(NewStudentT(e[0], e[1], e[2])).Entropy().Scalar(), 1e-13, "entropy t%v", e[:3])
	}
	assertRel(t, math.Log(4*math.Pi), Must(NewStudentT(1, 0, 1)).Entropy().Scalar(), 1e-15, "Cauchy entropy")
	// Far tail of the CDF keeps relative accuracy: Cauchy CDF(-1e8) = atan-based.
	assertRel(t, 0.5-math.Atan(1e8)/math.Pi, Must(NewStudentT(1, 0, 1)).CDF(ad.Scalar(-1e8)).Scalar(), 1e-8, "Cauchy tail")
	// Batch.
	df := ad.Const(2, 1, []float64{3, 9})
	loc := ad.Const(1, 2, []float64{0, 1})
	d := Must(StudentTOf(df, loc, ad.Scalar(2)))
	x := ad.Const(4, 2, []float64{0.5, 1, 2, 3, -4, 5, 6, -7})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			want += distuv.StudentsT{Nu: df.At(i%2, 0), Mu: loc.At(0, j), Sigma: 2}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
}

// TestStudentTLargeDf checks the log-density and its df partial against
// mpmath for large ν, where log Γ((ν+1)/2) - log Γ(ν/2) and
// ψ((ν+1)/2) - ψ(ν/2) - 1/ν cancel in their direct forms.
func TestStudentTLargeDf(t *testing.T) {
	refs := loadGammaRef(t).StudentTLargeDf
	require.NotEmpty(t, refs)
	for _, r := range refs {
		tp := ad.NewTape()
		nu := tp.Input(1, 1, []float64{r.Nu})
		d := StudentT{Df: nu, Loc: ad.Scalar(0), Scale: ad.Scalar(1)}
		lp := d.LogProb(ad.Scalar(r.X))
		assertRel(t, r.LogPDF, lp.Scalar(), 1e-14, "logpdf t(%v) at %v", r.Nu, r.X)
		tp.Backward(lp)
		assertRel(t, r.DNu, nu.Grad()[0], 1e-9, "∂/∂ν logpdf t(%v) at %v", r.Nu, r.X)
	}
}

func TestStudentTGradients(t *testing.T) {
	build := func(ps []ad.Var) Distribution { return StudentT{Df: ps[0], Loc: ps[1], Scale: ps[2]} }
	checkLogProbGrad(t, build, []ad.Matrix{row(0.8, 5), row(0.3, -1), row(1.2, 0.4)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, 2, -1.5, 9}}, nil)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return StudentT{Df: v[1], Loc: v[2], Scale: v[3]}.CDF(v[0])
	}, []ad.Matrix{row(-3, -0.2, 0.1, 0.7, 5), row(0.8, 3, 4, 30, 2.5), mat(0.2), mat(1.3)}, nil)
	assert.NoError(t, err, "CDF gradient (all parameters)")
	params := []ad.Matrix{row(0.7, 3, 40), mat(0.4), row(2, 0.5, 1)}
	g := func(ps []ad.Var) StudentT { return StudentT{Df: ps[0], Loc: ps[1], Scale: ps[2]} }
	checkParamFnGrad(t, func(ps []ad.Var) ad.Var { return g(ps).Entropy() }, params, "Entropy gradient")
	params = []ad.Matrix{row(2.5, 3, 40), mat(0.4), row(2, 0.5, 1)}
	checkMomentsGrad(t, func(ps []ad.Var) Distribution { return g(ps) }, params)
}

func TestStudentTSampling(t *testing.T) {
	rng := newRNG(61)
	d := Must(NewStudentT(9, 0.5, 2))
	checkMoments(t, d, rng, 400000, 5)
	for _, c := range [][3]float64{{0.7, 0, 1}, {3, -1, 0.5}, {60, 2, 3}} {
		checkKS(t, Must(NewStudentT(c[0], c[1], c[2])), distuv.StudentsT{Nu: c[0], Mu: c[1], Sigma: c[2]}.CDF, rng, 20000)
	}
	// Rsample: E[t²] = σ²ν/(ν-2) + μ², so d/dν = -2σ²/(ν-2)², d/dμ = 2μ,
	// d/dσ = 2σν/(ν-2).
	build := func(ps []ad.Var) Reparameterized { return StudentT{Df: ps[0], Loc: ps[1], Scale: ps[2]} }
	nu, mu, s := 12.0, 0.3, 1.4
	g := pathwiseGrads(t, rng, 200000, []float64{nu, mu, s}, build, ad.Square)
	assertPathwise(t, -2*s*s/((nu-2)*(nu-2)), g[0], "d/dν E[t²]")
	assertPathwise(t, 2*mu, g[1], "d/dμ E[t²]")
	assertPathwise(t, 2*s*nu/(nu-2), g[2], "d/dσ E[t²]")
}

func TestStudentTValidate(t *testing.T) {
	_, err := NewStudentT(0, 0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "df[0] = 0")
	var pe *ParamError
	_, err = NewStudentT(1, math.Inf(-1), 1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "loc", pe.Param)
	_, err = NewStudentT(1, 0, -1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
	_, err = StudentTOf(ad.Const(1, 2, []float64{1, 1}), ad.Scalar(0), ad.Const(1, 3, []float64{1, 1, 1}))
	require.Error(t, err)
	assert.Equal(t, "real", Must(NewStudentT(1, 0, 1)).Support().String())
}
