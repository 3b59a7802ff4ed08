package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func TestKLGammaGamma(t *testing.T) {
	ref := loadGammaRef(t)
	for _, r := range ref.KLGamma {
		p, q := Must(NewGamma(r.P[0], r.P[1])), Must(NewGamma(r.Q[0], r.Q[1]))
		// Also near p = q (r.Near: one parameter moved by a relative 1e-6,
		// KL ≈ 1e-12), where the naive formula keeps no digit.
		assertRel(t, r.KL, klScalar(t, p, q), 1e-12, "KL(Gamma%v || Gamma%v) vs mpmath (near=%v)", r.P, r.Q, r.Near)
	}
	// Quadrature (independent of the closed form).
	for _, c := range [][4]float64{{2, 3, 4, 1.5}, {1, 1, 0.5, 2}, {5, 0.5, 6, 0.7}} {
		p, q := Must(NewGamma(c[0], c[1])), Must(NewGamma(c[2], c[3]))
		m := c[0] / c[1]
		// Graded breakpoints resolve the log singularities at 0.
		want := klQuad(p, q, 0, math.Inf(1), 1e-8, 1e-6, 1e-4, 1e-2, m/4, m, 4*m)
		assertRel(t, want, klScalar(t, p, q), 1e-9, "KL %v by quadrature", c)
	}
	// Near p = q against the Fisher quadratic ½ δᵀ I δ in (α, β), with
	// I = [[ψ₁(α), -1/β], [-1/β, α/β²]]: relative error O(δ).
	for _, c := range [][2]float64{{0.3, 2}, {4, 0.5}, {300, 20}} {
		a, b := c[0], c[1]
		q := Must(NewGamma(a, b))
		da, db := 1e-6*a, 1e-6*b
		fa := 0.5 * special.Trigamma(a) * da * da
		assertRel(t, fa, klScalar(t, Must(NewGamma(a+da, b)), q), 1e-5, "near p=q in α at %v", c)
		fb := 0.5 * a / (b * b) * db * db
		assertRel(t, fb, klScalar(t, Must(NewGamma(a, b+db)), q), 1e-5, "near p=q in β at %v", c)
	}
	q := Must(NewGamma(2, 3))
	assert.Equal(t, 0.0, klScalar(t, q, q), "KL(p||p)")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Gamma{Concentration: v[0], Rate: v[1]}, Gamma{Concentration: v[2], Rate: v[3]}
	}, []ad.Matrix{row(0.4, 3), row(2, 0.5), mat(1.5), row(0.7, 4)}, nil)
	checkKLMonteCarlo(t, Must(NewGamma(2, 1)), Must(NewGamma(3, 2)), newRNG(12), 100000, 5)
	checkKLRandom(t, newRNG(13), drawTwice(func(rng *rand.Rand) Distribution {
		return Must(NewGamma(logUniform(rng, 0.01, 100), logUniform(rng, 0.01, 100)))
	}), 300)
	// Batch: B x C parameters against a shared q, summed over columns.
	p := Must(GammaOf(ad.Const(2, 2, []float64{1, 2, 3, 4}), ad.Const(1, 2, []float64{0.5, 2})))
	qq := Must(NewGamma(1.5, 1))
	kl, err := KL(p, qq)
	assert.NoError(t, err)
	for i := 0; i < 2; i++ {
		var want float64
		for j := 0; j < 2; j++ {
			want += klScalar(t, Must(NewGamma(p.Concentration.At(i, j), p.Rate.At(0, j))), qq)
		}
		assertRel(t, want, kl.Value()[i], 1e-14, "batch row %d", i)
	}
}

func TestKLInverseGamma(t *testing.T) {
	for _, r := range loadGammaRef(t).KLInverseGamma {
		p, q := Must(NewInverseGamma(r.P[0], r.P[1])), Must(NewInverseGamma(r.Q[0], r.Q[1]))
		assertRel(t, r.KL, klScalar(t, p, q), 1e-12, "KL(IG%v || IG%v) vs mpmath quadrature", r.P, r.Q)
	}
	p, q := Must(NewInverseGamma(3, 2)), Must(NewInverseGamma(2.5, 1))
	mode := 2.0 / 4
	assertRel(t, klQuad(p, q, 0, math.Inf(1), mode/4, mode, 4*mode, 40*mode), klScalar(t, p, q), 1e-9, "KL by quadrature")
	// Near p = q: Fisher quadratic as for Gamma (the map x -> 1/x keeps it).
	a, b := 3.0, 2.0
	da := 1e-6 * a
	assertRel(t, 0.5*special.Trigamma(a)*da*da, klScalar(t, Must(NewInverseGamma(a+da, b)), Must(NewInverseGamma(a, b))), 1e-5, "near p=q")
	assert.Equal(t, 0.0, klScalar(t, p, p))
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return InverseGamma{Concentration: v[0], Rate: v[1]}, InverseGamma{Concentration: v[2], Rate: v[3]}
	}, []ad.Matrix{row(2.4, 3), mat(0.8), row(1.5, 2.5), mat(2)}, nil)
	checkKLMonteCarlo(t, Must(NewInverseGamma(4, 2)), Must(NewInverseGamma(3, 1.5)), newRNG(14), 100000, 5)
	checkKLRandom(t, newRNG(15), drawTwice(func(rng *rand.Rand) Distribution {
		return Must(NewInverseGamma(logUniform(rng, 0.05, 50), logUniform(rng, 0.05, 50)))
	}), 300)
}

func TestKLChi2Pairs(t *testing.T) {
	ref := loadGammaRef(t)
	for _, r := range ref.KLChi2 {
		assertRel(t, r.KL, klScalar(t, Must(NewChi2(r.P)), Must(NewChi2(r.Q))), 1e-9, "KL(χ²(%v) || χ²(%v))", r.P, r.Q)
	}
	for _, r := range ref.KLChi2Gamma {
		assertRel(t, r.KL, klScalar(t, Must(NewChi2(r.K)), Must(NewGamma(r.Q[0], r.Q[1]))), 1e-12, "KL(χ²(%v) || Gamma%v)", r.K, r.Q)
	}
	for _, r := range ref.KLGammaChi2 {
		assertRel(t, r.KL, klScalar(t, Must(NewGamma(r.P[0], r.P[1])), Must(NewChi2(r.K))), 1e-12, "KL(Gamma%v || χ²(%v))", r.P, r.K)
	}
	// Quadrature.
	p, q := Must(NewChi2(3)), Must(NewChi2(5))
	assertRel(t, klQuad(p, q, 0, math.Inf(1), 1e-8, 1e-6, 1e-4, 1e-2, 1, 3, 12), klScalar(t, p, q), 1e-9, "χ² KL by quadrature")
	assert.Equal(t, 0.0, klScalar(t, p, p))
	for _, pq := range [][2]Distribution{{p, q}, {p, Must(NewGamma(2, 0.4))}, {Must(NewGamma(2, 0.4)), q}} {
		assert.True(t, HasKL(pq[0], pq[1]))
	}
	// The Chi2-Gamma family pairs are structural (the cross-family Chi2
	// pairs of kl_cross_chi2.go are too, see TestChi2MirrorsGammaCross).
	structural := 0
	for _, pr := range Pairs() {
		switch [2]string{pr.P, pr.Q} {
		case [2]string{"Chi2", "Chi2"}, [2]string{"Chi2", "Gamma"}, [2]string{"Gamma", "Chi2"}:
			assert.Equal(t, Structural, pr.Kind, "KL(%s || %s) is structural", pr.P, pr.Q)
			structural++
		}
	}
	assert.Equal(t, 3, structural, "Chi2 pairs are registered as structural")
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Chi2{Df: v[0]}, Chi2{Df: v[1]}
	}, []ad.Matrix{row(1.5, 6), mat(3)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Chi2{Df: v[0]}, Gamma{Concentration: v[1], Rate: v[2]}
	}, []ad.Matrix{row(1.5, 6), mat(3), mat(0.7)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Gamma{Concentration: v[0], Rate: v[1]}, Chi2{Df: v[2]}
	}, []ad.Matrix{row(1.5, 6), mat(0.7), mat(3)}, nil)
	checkKLRandom(t, newRNG(16), drawTwice(func(rng *rand.Rand) Distribution {
		return Must(NewChi2(logUniform(rng, 0.05, 200)))
	}), 300)
}

func BenchmarkKLGammaGamma(b *testing.B) {
	const n = 1000
	a1, b1, a2, b2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	rng := newRNG(1)
	for i := range a1 {
		a1[i], b1[i] = logUniform(rng, 0.1, 100), logUniform(rng, 0.1, 10)
		a2[i], b2[i] = logUniform(rng, 0.1, 100), logUniform(rng, 0.1, 10)
	}
	pa, pb := ad.NewParam("a", n, 1, a1), ad.NewParam("b", n, 1, b1)
	q := Gamma{Concentration: ad.Col(a2), Rate: ad.Col(b2)}
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		kl, _ := klGammaGamma(Gamma{Concentration: tp.Param(pa), Rate: tp.Param(pb)}, q)
		tp.Backward(ad.Sum(kl))
	}
}
