package dist

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func TestKLBetaBeta(t *testing.T) {
	for _, r := range loadGammaRef(t).KLBeta {
		p, q := Must(NewBeta(r.P[0], r.P[1])), Must(NewBeta(r.Q[0], r.Q[1]))
		// Also near p = q (r.Near: KL ≈ 1e-12), where the naive formula
		// keeps no digit.
		assertRel(t, r.KL, klScalar(t, p, q), 1e-12, "KL(Beta%v || Beta%v) vs mpmath (near=%v)", r.P, r.Q, r.Near)
	}
	for _, c := range [][4]float64{{2, 3, 4, 1.5}, {1, 1, 0.5, 0.5}, {3, 9, 2, 2}} {
		p, q := Must(NewBeta(c[0], c[1])), Must(NewBeta(c[2], c[3]))
		assertRel(t, klQuad(p, q, 0, 1, 1e-8, 1e-6, 1e-4, 1e-2, 0.5, 1-1e-2, 1-1e-4, 1-1e-6), klScalar(t, p, q), 1e-9, "KL %v by quadrature", c)
	}
	// Fisher quadratic near p = q: I_aa = ψ₁(a) - ψ₁(a+b).
	a, b := 0.7, 3.0
	da := 1e-6 * a
	want := 0.5 * (special.Trigamma(a) - special.Trigamma(a+b)) * da * da
	assertRel(t, want, klScalar(t, Must(NewBeta(a+da, b)), Must(NewBeta(a, b))), 1e-5, "near p=q")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Beta{Concentration1: v[0], Concentration0: v[1]}, Beta{Concentration1: v[2], Concentration0: v[3]}
	}, []ad.Matrix{row(0.4, 3), row(2, 0.5), mat(1.5), row(0.7, 4)}, nil)
	checkKLMonteCarlo(t, Must(NewBeta(2, 3)), Must(NewBeta(0.8, 1.4)), newRNG(42), 100000, 5)
	checkKLRandom(t, newRNG(43), drawTwice(func(rng *rand.Rand) Distribution {
		return Must(NewBeta(logUniform(rng, 0.01, 100), logUniform(rng, 0.01, 100)))
	}), 300)
}

func TestKLDirichletDirichlet(t *testing.T) {
	for _, r := range loadGammaRef(t).KLDirichlet {
		p, q := Must(NewDirichlet(r.P...)), Must(NewDirichlet(r.Q...))
		assertRel(t, r.KL, klScalar(t, p, q), 1e-12, "KL(Dir%v || Dir%v) vs mpmath (near=%v)", r.P, r.Q, r.Near)
	}
	// K = 2 is Beta.
	assertRel(t, klScalar(t, Must(NewBeta(2, 3)), Must(NewBeta(4, 1.5))),
		klScalar(t, Must(NewDirichlet(2, 3)), Must(NewDirichlet(4, 1.5))), 1e-14, "Dir(a, b) = Beta(a, b)")
	// Fisher quadratic near p = q: I_11 = ψ₁(α₁) - ψ₁(α₀).
	al := []float64{0.7, 2, 5}
	d := 1e-6 * al[0]
	pp := append([]float64(nil), al...)
	pp[0] += d
	want := 0.5 * (special.Trigamma(al[0]) - special.Trigamma(7.7)) * d * d
	assertRel(t, want, klScalar(t, Must(NewDirichlet(pp...)), Must(NewDirichlet(al...))), 1e-5, "near p=q")
	p, q := Must(NewDirichlet(1, 2, 3)), Must(NewDirichlet(0.5, 4, 1))
	assert.Equal(t, 0.0, klScalar(t, p, p))
	checkKLMonteCarlo(t, p, q, newRNG(44), 100000, 5)
	checkKLMonteCarlo(t, Must(NewDirichlet(0.3, 0.5, 4, 1)), Must(NewDirichlet(1, 1, 1, 1)), newRNG(45), 100000, 5)
	// Gradients, batches and a shared (1-row) side.
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Dirichlet{Concentration: v[0]}, Dirichlet{Concentration: v[1]}
	}, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{0.5, 1, 2, 3, 0.2, 1.1}}, row(1.5, 0.7, 4)}, nil)
	pb := Must(DirichletOf(ad.Const(2, 3, []float64{0.5, 1, 2, 3, 0.2, 1.1})))
	kl, err := KL(pb, q)
	require.NoError(t, err)
	require.Len(t, kl.Value(), 2)
	assertRel(t, klScalar(t, Must(NewDirichlet(3, 0.2, 1.1)), q), kl.Value()[1], 1e-14, "batch row 1")
	// A one-column side is a symmetric Dirichlet.
	sym := Dirichlet{Concentration: ad.Scalar(2)}
	kls, err := KL(sym, q)
	require.NoError(t, err)
	assertRel(t, klScalar(t, Must(NewDirichlet(2, 2, 2)), q), kls.Scalar(), 1e-14, "symmetric side")
	checkKLRandom(t, newRNG(46), drawTwice(func(rng *rand.Rand) Distribution {
		al := make([]float64, 4)
		for i := range al {
			al[i] = logUniform(rng, 0.01, 100)
		}
		return Must(NewDirichlet(al...))
	}), 300)
}

func BenchmarkKLDirichletDirichlet(b *testing.B) {
	const n, k = 1000, 5
	a1, a2 := make([]float64, n*k), make([]float64, n*k)
	rng := newRNG(3)
	for i := range a1 {
		a1[i], a2[i] = logUniform(rng, 0.1, 100), logUniform(rng, 0.1, 100)
	}
	pa := ad.NewParam("a", n, k, a1)
	q := Dirichlet{Concentration: ad.Const(n, k, a2)}
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		kl, _ := klDirichletDirichlet(Dirichlet{Concentration: tp.Param(pa)}, q)
		tp.Backward(ad.Sum(kl))
	}
}
