package autoguide

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// Normal returns the mean-field normal guide (Pyro's AutoNormal): every
// latent site gets an independent normal in unconstrained space, with
// location initialized by the init strategy and scale softplus(ρ)
// initialized to the init scale. Constrained sites are pushed through their
// support's bijector and their log-density includes the log-Jacobian.
func Normal(opts ...Option) vi.Guide {
	return &normal{base: base{cfg: newConfig(opts), name: "Normal"}}
}

type normal struct {
	base
	locs   []*ad.Param
	scales []*ad.Param
}

func (g *normal) Setup(s *vi.Setup) error {
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	g.locs, g.scales = nil, nil
	var sds []float64
	if g.cfg.laplaceScales {
		if sds, err = laplaceScales(s, g.lay, init, g.cfg.initScale); err != nil {
			return fmt.Errorf("autoguide: Normal: %w", err)
		}
	}
	rho := softplusInv(g.cfg.initScale)
	for _, info := range g.lay.sites {
		n := info.batch * info.ucols
		loc, err := s.Params.Add(g.param(info.name+".loc"), info.batch, info.ucols, init[info.offset:info.offset+n])
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
		sc, err := s.Params.Add(g.param(info.name+".scale"), info.batch, info.ucols, r)
		if err != nil {
			return err
		}
		g.locs = append(g.locs, loc)
		g.scales = append(g.scales, sc)
	}
	return nil
}

func (g *normal) Guide(p *vi.Program) {
	g.ready(p, g.locs != nil)
	t := p.Tape()
	for i, info := range g.lay.sites {
		loc := t.Param(g.locs[i])
		scale := ad.Softplus(t.Param(g.scales[i]))
		q := dist.Normal{Loc: loc, Scale: scale}
		z := q.Rsample(p.Rand(), p.Particles())
		logq := q.LogProb(z)
		detached := dist.Normal{Loc: ad.Detach(loc), Scale: ad.Detach(scale)}.LogProb(z)
		value := z
		var d dist.Distribution = q
		if !info.identity() {
			value = info.bij.Forward(z)
			ld := info.bij.LogDetJacobian(z, value)
			logq = ad.Sub(logq, ld)
			detached = ad.Sub(detached, ld)
			d = dist.TransformedDistribution{Base: q, Transforms: []dist.Bijector{info.bij}}
		}
		p.Record(vi.Site{Name: info.name, Kind: vi.Latent, Dist: d, Value: value, LogProb: logq, DetachedLogProb: detached,
			Reparameterized: true, Support: info.support, Unconstrained: z})
	}
}
