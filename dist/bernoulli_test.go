package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestBernoulliAgainstGonum(t *testing.T) {
	for _, p := range []float64{0, 0.2, 0.5, 0.93, 1} {
		ref := distuv.Bernoulli{P: p}
		forms := []Bernoulli{Must(NewBernoulli(p))}
		if p > 0 && p < 1 {
			forms = append(forms, Must(BernoulliLogits(math.Log(p/(1-p)))))
		}
		for fi, d := range forms {
			for _, x := range []float64{0, 1} {
				want := ref.LogProb(x)
				got := logProbAt(d, x)
				if math.IsInf(want, -1) {
					assert.True(t, math.IsInf(got, -1), "p=%v x=%v", p, x)
					continue
				}
				assertRel(t, want, got, 1e-12, "logpmf p=%v form %d x=%v", p, fi, x)
				assertRel(t, ref.CDF(x), d.CDF(ad.Scalar(x)).Scalar(), 1e-12, "cdf p=%v x=%v", p, x)
			}
			assertRel(t, ref.Entropy(), d.Entropy().Scalar(), 1e-12, "entropy p=%v form %d", p, fi)
			assertRel(t, p, d.Mean().Scalar(), 1e-12, "mean")
			assertRel(t, ref.Variance(), d.Variance().Scalar(), 1e-12, "variance")
			assert.InDelta(t, 1, sumMassDiscrete(d, 1), 1e-15, "normalized")
		}
	}
	// Tiny p, where gonum's log(1-p) loses digits: log1p(-p) by hand.
	for _, d := range []Bernoulli{Must(NewBernoulli(1e-9)), Must(BernoulliLogits(math.Log(1e-9 / (1 - 1e-9))))} {
		assertRel(t, math.Log1p(-1e-9), logProbAt(d, 0), 1e-12, "log P(0) at p=1e-9")
		assertRel(t, math.Log(1e-9), logProbAt(d, 1), 1e-12, "log P(1) at p=1e-9")
		assertRel(t, -(1e-9*math.Log(1e-9) + (1-1e-9)*math.Log1p(-1e-9)), d.Entropy().Scalar(), 1e-12, "entropy at p=1e-9")
	}
	d := Must(NewBernoulli(0.3))
	for _, x := range []float64{-1, 0.5, 2, math.NaN()} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside the support at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(-0.1)).Scalar())
	assert.Equal(t, 0.7, d.CDF(ad.Scalar(0.5)).Scalar())
	assert.Equal(t, 1.0, d.CDF(ad.Scalar(3)).Scalar())
	// Extreme logits keep their digits: log P(X=0) at logit 40 is -softplus(40).
	e := Must(BernoulliLogits(40))
	assertRel(t, -40-math.Log1p(math.Exp(-40)), logProbAt(e, 0), 1e-15, "log(1-σ(40))")
	assertRel(t, -math.Log1p(math.Exp(-40)), logProbAt(e, 1), 1e-15, "log σ(40)")
}

func TestBernoulliBatch(t *testing.T) {
	// 2 batch rows x 3 columns of probs; the value tiles the batch twice.
	probs := ad.Const(2, 3, []float64{0.1, 0.5, 0.9, 0.3, 0.6, 1})
	d := Must(BernoulliOf(probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += distuv.Bernoulli{P: probs.At(i%2, j)}.LogProb(x.At(i, j))
		}
		if math.IsInf(want, -1) {
			assert.True(t, math.IsInf(lp[i], -1), "row %d", i)
			continue
		}
		assertRel(t, want, lp[i], 1e-13, "row %d", i)
	}
	// Broadcast: a 1x1 logit against a 3x2 value, and a column of logits.
	dl := Must(BernoulliLogitsOf(ad.Col([]float64{-1, 2})))
	xs := ad.Const(4, 2, []float64{1, 0, 0, 0, 1, 1, 0, 1})
	got := dl.LogProb(xs).Value()
	for i := 0; i < 4; i++ {
		p := 1 / (1 + math.Exp(-[]float64{-1, 2}[i%2]))
		var want float64
		for j := 0; j < 2; j++ {
			want += distuv.Bernoulli{P: p}.LogProb(xs.At(i, j))
		}
		assertRel(t, want, got[i], 1e-13, "logit row %d", i)
	}
	h := dl.Entropy().Value()
	require.Len(t, h, 2)
	assertRel(t, distuv.Bernoulli{P: 1 / (1 + math.E)}.Entropy(), h[0], 1e-13, "entropy row 0")
}

func TestBernoulliGradients(t *testing.T) {
	x := ad.Matrix{Rows: 4, Cols: 2, Data: []float64{1, 0, 0, 0, 1, 1, 0, 1}}
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Bernoulli{Probs: ps[0]} },
		[]ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.2, 0.7, 0.45, 0.9}}}, x, nil)
	checkLogProbGradDiscrete(t, func(ps []ad.Var) Distribution { return Bernoulli{Logits: ps[0]} },
		[]ad.Matrix{col(-1.3, 2.2)}, x, nil)
	for _, lg := range []bool{false, true} {
		build := func(v ad.Var) Bernoulli {
			if lg {
				return Bernoulli{Logits: v}
			}
			return Bernoulli{Probs: v}
		}
		in := row(0.3, 0.8)
		if lg {
			in = row(-0.4, 1.5)
		}
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return build(v[0]).Entropy() }, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "entropy gradient (logits %v)", lg)
		err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return build(v[0]).CDF(ad.Const(2, 2, []float64{0.5, -1, 0, 1}))
		}, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "CDF gradient (logits %v)", lg)
		err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return ad.Add(build(v[0]).Mean(), build(v[0]).Variance()) }, []ad.Matrix{in}, nil)
		assert.NoError(t, err, "moment gradients (logits %v)", lg)
	}
}

func TestBernoulliSampling(t *testing.T) {
	rng := rngDiscrete(11)
	for _, d := range []Bernoulli{Must(NewBernoulli(0.27)), Must(BernoulliLogits(1.1))} {
		p := d.Mean().Scalar()
		xs := d.Sample(rng, 100000).Value()
		checkFrequenciesDiscrete(t, xs, func(k int) float64 { return math.Exp(logProbAt(d, float64(k))) }, "Bernoulli")
		checkMomentsDiscrete(t, xs, p, p*(1-p), 5, "Bernoulli")
	}
	// Layout: row k*B+b draws from batch row b.
	d := Must(BernoulliOf(ad.Col([]float64{0, 1})))
	s := d.Sample(rng, 5)
	require.Equal(t, 10, s.Rows())
	for i := 0; i < 10; i++ {
		assert.Equal(t, float64(i%2), s.At(i, 0), "row %d", i)
	}
}

func TestBernoulliValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewBernoulli(1.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	assert.Contains(t, err.Error(), "probs[0] = 1.5")
	_, err = BernoulliLogits(math.Inf(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
	err = Bernoulli{}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exactly one of probs and logits")
	err = Bernoulli{Probs: ad.Scalar(0.5), Logits: ad.Scalar(0)}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exactly one")
	assert.Panics(t, func() { Bernoulli{}.Shape() })
}

func TestBernoulliEnumerate(t *testing.T) {
	d := Must(BernoulliOf(ad.Row([]float64{0.25, 0.6})))
	var ks []int
	var ms []float64
	for m := range d.Enumerate(0, 1) {
		ks = append(ks, m.K)
		ms = append(ms, m.Mass)
	}
	assert.Equal(t, []int{0, 1}, ks)
	assert.InDeltaSlice(t, []float64{0.4, 0.6}, ms, 1e-15)
	assert.Panics(t, func() { d.Enumerate(1, 0) })
}

// TestBernoulliLogitsBlockBits: the branch-free block loop gives the bits
// of the same terms computed by branches (bernoulliLogitsSlow), value and
// gradient, on random logits of every sign and scale (signed zeros and
// subnormals included), and falls back to them, flagging the row, for
// non-finite logits and labels other than 0 and 1.
func TestBernoulliLogitsBlockBits(t *testing.T) {
	rng := newRNG(77)
	const n = 4096
	ys, ls := make([]float64, n), make([]float64, n)
	for j := range ls {
		ys[j] = float64(rng.IntN(2))
		switch j % 5 {
		case 0:
			ls[j] = rng.NormFloat64()
		case 1:
			ls[j] = rng.NormFloat64() * 40
		case 2:
			ls[j] = math.Copysign(0, rng.NormFloat64())
		case 3:
			ls[j] = rng.NormFloat64() * 1e-310
		default:
			ls[j] = rng.NormFloat64() * 800
		}
	}
	run := func(f func(g, ys, ls, e, sps []float64, acc float64) (float64, bool)) (float64, bool, []float64) {
		e, sp, g := make([]float64, n), make([]float64, n), make([]float64, n)
		for j, l := range ls {
			e[j] = math.Exp(-math.Abs(l))
			sp[j] = math.Log1p(e[j])
		}
		a, ok := f(g, ys, ls, e, sp, 0.25)
		return a, ok, g
	}
	fa, fok, fg := run(bernoulliLogitsBlock)
	sa, sok, sg := run(bernoulliLogitsSlow)
	require.True(t, fok && sok, "valid labels")
	require.Equal(t, math.Float64bits(sa), math.Float64bits(fa), "sum: %v vs %v", fa, sa)
	for j := range fg {
		require.Equal(t, math.Float64bits(sg[j]), math.Float64bits(fg[j]), "gradient %d (l=%v, y=%v)", j, ls[j], ys[j])
	}
	// Special cases take the branches: same results, labels flagged.
	for _, c := range []struct {
		l, y float64
		ok   bool
	}{{math.Inf(1), 0, true}, {math.Inf(-1), 1, true}, {math.Inf(1), 1, true}, {math.NaN(), 1, true}, {0.5, 0.5, false}, {0.5, 2, false}, {0.5, math.NaN(), false}} {
		ls[7], ys[7] = c.l, c.y
		fa, fok, fg = run(bernoulliLogitsBlock)
		sa, sok, sg = run(bernoulliLogitsSlow)
		require.Equal(t, c.ok, fok, "label %v valid", c.y)
		require.Equal(t, sok, fok, "l=%v y=%v", c.l, c.y)
		require.Equal(t, math.Float64bits(sa), math.Float64bits(fa), "l=%v y=%v: sum %v vs %v", c.l, c.y, fa, sa)
		require.Equal(t, math.Float64bits(sg[7]), math.Float64bits(fg[7]), "l=%v y=%v: gradient", c.l, c.y)
	}
}
