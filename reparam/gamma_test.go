package reparam

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func gammaRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// meanSE returns the sample mean and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var v float64
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	v /= n - 1
	return mean, math.Sqrt(v / n)
}

// varSE returns the sample variance and its standard error (from the
// fourth central moment).
func varSE(xs []float64) (vari, se float64) {
	m, _ := meanSE(xs)
	n := float64(len(xs))
	var m2, m4 float64
	for _, x := range xs {
		d := (x - m) * (x - m)
		m2 += d
		m4 += d * d
	}
	m2 /= n - 1
	m4 /= n
	return m2, math.Sqrt((m4 - m2*m2) / n)
}

// ksGamma asserts a one-sample Kolmogorov-Smirnov test of xs against cdf at
// the 0.1% level (D < 1.95/√n).
func ksGamma(t *testing.T, xs []float64, cdf func(float64) float64, msg string) {
	t.Helper()
	xs = append([]float64(nil), xs...)
	sort.Float64s(xs)
	n := float64(len(xs))
	var dmax float64
	for i, x := range xs {
		f := cdf(x)
		dmax = math.Max(dmax, math.Max(math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n)))
	}
	assert.Less(t, dmax, 1.95/math.Sqrt(n), "KS statistic: %s", msg)
}

// TestStdGammaLogMoments checks E[log z] = ψ(α) and Var[log z] = ψ₁(α)
// within 5 standard errors, from tiny α (where most z underflow float64)
// to large α, and that every draw is finite.
func TestStdGammaLogMoments(t *testing.T) {
	rng := gammaRNG(1)
	const n = 200000
	for _, a := range []float64{1e-3, 0.01, 0.3, 1, 4.5, 100, 1e5} {
		lz := make([]float64, n)
		for i := range lz {
			lz[i] = StdGammaLog(rng, a)
			require.False(t, math.IsInf(lz[i], 0) || math.IsNaN(lz[i]), "log z finite at α=%v", a)
		}
		m, se := meanSE(lz)
		assert.InDelta(t, special.Digamma(a), m, 5*se, "E[log z] = ψ(α) within 5 SE at α=%v", a)
		v, sev := varSE(lz)
		assert.InDelta(t, special.Trigamma(a), v, 5*sev, "Var[log z] = ψ₁(α) within 5 SE at α=%v", a)
	}
}

// TestStdGammaLogKS compares draws with gonum's Gamma CDF.
func TestStdGammaLogKS(t *testing.T) {
	rng := gammaRNG(2)
	const n = 20000
	for _, a := range []float64{0.01, 0.3, 1, 4.5, 100} {
		z := make([]float64, n)
		for i := range z {
			z[i] = math.Exp(StdGammaLog(rng, a))
		}
		// At α = 0.01 about 0.1% of the draws underflow to 0, where the CDF
		// is below 8e-4: far inside the KS tolerance of 0.014.
		ksGamma(t, z, func(x float64) float64 { return mathext.GammaIncReg(a, x) }, "Gamma(α,1)")
	}
	assert.Panics(t, func() { StdGammaLog(rng, 0) })
	assert.Panics(t, func() { StdGammaLog(rng, math.NaN()) })
}

// perDrawGrads draws one value per row from parameters that repeat the
// given scalars n times (n x 1 each), applies f row-wise, back-propagates
// Σ f, and returns each parameter's per-draw gradients: their mean is the
// pathwise estimate of d/dθ E[f(z)] and their spread gives its standard
// error.
func perDrawGrads(n int, vals []float64, draw func(ps []ad.Var) ad.Var, f func(z ad.Var) ad.Var) [][]float64 {
	tp := ad.NewTape()
	ps := make([]*ad.Param, len(vals))
	vs := make([]ad.Var, len(vals))
	for i, v := range vals {
		init := make([]float64, n)
		for k := range init {
			init[k] = v
		}
		ps[i] = ad.NewParam("p", n, 1, init)
		vs[i] = tp.Param(ps[i])
	}
	tp.Backward(ad.Sum(f(draw(vs))))
	out := make([][]float64, len(vals))
	for i, p := range ps {
		out[i] = p.Grad
	}
	return out
}

// assertGradMC asserts that the mean of per-draw gradients g is within 5
// Monte Carlo standard errors of want.
func assertGradMC(t *testing.T, want float64, g []float64, msg string, args ...any) {
	t.Helper()
	m, se := meanSE(g)
	assert.InDelta(t, want, m, 5*se, append([]any{"pathwise " + msg + " (5 Monte Carlo SE)"}, args...)...)
}

func TestGammaPathwiseGradients(t *testing.T) {
	rng := gammaRNG(3)
	const n = 100000
	for _, c := range [][2]float64{{0.5, 1}, {3, 2.5}, {200, 0.7}} {
		a, rate := c[0], c[1]
		g := perDrawGrads(n, []float64{a, rate}, func(ps []ad.Var) ad.Var {
			return Gamma(rng, ps[0], ps[1], 1)
		}, func(z ad.Var) ad.Var { return z })
		assertGradMC(t, 1/rate, g[0], "d/dα E[z] = 1/rate at %v", c)
		assertGradMC(t, -a/(rate*rate), g[1], "d/drate E[z] = -α/rate² at %v", c)
	}
	// d/dα E[log z] = ψ₁(α), down to α where half the draws underflow.
	for _, a := range []float64{1e-3, 0.01, 0.5, 3, 200} {
		g := perDrawGrads(n, []float64{a, 2}, func(ps []ad.Var) ad.Var {
			return GammaLog(rng, ps[0], ps[1], 1)
		}, func(z ad.Var) ad.Var { return z })
		assertGradMC(t, special.Trigamma(a), g[0], "d/dα E[log z] = ψ₁(α) at α=%v", a)
		assertGradMC(t, -0.5, g[1], "d/drate E[log z] = -1/rate at α=%v", a)
	}
	// A nonlinear f: E[z²] = α(α+1)/rate², d/dα = (2α+1)/rate².
	g := perDrawGrads(n, []float64{1.7, 1.3}, func(ps []ad.Var) ad.Var {
		return Gamma(rng, ps[0], ps[1], 1)
	}, ad.Square)
	assertGradMC(t, (2*1.7+1)/(1.3*1.3), g[0], "d/dα E[z²]")
	assertGradMC(t, -2*1.7*2.7/(1.3*1.3*1.3), g[1], "d/drate E[z²]")
}

// TestGammaSmallConcentration: no draw is 0 and log-moments match
// E[log X] = ψ(α) - log rate.
func TestGammaSmallConcentration(t *testing.T) {
	rng := gammaRNG(4)
	const n = 100000
	for _, a := range []float64{1e-3, 0.01} {
		rate := 3.0
		z := Gamma(rng, ad.Scalar(a), ad.Scalar(rate), n).Value()
		require.Len(t, z, n)
		for _, v := range z {
			require.Greater(t, v, 0.0, "Gamma(%v) draw is 0", a)
		}
		lz := GammaLog(rng, ad.Scalar(a), ad.Scalar(rate), n).Value()
		m, se := meanSE(lz)
		assert.InDelta(t, special.Digamma(a)-math.Log(rate), m, 5*se, "E[log X] at α=%v (5 SE)", a)
		v, sev := varSE(lz)
		assert.InDelta(t, special.Trigamma(a), v, 5*sev, "Var[log X] at α=%v (5 SE)", a)
	}
}

// TestGammaBatchLayout: row k*B+b is drawn from batch row b, columns
// broadcast.
func TestGammaBatchLayout(t *testing.T) {
	rng := gammaRNG(5)
	conc := ad.Const(2, 3, []float64{0.5, 2, 8, 30, 60, 90})
	rate := ad.Const(1, 3, []float64{1, 2, 4})
	const n = 40000
	z := Gamma(rng, conc, rate, n)
	r, c := z.Shape()
	require.Equal(t, [2]int{2 * n, 3}, [2]int{r, c})
	zv := z.Value()
	for b := 0; b < 2; b++ {
		for j := 0; j < 3; j++ {
			xs := make([]float64, n)
			for k := range xs {
				xs[k] = zv[(k*2+b)*3+j]
			}
			a, rt := conc.At(b, j), rate.At(0, j)
			m, _ := meanSE(xs)
			sd := math.Sqrt(a) / rt
			assert.InDelta(t, a/rt, m, 5*sd/math.Sqrt(n), "mean of batch row %d column %d (5 SE)", b, j)
		}
	}
	// Same seed, same draws; n = 0 gives an empty value.
	z1 := Gamma(gammaRNG(9), conc, rate, 3).Value()
	z2 := Gamma(gammaRNG(9), conc, rate, 3).Value()
	assert.Equal(t, z1, z2)
	assert.Equal(t, 0, Gamma(rng, conc, rate, 0).Rows())
	assert.Panics(t, func() { Gamma(rng, conc, rate, -1) })
	assert.Panics(t, func() { Gamma(rng, ad.Const(1, 2, []float64{1, 1}), ad.Const(1, 3, []float64{1, 1, 1}), 1) })
}

func TestChi2InverseGammaSampling(t *testing.T) {
	rng := gammaRNG(6)
	const n = 100000
	// χ²(k): mean k, variance 2k, KS against gonum.
	for _, k := range []float64{0.7, 3, 25} {
		z := Chi2(rng, ad.Scalar(k), n).Value()
		m, se := meanSE(z)
		assert.InDelta(t, k, m, 5*se, "χ² mean (5 SE)")
		v, sev := varSE(z)
		assert.InDelta(t, 2*k, v, 5*sev, "χ² variance (5 SE)")
		ksGamma(t, z[:20000], distuv.ChiSquared{K: k}.CDF, "χ²")
		g := perDrawGrads(n, []float64{k}, func(ps []ad.Var) ad.Var { return Chi2(rng, ps[0], 1) },
			func(z ad.Var) ad.Var { return z })
		assertGradMC(t, 1, g[0], "d/dk E[z] = 1 at k=%v", k)
	}
	// InverseGamma(α, β): mean β/(α-1), KS against gonum.
	a, b := 5.0, 2.0
	w := InverseGamma(rng, ad.Scalar(a), ad.Scalar(b), n).Value()
	m, se := meanSE(w)
	assert.InDelta(t, b/(a-1), m, 5*se, "InverseGamma mean (5 SE)")
	ksGamma(t, w[:20000], distuv.InverseGamma{Alpha: a, Beta: b}.CDF, "InverseGamma")
	g := perDrawGrads(n, []float64{a, b}, func(ps []ad.Var) ad.Var { return InverseGamma(rng, ps[0], ps[1], 1) },
		func(z ad.Var) ad.Var { return z })
	assertGradMC(t, -b/((a-1)*(a-1)), g[0], "d/dα E[w] = -β/(α-1)²")
	assertGradMC(t, 1/(a-1), g[1], "d/dβ E[w] = 1/(α-1)")
	// E[log w] = log β - ψ(α): d/dα = -ψ₁(α), also for small α.
	for _, a := range []float64{0.05, 0.8} {
		g := perDrawGrads(n, []float64{a, b}, func(ps []ad.Var) ad.Var { return InverseGamma(rng, ps[0], ps[1], 1) },
			ad.Log)
		assertGradMC(t, -special.Trigamma(a), g[0], "d/dα E[log w] = -ψ₁(α) at α=%v", a)
		assertGradMC(t, 1/b, g[1], "d/dβ E[log w] = 1/β at α=%v", a)
	}
}

func TestBetaSampling(t *testing.T) {
	rng := gammaRNG(7)
	const n = 100000
	for _, c := range [][2]float64{{0.5, 2}, {3, 1.5}, {40, 70}} {
		a, b := c[0], c[1]
		x := Beta(rng, ad.Scalar(a), ad.Scalar(b), n).Value()
		m, se := meanSE(x)
		assert.InDelta(t, a/(a+b), m, 5*se, "Beta%v mean (5 SE)", c)
		v, sev := varSE(x)
		assert.InDelta(t, a*b/((a+b)*(a+b)*(a+b+1)), v, 5*sev, "Beta%v variance (5 SE)", c)
		ksGamma(t, x[:20000], distuv.Beta{Alpha: a, Beta: b}.CDF, "Beta")
		g := perDrawGrads(n, []float64{a, b}, func(ps []ad.Var) ad.Var { return Beta(rng, ps[0], ps[1], 1) },
			func(z ad.Var) ad.Var { return z })
		s := a + b
		assertGradMC(t, b/(s*s), g[0], "d/da E[x] = b/(a+b)² at %v", c)
		assertGradMC(t, -a/(s*s), g[1], "d/db E[x] = -a/(a+b)² at %v", c)
	}
	// Small concentrations: no draw is 0 or 1, and E[log x] = ψ(a) - ψ(a+b)
	// with its pathwise gradient ψ₁(a) - ψ₁(a+b) from the log-space draws.
	for _, c := range [][2]float64{{1e-3, 0.5}, {0.01, 0.02}} {
		a, b := c[0], c[1]
		x := Beta(rng, ad.Scalar(a), ad.Scalar(b), n).Value()
		for _, v := range x {
			require.True(t, v > 0 && v < 1, "Beta%v draw %v in (0, 1)", c, v)
		}
		lx := BetaLog(rng, ad.Scalar(a), ad.Scalar(b), n).Value()
		m, se := meanSE(lx)
		assert.InDelta(t, special.Digamma(a)-special.Digamma(a+b), m, 5*se, "Beta%v E[log x] (5 SE)", c)
		g := perDrawGrads(n, []float64{a, b}, func(ps []ad.Var) ad.Var { return BetaLog(rng, ps[0], ps[1], 1) },
			func(z ad.Var) ad.Var { return z })
		assertGradMC(t, special.Trigamma(a)-special.Trigamma(a+b), g[0], "d/da E[log x] at %v", c)
		assertGradMC(t, -special.Trigamma(a+b), g[1], "d/db E[log x] at %v", c)
	}
}

func TestDirichletSampling(t *testing.T) {
	rng := gammaRNG(8)
	const n = 60000
	alpha := []float64{0.7, 2, 4.3}
	a0 := alpha[0] + alpha[1] + alpha[2]
	x := Dirichlet(rng, ad.Row(alpha), n)
	r, c := x.Shape()
	require.Equal(t, [2]int{n, 3}, [2]int{r, c})
	xv := x.Value()
	for i := 0; i < n; i++ {
		require.InDelta(t, 1, xv[3*i]+xv[3*i+1]+xv[3*i+2], 1e-14, "row %d on the simplex", i)
	}
	for k, a := range alpha {
		col := make([]float64, n)
		for i := range col {
			col[i] = xv[3*i+k]
		}
		m, se := meanSE(col)
		assert.InDelta(t, a/a0, m, 5*se, "Dirichlet mean %d (5 SE)", k)
		// Marginals are Beta(α_k, α0 - α_k).
		ksGamma(t, col[:20000], distuv.Beta{Alpha: a, Beta: a0 - a}.CDF, "Dirichlet marginal")
	}
	// Pathwise gradient of E[Σ w_k x_k] = Σ w_k α_k/α0:
	// d/dα_j = (w_j α0 - Σ w_k α_k)/α0².
	w := []float64{1, -2, 0.5}
	tp := ad.NewTape()
	init := make([]float64, 3*n)
	for i := 0; i < n; i++ {
		copy(init[3*i:], alpha)
	}
	p := ad.NewParam("alpha", n, 3, init)
	z := Dirichlet(rng, tp.Param(p), 1)
	tp.Backward(ad.Sum(ad.Mul(z, ad.Row(w))))
	var wa float64
	for k := range w {
		wa += w[k] * alpha[k]
	}
	for j := range alpha {
		g := make([]float64, n)
		for i := range g {
			g[i] = p.Grad[3*i+j]
		}
		assertGradMC(t, (w[j]*a0-wa)/(a0*a0), g, "Dirichlet d/dα_%d E[w·x]", j)
	}
	// Small concentrations: entries stay positive.
	xs := Dirichlet(rng, ad.Row([]float64{0.01, 0.01, 1e-3}), 20000).Value()
	for _, v := range xs {
		require.Greater(t, v, 0.0, "Dirichlet entry is 0")
	}
	// Batch layout: row k*B+b from batch row b.
	conc := ad.Const(2, 2, []float64{1, 9, 9, 1})
	xb := Dirichlet(rng, conc, 20000).Value()
	var m0, m1 float64
	for k := 0; k < 20000; k++ {
		m0 += xb[(2*k)*2]
		m1 += xb[(2*k+1)*2]
	}
	assert.InDelta(t, 0.1, m0/20000, 5*math.Sqrt(0.1*0.9/11/20000), "batch row 0 mean (5 SE)")
	assert.InDelta(t, 0.9, m1/20000, 5*math.Sqrt(0.1*0.9/11/20000), "batch row 1 mean (5 SE)")
}

func TestStudentTSampling(t *testing.T) {
	rng := gammaRNG(10)
	const n = 200000
	nu, loc, scale := 10.0, 0.4, 1.7
	x := StudentT(rng, ad.Scalar(nu), ad.Scalar(loc), ad.Scalar(scale), n).Value()
	ksGamma(t, x[:20000], distuv.StudentsT{Mu: loc, Sigma: scale, Nu: nu}.CDF, "StudentT")
	ksGamma(t, StudentT(rng, ad.Scalar(1.5), ad.Scalar(0), ad.Scalar(1), 20000).Value(),
		distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 1.5}.CDF, "StudentT(1.5)")
	m, se := meanSE(x)
	assert.InDelta(t, loc, m, 5*se, "StudentT mean (5 SE)")
	// E[t²] = scale² ν/(ν-2) + loc²: gradients -2 scale²/(ν-2)², 2 loc,
	// 2 scale ν/(ν-2).
	g := perDrawGrads(n, []float64{nu, loc, scale}, func(ps []ad.Var) ad.Var {
		return StudentT(rng, ps[0], ps[1], ps[2], 1)
	}, ad.Square)
	assertGradMC(t, -2*scale*scale/((nu-2)*(nu-2)), g[0], "d/dν E[t²]")
	assertGradMC(t, 2*loc, g[1], "d/dloc E[t²]")
	assertGradMC(t, 2*scale*nu/(nu-2), g[2], "d/dscale E[t²]")
}

// TestStdGammaLogGrad checks the implicit gradient against central
// differences of gonum's inverse CDF in α at a fixed quantile u, which is
// what "implicit" differentiates.
func TestStdGammaLogGrad(t *testing.T) {
	for _, a := range []float64{0.3, 0.9, 7} {
		for _, u := range []float64{0.1, 0.5, 0.9} {
			z := mathext.GammaIncRegInv(a, u)
			h := 1e-5 * a
			num := (mathext.GammaIncRegInv(a+h, u) - mathext.GammaIncRegInv(a-h, u)) / (2 * h)
			assert.InEpsilon(t, num, z*StdGammaLogGrad(a, math.Log(z)), 1e-5, "dz/dα at α=%v u=%v", a, u)
		}
	}
}

func BenchmarkGammaRsample(b *testing.B) {
	for _, a := range []float64{0.01, 1, 100} {
		rng := gammaRNG(1)
		p := ad.NewParam("alpha", 1, 1, []float64{a})
		tp := ad.NewTape()
		b.Run("", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tp.Reset()
				Gamma(rng, tp.Param(p), ad.Scalar(1), 1000)
			}
		})
	}
}

// TestDirichletTiledGradient: n draws from a B-row batch give the same
// values as one draw from the batch tiled n times (same seed), and the
// gradient of the B-row concentration is the sum of the tiled rows'
// gradients.
func TestDirichletTiledGradient(t *testing.T) {
	conc := []float64{0.5, 2, 3, 1.5, 0.3, 4}
	const b, k, n = 2, 3, 4
	w := ad.Const(n*b, k, func() []float64 {
		v := make([]float64, n*b*k)
		for i := range v {
			v[i] = float64(i%5) - 2
		}
		return v
	}())
	tp := ad.NewTape()
	p := ad.NewParam("conc", b, k, conc)
	x := Dirichlet(gammaRNG(77), tp.Param(p), n)
	tp.Backward(ad.Sum(ad.Mul(x, w)))

	tiled := make([]float64, 0, n*b*k)
	for range n {
		tiled = append(tiled, conc...)
	}
	tp2 := ad.NewTape()
	p2 := ad.NewParam("tiled", n*b, k, tiled)
	x2 := Dirichlet(gammaRNG(77), tp2.Param(p2), 1)
	tp2.Backward(ad.Sum(ad.Mul(x2, w)))
	assert.Equal(t, x.Value(), x2.Value(), "same draws")
	for j := range conc {
		var want float64
		for r := 0; r < n; r++ {
			want += p2.Grad[r*b*k+j]
		}
		assert.InDelta(t, want, p.Grad[j], 1e-12*math.Max(1, math.Abs(want)), "gradient of element %d", j)
	}
}
