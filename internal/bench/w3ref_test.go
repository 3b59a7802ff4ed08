package bench

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/models"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// TestLogRegSNISAgreesWithFullRankFit: on a small logistic regression
// (N = 400, D = 3, seeded, true weights (1, -2, 0.5), prior N(0, 1)) whose
// posterior is close to Gaussian, the importance-sampled reference and a
// long full-rank VI fit (autoguide.Laplace, 4,000 steps, averaged end) agree:
// means within 0.05 posterior sd, sds within 5%; the reference's k-hat is
// below 0.5 and its effective sample size above half the draws.
func TestLogRegSNISAgreesWithFullRankFit(t *testing.T) {
	const n, d = 400, 3
	rng := newRand(11)
	truth := []float64{1, -2, 0.5}
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		var l float64
		for j := 0; j < d; j++ {
			x[i*d+j] = rng.NormFloat64()
			l += x[i*d+j] * truth[j]
		}
		if rng.Float64() < special.Sigmoid(l) {
			y[i] = 1
		}
	}
	ref, err := logRegSNIS(x, n, d, y, 1, 20000, newRand(12))
	require.NoError(t, err)
	t.Logf("reference: k-hat %.3f, ESS %.0f of %d; mean %v sd %v", ref.KHat, ref.ESS, ref.Draws, ref.Mean, ref.SD)
	assert.Less(t, ref.KHat, 0.5, "k-hat of the t proposal")
	assert.Greater(t, ref.ESS, 0.5*float64(ref.Draws), "effective sample size")

	m := models.LogisticRegression{X: ad.Matrix{Rows: n, Cols: d, Data: x}, Y: y, PriorScale: 1}
	require.NoError(t, m.Validate())
	const steps = 4000
	opt := optim.NewExponentialDecay(optim.NewAdam(0.01), math.Pow(0.1, 1.0/steps))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.Laplace(), elbo.Trace{Particles: 16, STL: true}, opt,
		vi.MaxSteps(steps), vi.Draws(40000), vi.Average(0.5))
	require.NoError(t, err)
	for _, s := range res.Summaries() {
		var j int
		switch s.Name {
		case "w[0]":
			j = 0
		case "w[1]":
			j = 1
		case "w[2]":
			j = 2
		default:
			continue
		}
		assert.InDelta(t, ref.Mean[j], s.Mean, 0.05*ref.SD[j], "posterior mean of w[%d]", j)
		assert.InEpsilon(t, ref.SD[j], s.SD, 0.05, "posterior sd of w[%d]", j)
	}
	assert.Less(t, rmsStandardized(ref.MAP, ref.Mean, ref.SD), 1.0, "the mode is within a posterior sd of the mean")
}

// TestLogRegSNISRejectsBadInput names the wrong argument.
func TestLogRegSNISRejectsBadInput(t *testing.T) {
	_, err := logRegSNIS([]float64{1, 2}, 2, 2, []float64{1, 0}, 1, 1000, newRand(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 design values")
	_, err = logRegSNIS([]float64{1, 2}, 2, 1, []float64{1, 0}, 1, 10, newRand(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "draws = 10")
}
