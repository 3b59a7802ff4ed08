package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// betaLogPdf is the Beta(α, β) log-density (α-1) log x + (β-1)
// log(1-x) - log B(α, β), with log(1-x) given directly as l1mx.
func betaLogPdf(lx, l1mx, al, be float64) float64 {
	lga, _ := math.Lgamma(al)
	lgb, _ := math.Lgamma(be)
	lgab, _ := math.Lgamma(al + be)
	return (al-1)*lx + (be-1)*l1mx - (lga + lgb - lgab)
}

// klKumaBetaQuad returns KL(Kumaraswamy(a, b) || Beta(α, β)) =
// ∫ q (log q - log p) by the tanh-sinh rule, with log x and log(1-x)
// formed from whichever of x, 1-x is exact.
func klKumaBetaQuad(a, b, al, be float64) float64 {
	return tanhSinhEnds(func(x, _, db float64) float64 {
		lx, l1mx := math.Log(x), math.Log1p(-x)
		if x > 0.5 {
			lx, l1mx = math.Log1p(-db), math.Log(db)
		}
		la := a * lx
		lq := math.Log(a*b) + (a-1)*lx + (b-1)*math.Log(-math.Expm1(la))
		return math.Exp(lq) * (lq - betaLogPdf(lx, l1mx, al, be))
	}, 0, 1)
}

func klKumaBeta(t *testing.T, a, b, al, be float64) float64 {
	t.Helper()
	kl, err := KLKumaraswamyBeta(Must(NewKumaraswamy(a, b)), ad.Scalar(al), ad.Scalar(be))
	require.NoError(t, err)
	return kl.Scalar()
}

func TestKLKumaraswamyBeta(t *testing.T) {
	ref := loadUnitCircleRef(t)
	require.NotEmpty(t, ref.KumaraswamyBeta)
	for _, c := range ref.KumaraswamyBeta {
		got := klKumaBeta(t, c.A, c.B, c.Alpha, c.Beta)
		// mpmath: the formula with E[log(1-X)] by quadrature (independent
		// of the series), cross-checked against direct integration.
		assert.InDelta(t, c.KL, got, 1e-12*math.Max(1e-3, math.Abs(c.KL)), "KL(Kumaraswamy(%v, %v) || Beta(%v, %v))", c.A, c.B, c.Alpha, c.Beta)
	}
	// Against quadrature with the Beta log-density written here.
	for _, c := range [][4]float64{{2, 3, 1, 4}, {0.5, 0.7, 1, 5}, {5, 0.5, 2, 2}, {0.3, 7, 3, 1}, {1.5, 15, 1, 10}, {0.8, 1.3, 0.9, 1.1}} {
		want := klKumaBetaQuad(c[0], c[1], c[2], c[3])
		assert.InDelta(t, want, klKumaBeta(t, c[0], c[1], c[2], c[3]), 1e-9*math.Max(1, want), "KL %v by quadrature", c)
	}
	// Kumaraswamy(1, b) is Beta(1, b).
	for _, b := range []float64{0.05, 0.5, 1, 3, 9.99, 10, 10.01, 40} {
		kl := klKumaBeta(t, 1, b, 1, b)
		assert.InDelta(t, 0, kl, 1e-13*math.Max(1, b), "KL(Kumaraswamy(1, %v) || Beta(1, %v))", b, b)
		assert.GreaterOrEqual(t, kl, 0.0)
	}
	// Non-negative over random parameters, including the slow-series
	// region of small b and the direct-sum region b > 10.
	rng := newRNG(17)
	for range 300 {
		a, b := math.Exp(2*rng.NormFloat64()), math.Exp(2*rng.NormFloat64())
		al, be := math.Exp(rng.NormFloat64()), math.Exp(rng.NormFloat64())
		kl := klKumaBeta(t, math.Min(a, 200), b, al, be)
		assert.GreaterOrEqual(t, kl, 0.0, "KL(Kumaraswamy(%v, %v) || Beta(%v, %v))", a, b, al, be)
	}
	// Continuity of the series across the switch at b = 10.
	lo, hi := klKumaBeta(t, 2.3, 10, 1, 3), klKumaBeta(t, 2.3, math.Nextafter(10, 11), 1, 3)
	assertRel(t, lo, hi, 1e-13, "b = 10 from both sides")
}

func TestKLKumaraswamyBetaGradient(t *testing.T) {
	for _, ps := range [][]ad.Matrix{
		{row(0.5, 2, 7), row(0.3, 1, 3), mat(1), row(4, 0.7, 2)},
		{row(1.5, 0.8), row(15, 40), row(0.9, 3), mat(10)},
		{mat(30), mat(0.05), mat(2), mat(1.5)},
	} {
		err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			kl, err := KLKumaraswamyBeta(Kumaraswamy{Concentration1: v[0], Concentration0: v[1]}, v[2], v[3])
			if err != nil {
				panic(err)
			}
			return kl
		}, ps, nil)
		assert.NoError(t, err, "KL(Kumaraswamy || Beta) gradient")
	}
}

func TestKLKumaraswamyBetaBatchAndErrors(t *testing.T) {
	p := Must(KumaraswamyOf(ad.Col([]float64{0.5, 2}), ad.Row([]float64{1, 3})))
	kl, err := KLKumaraswamyBeta(p, ad.Scalar(1), ad.Row([]float64{2, 4}))
	require.NoError(t, err)
	r, c := kl.Shape()
	require.Equal(t, [2]int{2, 1}, [2]int{r, c})
	want := klKumaBeta(t, 2, 1, 1, 2) + klKumaBeta(t, 2, 3, 1, 4)
	assert.InDelta(t, want, kl.At(1, 0), 1e-14, "row sums columns")
	_, err = KLKumaraswamyBeta(p, ad.Scalar(-1), ad.Scalar(1))
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Beta", pe.Family)
	assert.Equal(t, "concentration1", pe.Param)
	_, err = KLKumaraswamyBeta(p, ad.Scalar(1), ad.Scalar(0))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "concentration0", pe.Param)
	_, err = KLKumaraswamyBeta(Kumaraswamy{Concentration1: ad.Scalar(0), Concentration0: ad.Scalar(1)}, ad.Scalar(1), ad.Scalar(1))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Kumaraswamy", pe.Family)
}

// TestKLKumaraswamyBetaRegistered: the (Kumaraswamy, Beta) pair goes
// through the registry and agrees with the direct call and with
// quadrature against the package's Beta density.
func TestKLKumaraswamyBetaRegistered(t *testing.T) {
	for _, c := range [][4]float64{{2, 3, 1.5, 2.5}, {0.7, 1.4, 0.9, 0.8}, {5, 2, 3, 3}} {
		p := Must(NewKumaraswamy(c[0], c[1]))
		q := Must(NewBeta(c[2], c[3]))
		kl, err := KL(p, q)
		require.NoError(t, err)
		direct, err := KLKumaraswamyBeta(p, ad.Scalar(c[2]), ad.Scalar(c[3]))
		require.NoError(t, err)
		assert.Equal(t, direct.Scalar(), kl.Scalar(), "registry = direct call")
		want := klQuad(p, q, 0, 1, 1e-6, 1e-3, 0.5, 1-1e-3, 1-1e-6)
		assert.InDelta(t, want, kl.Scalar(), 1e-7*math.Max(1, want), "KL(Kumaraswamy%v || Beta%v) by quadrature", c[:2], c[2:])
	}
}
