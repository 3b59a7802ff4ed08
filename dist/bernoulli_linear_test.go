package dist

import (
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func linearProblem(r, n, d int, seed uint64) (w, x, y []float64) {
	rng := newRNG(seed)
	w, x, y = make([]float64, r*d), make([]float64, n*d), make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = float64(rng.IntN(2))
	}
	return w, x, y
}

// TestBernoulliLinearAgainstUnfused: the fused log-likelihood and its
// gradient agree with Bernoulli{Logits: W Xᵀ} (to rounding: 1e-12
// relative) and with the term-by-term formula in math's functions, for
// shared and per-row labels, several blocks with a partial last one, and
// particle counts on both Dgemm paths (skinny and packed).
func TestBernoulliLinearAgainstUnfused(t *testing.T) {
	for _, c := range []struct{ r, n, d int }{{1, 5, 3}, {8, 1000, 50}, {3, 300, 7}, {20, 257, 11}} {
		for _, perRow := range []bool{false, true} {
			w, x, y := linearProblem(c.r, c.n, c.d, uint64(c.r*c.n))
			yy := y
			if perRow {
				yy = make([]float64, c.r*c.n)
				rng := newRNG(9)
				for i := range yy {
					yy[i] = float64(rng.IntN(2))
				}
			}
			yr := len(yy) / c.n
			des := ad.Matrix{Rows: c.n, Cols: c.d, Data: x}
			run := func(fused bool) ([]float64, []float64) {
				tp := ad.NewTape()
				wv := tp.Input(c.r, c.d, w)
				yv := tp.Const(yr, c.n, yy)
				var lp ad.Var
				if fused {
					lp = BernoulliLinear{Weights: wv, Design: des}.LogProb(yv)
				} else {
					lp = Bernoulli{Logits: ad.MatMulTrans(wv, false, tp.Const(c.n, c.d, x), true)}.LogProb(yv)
				}
				tp.Backward(ad.Sum(lp))
				return append([]float64(nil), lp.Value()...), append([]float64(nil), wv.Grad()...)
			}
			fv, fg := run(true)
			uv, ug := run(false)
			require.Len(t, fv, c.r)
			for i := range fv {
				var want float64
				for k := range c.n {
					var l float64
					for j := range c.d {
						l += w[i*c.d+j] * x[k*c.d+j]
					}
					yk := yy[(i%yr)*c.n+k]
					want += yk*l - (max(l, 0) + math.Log1p(math.Exp(-math.Abs(l))))
				}
				assert.InEpsilon(t, uv[i], fv[i], 1e-12, "r=%d n=%d d=%d perRow=%v: value %d against unfused", c.r, c.n, c.d, perRow, i)
				assert.InEpsilon(t, want, fv[i], 1e-10, "value %d against the formula", i)
			}
			for i := range fg {
				assert.InDelta(t, ug[i], fg[i], 1e-12*(1+math.Abs(ug[i])), "r=%d n=%d d=%d perRow=%v: gradient %d", c.r, c.n, c.d, perRow, i)
			}
		}
	}
}

// TestBernoulliLinearGrad checks the gradient with respect to the weights
// by finite differences (ad.CheckGrad).
func TestBernoulliLinearGrad(t *testing.T) {
	w, x, y := linearProblem(3, 300, 4, 5)
	des := ad.Matrix{Rows: 300, Cols: 4, Data: x}
	err := ad.CheckGrad(func(tp *ad.Tape, v []ad.Var) ad.Var {
		return BernoulliLinear{Weights: v[0], Design: des}.LogProb(tp.Const(1, 300, y))
	}, []ad.Matrix{{Rows: 3, Cols: 4, Data: w}}, nil)
	require.NoError(t, err)
}

// TestBernoulliLinearDeterministic: the same bits for GOMAXPROCS 1, 2
// and 8 (W3's shape).
func TestBernoulliLinearDeterministic(t *testing.T) {
	w, x, y := linearProblem(8, 10000, 50, 3)
	des := ad.Matrix{Rows: 10000, Cols: 50, Data: x}
	run := func() [2][]float64 {
		tp := ad.NewTape()
		wv := tp.Input(8, 50, w)
		lp := BernoulliLinear{Weights: wv, Design: des}.LogProb(tp.Const(1, 10000, y))
		tp.Backward(ad.Sum(lp))
		return [2][]float64{append([]float64(nil), lp.Value()...), append([]float64(nil), wv.Grad()...)}
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := run()
	for _, p := range []int{2, 8} {
		runtime.GOMAXPROCS(p)
		require.Equal(t, one, run(), "GOMAXPROCS %d", p)
	}
}

// TestBernoulliLinearFallback: labels other than 0 and 1 give -Inf rows
// (zero gradient there), as Bernoulli does; Validate names bad weights and
// shapes; Sample draws from the logits.
func TestBernoulliLinearFallback(t *testing.T) {
	w, x, y := linearProblem(2, 200, 3, 7)
	des := ad.Matrix{Rows: 200, Cols: 3, Data: x}
	y[150] = 0.5
	tp := ad.NewTape()
	wv := tp.Input(2, 3, w)
	lp := BernoulliLinear{Weights: wv, Design: des}.LogProb(tp.Const(1, 200, y))
	for i, v := range lp.Value() {
		assert.True(t, math.IsInf(v, -1), "row %d = %v, want -Inf", i, v)
	}
	require.NoError(t, BernoulliLinear{Weights: wv, Design: des}.Validate())
	w[4] = math.NaN()
	require.ErrorContains(t, BernoulliLinear{Weights: ad.Const(2, 3, w), Design: des}.Validate(), "Weights[1][1] = NaN")
	require.ErrorContains(t, BernoulliLinear{Weights: ad.Const(2, 2, w[:4]), Design: des}.Validate(), "want Design N x 2")
	w[4] = 0
	// Sample: the mean of many draws is σ(w_r · x_n) within 5 standard errors.
	d := BernoulliLinear{Weights: ad.Const(2, 3, w), Design: des}
	const draws = 4000
	s := d.Sample(newRNG(11), draws).Value()
	for _, k := range []int{0, 77, 199} {
		var l float64
		for j := range 3 {
			l += w[3+j] * x[k*3+j]
		}
		p := 1 / (1 + math.Exp(-l))
		var m float64
		for i := range draws {
			m += s[(i*2+1)*200+k]
		}
		m /= draws
		assert.InDelta(t, p, m, 5*math.Sqrt(p*(1-p)/draws)+1e-9, "column %d of row 1", k)
	}
}
