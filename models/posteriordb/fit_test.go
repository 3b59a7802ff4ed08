package posteriordb

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// holdThenDecay keeps the step size of the wrapped optimizer for hold
// steps, then multiplies it by gamma after every step.
type holdThenDecay struct {
	optim.Optimizer
	hold, n int
	gamma   float64
}

func (o *holdThenDecay) Step(ps []*ad.Param) {
	o.Optimizer.Step(ps)
	o.n++
	if o.n > o.hold {
		o.SetLearningRate(o.LearningRate() * o.gamma)
	}
}

// fitCase is a quick mean-field fit of one posterior.
type fitCase struct {
	name string
	// warm starts the guide at the Mode with initial scale 1e-4 and fits
	// with Adam(1.5e-3) for 5,000 steps, then decays the step size by
	// 0.003 over 1,000 steps; otherwise the guide starts at z = 0 with
	// scale 0.1 and Adam's step size decays from 0.05 to 5e-4 over 3,000
	// steps.
	warm bool
	// sd lists the parameters whose sd is checked: those nearly
	// independent of the others, where the mean-field family can match
	// the posterior sd.
	sd []string
}

// TestQuickFits fits the mean-field normal guide (autoguide.Normal, elbo.Trace
// with 8 particles, seed 1) to eight posteriors and compares the fit's
// draws with the reference: every mean within 0.3 reference sd, and the sd
// of the parameters listed in the case within 25%.
//
// Means: the mean-field optimum of a Gaussian posterior has its exact means,
// and these posteriors are close enough to Gaussian in z; eight schools'
// τ is the largest departure (0.22 sd below the reference at the optimum,
// from long runs). Sds: the mean-field family matches the sd of a parameter
// only where it is nearly uncorrelated with the others; elsewhere its sd is
// the conditional sd (kilpisjarvi's α and β, correlation about -1: 0.5% of
// the reference sd; arK's β: 25-30%). We check the noise scale σ of the
// regressions (uncorrelated with the coefficients in a linear regression),
// arK's intercept (the series is centred), garch's μ, and the mixture's
// scales and weight (well-separated components).
//
// kilpisjarvi, earnings and sblrc start at the Mode: their coefficients
// are strongly correlated (kilpisjarvi's α and β at -1, x about 4,000), and
// from z = 0 Adam has not crossed the valley after 3,000 steps (worst mean
// errors of 30-50, 9 and 30 sds; kilpisjarvi's α still 2 sds off after
// 60,000 steps). At the warm start the small initial scale and step size
// are needed because Adam moves every coordinate by about its step size
// and β's conditional sd in z is 3.6e-5: larger steps make β's location
// jitter, which inflates σ (to 1.2-2.4 against 1.13).
//
// Not fitted here: eight_schools_centered (the funnel: a Gaussian in
// (θ, μ, log τ) cannot follow it) and gp_pois_regr (the mean-field optimum
// puts α about 1 sd below the reference).
func TestQuickFits(t *testing.T) {
	if testing.Short() {
		t.Skip("fits take a few seconds")
	}
	cases := []fitCase{
		{name: "eight_schools-eight_schools_noncentered"},
		{name: "garch-garch11", sd: []string{"mu"}},
		{name: "hmm_example-hmm_example"},
		{name: "arK-arK", sd: []string{"alpha", "sigma"}},
		{name: "low_dim_gauss_mix-low_dim_gauss_mix", sd: []string{"sigma[1]", "sigma[2]", "theta"}},
		{name: "kilpisjarvi_mod-kilpisjarvi", warm: true, sd: []string{"sigma"}},
		{name: "earnings-logearn_interaction", warm: true, sd: []string{"sigma"}},
		{name: "sblrc-blr", warm: true, sd: []string{"sigma"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(c.name)
			require.NoError(t, err)
			var (
				guide vi.Guide
				opt   optim.Optimizer
				steps int
			)
			if c.warm {
				mode, _, err := p.Mode(nil, 0)
				require.NoError(t, err)
				guide = autoguide.Normal(autoguide.WithInitScale(1e-4),
					autoguide.WithInit(autoguide.InitToValues(map[string][]float64{"z": mode}, nil)))
				steps = 6000
				opt = &holdThenDecay{Optimizer: optim.NewAdam(1.5e-3), hold: 5000, gamma: math.Pow(0.003, 1.0/1000)}
			} else {
				guide = autoguide.Normal()
				steps = 3000
				opt = optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/3000))
			}
			res, err := vi.Fit(context.Background(), p.Model.Model(), guide, elbo.Trace{Particles: 8}, opt,
				vi.MaxSteps(steps), vi.Seed(1), vi.Draws(4000))
			require.NoError(t, err)
			rows := Compare(p, res)
			require.Len(t, rows, len(p.Reference))
			for _, r := range rows {
				assert.LessOrEqual(t, r.MeanErr, 0.3, "%s: mean %.5g, reference %.5g ± %.3g", r.Name, r.Mean, r.RefMean, r.RefSD)
			}
			for _, name := range c.sd {
				var found bool
				for _, r := range rows {
					if r.Name == name {
						found = true
						assert.True(t, r.Within(math.Inf(1), 0.25), "%s: sd %.4g, reference %.4g", name, r.SD, r.RefSD)
					}
				}
				assert.True(t, found, name)
			}
			if t.Failed() {
				t.Log("\n" + Table(rows))
			}
		})
	}
}
