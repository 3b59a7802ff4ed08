package posteriordb

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// FitOptions sets how Fit runs. The zero value gives the defaults.
type FitOptions struct {
	// Steps of Adam (default 10,000); the step size decays from 0.01 by a
	// factor 10 over the run.
	Steps int
	// Particles per step (default 16).
	Particles int
	// Draws kept for the summaries (default 10,000).
	Draws int
	// Seed of the fit (default 1).
	Seed uint64
}

func (o FitOptions) withDefaults() FitOptions {
	if o.Steps <= 0 {
		o.Steps = 10000
	}
	if o.Particles <= 0 {
		o.Particles = 16
	}
	if o.Draws <= 0 {
		o.Draws = 10000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Guide names the variational family of Fit.
type Guide string

const (
	// FullRank is a full-rank normal in unconstrained space. Fit starts it
	// at the Laplace approximation (autoguide.Laplace: L-BFGS mode, Hessian)
	// and falls back to autoguide.MultivariateNormal from the prior median
	// when the density has no mode (the funnel of the centered eight
	// schools).
	FullRank Guide = "full-rank"
	// MeanField is a mean-field normal in unconstrained space
	// (autoguide.Normal), started at the mode when there is one.
	MeanField Guide = "mean-field"
	// Flow is autoguide.Flow: affine coupling layers on top of the Laplace
	// approximation, for funnels, curved valleys and skewed scales.
	Flow Guide = "flow"
	// Auto fits MeanField, FullRank and Flow and keeps the one ChooseGuide
	// picks.
	Auto Guide = "auto"
)

// averageFrac is the fraction of the steps at the end of a fit whose
// iterates are averaged (vi.Average, Polyak and Juditsky 1992).
const averageFrac = 0.2

// flowHidden is the number of hidden units of each coupling layer of the
// Flow guide.
const flowHidden = 16

// Fit fits the posterior with the given guide by the trace ELBO with
// sticking-the-landing gradients and returns the result, and the name of
// the guide actually used.
func Fit(ctx context.Context, p *Posterior, g Guide, o FitOptions) (*vi.Result, string, error) {
	if g == Auto {
		c, err := ChooseGuide(ctx, p.Model.Model(), o)
		if err != nil {
			return nil, "", err
		}
		b := c.Best()
		return b.Result, "auto: " + b.Name, nil
	}
	return fitModel(ctx, p.Model.Model(), g, o)
}

// fitModel is Fit for any model.
func fitModel(ctx context.Context, model vi.Model, g Guide, o FitOptions) (*vi.Result, string, error) {
	o = o.withDefaults()
	run := func(guide vi.Guide) (*vi.Result, error) {
		opt := optim.NewExponentialDecay(optim.NewAdam(0.01), math.Pow(0.1, 1/float64(o.Steps)))
		return vi.Fit(ctx, model, guide, elbo.Trace{Particles: o.Particles, STL: true}, opt,
			vi.MaxSteps(o.Steps), vi.Seed(o.Seed), vi.Draws(o.Draws), vi.Average(averageFrac))
	}
	switch g {
	case FullRank:
		res, err := run(autoguide.Laplace())
		if err == nil {
			return res, "Laplace", nil
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return res, "Laplace", err
		}
		res, err = run(autoguide.MultivariateNormal())
		return res, "MultivariateNormal", err
	case Flow:
		res, err := run(autoguide.Flow(flowHidden))
		return res, "Flow", err
	case MeanField:
		res, err := run(autoguide.Normal(autoguide.WithInit(autoguide.InitToMAP()), autoguide.WithLaplaceScales()))
		if err == nil {
			return res, "Normal (Laplace start)", nil
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return res, "Normal (Laplace start)", err
		}
		res, err = run(autoguide.Normal())
		return res, "Normal", err
	}
	return nil, "", fmt.Errorf("posteriordb: unknown guide %q", g)
}

// Assessment is how a fit compares with the reference.
type Assessment struct {
	Name  string
	Guide string
	// Plain compares the fit's own draws; Corrected compares the draws
	// reweighted by Pareto-smoothed importance sampling (vi.Result.
	// PSISSummaries), meaningful when KHat < 0.7.
	Plain, Corrected []Comparison
	KHat             float64
	ELBO, ELBOStdErr float64
}

// Assess compares a fit with the reference.
func Assess(p *Posterior, res *vi.Result, guide string) Assessment {
	a := Assessment{Name: p.Name, Guide: guide, Plain: Compare(p, res), KHat: res.KHat, ELBO: res.ELBO, ELBOStdErr: res.ELBOStdErr}
	if sums, err := res.PSISSummaries(); err == nil {
		a.Corrected = CompareSummaries(p, sums)
	}
	return a
}

// Pass reports whether the plain fit has every mean within meanTol
// reference sds and every sd within sdTol (relative) of the reference.
func (a Assessment) Pass(meanTol, sdTol float64) bool {
	m, s := Worst(a.Plain)
	return m <= meanTol && s <= sdTol
}

// PassCorrected is Pass for the PSIS-corrected summaries (false when
// k-hat >= 0.7, where the correction is unreliable).
func (a Assessment) PassCorrected(meanTol, sdTol float64) bool {
	if a.Corrected == nil {
		return false
	}
	m, s := Worst(a.Corrected)
	return m <= meanTol && s <= sdTol
}
