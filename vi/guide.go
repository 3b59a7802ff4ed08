package vi

import "math/rand/v2"

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
