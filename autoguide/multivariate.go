package autoguide

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/vi"
)

// MultivariateNormal returns the full-rank normal guide (Pyro's
// AutoMultivariateNormal): one multivariate normal over the flat
// unconstrained vector of all latent sites, with location and a Cholesky
// factor whose diagonal is softplus of a free parameter (initialized to the
// init scale). Its joint log-density is recorded as a guide factor, and
// each site carries the log-Jacobian of its bijector.
func MultivariateNormal(opts ...Option) vi.Guide {
	return &multivariateNormal{base: base{cfg: newConfig(opts), name: "MultivariateNormal"}}
}

type multivariateNormal struct {
	base
	loc, raw *ad.Param
}

func (g *multivariateNormal) Setup(s *vi.Setup) error {
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	d := g.lay.dim
	if g.loc, err = s.Params.Add(g.param("loc"), 1, d, init); err != nil {
		return err
	}
	raw := make([]float64, d*d)
	for i := 0; i < d; i++ {
		raw[i*d+i] = softplusInv(g.cfg.initScale)
	}
	g.raw, err = s.Params.Add(g.param("scale_tril"), 1, d*d, raw)
	return err
}

func (g *multivariateNormal) Guide(p *vi.Program) {
	g.ready(p, g.loc != nil)
	t := p.Tape()
	loc := t.Param(g.loc)
	L := trilFromRaw(t.Param(g.raw), g.lay.dim)
	q := dist.MultivariateNormal{Loc: loc, ScaleTril: L}
	z := q.Rsample(p.Rand(), p.Particles())
	logq := q.LogProb(z)
	detached := dist.MultivariateNormal{Loc: ad.Detach(loc), ScaleTril: ad.Detach(L)}.LogProb(z)
	g.record(p, z, logq, detached)
}

// LowRank returns the low-rank-plus-diagonal normal guide over the flat
// unconstrained vector (Pyro's AutoLowRankMultivariateNormal): covariance
// W Wᵀ + diag(d²) with W of the given rank (initialized with small random
// entries) and d = softplus of a free parameter (initialized to the init
// scale). Setup returns an error when rank < 1.
func LowRank(rank int, opts ...Option) vi.Guide {
	return &lowRank{base: base{cfg: newConfig(opts), name: "LowRank"}, rank: rank}
}

type lowRank struct {
	base
	rank           int
	loc, w, rawDia *ad.Param
}

func (g *lowRank) Setup(s *vi.Setup) error {
	if g.rank < 1 {
		return fmt.Errorf("autoguide: LowRank: rank %d, want >= 1", g.rank)
	}
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	d, k := g.lay.dim, g.rank
	if g.loc, err = s.Params.Add(g.param("loc"), 1, d, init); err != nil {
		return err
	}
	w := make([]float64, d*k)
	for i := range w {
		w[i] = 0.5 * g.cfg.initScale / float64(k) * s.Rand.NormFloat64()
	}
	if g.w, err = s.Params.Add(g.param("cov_factor"), 1, d*k, w); err != nil {
		return err
	}
	raw := make([]float64, d)
	for i := range raw {
		raw[i] = softplusInv(g.cfg.initScale)
	}
	g.rawDia, err = s.Params.Add(g.param("scale"), 1, d, raw)
	return err
}

func (g *lowRank) Guide(p *vi.Program) {
	g.ready(p, g.loc != nil)
	t := p.Tape()
	loc, w := t.Param(g.loc), t.Param(g.w)
	diag := ad.Square(ad.Softplus(t.Param(g.rawDia)))
	q := dist.LowRankMultivariateNormal{Loc: loc, CovFactor: w, CovDiag: diag}
	z := q.Rsample(p.Rand(), p.Particles())
	logq := q.LogProb(z)
	detached := dist.LowRankMultivariateNormal{Loc: ad.Detach(loc), CovFactor: ad.Detach(w), CovDiag: ad.Detach(diag)}.LogProb(z)
	g.record(p, z, logq, detached)
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
