package autoguide

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// site describes one latent site of a model for automatic guides.
type site struct {
	name    string
	support dist.Support
	bij     dist.Bijector
	batch   int // rows per particle
	cols    int // constrained width
	ucols   int // unconstrained width
	offset  int // offset in the flat unconstrained vector
}

// identity reports whether the site's bijector is the identity.
func (s site) identity() bool {
	_, ok := s.bij.(dist.Identity)
	return ok
}

// layout is the flat unconstrained vector of all latent sites of a model,
// in the order of the model's prototype trace.
type layout struct {
	sites []site
	dim   int
}

func layoutFrom(proto *vi.Trace) (layout, error) {
	var l layout
	for _, s := range proto.Latents() {
		bij := s.Support.Bijector()
		if bij == nil {
			return layout{}, fmt.Errorf("autoguide: latent site %q has discrete support %s: automatic guides need continuous latents", s.Name, s.Support)
		}
		r, c := s.Value.Shape()
		info := site{name: s.Name, support: s.Support, bij: bij, batch: r, cols: c, ucols: bij.InverseDim(c)}
		info.offset = l.dim
		l.dim += info.batch * info.ucols
		l.sites = append(l.sites, info)
	}
	if len(l.sites) == 0 {
		return layout{}, fmt.Errorf("autoguide: the model has no latent sites")
	}
	return l, nil
}

// base is what every automatic guide shares: its options, the layout of
// the model's latent sites and a name for error messages.
type base struct {
	cfg  config
	name string
	lay  layout
}

// setup reads the model's latent sites from the prototype trace and
// returns the flat unconstrained initial vector.
func (b *base) setup(s *vi.Setup) ([]float64, error) {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return nil, err
	}
	init, err := initFlat(s, l, b.cfg.init)
	if err != nil {
		return nil, err
	}
	b.lay = l
	return init, nil
}

// param names a parameter of the guide: prefix.suffix.
func (b *base) param(suffix string) string { return b.cfg.prefix + "." + suffix }

// ready fails the run when the guide is used before Setup.
func (b *base) ready(p *vi.Program, ok bool) {
	if !ok {
		p.Fail("autoguide: %s used before Setup", b.name)
	}
}

// jointSiteName names the guide factor that carries the joint log-density
// of a guide over the flat latent vector.
const jointSiteName = "_joint_log_q"

// record pushes the flat unconstrained draws z (S x D) through each
// site's bijector, records the sites with the negative log-Jacobians as
// their log-densities, and records the joint log q(z) (live, and with the
// guide's parameters detached) as a guide factor: the shared tail of the
// guides over the flat vector.
func (b *base) record(p *vi.Program, z, logq, detached ad.Var) {
	s := z.Rows()
	for _, info := range b.lay.sites {
		n := info.batch * info.ucols
		u := ad.SliceCols(z, info.offset, info.offset+n)
		if info.batch > 1 {
			u = ad.Reshape(u, s*info.batch, info.ucols)
		}
		value := u
		ld := p.Tape().Full(u.Rows(), 1, 0)
		if !info.identity() {
			value = info.bij.Forward(u)
			ld = info.bij.LogDetJacobian(u, value)
		}
		nld := ad.Neg(ld)
		p.Record(vi.Site{Name: info.name, Kind: vi.Latent, Value: value, LogProb: nld, DetachedLogProb: nld,
			Reparameterized: true, Support: info.support, Unconstrained: u})
	}
	p.Record(vi.Site{Name: jointSiteName, Kind: vi.Factor, Value: logq, LogProb: logq, DetachedLogProb: detached})
}
