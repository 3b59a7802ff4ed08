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
	Step int
	// Drawing is set while drawing from a fitted guide (Program.Drawing).
	Drawing bool
	// Force fixes the values of named latent sites in guide runs (one row,
	// repeated for every particle): objectives that enumerate discrete
	// sites set it.
	Force map[string]ad.Matrix
	// Enumerate makes model runs enumerate, in parallel, every latent site
	// declared inside a plate that has no counterpart in the guide and an
	// enumerable scalar distribution (Site.Enumerated): objectives that
	// sum such sites out per plate element set it (elbo.TraceEnum).
	Enumerate bool
	state     *runState
}

// NewEnv returns an Env with a fresh tape and parameter store, for running
// programs outside Fit (tests, custom loops).
func NewEnv(rng *rand.Rand, particles int) *Env {
	return &Env{Tape: ad.NewTape(), Rand: rng, Params: NewParamStore(), Particles: particles, state: newRunState()}
}

func (e *Env) program(m mode, particles int, replay *Trace) *Program {
	if e.state == nil {
		e.state = newRunState()
	}
	e.state.Step = e.Step
	return &Program{tape: e.Tape, rng: e.Rand, params: e.Params, particles: particles, mode: m, replay: replay, trace: &Trace{}, state: e.state, drawing: e.Drawing, force: e.Force, enumerate: e.Enumerate}
}

// RunGuide runs the guide with the given number of particles (per batch
// row) and returns its trace: latent values drawn with Rsample where the
// site's distribution allows it.
func (e *Env) RunGuide(g Guide, particles int) (*Trace, error) {
	if particles < 1 {
		return nil, fmt.Errorf("vi: %d particles", particles)
	}
	p := e.program(modeGuide, particles, nil)
	err := p.run(g.Guide)
	return p.trace, err
}

// RunModel runs the model with every latent site's value replayed from the
// guide trace, and returns the model's trace (log-densities of latent,
// observed and factor sites).
func (e *Env) RunModel(m Model, guide *Trace) (*Trace, error) {
	particles := e.Particles
	p := e.program(modeModel, particles, guide)
	err := p.run(m)
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
	p := e.program(modePrior, particles, nil)
	err := p.run(m)
	return p.trace, err
}
