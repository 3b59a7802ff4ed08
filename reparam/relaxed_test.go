package reparam

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func rngRelaxed(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x51ed27)) }

func TestNoiseIsFinite(t *testing.T) {
	rng := rngRelaxed(1)
	var ml, mg float64
	const n = 200000
	for range n {
		l, g := StdLogistic(rng), StdGumbel(rng)
		require.False(t, math.IsInf(l, 0) || math.IsNaN(l))
		require.False(t, math.IsInf(g, 0) || math.IsNaN(g))
		ml += l
		mg += g
	}
	// Means 0 and the Euler-Mascheroni constant; standard deviations π/√3
	// and π/√6: within 5 standard errors.
	assert.InDelta(t, 0, ml/n, 5*math.Pi/math.Sqrt(3)/math.Sqrt(n))
	assert.InDelta(t, 0.5772156649015329, mg/n, 5*math.Pi/math.Sqrt(6)/math.Sqrt(n))
	// The extreme uniforms stay inside (0, 1).
	assert.Less(t, (float64(uint64(1)<<52-1)+0.5)/(1<<52), 1.0)
	assert.Greater(t, 0.5/(1<<52), 0.0)
}

func TestRelaxedBernoulliSamples(t *testing.T) {
	rng := rngRelaxed(2)
	logits := ad.Col([]float64{-30, 30})
	tau := ad.Row([]float64{0.5, 1, 3})
	z := RelaxedBernoulli(rng, logits, tau, 1000)
	require.Equal(t, [2]int{2000, 3}, [2]int{z.Rows(), z.Cols()})
	for i := 0; i < z.Rows(); i++ {
		for j := 0; j < 3; j++ {
			v := z.At(i, j)
			require.True(t, v > 0 && v < 1, "sample %v outside (0, 1)", v)
			// Row k*B+b draws from batch row b: logit -30 gives values
			// near 0, +30 near 1.
			if i%2 == 0 {
				assert.Less(t, v, 0.5, "row %d", i)
			} else {
				assert.Greater(t, v, 0.5, "row %d", i)
			}
		}
	}
	// Extreme scores are clamped inside (0, 1).
	zc := RelaxedBernoulli(rng, ad.Row([]float64{-5000, 5000}), ad.Scalar(0.01), 10)
	for _, v := range zc.Value() {
		assert.True(t, v > 0 && v < 1)
	}
}

func TestRelaxedOneHotCategoricalSamples(t *testing.T) {
	rng := rngRelaxed(3)
	logits := ad.Const(2, 4, []float64{0.1, -1, 2, 0.5, 3, 0, 0, -2})
	z := RelaxedOneHotCategorical(rng, logits, ad.Col([]float64{0.3, 2}), 5000)
	require.Equal(t, [2]int{10000, 4}, [2]int{z.Rows(), z.Cols()})
	for i := 0; i < z.Rows(); i++ {
		var s float64
		for j := 0; j < 4; j++ {
			v := z.At(i, j)
			require.True(t, v > 0 && v <= 1, "entry %v", v)
			s += v
		}
		require.InDelta(t, 1, s, 1e-12, "row %d sums to 1", i)
	}
	assert.Panics(t, func() { RelaxedOneHotCategorical(rng, logits, ad.Row([]float64{1, 1}), 1) })
	assert.Panics(t, func() { RelaxedOneHotCategorical(rng, logits, ad.Col([]float64{1, 1, 1}), 1) })
}

func softmaxRelaxed(l []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range l {
		m = math.Max(m, v)
	}
	var s float64
	p := make([]float64, len(l))
	for j, v := range l {
		p[j] = math.Exp(v - m)
		s += p[j]
	}
	for j := range p {
		p[j] /= s
	}
	return p
}

func TestRelaxedLowTemperature(t *testing.T) {
	// As τ -> 0 a relaxed sample is nearly one-hot and its mean tends to
	// the category probabilities: E[z] - p = O(τ²). Tolerance: 5 standard
	// errors of a Bernoulli frequency plus τ.
	rng := rngRelaxed(4)
	const n, tau = 200000, 1e-3
	l := []float64{0.3, -1.2, 1.1, 0}
	p := softmaxRelaxed(l)
	z := RelaxedOneHotCategorical(rng, ad.Row(l), ad.Scalar(tau), n)
	mean := make([]float64, 4)
	nearOneHot := 0
	for i := 0; i < n; i++ {
		row := z.Value()[i*4 : (i+1)*4]
		mx := 0.0
		for j, v := range row {
			mean[j] += v / n
			mx = math.Max(mx, v)
		}
		if mx > 0.99 {
			nearOneHot++
		}
	}
	for j := range p {
		assert.InDelta(t, p[j], mean[j], 5*math.Sqrt(p[j]*(1-p[j])/n)+tau, "category %d", j)
	}
	assert.Greater(t, float64(nearOneHot)/n, 0.99, "nearly one-hot rows")
	zb := RelaxedBernoulli(rng, ad.Scalar(0.7), ad.Scalar(tau), n)
	var mb float64
	for _, v := range zb.Value() {
		mb += v / n
	}
	pb := 1 / (1 + math.Exp(-0.7))
	assert.InDelta(t, pb, mb, 5*math.Sqrt(pb*(1-pb)/n)+tau, "relaxed Bernoulli mean")
}

// relaxedObjective is E_n[f(z)] for f(z) = Σ_j w_j z_j², z drawn with the
// given sampler, seed and parameters.
type relaxedSampler func(rng *rand.Rand, logits, temperature ad.Var, n int) ad.Var

func relaxedObjective(s relaxedSampler, seed uint64, logits, tau ad.Var, w ad.Var, n int) ad.Var {
	z := s(rngRelaxed(seed), logits, tau, n)
	return ad.Mean(ad.Mul(ad.Square(z), w))
}

// pathwiseRelaxed returns the pathwise gradient of the objective with
// respect to the logits and the temperature.
func pathwiseRelaxed(s relaxedSampler, seed uint64, logits, tau ad.Matrix, w ad.Var, n int) ([]float64, []float64) {
	tp := ad.NewTape()
	l := tp.Input(logits.Rows, logits.Cols, logits.Data)
	tt := tp.Input(tau.Rows, tau.Cols, tau.Data)
	tp.Backward(relaxedObjective(s, seed, l, tt, w, n))
	return append([]float64(nil), l.Grad()...), append([]float64(nil), tt.Grad()...)
}

// fdRelaxed returns the central finite difference of the objective (common
// random numbers: the same seed at both points) in every parameter.
func fdRelaxed(s relaxedSampler, seed uint64, logits, tau ad.Matrix, w ad.Var, n int, h float64) ([]float64, []float64) {
	f := func(l, tt []float64) float64 {
		return relaxedObjective(s, seed, ad.Const(logits.Rows, logits.Cols, l), ad.Const(tau.Rows, tau.Cols, tt), w, n).Scalar()
	}
	d := func(x []float64, k int, eval func([]float64) float64) float64 {
		x = append([]float64(nil), x...)
		x0 := x[k]
		x[k] = x0 + h
		fp := eval(x)
		x[k] = x0 - h
		fm := eval(x)
		return (fp - fm) / (2 * h)
	}
	gl := make([]float64, len(logits.Data))
	for k := range gl {
		gl[k] = d(logits.Data, k, func(x []float64) float64 { return f(x, tau.Data) })
	}
	gt := make([]float64, len(tau.Data))
	for k := range gt {
		gt[k] = d(tau.Data, k, func(x []float64) float64 { return f(logits.Data, x) })
	}
	return gl, gt
}

func TestRelaxedPathwiseGradients(t *testing.T) {
	cases := []struct {
		name   string
		s      relaxedSampler
		logits ad.Matrix
		tau    ad.Matrix
		w      ad.Var
	}{
		{"RelaxedBernoulli", RelaxedBernoulli, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{0.3, -1, 1.5, 0}}, ad.Matrix{Rows: 1, Cols: 1, Data: []float64{0.7}}, ad.Row([]float64{1, 0.5})},
		{"RelaxedOneHotCategorical", RelaxedOneHotCategorical, ad.Matrix{Rows: 1, Cols: 3, Data: []float64{0.3, -1, 1.2}}, ad.Matrix{Rows: 1, Cols: 1, Data: []float64{0.6}}, ad.Row([]float64{1, 2, -0.5})},
	}
	for _, c := range cases {
		// (a) The same noise: the estimate is a smooth function of the
		// parameters and its pathwise gradient is its exact derivative, so
		// a finite difference (h = 1e-6) agrees to 1e-6 relative.
		gl, gt := pathwiseRelaxed(c.s, 7, c.logits, c.tau, c.w, 20000)
		fl, ft := fdRelaxed(c.s, 7, c.logits, c.tau, c.w, 20000, 1e-6)
		for k := range gl {
			assert.InDelta(t, fl[k], gl[k], 1e-6*math.Max(1, math.Abs(fl[k])), "%s same-noise d/dlogits[%d]", c.name, k)
		}
		assert.InDelta(t, ft[0], gt[0], 1e-6*math.Max(1, math.Abs(ft[0])), "%s same-noise d/dτ", c.name)
		// (b) Against a large independent common-random-numbers estimate:
		// the finite difference (h = 1e-3, so the O(h²) bias is below
		// 1e-5) of E over N = 4·10^5 draws of seed 99, and the pathwise mean
		// over 20 independent batches of 10^4 draws; tolerance 5 standard
		// errors of the difference (the pathwise batch-mean error, with the
		// large estimate's own error taken as that times √(n/N)).
		bfl, bft := fdRelaxed(c.s, 99, c.logits, c.tau, c.w, 400000, 1e-3)
		const batches, per = 20, 10000
		sums := make([][]float64, len(gl)+1)
		for b := range batches {
			l, tt := pathwiseRelaxed(c.s, uint64(1000+b), c.logits, c.tau, c.w, per)
			for k := range l {
				sums[k] = append(sums[k], l[k])
			}
			sums[len(gl)] = append(sums[len(gl)], tt[0])
		}
		ref := append(bfl, bft[0])
		for k, xs := range sums {
			m, se := meanSERelaxed(xs)
			tol := 5 * se * math.Sqrt(1+float64(batches*per)/400000)
			t.Logf("%s parameter %d: pathwise %.6g CRN %.6g se %.3g", c.name, k, m, ref[k], se)
			assert.InDelta(t, ref[k], m, tol, "%s parameter %d: pathwise %v vs CRN %v (se %v)", c.name, k, m, ref[k], se)
		}
	}
}

func meanSERelaxed(xs []float64) (float64, float64) {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	v /= float64(len(xs) - 1)
	return m, math.Sqrt(v / float64(len(xs)))
}

func TestStraightThrough(t *testing.T) {
	// Forward: exact one-hot rows (0/1 values) with the category
	// frequencies (5 standard errors); backward: the soft sample's
	// gradient, exactly, for the same noise.
	const n = 100000
	l := []float64{0.3, -1, 1.2}
	p := softmaxRelaxed(l)
	tp := ad.NewTape()
	lv := tp.Input(1, 3, l)
	tv := tp.Input(1, 1, []float64{0.5})
	w := ad.Row([]float64{1, -2, 0.5})
	zh := RelaxedOneHotCategoricalST(rngRelaxed(5), lv, tv, n)
	freq := make([]float64, 3)
	for i := 0; i < n; i++ {
		row := zh.Value()[i*3 : (i+1)*3]
		ones := 0
		for j, v := range row {
			require.True(t, v == 0 || v == 1, "entry %v", v)
			if v == 1 {
				ones++
				freq[j] += 1.0 / n
			}
		}
		require.Equal(t, 1, ones, "row %d is one-hot", i)
	}
	for j := range p {
		assert.InDelta(t, p[j], freq[j], 5*math.Sqrt(p[j]*(1-p[j])/n), "category %d", j)
	}
	tp.Backward(ad.Mean(ad.Mul(zh, w)))
	gHard := [][]float64{append([]float64(nil), lv.Grad()...), append([]float64(nil), tv.Grad()...)}
	tp2 := ad.NewTape()
	lv2 := tp2.Input(1, 3, l)
	tv2 := tp2.Input(1, 1, []float64{0.5})
	zs := RelaxedOneHotCategorical(rngRelaxed(5), lv2, tv2, n)
	tp2.Backward(ad.Mean(ad.Mul(zs, w)))
	assert.InDeltaSlice(t, lv2.Grad(), gHard[0], 1e-15, "logit gradient equals the soft one")
	assert.InDeltaSlice(t, tv2.Grad(), gHard[1], 1e-15, "temperature gradient equals the soft one")
	// The hard row is the argmax of the soft row.
	for i := 0; i < 1000; i++ {
		s, h := zs.Value()[i*3:(i+1)*3], zh.Value()[i*3:(i+1)*3]
		at := 0
		for j := range s {
			if s[j] > s[at] {
				at = j
			}
		}
		assert.Equal(t, 1.0, h[at])
	}

	// Bernoulli: values 0/1 with frequency σ(logit); gradient of the soft
	// sample; hard = 1[soft > 1/2].
	tb := ad.NewTape()
	lb := tb.Input(1, 2, []float64{0.4, -1.5})
	bb := tb.Input(1, 1, []float64{0.8})
	hb := RelaxedBernoulliST(rngRelaxed(6), lb, bb, n)
	tb.Backward(ad.Mean(ad.Mul(hb, ad.Row([]float64{1, 3}))))
	tb2 := ad.NewTape()
	lb2 := tb2.Input(1, 2, []float64{0.4, -1.5})
	bb2 := tb2.Input(1, 1, []float64{0.8})
	sb := RelaxedBernoulli(rngRelaxed(6), lb2, bb2, n)
	tb2.Backward(ad.Mean(ad.Mul(sb, ad.Row([]float64{1, 3}))))
	assert.InDeltaSlice(t, lb2.Grad(), lb.Grad(), 1e-15)
	assert.InDeltaSlice(t, bb2.Grad(), bb.Grad(), 1e-15)
	var f [2]float64
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			v := hb.At(i, j)
			require.True(t, v == 0 || v == 1)
			assert.Equal(t, v == 1, sb.At(i, j) > 0.5)
			f[j] += v / n
		}
	}
	for j, lg := range []float64{0.4, -1.5} {
		q := 1 / (1 + math.Exp(-lg))
		assert.InDelta(t, q, f[j], 5*math.Sqrt(q*(1-q)/n), "frequency %d", j)
	}
}

func TestRelaxedFreeConstants(t *testing.T) {
	// Free-constant parameters give free constants (no tape, no gradient).
	z := RelaxedOneHotCategorical(rngRelaxed(8), ad.Row([]float64{0, 1}), ad.Scalar(1), 3)
	assert.Nil(t, z.Tape())
	zb := RelaxedBernoulliST(rngRelaxed(8), ad.Scalar(0), ad.Scalar(1), 3)
	assert.Nil(t, zb.Tape())
}
