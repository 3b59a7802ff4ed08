package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Handler is an effect handler on the Sample statements of a program run,
// in the manner of Pyro's poutine and NumPyro's handlers (Bingham et al.
// 2019, "Pyro: deep universal probabilistic programming", JMLR 20(28)):
// a program run keeps a stack of handlers, and every latent site passes
// through them, innermost (last pushed) first, before its value is drawn.
//
// The runs of Env are handler stacks: RunModel pushes Replay of the guide
// trace, RunGuideWith pushes the caller's handlers (Substitute for
// enumeration), and a model wrapped with Handle, Reparam or NonCentered
// pushes its own for the duration of its body. A Block stops the sites it
// hides on their way out: the handlers outside it never see them, and they
// leave the trace when its scope ends (vi/block.go).
type Handler interface {
	// Sample sees the site message m. It may set m.Value (the value is then
	// not drawn; later handlers see it set) and m.Reparameterized,
	// m.Forced and m.Scale; or it may take the site over, returning
	// (value, true): Sample then returns value without recording the site,
	// and the handler records what it needs through p (other sites).
	Sample(p *Program, m *Message) (ad.Var, bool)
}

// Message is a latent site on its way through the handlers.
type Message struct {
	Name string
	Dist dist.Distribution
	// Scale multiplies the site's log-density in objectives; Plate names
	// the site's plate ("" for none).
	Scale float64
	Plate string
	// plateLen is the number of plate elements at this step (0 outside
	// plates), for parallel enumeration.
	plateLen int
	// Value, once set by a handler, is the site's value (S*B x C).
	Value ad.Var
	// Reparameterized and Forced are recorded on the site (see Site).
	Reparameterized, Forced bool
	// stop is set by a Block that hides the site: the handlers outside it
	// do not see the message.
	stop bool
}

// Handle returns model run under the handler h: h is pushed on the
// program's stack for the duration of model's body.
func Handle(model Model, h Handler) Model {
	return func(p *Program) { p.within(h, model) }
}

// Replay returns the handler that takes every latent site's value from
// the trace tr (the guide's, in a model run) and fails the run for a site
// that tr lacks.
func Replay(tr *Trace) Handler { return replay{tr} }

type replay struct{ tr *Trace }

func (h replay) Sample(p *Program, m *Message) (ad.Var, bool) {
	if m.Value != (ad.Var{}) {
		return ad.Var{}, false
	}
	g := h.tr.Site(m.Name)
	if g == nil {
		p.fail("vi: model site %q has no counterpart in the guide", m.Name)
	}
	m.Value, m.Reparameterized = g.Value, g.Reparameterized
	return ad.Var{}, false
}

// Substitute returns the handler that fixes the values of the named latent
// sites: one row, repeated for every particle, for distributions with
// batch 1. The sites stay latent, scored at the value, and are marked
// Forced (objectives that enumerate discrete sites use it).
func Substitute(values map[string]ad.Matrix) Handler { return substitute{values} }

type substitute struct{ values map[string]ad.Matrix }

func (h substitute) Sample(p *Program, m *Message) (ad.Var, bool) {
	v, ok := h.values[m.Name]
	if !ok || m.Value != (ad.Var{}) {
		return ad.Var{}, false
	}
	b, _ := m.Dist.Shape()
	if v.Rows != 1 || b != 1 {
		p.fail("vi: site %q: a forced value is one row for a distribution with batch 1 (got %d rows, batch %d)", m.Name, v.Rows, b)
	}
	buf := p.tape.Buffer(p.particles * v.Cols)
	for i := 0; i < p.particles; i++ {
		copy(buf[i*v.Cols:], v.Data)
	}
	m.Value = p.tape.Const(p.particles, v.Cols, buf)
	m.Forced = true
	return ad.Var{}, false
}

// Reparameterizer rewrites one latent site (NumPyro's reparam handlers):
// it draws auxiliary sites through p and returns the site's value.
type Reparameterizer interface {
	Reparam(p *Program, m *Message) ad.Var
}

// Reparam returns model with the sites named in config rewritten by their
// Reparameterizer, so that a parameterization is a configuration of the
// model rather than a branch in it.
func Reparam(model Model, config map[string]Reparameterizer) Model {
	return Handle(model, reparam{config})
}

type reparam struct{ config map[string]Reparameterizer }

func (h reparam) Sample(p *Program, m *Message) (ad.Var, bool) {
	r, ok := h.config[m.Name]
	if !ok || m.Value != (ad.Var{}) {
		return ad.Var{}, false
	}
	return r.Reparam(p, m), true
}

// LocScale is the non-centering reparameterizer of a location-scale site
// (Papaspiliopoulos, Roberts and Sköld 2007): x ~ Normal(μ, σ), possibly
// expanded to a batch and event shape, becomes the auxiliary latent
// Aux ~ Normal(0, 1) of the same shape (batch 1) and the deterministic
// site x = μ + σ·Aux. Aux defaults to the site's name + "_decentered".
type LocScale struct {
	Aux string
}

// Reparam implements Reparameterizer.
func (r LocScale) Reparam(p *Program, m *Message) ad.Var {
	d := m.Dist
	event := 0
	if e, ok := d.(dist.Expanded); ok {
		d, event = e.Base, e.Event
	}
	n, ok := d.(dist.Normal)
	if !ok {
		p.fail("vi: LocScale reparam of site %q: want a Normal (or an expanded one), got %T", m.Name, m.Dist)
	}
	if event == 0 {
		_, event = n.Shape()
	}
	aux := r.Aux
	if aux == "" {
		aux = m.Name + "_decentered"
	}
	std, err := dist.Expand(dist.Must(dist.NewNormal(0, 1)), 1, event)
	if err != nil {
		p.fail("vi: LocScale reparam of site %q: %w", m.Name, err)
	}
	z := p.sample(aux, std, m.Scale, m.Plate, m.plateLen)
	return p.Deterministic(m.Name, ad.Add(n.Loc, ad.Mul(n.Scale, z)))
}

// NonCentered returns model with the named location-scale sites
// non-centered by LocScale (default auxiliary names).
func NonCentered(model Model, sites ...string) Model {
	config := make(map[string]Reparameterizer, len(sites))
	for _, s := range sites {
		config[s] = LocScale{}
	}
	return Reparam(model, config)
}

// Scale returns model with the log-density of every site it declares
// (latent, observed and factor) multiplied by f > 0, on top of plate
// scaling: NumPyro's scale handler, for annealing a part of a model or
// weighting a likelihood. It panics if f is not positive and finite.
func Scale(model Model, f float64) Model {
	if !(f > 0) || math.IsInf(f, 0) {
		panic(fmt.Sprintf("vi: Scale: factor %v, want a positive finite number", f))
	}
	return Handle(model, scale{f})
}

type scale struct{ f float64 }

func (h scale) Sample(_ *Program, m *Message) (ad.Var, bool) {
	m.Scale *= h.f
	return ad.Var{}, false
}

// scaleOf returns the product of the Scale handlers on the stack that see
// the observed or factor site (those inside the innermost Block hiding it;
// latent sites are scaled through their message), outermost first.
func (p *Program) scaleOf(name string, kind SiteKind) float64 {
	f := 1.0
	for _, h := range p.handlers[p.hiddenAt(name, kind)+1:] {
		if s, ok := h.(scale); ok {
			f *= s.f
		}
	}
	return f
}

// Draw returns the handler of runs that draw from a fitted guide (the
// final evaluation and posterior draws) rather than estimate an objective:
// under it Program.Drawing reports true, and a stratified guide draws
// ancestrally.
func Draw() Handler { return draw{} }

type draw struct{}

func (draw) Sample(*Program, *Message) (ad.Var, bool) { return ad.Var{}, false }

// Enumerate returns the handler of model runs that enumerate, in
// parallel, every latent site declared inside a plate that has no
// counterpart in the replayed guide trace and an enumerable scalar
// distribution (Site.Enumerated): objectives that sum such sites out per
// plate element use it (elbo.TraceEnum, through RunModelWith).
func Enumerate() Handler { return enumerate{} }

type enumerate struct{}

func (enumerate) Sample(p *Program, m *Message) (ad.Var, bool) {
	if m.Plate == "" || m.Value != (ad.Var{}) {
		return ad.Var{}, false
	}
	for _, h := range p.handlers {
		if r, ok := h.(replay); ok && r.tr.Site(m.Name) != nil {
			return ad.Var{}, false
		}
	}
	if err := m.Dist.Validate(); err != nil {
		p.fail("vi: site %q: %w", m.Name, err)
	}
	s := Site{Name: m.Name, Kind: Latent, Dist: m.Dist, Scale: m.Scale, Plate: m.Plate, Support: m.Dist.Support()}
	return p.enumerateSite(s, m.plateLen), true
}
