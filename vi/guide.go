package vi

import (
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Guide is a variational family: a program that draws every latent site of
// the model, with parameters in a ParamStore.
type Guide interface {
	// Setup is called once before fitting. It receives a prototype trace of
	// the model (every latent site drawn from its prior with one particle),
	// so that automatic guides can create their parameters.
	Setup(s *Setup) error
	// Guide is the guide program: it must Sample (or SampleValue, or Record) every
	// latent site of the model.
	Guide(p *Program)
}

// Setup is what a Guide receives before fitting.
type Setup struct {
	Model  Model
	Proto  *Trace
	Params *ParamStore
	Rand   *rand.Rand
}

// GuideFunc makes a Guide from a program written by hand; its parameters
// are created by Program.Param on first use.
type GuideFunc func(p *Program)

// Setup does nothing: a hand-written guide creates its parameters itself.
func (GuideFunc) Setup(*Setup) error { return nil }

// Guide runs the function.
func (f GuideFunc) Guide(p *Program) { f(p) }

// GuideDensity is implemented by guides that can evaluate their density at
// values they did not draw, such as draws from the target: the forward-KL
// objectives (elbo.ForwardKL, elbo.ForwardKLSamples) score values with it
// when the guide records its density as a joint factor rather than per
// site (autoguide.Mixture, MultivariateNormal, LowRank).
type GuideDensity interface {
	// LogDensity returns log q(z) (n x 1, in constrained space, so with the
	// log-Jacobians of the sites' bijectors) at n values of every latent
	// site, keyed by site name in the layout of the guide's draws with n
	// particles (n*B rows for a site with batch B), recorded on tape t with
	// the guide's parameters live. It returns an error for a missing site
	// or a value of the wrong shape.
	LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error)
}
