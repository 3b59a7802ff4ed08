package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// AutoOption configures an automatic guide.
type AutoOption func(*autoConfig)

type autoConfig struct {
	init      InitStrategy
	initScale float64
	prefix    string
	// laplaceScales: WithLaplaceScales (laplacescale.go).
	laplaceScales bool
}

func newAutoConfig(opts []AutoOption) autoConfig {
	c := autoConfig{init: InitToMedian(15), initScale: 0.1, prefix: "auto"}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithInit sets the initialization strategy (default InitToMedian(15)).
func WithInit(s InitStrategy) AutoOption { return func(c *autoConfig) { c.init = s } }

// WithInitScale sets the initial standard deviation of the guide in
// unconstrained space (default 0.1, as Pyro).
func WithInitScale(s float64) AutoOption { return func(c *autoConfig) { c.initScale = s } }

// WithPrefix sets the prefix of the guide's parameter names (default
// "auto").
func WithPrefix(p string) AutoOption { return func(c *autoConfig) { c.prefix = p } }

// softplusInv returns x with softplus(x) = y, for y > 0.
func softplusInv(y float64) float64 {
	if y > 30 {
		return y
	}
	return y + math.Log(-math.Expm1(-y))
}

// AutoNormal returns the mean-field normal guide: every latent site gets an
// independent normal in unconstrained space, with location initialized by
// the init strategy and scale softplus(ρ) initialized to the init scale.
// Constrained sites are pushed through their support's bijector and their
// log-density includes the log-Jacobian.
func AutoNormal(opts ...AutoOption) Guide {
	return &autoNormal{cfg: newAutoConfig(opts)}
}

type autoNormal struct {
	cfg    autoConfig
	lay    layout
	locs   []*ad.Param
	scales []*ad.Param
}

func (g *autoNormal) Setup(s *Setup) error {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	g.lay = l
	g.locs, g.scales = nil, nil
	var sds []float64
	if g.cfg.laplaceScales {
		if sds, err = laplaceScales(s, l, init, g.cfg.initScale); err != nil {
			return fmt.Errorf("vi: AutoNormal: %w", err)
		}
	}
	rho := softplusInv(g.cfg.initScale)
	for _, info := range l.sites {
		n := info.batch * info.ucols
		loc, err := s.Params.Add(fmt.Sprintf("%s.%s.loc", g.cfg.prefix, info.name), info.batch, info.ucols, init[info.offset:info.offset+n])
		if err != nil {
			return err
		}
		r := make([]float64, n)
		for i := range r {
			r[i] = rho
			if sds != nil {
				r[i] = softplusInv(sds[info.offset+i])
			}
		}
		sc, err := s.Params.Add(fmt.Sprintf("%s.%s.scale", g.cfg.prefix, info.name), info.batch, info.ucols, r)
		if err != nil {
			return err
		}
		g.locs = append(g.locs, loc)
		g.scales = append(g.scales, sc)
	}
	return nil
}

func (g *autoNormal) Guide(p *Program) {
	if g.locs == nil {
		p.fail("vi: AutoNormal used before Setup")
	}
	t := p.Tape()
	for i, info := range g.lay.sites {
		loc := t.Param(g.locs[i])
		scale := ad.Softplus(t.Param(g.scales[i]))
		base := dist.Normal{Loc: loc, Scale: scale}
		z := base.Rsample(p.rng, p.particles)
		logq := base.LogProb(z)
		detached := dist.Normal{Loc: ad.Detach(loc), Scale: ad.Detach(scale)}.LogProb(z)
		value := z
		var d dist.Distribution = base
		if _, ok := info.bij.(dist.Identity); !ok {
			value = info.bij.Forward(z)
			ld := info.bij.LogDetJacobian(z, value)
			logq = ad.Sub(logq, ld)
			detached = ad.Sub(detached, ld)
			d = dist.TransformedDistribution{Base: base, Transforms: []dist.Bijector{info.bij}}
		}
		p.SampleValue(info.name, d, value, z, logq, info.support)
		p.trace.Sites[len(p.trace.Sites)-1].DetachedLogProb = detached
	}
}

// AutoDelta returns the point-mass (MAP) guide: every latent site is a
// parameter in unconstrained space mapped to its support; the guide's
// log-density is 0, so maximizing the ELBO maximizes the model's density in
// constrained space (the MAP estimate). All particles share the value.
func AutoDelta(opts ...AutoOption) Guide {
	return &autoDelta{cfg: newAutoConfig(opts)}
}

type autoDelta struct {
	cfg    autoConfig
	lay    layout
	values []*ad.Param
	// jacobian adds -log|J| to the guide's log-density, so that the fit
	// maximizes the density in unconstrained space (AutoLaplace uses it).
	jacobian bool
}

func (g *autoDelta) Setup(s *Setup) error {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	g.lay = l
	g.values = nil
	for _, info := range l.sites {
		n := info.batch * info.ucols
		v, err := s.Params.Add(fmt.Sprintf("%s.%s.value", g.cfg.prefix, info.name), info.batch, info.ucols, init[info.offset:info.offset+n])
		if err != nil {
			return err
		}
		g.values = append(g.values, v)
	}
	return nil
}

func (g *autoDelta) Guide(p *Program) {
	if g.values == nil {
		p.fail("vi: AutoDelta used before Setup")
	}
	t := p.Tape()
	for i, info := range g.lay.sites {
		u := t.Param(g.values[i])
		if p.particles > 1 {
			u = ad.TileRows(u, p.particles)
		}
		value := u
		if _, ok := info.bij.(dist.Identity); !ok {
			value = info.bij.Forward(u)
		}
		logq := t.Full(u.Rows(), 1, 0)
		if g.jacobian {
			logq = ad.Neg(info.bij.LogDetJacobian(u, value))
		}
		p.SampleValue(info.name, nil, value, u, logq, info.support)
		p.trace.Sites[len(p.trace.Sites)-1].DetachedLogProb = logq
	}
}
