package dist

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// catBigDiscrete returns the normalized probabilities of a probs or logits
// row in 256-bit arithmetic.
func catBigDiscrete(v []float64, logits bool) []*big.Float {
	out := make([]*big.Float, len(v))
	sum := bfDiscrete(0)
	for j, x := range v {
		if logits {
			if math.IsInf(x, -1) {
				out[j] = bfDiscrete(0)
			} else {
				out[j] = expBigDiscrete(bfDiscrete(x))
			}
		} else {
			out[j] = bfDiscrete(x)
		}
		sum.Add(sum, out[j])
	}
	for j := range out {
		out[j].Quo(out[j], sum)
	}
	return out
}

// klCatBigDiscrete returns Σ_j p_j log(p_j/q_j) in 256-bit arithmetic.
func klCatBigDiscrete(p, q []*big.Float) float64 {
	s := bfDiscrete(0)
	for j := range p {
		if p[j].Sign() == 0 {
			continue
		}
		if q[j].Sign() == 0 {
			return math.Inf(1)
		}
		r := new(big.Float).SetPrec(precDiscrete).Quo(p[j], q[j])
		s.Add(s, new(big.Float).SetPrec(precDiscrete).Mul(p[j], logBigDiscrete(r)))
	}
	return f64Discrete(s)
}

func catDiscrete(v []float64, logits bool) Categorical {
	if logits {
		return Must(CategoricalLogits(v...))
	}
	return Must(NewCategorical(v...))
}

func logsDiscrete(v []float64) []float64 {
	out := make([]float64, len(v))
	for j, x := range v {
		out[j] = math.Log(x) + 0.7 // unnormalized
	}
	return out
}

func TestKLCategorical(t *testing.T) {
	cases := [][2][]float64{
		{{0.1, 0.6, 0.3}, {0.4, 0.4, 0.2}},
		{{0.5, 0.5}, {0.999, 0.001}},
		{{1e-9, 0.2, 0.3, 0.5 - 1e-9}, {0.25, 0.25, 0.25, 0.25}},
		{{0, 0.5, 0.5}, {0.2, 0.3, 0.5}},
		{{2, 5, 3}, {1, 1, 1}}, // unnormalized probs
	}
	for _, c := range cases {
		eachForm(c[0], c[1], logsDiscrete, func(a, b []float64, lp, lq bool) {
			want := klCatBigDiscrete(catBigDiscrete(a, lp), catBigDiscrete(b, lq))
			got := klScalar(t, catDiscrete(a, lp), catDiscrete(b, lq))
			assertRel(t, want, got, 1e-12, "KL(Cat %v || Cat %v) logits %v %v", c[0], c[1], lp, lq)
			// OneHotCategorical has the same divergence.
			var oa, ob OneHotCategorical
			if lp {
				oa = Must(OneHotCategoricalLogits(a...))
			} else {
				oa = Must(NewOneHotCategorical(a...))
			}
			if lq {
				ob = Must(OneHotCategoricalLogits(b...))
			} else {
				ob = Must(NewOneHotCategorical(b...))
			}
			assertRel(t, want, klScalar(t, oa, ob), 1e-12, "one-hot")
		})
	}
	assert.True(t, math.IsInf(klScalar(t, catDiscrete([]float64{0.2, 0.8}, false), catDiscrete([]float64{1, 0}, false)), 1))
	assert.True(t, math.IsInf(klScalar(t, catDiscrete([]float64{0.2, 0.8}, false), catDiscrete([]float64{0, math.Inf(-1)}, true)), 1))
	_, err := KL(catDiscrete([]float64{0.5, 0.5}, false), catDiscrete([]float64{0.2, 0.3, 0.5}, false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 and 3 categories")

	// Near p = q: Fisher quadratic ½ Σ δ_j²/p_j (normalized δ) and the
	// 256-bit sum; mpmath references.
	base := []float64{0.2, 0.3, 0.5}
	pert := []float64{0.2 * (1 + 1e-6), 0.3, 0.5}
	pb, qb := catBigDiscrete(pert, false), catBigDiscrete(base, false)
	got := klScalar(t, catDiscrete(pert, false), catDiscrete(base, false))
	assertRel(t, klCatBigDiscrete(pb, qb), got, 1e-12, "near p=q (probs)")
	var fisher float64
	for j := range base {
		d := f64Discrete(pb[j]) - f64Discrete(qb[j])
		fisher += 0.5 * d * d / base[j]
	}
	assertRel(t, fisher, got, 5e-6, "Fisher quadratic")
	lpert, lbase := logsDiscrete(pert), logsDiscrete(base)
	assertRel(t, klCatBigDiscrete(catBigDiscrete(lpert, true), catBigDiscrete(lbase, true)), klScalar(t, catDiscrete(lpert, true), catDiscrete(lbase, true)), 1e-12, "near p=q (logits)")
	refs := loadRefsDiscrete(t)
	for _, name := range []string{"categorical_near", "categorical_ordinary"} {
		r := refs[name]
		require.NotEmpty(t, r.Name, name)
		assertRel(t, r.Value, klScalar(t, catDiscrete(r.P, false), catDiscrete(r.Q, false)), 1e-12, "mpmath %s", name)
	}

	rng := rngDiscrete(701)
	for range 300 {
		k := 2 + rng.IntN(5)
		a, b := make([]float64, k), make([]float64, k)
		for j := range a {
			a[j], b[j] = rng.Float64(), 2*rng.NormFloat64()
		}
		p, q := catDiscrete(a, false), catDiscrete(b, true)
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
		assert.Equal(t, 0.0, klScalar(t, p, p))
		assert.Equal(t, 0.0, klScalar(t, q, q))
	}
	// Batches: 2 rows against 1 (broadcast), gradients in every form.
	eachFormOf(ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.2, 0.3, 0.5, 0.6, 0.1, 0.3}}, ad.Matrix{Rows: 2, Cols: 3, Data: []float64{0.2, -1, 0.5, 1.6, 0.1, -0.3}}, row(0.4, 0.4, 0.2), row(0.4, -0.4, 1.2), func(pin, qin ad.Matrix, lp, lq bool) {
		in := []ad.Matrix{pin, qin}
		build := func(v []ad.Var, oneHot bool) (Distribution, Distribution) {
			pick := func(x ad.Var, lg bool) (ad.Var, ad.Var) {
				if lg {
					return ad.Var{}, x
				}
				return x, ad.Var{}
			}
			pp, pl := pick(v[0], lp)
			qp, ql := pick(v[1], lq)
			if oneHot {
				return OneHotCategorical{Probs: pp, Logits: pl}, OneHotCategorical{Probs: qp, Logits: ql}
			}
			return Categorical{Probs: pp, Logits: pl}, Categorical{Probs: qp, Logits: ql}
		}
		checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) { return build(v, false) }, in, nil)
		checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) { return build(v, true) }, in, nil)
	})
	// A masked category (logit -Inf) in both: finite, no NaN gradient.
	tp := ad.NewTape()
	l1 := tp.Input(1, 3, []float64{0.3, math.Inf(-1), 1})
	l2 := tp.Input(1, 3, []float64{-0.2, math.Inf(-1), 0.4})
	kl, err := KL(Categorical{Logits: l1}, Categorical{Logits: l2})
	require.NoError(t, err)
	tp.Backward(kl)
	for _, g := range append(l1.Grad(), l2.Grad()...) {
		assert.False(t, math.IsNaN(g))
	}
	checkKLMonteCarlo(t, catDiscrete([]float64{0.1, 0.6, 0.3}, false), catDiscrete([]float64{0.4, 0.4, 0.2}, false), rngDiscrete(702), 100000, 5)
}

func TestKLMultinomial(t *testing.T) {
	a, b := []float64{0.1, 0.6, 0.3}, []float64{0.4, 0.4, 0.2}
	want := klCatBigDiscrete(catBigDiscrete(a, false), catBigDiscrete(b, false))
	p, q := Must(NewMultinomial(7, a...)), Must(MultinomialLogits(7, logsDiscrete(b)...))
	assertRel(t, 7*want, klScalar(t, p, q), 1e-12, "n KL(Cat || Cat)")
	// Against the sum over every count row of total 7.
	var s kahan
	for i := 0; i <= 7; i++ {
		for j := 0; i+j <= 7; j++ {
			x := ad.Row([]float64{float64(i), float64(j), float64(7 - i - j)})
			lp, lq := p.LogProb(x).Value()[0], q.LogProb(x).Value()[0]
			s.add(math.Exp(lp) * (lp - lq))
		}
	}
	assertRel(t, s.sum(), klScalar(t, p, q), 1e-12, "sum over the support")
	// Different totals: disjoint supports.
	assert.True(t, math.IsInf(klScalar(t, Must(NewMultinomial(7, a...)), Must(NewMultinomial(8, a...))), 1))
	assert.True(t, math.IsInf(klScalar(t, Must(NewMultinomial(8, a...)), Must(NewMultinomial(7, a...))), 1))
	assert.Equal(t, 0.0, klScalar(t, Must(NewMultinomial(0, 1, 0)), Must(NewMultinomial(0, 0, 1))), "no draws")
	assert.Equal(t, 0.0, klScalar(t, p, p))
	// Batch of totals (column) against shared probabilities; gradients.
	n := ad.Col([]float64{3, 5})
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Multinomial{TotalCount: n, Probs: v[0]}, Multinomial{TotalCount: n, Logits: v[1]}
	}, []ad.Matrix{row(0.2, 0.3, 0.5), {Rows: 2, Cols: 3, Data: []float64{0.4, -0.4, 1.2, 0, 1, 2}}}, nil)
	kl, err := KL(Multinomial{TotalCount: n, Probs: ad.Row(a)}, Multinomial{TotalCount: ad.Scalar(5), Probs: ad.Row(b)})
	require.NoError(t, err)
	assert.True(t, math.IsInf(kl.Value()[0], 1), "3 draws against 5")
	assertRel(t, 5*want, kl.Value()[1], 1e-12, "5 draws against 5")
}

func TestKLLargeBatchesDiscrete(t *testing.T) {
	// Batches above the parallel threshold give the row-by-row values.
	rng := rngDiscrete(901)
	const n = 20000
	a, b := make([]float64, n), make([]float64, n)
	for i := range a {
		a[i], b[i] = rng.Float64(), rng.NormFloat64()
	}
	kl, err := KL(Bernoulli{Probs: ad.Col(a)}, Bernoulli{Logits: ad.Col(b)})
	require.NoError(t, err)
	for i := 0; i < n; i += 997 {
		assert.Equal(t, klScalar(t, bernDiscrete(a[i], false), bernDiscrete(b[i], true)), kl.Value()[i], "row %d", i)
	}
	c3 := make([]float64, 3*n)
	for i := range c3 {
		c3[i] = rng.Float64()
	}
	klc, err := KL(Categorical{Probs: ad.Const(n, 3, c3)}, Categorical{Logits: ad.Row([]float64{0.1, -0.3, 0.5})})
	require.NoError(t, err)
	for i := 0; i < n; i += 997 {
		assert.Equal(t, klScalar(t, catDiscrete(c3[3*i:3*i+3], false), catDiscrete([]float64{0.1, -0.3, 0.5}, true)), klc.Value()[i], "row %d", i)
	}
	// The negative binomial series: errors from any row are reported.
	r := make([]float64, n)
	pr := make([]float64, n)
	for i := range r {
		r[i], pr[i] = 1+rng.Float64(), 0.5*rng.Float64()
	}
	pr[n-1] = 1 - 1e-9
	_, err = KL(NegativeBinomial{TotalCount: ad.Col(r), Probs: ad.Col(pr)}, NegativeBinomial{TotalCount: ad.Scalar(2), Probs: ad.Scalar(0.4)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "row 19999")
}
