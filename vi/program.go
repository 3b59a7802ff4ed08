package vi

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Model is a probabilistic program: a Go function that declares latent
// variables with Sample, conditions on data with Observe and Factor, and
// creates parameters with Param, all through the Program handle. Guides
// are written the same way (see GuideFunc).
type Model func(p *Program)

// SiteKind says what a trace site records.
type SiteKind uint8

const (
	// Latent sites are drawn by Sample.
	Latent SiteKind = iota
	// Observed sites score data (Observe).
	Observed
	// Factor sites add an arbitrary log-density term (Factor).
	Factor
	// Deterministic sites record a derived value for summaries
	// (Deterministic); they carry no log-density.
	Deterministic
)

// String implements fmt.Stringer.
func (k SiteKind) String() string {
	return [...]string{"latent", "observed", "factor", "deterministic"}[k]
}

// Site is one named random choice (or factor) of a program run.
type Site struct {
	Name string
	Kind SiteKind
	// Dist is the distribution the site was drawn from or scored against
	// (nil for Factor and Deterministic sites).
	Dist dist.Distribution
	// Value is the site's value: for latent sites drawn with S particles
	// per batch row, S*B rows (row s*B+b is particle s of batch row b).
	Value ad.Var
	// LogProb is the site's log-density per row of the particle layout
	// (R x 1), before plate scaling. Zero Var for Deterministic sites.
	LogProb ad.Var
	// Scale multiplies LogProb in objectives: N/M inside a subsampled
	// plate, 1 otherwise.
	Scale float64
	// Plate names the plate the site was declared in ("" for none).
	Plate string
	// Reparameterized reports whether Value is a differentiable function
	// of the guide's parameters (pathwise gradients flow through it).
	Reparameterized bool
	// Support is the set the value lies in (latent sites).
	Support dist.Support
	// Unconstrained is the value before the support's bijector, for guides
	// that sample in unconstrained space (autoguides); zero Var otherwise.
	Unconstrained ad.Var
	// Forced reports that the value was fixed by the objective (enumeration
	// of a discrete site) rather than drawn.
	Forced bool
	// DetachedLogProb is the guide's log-density at Value with the guide's
	// parameters held constant (gradients flow through Value only), for
	// sticking-the-landing estimators. Autoguides fill it; objectives
	// compute it from Dist otherwise.
	DetachedLogProb ad.Var
	// Enumerated is the number K of values of a model site that the
	// objective enumerates in parallel inside its plate (the Enumerate handler): 0
	// for every other site. Value then has K*R rows, block k (rows k*R to
	// (k+1)*R-1) holding the k-th value of the support at each of the R
	// rows the site would otherwise have, and LogProb is K*R x 1.
	Enumerated int
}

// ScaledLogProb returns Scale*LogProb.
func (s *Site) ScaledLogProb() ad.Var {
	if s.Scale == 1 {
		return s.LogProb
	}
	return ad.Scale(s.LogProb, s.Scale)
}

// Trace is the ordered record of the sites of one program run.
type Trace struct {
	Sites []Site
	// Weights, when set by a guide (Program.SetParticleWeights), are the
	// S x 1 weights of the particles in expectations over the guide
	// (stratified mixture guides); zero Var means uniform weights 1/S.
	Weights ad.Var
}

// Site returns the site with the given name, or nil.
func (t *Trace) Site(name string) *Site {
	if t == nil {
		return nil
	}
	for i := range t.Sites {
		if t.Sites[i].Name == name {
			return &t.Sites[i]
		}
	}
	return nil
}

// Latents returns the latent sites in order.
func (t *Trace) Latents() []*Site {
	var out []*Site
	for i := range t.Sites {
		if t.Sites[i].Kind == Latent {
			out = append(out, &t.Sites[i])
		}
	}
	return out
}

// LogJoint returns Σ_sites Scale*LogProb over the Latent, Observed and
// Factor sites, per particle: an S x 1 value. A site with S*B rows (B batch
// rows per particle, particle-major) contributes the sum of its B rows to
// each particle; a 1-row site contributes to every particle. It returns an
// S x 1 zero for a trace without scored sites.
func (t *Trace) LogJoint(particles int) ad.Var {
	var sum ad.Var
	for i := range t.Sites {
		s := &t.Sites[i]
		if s.Kind == Deterministic {
			continue
		}
		v := ParticleLayout{S: particles}.Sum(s.ScaledLogProb(), 0)
		if sum == (ad.Var{}) {
			sum = v
		} else {
			sum = ad.Add(sum, v)
		}
	}
	if sum == (ad.Var{}) {
		return ad.Full(particles, 1, 0)
	}
	return sum
}

// LogJointRows returns Σ_sites Scale*LogProb row by row when every scored
// site has the same number of rows R (or one row, broadcast), as an R x 1
// value; ok is false otherwise. With K particles tiling a batch of B data
// points (R = K*B), row k*B+b is the log-density of particle k of data
// point b: the layout of importance-weighted objectives.
func (t *Trace) LogJointRows() (v ad.Var, ok bool) {
	rows := 1
	for i := range t.Sites {
		s := &t.Sites[i]
		if s.Kind == Deterministic {
			continue
		}
		r := s.LogProb.Rows()
		if r == 1 {
			continue
		}
		if rows != 1 && r != rows {
			return ad.Var{}, false
		}
		rows = r
	}
	var sum ad.Var
	for i := range t.Sites {
		s := &t.Sites[i]
		if s.Kind == Deterministic {
			continue
		}
		if sum == (ad.Var{}) {
			sum = s.ScaledLogProb()
		} else {
			sum = ad.Add(sum, s.ScaledLogProb())
		}
	}
	if sum == (ad.Var{}) {
		return ad.Full(rows, 1, 0), true
	}
	return sum, true
}

// Program is the handle a Model or guide function receives. It records
// sites on a Trace and holds the run's tape, random source, parameters and
// particle count. A Program is used by one goroutine.
type Program struct {
	tape      *ad.Tape
	rng       *rand.Rand
	params    *ParamStore
	particles int
	// rsample draws latent values with Rsample where the distribution
	// allows it (guide runs); prior runs draw with Sample.
	rsample  bool
	handlers []Handler     // innermost last
	blocks   []*blockScope // the open Blocks, innermost last
	trace    *Trace
	site     string // the site being processed, for error messages
	state    *runState
}

// Drawing reports whether the guide is run to draw from the approximation
// (final evaluation and posterior draws) rather than to estimate an
// objective: a stratified guide must then draw ancestrally. The Draw
// handler sets it.
func (p *Program) Drawing() bool {
	for _, h := range p.handlers {
		if _, ok := h.(draw); ok {
			return true
		}
	}
	return false
}

// SetParticleWeights sets the S x 1 weights with which the objective
// averages over particles (they must sum to 1); guides that stratify their
// particles (mixtures) use it. Only the Trace and MeanField objectives
// support weights.
func (p *Program) SetParticleWeights(w ad.Var) {
	if w.Rows() != p.particles || w.Cols() != 1 {
		p.fail("vi: particle weights are %dx%d, want %dx1", w.Rows(), w.Cols(), p.particles)
	}
	p.trace.Weights = w
}

// Tape returns the tape the program records on.
func (p *Program) Tape() *ad.Tape { return p.tape }

// Rand returns the program's random source.
func (p *Program) Rand() *rand.Rand { return p.rng }

// Particles returns the number of particles S drawn for each batch row at
// every latent site. Models whose latents are all global see S x C values
// at their sites and should put data points in columns, so that one matrix
// product serves all particles; inside a data plate, rows are data points
// and the S particles tile them (S*B rows).
func (p *Program) Particles() int { return p.particles }

// Const places data (rows x cols, row-major, not copied) on the tape as a
// constant.
func (p *Program) Const(rows, cols int, data []float64) ad.Var {
	return p.tape.Const(rows, cols, data)
}

// Trace returns the trace recorded so far.
func (p *Program) Trace() *Trace { return p.trace }

// siteError is raised (as a panic) inside a program run and recovered by
// the runner, which returns it as an error.
type siteError struct{ err error }

func (p *Program) fail(format string, args ...any) {
	panic(siteError{fmt.Errorf(format, args...)})
}

// Fail aborts the program run: the function running the program (Fit,
// Env.RunGuide, ...) returns the formatted error. Guides and models call it
// on misuse they detect themselves (an automatic guide used before Setup).
func (p *Program) Fail(format string, args ...any) { p.fail(format, args...) }

func (p *Program) checkName(name string) {
	if name == "" {
		p.fail("vi: a site needs a name")
	}
	if p.trace.Site(name) != nil {
		p.fail("vi: site %q declared twice", name)
	}
	if len(p.blocks) > 0 {
		p.declared(name)
	}
	p.site = name
}

// Sample declares the latent site name with distribution d and returns its
// value: S draws per batch row of d (S*B x C, particle-major). In a guide
// the draws are reparameterized when d supports it; in the model the value
// is replayed from the guide. It records d's log-density at the value.
func (p *Program) Sample(name string, d dist.Distribution) ad.Var {
	return p.sample(name, d, 1, "", 0)
}

// sample records a latent site; plateLen is the number of plate elements
// used at this step (0 outside plates), for parallel enumeration.
func (p *Program) sample(name string, d dist.Distribution, scale float64, plate string, plateLen int) ad.Var {
	p.checkName(name)
	if d == nil {
		p.fail("vi: site %q: nil distribution", name)
	}
	// A site that a handler takes over (a reparameterization) is not
	// validated: its distribution is only read for its parameters.
	m := Message{Name: name, Dist: d, Scale: scale, Plate: plate, plateLen: plateLen}
	for i := len(p.handlers) - 1; i >= 0; i-- {
		if v, done := p.handlers[i].Sample(p, &m); done {
			return v
		}
		if m.stop {
			break // hidden by a Block from the handlers outside it
		}
	}
	if err := d.Validate(); err != nil {
		p.fail("vi: site %q: %w", name, err)
	}
	s := Site{Name: name, Kind: Latent, Dist: d, Scale: m.Scale, Plate: m.Plate, Support: d.Support(),
		Value: m.Value, Reparameterized: m.Reparameterized, Forced: m.Forced}
	switch {
	case s.Value != (ad.Var{}):
	case p.rsample && dist.Provides[dist.Reparameterized](d):
		s.Value = d.(dist.Reparameterized).Rsample(p.rng, p.particles)
		s.Reparameterized = true
	default:
		s.Value = p.tape.Lift(d.Sample(p.rng, p.particles))
	}
	s.LogProb = d.LogProb(s.Value)
	p.trace.Sites = append(p.trace.Sites, s)
	return s.Value
}

// SampleValue records a latent site whose value and log-density the
// caller computed (autoguides use it: the value is the constrained image
// of an unconstrained draw and logq includes the log-Jacobian). d is the
// distribution reported for the site (for closed-form KL lookups and
// summaries) and may be nil.
func (p *Program) SampleValue(name string, d dist.Distribution, value, unconstrained, logq ad.Var, support dist.Support) ad.Var {
	p.checkName(name)
	p.trace.Sites = append(p.trace.Sites, Site{
		Name: name, Kind: Latent, Dist: d, Value: value, LogProb: logq, Scale: 1,
		Reparameterized: true, Support: support, Unconstrained: unconstrained,
	})
	return value
}

// Record appends a site that the caller computed in full, after checking
// its name as Sample does, and returns its value. Automatic guides use it
// to record a latent site drawn in unconstrained space (with Unconstrained
// and DetachedLogProb set) and the guide factor that carries a joint
// log-density. A Scale of 0 is taken as 1.
func (p *Program) Record(s Site) ad.Var {
	p.checkName(s.Name)
	if s.Scale == 0 {
		s.Scale = 1
	}
	p.trace.Sites = append(p.trace.Sites, s)
	return s.Value
}

// Observe conditions on data at the site name: it records d's
// log-density of data. data has the value layout of d (rows are scored
// against d's batch with tiling, see dist.Distribution).
func (p *Program) Observe(name string, d dist.Distribution, data ad.Var) {
	p.observe(name, d, data, 1, "")
}

func (p *Program) observe(name string, d dist.Distribution, data ad.Var, scale float64, plate string) {
	p.checkName(name)
	if d == nil {
		p.fail("vi: site %q: nil distribution", name)
	}
	if err := d.Validate(); err != nil {
		p.fail("vi: site %q: %w", name, err)
	}
	data = p.tape.Lift(data)
	for i, v := range data.Value() {
		if math.IsNaN(v) {
			p.fail("vi: site %q: data[%d] is NaN", name, i)
		}
	}
	lp := d.LogProb(data)
	p.trace.Sites = append(p.trace.Sites, Site{Name: name, Kind: Observed, Dist: d, Value: data, LogProb: lp, Scale: scale * p.scaleOf(name, Observed), Plate: plate})
}

// Factor adds logp (R x 1, or 1 x 1) to the log-density of the model: a
// likelihood term that is not a distribution, or a whole log-joint.
func (p *Program) Factor(name string, logp ad.Var) {
	p.checkName(name)
	if logp.Cols() != 1 {
		p.fail("vi: factor %q is %dx%d, want a column", name, logp.Rows(), logp.Cols())
	}
	p.trace.Sites = append(p.trace.Sites, Site{Name: name, Kind: Factor, Value: logp, LogProb: logp, Scale: p.scaleOf(name, Factor)})
}

// Deterministic records value under name for summaries (a transformed
// parameter such as theta = mu + tau*eta) and returns it.
func (p *Program) Deterministic(name string, value ad.Var) ad.Var {
	p.checkName(name)
	p.trace.Sites = append(p.trace.Sites, Site{Name: name, Kind: Deterministic, Value: value, Scale: 1})
	return value
}

// Param returns the parameter name in constrained space, creating it on
// first use with the given initial (constrained) value, rows x cols
// row-major. support (nil for the real line) decides the bijector between
// the stored unconstrained value and the returned one.
func (p *Program) Param(name string, rows, cols int, init []float64, support dist.Support) ad.Var {
	p.site = name
	v, err := p.params.Param(p.tape, name, rows, cols, init, support)
	if err != nil {
		p.fail("vi: param %q: %w", name, err)
	}
	return v
}

// run executes f on p, turning panics (site errors, and any other panic in
// user code) into errors that name the site being processed.
func (p *Program) run(f func(*Program)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var se siteError
			switch x := r.(type) {
			case siteError:
				se = x
				err = se.err
			case error:
				err = fmt.Errorf("vi: at site %q: %w", p.site, x)
			default:
				err = fmt.Errorf("vi: at site %q: panic: %v\n%s", p.site, x, debug.Stack())
			}
		}
	}()
	f(p)
	return nil
}
