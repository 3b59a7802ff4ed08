package vi

import "github.com/kldiv/kldiv/ad"

// Objective is a variational objective. Loss records on e.Tape a 1x1 loss
// whose gradient with respect to the guide's (and model's) parameters is
// the objective's gradient estimate, and returns statistics of the step.
// Package elbo implements the standard objectives.
type Objective interface {
	Loss(e *Env, model Model, guide Guide) (ad.Var, StepStats, error)
}

// Path says how an objective treated a latent site.
type Path string

const (
	// PathAnalytic: the closed-form KL of the (guide, prior) pair.
	PathAnalytic Path = "analytic"
	// PathMonteCarlo: log q - log p at reparameterized draws.
	PathMonteCarlo Path = "monte-carlo"
	// PathScoreFunction: a score-function (REINFORCE) term with a baseline.
	PathScoreFunction Path = "score-function"
	// PathEnumerated: an exact sum over the site's values.
	PathEnumerated Path = "enumerated"
)

// StepStats reports one step of an objective.
type StepStats struct {
	// ELBO is the objective's estimate of the evidence lower bound (or of
	// the bound it optimizes; higher is better).
	ELBO float64
	// KL is the KL(q || p) term of latent sites where the objective
	// separates it, NaN otherwise.
	KL float64
	// Paths maps latent site names to how each was treated.
	Paths map[string]Path
	// BadSite names the first site whose log-density was not finite, if
	// any.
	BadSite string
}
