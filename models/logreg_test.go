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

// TestLogisticRegressionLogLik checks the model's log-density against a
// direct computation, and its gradient by finite differences.
func TestLogisticRegressionLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 30, 3
	x := make([]float64, n*d)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(rng.IntN(2))
	}
	m := LogisticRegression{X: ad.Matrix{Rows: n, Cols: d, Data: x}, Y: y, PriorScale: 2}
	require.NoError(t, m.Validate())
	w := []float64{0.3, -1.2, 0.7, 1.1, 0.2, -0.4} // two particles
	env := vi.NewEnv(rng, 2)
	guide := vi.GuideFunc(func(p *vi.Program) {
		p.SampleValue("w", nil, p.Const(2, d, w), ad.Var{}, p.Tape().Full(2, 1, 0), nil)
	})
	gt, err := env.RunGuide(guide, 2)
	require.NoError(t, err)
	mt, err := env.RunModel(m.Model(), gt)
	require.NoError(t, err)
	got := mt.LogJoint(2).Value()
	for s := 0; s < 2; s++ {
		var want float64
		for j := 0; j < d; j++ {
			v := w[s*d+j]
			want += -0.5*v*v/4 - math.Log(2) - 0.5*math.Log(2*math.Pi)
		}
		for i := 0; i < n; i++ {
			var l float64
			for j := 0; j < d; j++ {
				l += x[i*d+j] * w[s*d+j]
			}
			want += y[i]*l - math.Log1p(math.Exp(l))
		}
		assert.InEpsilon(t, want, got[s], 1e-13, "log joint of particle %d", s)
	}
	bad := m
	bad.Y = append([]float64(nil), y...)
	bad.Y[4] = 0.5
	require.ErrorContains(t, bad.Validate(), "y[4] = 0.5")
}

// TestLogisticRegressionFit: on synthetic data the full-rank fit's means
// recover the true weights within a few posterior sds, and autoguide.Laplace and
// full-rank VI agree (the posterior is close to Gaussian with this much
// data: the mode, which the Laplace approximation is centred on, sits
// about 0.15 sd from the mean because of the slight skew).
func TestLogisticRegressionFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	n, d := 500, 3
	truth := []float64{1, -2, 0.5}
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		var l float64
		for j := 0; j < d; j++ {
			x[i*d+j] = rng.NormFloat64()
			l += x[i*d+j] * truth[j]
		}
		if rng.Float64() < 1/(1+math.Exp(-l)) {
			y[i] = 1
		}
	}
	m := LogisticRegression{X: ad.Matrix{Rows: n, Cols: d, Data: x}, Y: y, PriorScale: 5}
	lap, err := vi.Fit(context.Background(), m.Model(), autoguide.Laplace(), elbo.Trace{}, optim.NewAdam(0.01), vi.MaxSteps(0), vi.Seed(1), vi.Draws(20000))
	require.NoError(t, err)
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.02, 1.0/2000))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 8, STL: true}, opt, vi.MaxSteps(2000), vi.Seed(2), vi.Draws(20000))
	require.NoError(t, err)
	ls, vs := lap.Summaries(), res.Summaries()
	for j := 0; j < d; j++ {
		sd := vs[j].SD
		assert.InDelta(t, truth[j], vs[j].Mean, 4*sd, "posterior mean of w[%d] near the truth", j)
		assert.InDelta(t, ls[j].Mean, vs[j].Mean, 0.25*sd, "Laplace and full-rank VI agree on w[%d]", j)
		assert.InEpsilon(t, ls[j].SD, sd, 0.1, "Laplace and full-rank VI agree on the sd of w[%d]", j)
	}
	assert.Less(t, res.KHat, 0.5)
}
