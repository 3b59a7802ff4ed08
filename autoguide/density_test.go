package autoguide_test

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
	"github.com/kldiv/kldiv/internal/testmodel"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// TestLogDensityMatchesDraws: every automatic guide with a density scores
// its own draws (mapped back through the sites' bijectors, theta positive
// and beta real in testmodel.Conjugate) at the log q its sampling path
// recorded, after a few fitting steps have moved its parameters off their
// initial values. The two paths share no code beyond the distributions:
// one pushes u forward and subtracts log|J|, the other inverts z.
func TestLogDensityMatchesDraws(t *testing.T) {
	c := testmodel.NewConjugate()
	for _, g := range []struct {
		name  string
		guide vi.Guide
	}{
		{"Normal", autoguide.Normal()},
		{"Mixture", autoguide.Mixture(2)},
		{"MultivariateNormal", autoguide.MultivariateNormal()},
		{"LowRank", autoguide.LowRank(1)},
		{"Laplace", autoguide.Laplace()},
		{"Flow", autoguide.Flow(4)},
	} {
		_, err := vi.Fit(context.Background(), c.Model(), g.guide, elbo.Trace{Particles: 4}, optim.NewAdam(0.05),
			vi.MaxSteps(30), vi.Seed(5), vi.Draws(0))
		require.NoError(t, err, g.name)
		gd, ok := g.guide.(vi.GuideDensity)
		require.True(t, ok, "%s implements vi.GuideDensity", g.name)
		env := vi.NewEnv(rand.New(rand.NewPCG(6, 7)), 6)
		gt, err := env.RunGuide(g.guide, 6)
		require.NoError(t, err, g.name)
		values := map[string]ad.Var{}
		for _, s := range gt.Latents() {
			values[s.Name] = s.Value
		}
		lq, err := gd.LogDensity(env.Tape, values)
		require.NoError(t, err, g.name)
		want := gt.LogJoint(6).Value()
		require.Equal(t, 6, lq.Rows(), g.name)
		for i, v := range lq.Value() {
			assert.InDelta(t, want[i], v, 1e-9*(1+math.Abs(want[i])), "%s: log q of draw %d", g.name, i)
		}
		delete(values, "beta")
		_, err = gd.LogDensity(env.Tape, values)
		require.Error(t, err, g.name)
		assert.Contains(t, err.Error(), `no value for site "beta"`, g.name)
	}
}

// TestMixtureLogDensityClosedForm: the Mixture guide's density at given
// values is Σ_c w_c Π_j N(u_j; loc_cj, sd_cj) with u = (log theta, beta)
// and the Jacobian 1/theta of theta = exp(u₀), computed here by hand from
// the parameter values.
func TestMixtureLogDensityClosedForm(t *testing.T) {
	c := testmodel.NewConjugate()
	g := autoguide.Mixture(3, autoguide.WithPrefix("mix"))
	res, err := vi.Fit(context.Background(), c.Model(), g, elbo.Trace{Particles: 6}, optim.NewAdam(0.05),
		vi.MaxSteps(40), vi.Seed(8), vi.Draws(0))
	require.NoError(t, err)
	locs, _ := res.Params.Value("mix.locs")
	raw, _ := res.Params.Value("mix.scales")
	logits, _ := res.Params.Value("mix.logits")
	theta := []float64{0.7, 2.5}
	beta := []float64{0.3, -1, 1.2, 0.1}
	tape := ad.NewTape()
	lq, err := g.(vi.GuideDensity).LogDensity(tape, map[string]ad.Var{
		"theta": tape.Const(2, 1, theta), "beta": tape.Const(2, 2, beta)})
	require.NoError(t, err)
	var zw float64
	for _, l := range logits.Data {
		zw += math.Exp(l)
	}
	for i := range theta {
		u := []float64{math.Log(theta[i]), beta[2*i], beta[2*i+1]}
		var q float64
		for k := 0; k < 3; k++ {
			dens := math.Exp(logits.Data[k]) / zw
			for j, x := range u {
				m, sd := locs.Data[k*3+j], testmodel.Softplus(raw.Data[k*3+j])
				dens *= math.Exp(-0.5*(x-m)*(x-m)/(sd*sd)) / (sd * math.Sqrt(2*math.Pi))
			}
			q += dens
		}
		assert.InDelta(t, math.Log(q)-u[0], lq.Value()[i], 1e-12, "log q(theta, beta) of value %d", i)
	}
}
