package vi

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/special"
)

// jointSiteName names the guide factor that carries the joint log-density
// of a guide over the flat latent vector.
const jointSiteName = "_joint_log_q"

// recordJoint pushes the flat unconstrained draws z (S x D) through each
// site's bijector, records the sites with the log-Jacobians as their
// log-densities, and records the joint log q(z) as a guide factor.
func recordJoint(p *Program, lay layout, z, logq, detached ad.Var) {
	s := z.Rows()
	for _, info := range lay.sites {
		n := info.batch * info.ucols
		u := ad.SliceCols(z, info.offset, info.offset+n)
		if info.batch > 1 {
			u = ad.Reshape(u, s*info.batch, info.ucols)
		}
		value := u
		ld := p.tape.Full(u.Rows(), 1, 0)
		if _, ok := info.bij.(dist.Identity); !ok {
			value = info.bij.Forward(u)
			ld = info.bij.LogDetJacobian(u, value)
		}
		p.SampleValue(info.name, nil, value, u, ad.Neg(ld), info.support)
		p.trace.Sites[len(p.trace.Sites)-1].DetachedLogProb = ad.Neg(ld)
	}
	p.checkName(jointSiteName)
	p.trace.Sites = append(p.trace.Sites, Site{Name: jointSiteName, Kind: Factor, Value: logq, LogProb: logq, Scale: 1, DetachedLogProb: detached})
}

// trilFromRaw maps an unconstrained 1 x D*D row to a lower-triangular
// factor with positive diagonal: strictly lower entries as they are,
// softplus on the diagonal, zeros above. One fused node.
func trilFromRaw(raw ad.Var, d int) ad.Var {
	f := ad.NewFused(1, d*d, ad.Elementwise, raw)
	out, pr := f.Out(), f.Partial(0)
	rv := raw.Value()
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			k := i*d + j
			switch {
			case j < i:
				out[k] = rv[k]
				if pr != nil {
					pr[k] = 1
				}
			case j == i:
				out[k] = special.Softplus(rv[k])
				if pr != nil {
					pr[k] = special.Sigmoid(rv[k])
				}
			default:
				out[k] = 0
			}
		}
	}
	return f.Var()
}

// AutoMultivariateNormal returns the full-rank normal guide: one
// multivariate normal over the flat unconstrained vector of all latent
// sites, with location and a Cholesky factor whose diagonal is softplus of
// a free parameter (initialized to the init scale). Its joint log-density
// is recorded as a guide factor, and each site carries the log-Jacobian of
// its bijector.
func AutoMultivariateNormal(opts ...AutoOption) Guide {
	return &autoMVN{cfg: newAutoConfig(opts)}
}

type autoMVN struct {
	cfg      autoConfig
	lay      layout
	loc, raw *ad.Param
}

func (g *autoMVN) Setup(s *Setup) error {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	g.lay = l
	d := l.dim
	if g.loc, err = s.Params.Add(g.cfg.prefix+".loc", 1, d, init); err != nil {
		return err
	}
	raw := make([]float64, d*d)
	for i := 0; i < d; i++ {
		raw[i*d+i] = softplusInv(g.cfg.initScale)
	}
	g.raw, err = s.Params.Add(g.cfg.prefix+".scale_tril", 1, d*d, raw)
	return err
}

func (g *autoMVN) Guide(p *Program) {
	if g.loc == nil {
		p.fail("vi: AutoMultivariateNormal used before Setup")
	}
	t := p.Tape()
	loc := t.Param(g.loc)
	L := trilFromRaw(t.Param(g.raw), g.lay.dim)
	q := dist.MultivariateNormal{Loc: loc, ScaleTril: L}
	z := q.Rsample(p.rng, p.particles)
	logq := q.LogProb(z)
	detached := dist.MultivariateNormal{Loc: ad.Detach(loc), ScaleTril: ad.Detach(L)}.LogProb(z)
	recordJoint(p, g.lay, z, logq, detached)
}

// AutoLowRankMultivariateNormal returns the low-rank-plus-diagonal normal
// guide over the flat unconstrained vector: covariance W Wᵀ + diag(d²)
// with W of the given rank (initialized with small random entries) and
// d = softplus of a free parameter (initialized to the init scale).
func AutoLowRankMultivariateNormal(rank int, opts ...AutoOption) Guide {
	return &autoLowRank{cfg: newAutoConfig(opts), rank: rank}
}

type autoLowRank struct {
	cfg            autoConfig
	rank           int
	lay            layout
	loc, w, rawDia *ad.Param
}

func (g *autoLowRank) Setup(s *Setup) error {
	if g.rank < 1 {
		return fmt.Errorf("vi: AutoLowRankMultivariateNormal: rank %d", g.rank)
	}
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	g.lay = l
	d, k := l.dim, g.rank
	if g.loc, err = s.Params.Add(g.cfg.prefix+".loc", 1, d, init); err != nil {
		return err
	}
	w := make([]float64, d*k)
	for i := range w {
		w[i] = 0.5 * g.cfg.initScale / float64(k) * s.Rand.NormFloat64()
	}
	if g.w, err = s.Params.Add(g.cfg.prefix+".cov_factor", 1, d*k, w); err != nil {
		return err
	}
	raw := make([]float64, d)
	for i := range raw {
		raw[i] = softplusInv(g.cfg.initScale)
	}
	g.rawDia, err = s.Params.Add(g.cfg.prefix+".scale", 1, d, raw)
	return err
}

func (g *autoLowRank) Guide(p *Program) {
	if g.loc == nil {
		p.fail("vi: AutoLowRankMultivariateNormal used before Setup")
	}
	t := p.Tape()
	loc, w := t.Param(g.loc), t.Param(g.w)
	diag := ad.Square(ad.Softplus(t.Param(g.rawDia)))
	q := dist.LowRankMultivariateNormal{Loc: loc, CovFactor: w, CovDiag: diag}
	z := q.Rsample(p.rng, p.particles)
	logq := q.LogProb(z)
	detached := dist.LowRankMultivariateNormal{Loc: ad.Detach(loc), CovFactor: ad.Detach(w), CovDiag: ad.Detach(diag)}.LogProb(z)
	recordJoint(p, g.lay, z, logq, detached)
}

// initFlat returns the flat unconstrained initial vector for a guide.
func initFlat(s *Setup, l layout, strat InitStrategy) ([]float64, error) {
	if w, ok := strat.(wholeInit); ok {
		return w.initAll(s, l)
	}
	return initUnconstrained(l, s.Proto, strat, s.Rand)
}

// wholeInit is an initialization strategy that needs the whole model (MAP).
type wholeInit interface {
	initAll(s *Setup, l layout) ([]float64, error)
}
