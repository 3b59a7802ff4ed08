package models

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
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
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/4000))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.Normal(), elbo.MeanField{Particles: 16}, opt,
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

// TestLinearRegressionFullRank: the full-rank guide recovers the exact
// posterior mean and covariance. Tolerances: the fitted parameters carry
// Adam's residual noise (the step size decays to 5e-4), and the draws'
// moments carry Monte Carlo error (20,000 draws: about 0.7% of a sd for
// means and 1% for sds).
func TestLinearRegressionFullRank(t *testing.T) {
	m := synthLinReg(2, 25, 3)
	// Correlated design: the posterior has strong correlations.
	for i := 0; i < m.X.Rows; i++ {
		m.X.Data[i*3+1] = 0.8*m.X.Data[i*3] + 0.3*m.X.Data[i*3+1]
	}
	mean, cov, err := m.Posterior()
	require.NoError(t, err)
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/5000))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 16, STL: true}, opt,
		vi.MaxSteps(5000), vi.Seed(5), vi.Draws(20000))
	require.NoError(t, err)
	w := res.Draws["w"]
	d := 3
	n := w.Rows
	emp := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			emp[j] += w.Data[i*d+j] / float64(n)
		}
	}
	for j := 0; j < d; j++ {
		sd := math.Sqrt(cov[j*d+j])
		assert.InDelta(t, mean[j], emp[j], 0.05*sd, "posterior mean of w[%d]", j)
	}
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			var c float64
			for i := 0; i < n; i++ {
				c += (w.Data[i*d+a] - emp[a]) * (w.Data[i*d+b] - emp[b])
			}
			c /= float64(n - 1)
			scale := math.Sqrt(cov[a*d+a] * cov[b*d+b])
			assert.InDelta(t, cov[a*d+b], c, 0.06*scale, "posterior covariance (%d,%d)", a, b)
		}
	}
	assert.Less(t, res.KHat, 0.5, "k-hat of the full-rank fit")
	// The exact posterior is in the family, so the ELBO equals the log
	// evidence up to noise: compare with the closed form.
	lz := linRegEvidence(m)
	assert.InDelta(t, lz, res.ELBO, 5*res.ELBOStdErr+0.02, "ELBO at the optimum equals log p(y)")
}

// TestLinearRegressionLaplace: the posterior is Gaussian, so the Laplace
// approximation is exact: its mean and covariance match the posterior.
func TestLinearRegressionLaplace(t *testing.T) {
	m := synthLinReg(3, 25, 3)
	mean, cov, err := m.Posterior()
	require.NoError(t, err)
	guide := autoguide.Laplace()
	res, err := vi.Fit(context.Background(), m.Model(), guide, elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Seed(1), vi.Draws(2))
	require.NoError(t, err)
	require.NotNil(t, res)
	d := 3
	// The guide's distribution (MaxSteps(0): the Laplace approximation
	// itself), from a large number of draws: mean and covariance.
	res2, err := vi.Fit(context.Background(), m.Model(), autoguide.Laplace(), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Seed(1), vi.Draws(200000))
	require.NoError(t, err)
	w := res2.Draws["w"]
	n := w.Rows
	emp := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			emp[j] += w.Data[i*d+j] / float64(n)
		}
	}
	for j := 0; j < d; j++ {
		assert.InDelta(t, mean[j], emp[j], 5*math.Sqrt(cov[j*d+j]/float64(n)), "Laplace mean = posterior mean, w[%d]", j)
	}
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			var c float64
			for i := 0; i < n; i++ {
				c += (w.Data[i*d+a] - emp[a]) * (w.Data[i*d+b] - emp[b])
			}
			c /= float64(n - 1)
			scale := math.Sqrt(cov[a*d+a] * cov[b*d+b])
			assert.InDelta(t, cov[a*d+b], c, 5*scale*math.Sqrt(2/float64(n)), "Laplace covariance (%d,%d)", a, b)
		}
	}
	// Exact in the family: the ELBO equals the log evidence.
	lz := linRegEvidence(m)
	assert.InDelta(t, lz, res2.ELBO, 1e-6, "ELBO of the exact Laplace approximation = log p(y)")
}

func linRegEvidence(m LinearRegression) float64 {
	v, err := m.LogEvidence()
	if err != nil {
		panic(err)
	}
	return v
}

// TestLowRankGuide: a rank-1-plus-diagonal guide captures the one strong
// correlation of a regression with two nearly collinear columns: means and
// the correlation of the collinear pair match the exact posterior.
func TestLowRankGuide(t *testing.T) {
	m := synthLinReg(4, 30, 3)
	for i := 0; i < m.X.Rows; i++ {
		m.X.Data[i*3+1] = m.X.Data[i*3] + 0.1*m.X.Data[i*3+1]
	}
	mean, cov, err := m.Posterior()
	require.NoError(t, err)
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/6000))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.LowRank(1), elbo.Trace{Particles: 16, STL: true}, opt,
		vi.MaxSteps(6000), vi.Seed(3), vi.Draws(20000))
	require.NoError(t, err)
	w := res.Draws["w"]
	n, d := w.Rows, 3
	emp := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			emp[j] += w.Data[i*d+j] / float64(n)
		}
	}
	for j := 0; j < d; j++ {
		assert.InDelta(t, mean[j], emp[j], 0.05*math.Sqrt(cov[j*d+j]), "mean of w[%d]", j)
	}
	var c01, v0, v1 float64
	for i := 0; i < n; i++ {
		a, b := w.Data[i*d]-emp[0], w.Data[i*d+1]-emp[1]
		c01 += a * b
		v0 += a * a
		v1 += b * b
	}
	want := cov[1] / math.Sqrt(cov[0]*cov[4])
	assert.Less(t, want, -0.9, "the exact posterior is strongly correlated")
	assert.InDelta(t, want, c01/math.Sqrt(v0*v1), 0.02, "the low-rank guide captures the correlation")
}

// TestInitToMAP: the MAP warm start puts the guide's location at the mode,
// which for this conjugate model is the exact posterior mean.
func TestInitToMAP(t *testing.T) {
	m := synthLinReg(5, 20, 3)
	mean, cov, err := m.Posterior()
	require.NoError(t, err)
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.Normal(autoguide.WithInit(autoguide.InitToMAP())), elbo.Trace{}, optim.NewAdam(0.01),
		vi.MaxSteps(0), vi.Seed(1), vi.Draws(0))
	require.NoError(t, err)
	loc, _ := res.Params.Value("auto.w.loc")
	for j := 0; j < 3; j++ {
		assert.InDelta(t, mean[j], loc.Data[j], 1e-5*math.Sqrt(cov[j*3+j]), "initial location of w[%d] at the mode", j)
	}
}
