package loss

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

// TestGaussianPolicyKL integrates each dimension's KL numerically (gonum
// quad) and sums.
func TestGaussianPolicyKL(t *testing.T) {
	muO, lsO := []float64{0.3, -1, 2}, []float64{0, -0.5, 0.4}
	muN, lsN := []float64{0, -0.7, 2.5}, []float64{0.2, -0.3, 0.1}
	var want float64
	for d := range 3 {
		p := distuv.Normal{Mu: muO[d], Sigma: math.Exp(lsO[d])}
		q := distuv.Normal{Mu: muN[d], Sigma: math.Exp(lsN[d])}
		want += quad.Fixed(func(x float64) float64 {
			return p.Prob(x) * (p.LogProb(x) - q.LogProb(x))
		}, muO[d]-15, muO[d]+15, 2000, nil, 0)
	}
	got := GaussianPolicyKLOldNew(ad.Row(muO), ad.Row(lsO), ad.Row(muN), ad.Row(lsN)).Value()
	require.Len(t, got, 1)
	assert.InDelta(t, want, got[0], 1e-9, "KL(old ‖ new) of diagonal Gaussians")
	// And the direction: swapping the arguments gives the other KL.
	rev := GaussianPolicyKLOldNew(ad.Row(muN), ad.Row(lsN), ad.Row(muO), ad.Row(lsO)).Value()[0]
	assert.Greater(t, math.Abs(rev-got[0]), 1e-3, "the two directions differ")
}

// TestSampledKLEstimators: over 400 seeds of 1,000 actions sampled from
// π_old, the means of k1 and k3 are within 4 standard errors of the exact
// categorical KL(π_old ‖ π_new) (unbiased), k2's bias is small (third
// order: below 5% of the KL for these close policies), k3's and k2's
// standard deviations are below k1's, and k2 and k3 are never negative.
func TestSampledKLEstimators(t *testing.T) {
	old := []float64{0.5, -0.2, 0.1, 1.0, -1.0}
	nw := []float64{0.3, 0, 0.2, 0.7, -0.8}
	exact := PolicyKLOldNew(ad.Row(old), ad.Row(nw)).Value()[0]
	po := softmaxT(old, 1)
	pn := softmaxT(nw, 1)
	const seeds, n = 400, 1000
	for _, est := range []Estimator{K1, K2, K3} {
		var means []float64
		var sd float64
		for s := range seeds {
			rng := rand.New(rand.NewPCG(uint64(s), 9))
			lo, ln := make([]float64, n), make([]float64, n)
			for i := range n {
				u, a := rng.Float64(), 0
				for ; a < len(po)-1; a++ {
					u -= po[a]
					if u < 0 {
						break
					}
				}
				lo[i], ln[i] = math.Log(po[a]), math.Log(pn[a])
				if est != K1 {
					require.GreaterOrEqual(t, est.term(ln[i]-lo[i]), 0.0, "%s is never negative", est)
				}
			}
			e, err := SampledKLOldNew(lo, ln, est)
			require.NoError(t, err)
			means = append(means, e.Value)
			sd += e.StdErr * math.Sqrt(n) / seeds
		}
		var m, v float64
		for _, x := range means {
			m += x / seeds
		}
		for _, x := range means {
			v += (x - m) * (x - m) / (seeds - 1)
		}
		se := math.Sqrt(v / seeds)
		switch est {
		case K1, K3:
			assert.InDelta(t, exact, m, 4*se, "%s is unbiased (exact %.6f)", est, exact)
		case K2:
			assert.InDelta(t, exact, m, 0.05*exact+4*se, "%s bias is small", est)
		}
		t.Logf("%s: mean %.6f (exact %.6f), per-sample sd %.4f", est, m, exact, sd)
	}
	sdOf := func(est Estimator) float64 {
		rng := rand.New(rand.NewPCG(1, 1))
		lo, ln := make([]float64, 20000), make([]float64, 20000)
		for i := range lo {
			u, a := rng.Float64(), 0
			for ; a < len(po)-1; a++ {
				u -= po[a]
				if u < 0 {
					break
				}
			}
			lo[i], ln[i] = math.Log(po[a]), math.Log(pn[a])
		}
		e, err := SampledKLOldNew(lo, ln, est)
		require.NoError(t, err)
		return e.StdErr
	}
	assert.Less(t, sdOf(K3), sdOf(K1)/3, "k3 has a much smaller variance than k1 for close policies")
	assert.Less(t, sdOf(K2), sdOf(K1)/3, "k2 has a much smaller variance than k1 for close policies")
}

// TestSampledKLVar: the differentiable penalty equals the slice estimate,
// and its gradient is checked by finite differences.
func TestSampledKLVar(t *testing.T) {
	lo := []float64{-1.2, -0.3, -2, -0.9}
	ln := []float64{-1.0, -0.5, -1.6, -1.1}
	for _, est := range []Estimator{K1, K2, K3} {
		e, err := SampledKLOldNew(lo, ln, est)
		require.NoError(t, err)
		got := SampledKLOldNewVar(ad.Col(lo), ad.Col(ln), est).Value()[0]
		assert.InDelta(t, e.Value, got, 1e-15, "%s", est)
		err = ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return SampledKLOldNewVar(v[0], v[1], est) },
			[]ad.Matrix{{Rows: 4, Cols: 1, Data: lo}, {Rows: 4, Cols: 1, Data: ln}}, nil)
		assert.NoError(t, err, "%s gradient", est)
	}
	_, err := SampledKLOldNew([]float64{1}, nil, K1)
	assert.ErrorContains(t, err, "1 old and 0 new")
	_, err = SampledKLOldNew([]float64{math.NaN()}, []float64{0}, K3)
	assert.ErrorContains(t, err, "sample 0")
}

// TestAdaptiveKL follows Schulman et al.'s rule on a sequence of measured
// KLs with target 0.01.
func TestAdaptiveKL(t *testing.T) {
	a := NewAdaptiveKL(1, 0.01)
	for _, c := range []struct{ kl, beta float64 }{
		{0.02, 2}, {0.016, 4}, {0.014, 4}, {0.007, 4}, {0.006, 2}, {math.NaN(), 2}, {0.001, 1},
	} {
		assert.Equal(t, c.beta, a.Update(c.kl), "after KL %v", c.kl)
	}
	s := KLStop{Target: 0.01}
	assert.False(t, s.Stop(0.015))
	assert.True(t, s.Stop(0.0151))
	assert.True(t, KLStop{Target: 0.01, Factor: 1}.Stop(0.011))
	assert.Panics(t, func() { NewAdaptiveKL(0, 0.01) })
}
