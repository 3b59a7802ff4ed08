package reparam

// Tests of the samplers in noise.go (location-scale noises) and icdf.go
// (inverse-CDF and transform samplers).

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// samplerCaseLoc describes one sampler with closed-form references that do
// not use the sampler's code: moments (NaN when they do not exist), the
// quantile function, and a smooth f with E[f(z)] and its derivatives with
// respect to each parameter in closed form.
type samplerCaseLoc struct {
	name     string
	draw     func(rng *rand.Rand, ps []ad.Var, n int) ad.Var
	params   []float64
	mean     float64
	variance float64
	quantile func(p float64) float64
	fname    string
	f        func(z ad.Var) ad.Var
	grad     []float64 // d/dθ_k E[f(z)]
}

func squareLoc(z ad.Var) ad.Var   { return ad.Square(z) }
func identityLoc(z ad.Var) ad.Var { return z }
func negExpLoc(z ad.Var) ad.Var   { return ad.Exp(ad.Neg(z)) }
func recipLoc(z ad.Var) ad.Var    { return ad.Div(ad.Scalar(1), z) }

// lorentzLoc is 1/(1+z²), bounded, so its pathwise gradient has finite
// variance even under Cauchy noise. Under Cauchy(μ, γ),
// E[1/(1+z²)] = π·(density of Cauchy(μ, γ+1) at 0) = a/(a²+μ²), a = γ+1,
// because Cauchy densities convolve by adding scales.
func lorentzLoc(z ad.Var) ad.Var { return ad.Div(ad.Scalar(1), ad.Shift(ad.Square(z), 1)) }

func stdNormalQuantileLoc(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

func samplerCasesLoc() []samplerCaseLoc {
	const eg = special.EulerGamma
	nan := math.NaN()
	mu, b := 0.5, 1.3
	cauchyA := b + 1
	cauchyD := cauchyA*cauchyA + mu*mu
	wl, wk := 1.4, 1.8
	g1 := math.Gamma(1 + 1/wk)
	g2 := math.Gamma(1 + 2/wk)
	xm, al := 0.8, 9.0
	lo, hi := -0.5, 2.0
	lm, ls := 0.2, 0.6
	lnMean := math.Exp(lm + ls*ls/2)
	return []samplerCaseLoc{
		{
			name: "Laplace", params: []float64{mu, b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Laplace(rng, p[0], p[1], n) },
			mean: mu, variance: 2 * b * b,
			quantile: func(p float64) float64 {
				if p < 0.5 {
					return mu + b*math.Log(2*p)
				}
				return mu - b*math.Log(2*(1-p))
			},
			fname: "z²", f: squareLoc, grad: []float64{2 * mu, 4 * b},
		},
		{
			name: "Gumbel", params: []float64{mu, b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Gumbel(rng, p[0], p[1], n) },
			mean: mu + b*eg, variance: math.Pi * math.Pi * b * b / 6,
			quantile: func(p float64) float64 { return mu - b*math.Log(-math.Log(p)) },
			fname:    "z²", f: squareLoc,
			grad: []float64{2 * (mu + b*eg), 2*eg*(mu+b*eg) + math.Pi*math.Pi*b/3},
		},
		{
			name: "Cauchy", params: []float64{mu, b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Cauchy(rng, p[0], p[1], n) },
			mean: nan, variance: nan,
			quantile: func(p float64) float64 { return mu + b*math.Tan(math.Pi*(p-0.5)) },
			fname:    "1/(1+z²)", f: lorentzLoc,
			grad: []float64{-2 * cauchyA * mu / (cauchyD * cauchyD), (mu*mu - cauchyA*cauchyA) / (cauchyD * cauchyD)},
		},
		{
			name: "Logistic", params: []float64{mu, b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Logistic(rng, p[0], p[1], n) },
			mean: mu, variance: math.Pi * math.Pi * b * b / 3,
			quantile: func(p float64) float64 { return mu + b*math.Log(p/(1-p)) },
			fname:    "z²", f: squareLoc, grad: []float64{2 * mu, 2 * math.Pi * math.Pi * b / 3},
		},
		{
			name: "Exponential", params: []float64{1.7},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Exponential(rng, p[0], n) },
			mean: 1 / 1.7, variance: 1 / (1.7 * 1.7),
			quantile: func(p float64) float64 { return -math.Log1p(-p) / 1.7 },
			// E[e^{-z}] = λ/(λ+1).
			fname: "exp(-z)", f: negExpLoc, grad: []float64{1 / (2.7 * 2.7)},
		},
		{
			name: "Weibull", params: []float64{wl, wk},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Weibull(rng, p[0], p[1], n) },
			mean: wl * g1, variance: wl * wl * (g2 - g1*g1),
			quantile: func(p float64) float64 { return wl * math.Pow(-math.Log1p(-p), 1/wk) },
			// E[z] = λ Γ(1+1/k).
			fname: "z", f: identityLoc, grad: []float64{g1, -wl * g1 * special.Digamma(1+1/wk) / (wk * wk)},
		},
		{
			name: "Pareto", params: []float64{xm, al},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Pareto(rng, p[0], p[1], n) },
			mean: al * xm / (al - 1), variance: xm * xm * al / ((al - 1) * (al - 1) * (al - 2)),
			quantile: func(p float64) float64 { return xm * math.Pow(1-p, -1/al) },
			// E[1/z] = α/(x_m(α+1)).
			fname: "1/z", f: recipLoc, grad: []float64{-al / (xm * xm * (al + 1)), 1 / (xm * (al + 1) * (al + 1))},
		},
		{
			name: "Pareto heavy tail", params: []float64{xm, 0.8},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Pareto(rng, p[0], p[1], n) },
			mean: nan, variance: nan,
			quantile: func(p float64) float64 { return xm * math.Pow(1-p, -1/0.8) },
			fname:    "1/z", f: recipLoc, grad: []float64{-0.8 / (xm * xm * 1.8), 1 / (xm * 1.8 * 1.8)},
		},
		{
			name: "Uniform", params: []float64{lo, hi},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return Uniform(rng, p[0], p[1], n) },
			mean: (lo + hi) / 2, variance: (hi - lo) * (hi - lo) / 12,
			quantile: func(p float64) float64 { return lo + p*(hi-lo) },
			// E[z²] = (L² + LH + H²)/3.
			fname: "z²", f: squareLoc, grad: []float64{(2*lo + hi) / 3, (lo + 2*hi) / 3},
		},
		{
			name: "HalfNormal", params: []float64{b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return HalfNormal(rng, p[0], n) },
			mean: b * math.Sqrt(2/math.Pi), variance: b * b * (1 - 2/math.Pi),
			quantile: func(p float64) float64 { return b * stdNormalQuantileLoc((1+p)/2) },
			fname:    "z²", f: squareLoc, grad: []float64{2 * b},
		},
		{
			name: "HalfCauchy", params: []float64{b},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return HalfCauchy(rng, p[0], n) },
			mean: nan, variance: nan,
			quantile: func(p float64) float64 { return b * math.Tan(math.Pi*p/2) },
			// E[1/(1+z²)] = 1/(γ+1) (the Cauchy case at μ = 0; f is even).
			fname: "1/(1+z²)", f: lorentzLoc, grad: []float64{-1 / ((b + 1) * (b + 1))},
		},
		{
			name: "LogNormal", params: []float64{lm, ls},
			draw: func(rng *rand.Rand, p []ad.Var, n int) ad.Var { return LogNormal(rng, p[0], p[1], n) },
			mean: lnMean, variance: math.Expm1(ls*ls) * math.Exp(2*lm+ls*ls),
			quantile: func(p float64) float64 { return math.Exp(lm + ls*stdNormalQuantileLoc(p)) },
			fname:    "z", f: identityLoc, grad: []float64{lnMean, ls * lnMean},
		},
	}
}

func newRNGLoc(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func scalarsLoc(xs []float64) []ad.Var {
	vs := make([]ad.Var, len(xs))
	for i, x := range xs {
		vs[i] = ad.Scalar(x)
	}
	return vs
}

// TestSamplersMomentsAndQuantiles checks sample moments against closed
// forms within 5 standard errors (the variance's standard error uses the
// sample fourth central moment) and the fraction of draws below each of
// five quantiles within 5 binomial standard errors.
func TestLocSamplersMomentsAndQuantiles(t *testing.T) {
	const n = 200000
	for ci, tc := range samplerCasesLoc() {
		xs := tc.draw(newRNGLoc(uint64(100+ci)), scalarsLoc(tc.params), n).Value()
		require.Len(t, xs, n, tc.name)
		if !math.IsNaN(tc.mean) {
			var m float64
			for _, x := range xs {
				m += x
			}
			m /= n
			var m2, m4 float64
			for _, x := range xs {
				d := x - m
				m2 += d * d
				m4 += d * d * d * d
			}
			m2 /= n - 1
			m4 /= n
			assert.InDelta(t, tc.mean, m, 5*math.Sqrt(tc.variance/n), "%s: sample mean within 5 standard errors", tc.name)
			assert.InDelta(t, tc.variance, m2, 5*math.Sqrt((m4-m2*m2)/n), "%s: sample variance within 5 standard errors", tc.name)
		}
		sorted := append([]float64(nil), xs...)
		sort.Float64s(sorted)
		for _, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
			q := tc.quantile(p)
			frac := float64(sort.SearchFloat64s(sorted, q)) / n
			assert.InDelta(t, p, frac, 5*math.Sqrt(p*(1-p)/n), "%s: P(z < q(%v)) within 5 standard errors", tc.name, p)
		}
	}
}

// TestSamplersPathwiseGradient checks d/dθ E[f(z)] for every parameter.
// Each parameter is an N x 1 Param with one draw per row, so row i's
// gradient (times N) is the pathwise derivative of f(z_i): their mean is
// the estimate and their standard deviation/√N its Monte Carlo standard
// error. The estimate must be within 5 standard errors of the closed form.
// The same noise drawn with 1x1 parameters and N draws must give the
// identical draws and the summed gradient.
func TestLocSamplersPathwiseGradient(t *testing.T) {
	const n = 200000
	for ci, tc := range samplerCasesLoc() {
		seed := uint64(200 + ci)
		tp := ad.NewTape()
		params := make([]*ad.Param, len(tc.params))
		vars := make([]ad.Var, len(tc.params))
		for k, v := range tc.params {
			init := make([]float64, n)
			for i := range init {
				init[i] = v
			}
			params[k] = ad.NewParam(tc.name, n, 1, init)
			vars[k] = tp.Param(params[k])
		}
		z := tc.draw(newRNGLoc(seed), vars, 1)
		require.Equal(t, n, z.Rows(), tc.name)
		tp.Backward(ad.Mean(tc.f(z)))

		tp1 := ad.NewTape()
		one := make([]*ad.Param, len(tc.params))
		vars1 := make([]ad.Var, len(tc.params))
		for k, v := range tc.params {
			one[k] = ad.NewParam(tc.name, 1, 1, []float64{v})
			vars1[k] = tp1.Param(one[k])
		}
		z1 := tc.draw(newRNGLoc(seed), vars1, n)
		assert.Equal(t, z.Value(), z1.Value(), "%s: same draws with 1x1 and N x 1 parameters", tc.name)
		tp1.Backward(ad.Mean(tc.f(z1)))

		for k := range tc.params {
			var m, m2 float64
			for _, g := range params[k].Grad {
				g *= n
				m += g
				m2 += g * g
			}
			m /= n
			se := math.Sqrt((m2/n - m*m) / n)
			assert.InDelta(t, tc.grad[k], m, 5*se, "%s: d/dθ%d E[%s] within 5 Monte Carlo standard errors (se %.3g)", tc.name, k, tc.fname, se)
			assert.InDelta(t, m, one[k].Grad[0], 1e-12*math.Max(1, math.Abs(m)), "%s: 1x1 parameter gradient is the sum of per-row gradients", tc.name)
		}
	}
}

// TestSamplersLayout checks the n*B x C layout with broadcast parameters:
// with 2 x 3 parameters (the second from a 1 x 3 or 2 x 1 value), element
// (k*B + b, j) must be the draw a 1x1 sampler with the parameters of
// (b, j) makes from the same position of the same noise stream.
func TestLocSamplersLayout(t *testing.T) {
	const n, bsz, c = 4, 2, 3
	for ci, tc := range samplerCasesLoc() {
		// Parameter k of batch row b, column j: tc.params[k] scaled by a
		// factor that keeps it valid (Uniform keeps low < high).
		val := func(k, b, j int) float64 {
			return tc.params[k] * (1 + 0.1*float64(b) + 0.05*float64(j)*float64(k+1))
		}
		ps := make([]ad.Var, len(tc.params))
		for k := range tc.params {
			if k == 0 {
				d := make([]float64, bsz*c)
				for b := 0; b < bsz; b++ {
					for j := 0; j < c; j++ {
						d[b*c+j] = val(k, b, j)
					}
				}
				ps[k] = ad.Const(bsz, c, d)
			} else {
				// 1 x 3: does not vary with b.
				d := make([]float64, c)
				for j := 0; j < c; j++ {
					d[j] = val(k, 0, j)
				}
				ps[k] = ad.Const(1, c, d)
			}
		}
		if tc.name == "Uniform" {
			ps[1] = ad.Const(1, c, []float64{3, 4, 5})
		}
		seed := uint64(300 + ci)
		z := tc.draw(newRNGLoc(seed), ps, n)
		r, cc := z.Shape()
		require.Equal(t, [2]int{n * bsz, c}, [2]int{r, cc}, tc.name)
		for b := 0; b < bsz; b++ {
			for j := 0; j < c; j++ {
				one := make([]ad.Var, len(ps))
				for k, p := range ps {
					pr, pc := p.Shape()
					one[k] = ad.Scalar(p.At(b%pr, min(j, pc-1)))
				}
				ref := tc.draw(newRNGLoc(seed), one, n*bsz*c).Value()
				for k := 0; k < n; k++ {
					i := (k*bsz + b) * c
					assert.Equal(t, ref[i+j], z.At(k*bsz+b, j), "%s: row %d col %d", tc.name, k*bsz+b, j)
				}
			}
		}
	}
}

// TestSamplersGradCheck checks each fused node's partial derivatives by
// finite differences at fixed noise (the same seed on every evaluation).
func TestLocSamplersGradCheck(t *testing.T) {
	for ci, tc := range samplerCasesLoc() {
		in := make([]ad.Matrix, len(tc.params))
		for k, v := range tc.params {
			in[k] = ad.Matrix{Rows: 2, Cols: 1, Data: []float64{v, v * 1.1}}
		}
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return tc.draw(newRNGLoc(uint64(400+ci)), v, 3)
		}, in, nil)
		assert.NoError(t, err, "%s: sampler partials", tc.name)
	}
}

func TestLocStdNoiseRanges(t *testing.T) {
	rng := newRNGLoc(9)
	for range 100000 {
		u := StdUniform(rng)
		require.True(t, u > 0 && u < 1, "StdUniform in (0, 1): %v", u)
	}
	// The extreme draws are exact and their transforms finite.
	lo, hi := 0.5/(1<<52), (float64(1<<52)-0.5)/(1<<52)
	assert.Equal(t, 1-hi, lo, "1 - largest uniform is exact")
	for _, u := range []float64{lo, hi} {
		assert.False(t, math.IsInf(math.Tan(math.Pi*(u-0.5)), 0), "Cauchy of %v is finite", u)
		assert.False(t, math.IsInf(-math.Log(-math.Log(u)), 0), "Gumbel of %v is finite", u)
		assert.False(t, math.IsInf(math.Log(u)-math.Log1p(-u), 0), "logistic of %v is finite", u)
	}
}
