package vi

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Env is what an Objective needs to run programs during one step of a
// fit: the tape, the random source, the parameters and the default number
// of particles. Fit creates it; objectives receive it.
type Env struct {
	Tape      *ad.Tape
	Rand      *rand.Rand
	Params    *ParamStore
	Particles int
	// Step counts optimizer steps from 0.
	Step  int
	state *runState
}

// NewEnv returns an Env with a fresh tape and parameter store, for running
// programs outside Fit (tests, custom loops).
func NewEnv(rng *rand.Rand, particles int) *Env {
	return &Env{Tape: ad.NewTape(), Rand: rng, Params: NewParamStore(), Particles: particles, state: newRunState()}
}

func (e *Env) program(rsample bool, particles int) *Program {
	if e.state == nil {
		e.state = newRunState()
	}
	e.state.Step = e.Step
	return &Program{tape: e.Tape, rng: e.Rand, params: e.Params, particles: particles, rsample: rsample, trace: &Trace{}, state: e.state}
}

// RunGuide runs the guide with the given number of particles (per batch
// row) and returns its trace: latent values drawn with Rsample where the
// site's distribution allows it.
func (e *Env) RunGuide(g Guide, particles int) (*Trace, error) {
	return e.RunGuideWith(g, particles)
}

// RunGuideWith is RunGuide with the handlers pushed on the run's stack
// (outermost first): Substitute fixes the values of enumerated sites, and
// a Block's scope is the whole run (its sites are not in the trace).
func (e *Env) RunGuideWith(g Guide, particles int, handlers ...Handler) (*Trace, error) {
	if particles < 1 {
		return nil, fmt.Errorf("vi: %d particles", particles)
	}
	p := e.program(true, particles)
	err := p.runUnder(handlers, g.Guide)
	return p.trace, err
}

// RunModel runs the model with every latent site's value replayed from the
// guide trace (the Replay handler), and returns the model's trace (log-densities of latent,
// observed and factor sites).
func (e *Env) RunModel(m Model, guide *Trace) (*Trace, error) {
	return e.RunModelWith(m, guide)
}

// RunModelWith is RunModel with the handlers pushed on the run's stack
// inside Replay (outermost first): Enumerate sums out plate sites the
// guide does not draw; a Block hides its sites from Replay (they are drawn
// from the model) and from the trace.
func (e *Env) RunModelWith(m Model, guide *Trace, handlers ...Handler) (*Trace, error) {
	particles := e.Particles
	stack := []Handler{Replay(guide)}
	if len(handlers) > 0 {
		stack = append(stack, handlers...)
	}
	p := e.program(false, particles)
	err := p.runUnder(stack, m)
	if err == nil {
		for _, gs := range guide.Latents() {
			if p.trace.Site(gs.Name) == nil {
				err = fmt.Errorf("vi: guide site %q is not a latent site of the model", gs.Name)
				break
			}
		}
	}
	return p.trace, err
}

// RunPrior runs the model drawing every latent site from its distribution
// (particles draws per batch row) and returns the trace: prior predictive
// draws, and the prototype from which autoguides learn the model's latent
// sites.
func (e *Env) RunPrior(m Model, particles int) (*Trace, error) {
	p := e.program(false, particles)
	err := p.run(m)
	return p.trace, err
}
