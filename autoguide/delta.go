package autoguide

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// Delta returns the point-mass (MAP) guide (Pyro's AutoDelta): every
// latent site is a parameter in unconstrained space mapped to its support;
// the guide's log-density is 0, so maximizing the ELBO maximizes the
// model's density in constrained space (the MAP estimate). All particles
// share the value.
func Delta(opts ...Option) vi.Guide {
	return &delta{base: base{cfg: newConfig(opts), name: "Delta"}}
}

type delta struct {
	base
	values []*ad.Param
}

func (g *delta) Setup(s *vi.Setup) error {
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	g.values = nil
	for _, info := range g.lay.sites {
		n := info.batch * info.ucols
		v, err := s.Params.Add(g.param(info.name+".value"), info.batch, info.ucols, init[info.offset:info.offset+n])
		if err != nil {
			return err
		}
		g.values = append(g.values, v)
	}
	return nil
}

func (g *delta) Guide(p *vi.Program) {
	g.ready(p, g.values != nil)
	t := p.Tape()
	for i, info := range g.lay.sites {
		u := t.Param(g.values[i])
		if k := p.Particles(); k > 1 {
			u = ad.TileRows(u, k)
		}
		value := u
		if !info.identity() {
			value = info.bij.Forward(u)
		}
		logq := t.Full(u.Rows(), 1, 0)
		p.Record(vi.Site{Name: info.name, Kind: vi.Latent, Value: value, LogProb: logq, DetachedLogProb: logq,
			Reparameterized: true, Support: info.support, Unconstrained: u})
	}
}
