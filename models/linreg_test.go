package models

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/vi"
)

func synthLinReg(seed uint64, n, d int) LinearRegression {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	w := make([]float64, d)
	for j := range w {
		w[j] = rng.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		for j := 0; j < d; j++ {
			y[i] += x[i*d+j] * w[j]
		}
		y[i] += 0.5 * rng.NormFloat64()
	}
	return LinearRegression{X: ad.Matrix{Rows: n, Cols: d, Data: x}, Y: y, PriorScale: 2, NoiseScale: 0.5}
}

// TestLinearRegressionMeanField: the mean-field normal guide converges to
// the known mean-field optimum: exact posterior means, and variances
// 1/Λ_jj (the inverses of the diagonal of the posterior precision).
func TestLinearRegressionMeanField(t *testing.T) {
	m := synthLinReg(1, 40, 3)
	mean, _, err := m.Posterior()
	require.NoError(t, err)
	prec := m.PosteriorPrecision()
	// The step size decays from 0.05 to 5e-4, so that Adam's stationary
	// noise ends well below the tolerance.
	opt := vi.ExponentialDecay(vi.Adam(0.05), math.Pow(0.01, 1.0/4000))
	res, err := vi.Fit(context.Background(), m.Model(), vi.AutoNormal(), elbo.MeanField{Particles: 16}, opt,
		vi.MaxSteps(4000), vi.Seed(3), vi.Draws(20000))
	require.NoError(t, err)
	loc, ok := res.Params.Value("auto.w.loc")
	require.True(t, ok)
	sc, _ := res.Params.Value("auto.w.scale")
	d := 3
	for j := 0; j < d; j++ {
		sd := 1 / math.Sqrt(prec[j*d+j])
		assert.InDelta(t, mean[j], loc.Data[j], 0.05*sd, "mean of w[%d]", j)
		assert.InDelta(t, sd, math.Log1p(math.Exp(sc.Data[j])), 0.05*sd, "sd of w[%d] (mean-field optimum)", j)
	}
	// The summaries come from the guide's draws: means agree with the
	// fitted locations within Monte Carlo error.
	for j, s := range res.Summaries() {
		sd := 1 / math.Sqrt(prec[j*d+j])
		assert.InDelta(t, loc.Data[j], s.Mean, 5*sd/math.Sqrt(20000), "draw mean of %s", s.Name)
		assert.InEpsilon(t, sd, s.SD, 0.05, "draw sd of %s", s.Name)
	}
	// The posterior is nearly independent here, so the mean-field guide is
	// close to it: PSIS k-hat well below 0.5 and the ELBO just below the
	// log evidence.
	assert.Less(t, res.KHat, 0.5, "k-hat of a good approximation")
	assert.False(t, math.IsNaN(res.ELBOStdErr))
}
