package examplekit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

func testMix() Mix2 {
	return Mix2{
		W:    []float64{0.2, 0.5, 0.3},
		Mean: [][2]float64{{-2, 1}, {1, 0.5}, {3, -2}},
		Cov:  [][3]float64{{1, 0.3, 0.5}, {0.4, -0.1, 2}, {2.5, 0, 0.2}},
	}
}

// TestMix2LogPdf compares the mixture density with one built from gonum's
// distmv.Normal.
func TestMix2LogPdf(t *testing.T) {
	d := testMix()
	var comps []*distmv.Normal
	for i := range d.W {
		c := d.Cov[i]
		n, ok := distmv.NewNormal(d.Mean[i][:], mat.NewSymDense(2, []float64{c[0], c[1], c[1], c[2]}), nil)
		require.True(t, ok)
		comps = append(comps, n)
	}
	for _, z := range [][2]float64{{0, 0}, {-2, 1}, {3, -2.2}, {8, 9}, {-30, 4}} {
		var want float64
		for i, n := range comps {
			want += d.W[i] * math.Exp(n.LogProb(z[:]))
		}
		if want > 0 {
			require.InDelta(t, math.Log(want), d.LogPdf(z[0], z[1]), 1e-12, "log density at %v", z)
		}
		// Far out the direct sum underflows; the log-sum-exp must not.
		require.False(t, math.IsInf(d.LogPdf(z[0], z[1]), 0), "finite log density at %v", z)
		for i, n := range comps {
			require.InDelta(t, n.LogProb(z[:]), d.CompLogPdf(i, z[0], z[1]), 1e-12, "component %d at %v", i, z)
		}
	}
}

// TestMix2SampleMoments: the sample mean and covariance of 200,000 draws
// agree with Moments within 4 standard errors (se of a sample covariance
// entry: sqrt((σ_aa σ_bb + σ_ab²)/n), exact for a Gaussian and an upper
// guide here), and Moments agrees with the law of total covariance written
// out for the first entry.
func TestMix2SampleMoments(t *testing.T) {
	d := testMix()
	m, c := d.Moments()
	wantXX := 0.0
	for i, w := range d.W {
		wantXX += w * (d.Cov[i][0] + d.Mean[i][0]*d.Mean[i][0])
	}
	require.InDelta(t, wantXX-m[0]*m[0], c[0], 1e-12, "Var x")
	const n = 200000
	rng := rand.New(rand.NewPCG(3, 4))
	var sx, sy, sxx, sxy, syy float64
	for range n {
		x, y := d.Sample(rng)
		sx, sy, sxx, sxy, syy = sx+x, sy+y, sxx+x*x, sxy+x*y, syy+y*y
	}
	mx, my := sx/n, sy/n
	require.InDelta(t, m[0], mx, 4*math.Sqrt(c[0]/n), "mean x")
	require.InDelta(t, m[1], my, 4*math.Sqrt(c[2]/n), "mean y")
	got := [3]float64{sxx/n - mx*mx, sxy/n - mx*my, syy/n - my*my}
	// Fourth moments of a mixture exceed the Gaussian's; allow 3x the
	// Gaussian standard error on top of the 4.
	se := [3]float64{math.Sqrt(2 * c[0] * c[0] / n), math.Sqrt((c[0]*c[2] + c[1]*c[1]) / n), math.Sqrt(2 * c[2] * c[2] / n)}
	for i := range got {
		require.InDelta(t, c[i], got[i], 12*se[i], "covariance entry %d", i)
	}
}

// TestMeasureKL: between two Gaussians the Monte Carlo estimates must lie
// within 4 standard errors of gonum's closed form, both ways.
func TestMeasureKL(t *testing.T) {
	p := Gauss2([2]float64{0.5, -1}, 2, 0.7, 1)
	q := Gauss2([2]float64{-1, 0}, 4, 0, 3)
	np, _ := distmv.NewNormal([]float64{0.5, -1}, mat.NewSymDense(2, []float64{2, 0.7, 0.7, 1}), nil)
	nq, _ := distmv.NewNormal([]float64{-1, 0}, mat.NewSymDense(2, []float64{4, 0, 0, 3}), nil)
	r := MeasureKL(p, q, 20000, rand.New(rand.NewPCG(1, 2)))
	qp := distmv.KullbackLeibler{}.DistNormal(nq, np)
	pq := distmv.KullbackLeibler{}.DistNormal(np, nq)
	require.InDelta(t, qp, r.QP, 4*r.QPSE, "KL(q||p)")
	require.InDelta(t, pq, r.PQ, 4*r.PQSE, "KL(p||q)")
	require.Greater(t, r.QPSE, 0.0, "a standard error")
	require.Len(t, r.QDraws, 20000)
	// Σ_q - Σ_p is positive definite: q is wider than p in every
	// direction, the weights p/q are bounded, and k-hat is small.
	require.Less(t, r.KHat, 0.5, "k-hat of a wide proposal")
	same := MeasureKL(p, p, 2000, rand.New(rand.NewPCG(1, 2)))
	require.InDelta(t, 0, same.QP, 1e-12, "KL(p||p) = 0 exactly")
	require.InDelta(t, 0, same.PQ, 1e-12, "KL(p||p) = 0 exactly")
}

// TestMixFromRaw: softplus scales and softmax weights, as AutoMixture
// parameterizes them.
func TestMixFromRaw(t *testing.T) {
	d := MixFromRaw([]float64{1, 2, -3, 4}, []float64{0, math.Log(math.E - 1), 30, -30}, []float64{0, math.Log(3)})
	require.InDeltaSlice(t, []float64{0.25, 0.75}, d.W, 1e-12, "softmax weights")
	require.InDelta(t, math.Log(2)*math.Log(2), d.Cov[0][0], 1e-12, "softplus(0)² = log² 2")
	require.InDelta(t, 1, d.Cov[0][2], 1e-12, "softplus(log(e - 1)) = 1")
	require.InDelta(t, 900, d.Cov[1][0], 1e-9, "softplus(30) ≈ 30")
	require.InDelta(t, math.Exp(-60), d.Cov[1][2], 1e-30, "softplus(-30)² ≈ e^-60")
	require.Equal(t, [2]float64{-3, 4}, d.Mean[1])
}

// TestAveraged: the Polyak average of a constant trail is that point,
// with Σ = L Lᵀ for L = [[e^a, 0], [c, e^d]].
func TestAveraged(t *testing.T) {
	trail := make([][5]float64, 8)
	for i := range trail {
		trail[i] = [5]float64{1, 2, math.Log(2), 0.5, math.Log(3)}
	}
	trail[0] = [5]float64{100, 100, 100, 100, 100} // outside the last quarter
	g := Averaged(trail)
	require.Equal(t, [2]float64{1, 2}, g.Mean[0])
	require.InDeltaSlice(t, []float64{4, 1, 0.25 + 9}, g.Cov[0][:], 1e-12, "Σ = L Lᵀ")
}
