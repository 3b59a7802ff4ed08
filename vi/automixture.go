package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// AutoMixture returns a guide that is a mixture of k mean-field normals
// over the flat unconstrained vector of all latent sites, with learned
// weights. For objectives its particles are stratified: with S particles
// (a multiple of k), S/k are drawn from each component and weighted by
// k·w_c/S, so the ELBO Σ_c w_c E_{q_c}[log p - log q] is estimated with
// reparameterized gradients for the weights as well as the components
// (log q is the whole mixture's density). Draws from the fitted guide
// choose components ancestrally. Components start at the initial point
// plus independent N(0, init scale²) jitter, so that they can separate.
func AutoMixture(k int, opts ...AutoOption) Guide {
	return &autoMixture{cfg: newAutoConfig(opts), k: k}
}

type autoMixture struct {
	cfg                  autoConfig
	k                    int
	lay                  layout
	locs, scales, logits *ad.Param
}

func (g *autoMixture) Setup(s *Setup) error {
	if g.k < 1 {
		return fmt.Errorf("vi: AutoMixture with %d components", g.k)
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
	d, k := l.dim, g.k
	locs := make([]float64, k*d)
	raw := make([]float64, k*d)
	for c := 0; c < k; c++ {
		for j := 0; j < d; j++ {
			jitter := 0.0
			if k > 1 {
				jitter = 3 * g.cfg.initScale * s.Rand.NormFloat64()
			}
			locs[c*d+j] = init[j] + jitter
			raw[c*d+j] = softplusInv(g.cfg.initScale)
		}
	}
	if g.locs, err = s.Params.Add(g.cfg.prefix+".locs", k, d, locs); err != nil {
		return err
	}
	if g.scales, err = s.Params.Add(g.cfg.prefix+".scales", k, d, raw); err != nil {
		return err
	}
	g.logits, err = s.Params.Add(g.cfg.prefix+".logits", 1, k, nil)
	return err
}

func (g *autoMixture) Guide(p *Program) {
	if g.locs == nil {
		p.fail("vi: AutoMixture used before Setup")
	}
	t := p.Tape()
	s, k, d := p.particles, g.k, g.lay.dim
	locs := t.Param(g.locs)                  // k x d
	scales := ad.Softplus(t.Param(g.scales)) // k x d
	logits := t.Param(g.logits)              // 1 x k
	logw := ad.LogSoftmaxCols(logits)
	// One-hot component memberships of the particles.
	oh := t.Buffer(s * k)
	clear(oh)
	comp := make([]int, s)
	if p.drawing {
		w := logw.Value()
		for i := range comp {
			u, acc := p.rng.Float64(), 0.0
			comp[i] = k - 1
			for c := 0; c < k; c++ {
				acc += math.Exp(w[c])
				if u < acc {
					comp[i] = c
					break
				}
			}
		}
	} else {
		if s%k != 0 {
			p.fail("vi: AutoMixture with %d components needs a multiple of %d particles, got %d", k, k, s)
		}
		for i := range comp {
			comp[i] = i / (s / k)
		}
	}
	for i, c := range comp {
		oh[i*k+c] = 1
	}
	onehot := t.Const(s, k, oh)
	eps := t.Buffer(s * d)
	for i := range eps {
		eps[i] = p.rng.NormFloat64()
	}
	z := ad.Add(ad.MatMul(onehot, locs), ad.Mul(ad.MatMul(onehot, scales), t.Const(s, d, eps)))
	logq, detached := g.mixtureLogProb(z, locs, scales, logw)
	recordJoint(p, g.lay, z, logq, detached)
	if !p.drawing {
		// w_s = k·softmax(logits)_{c(s)}/S
		w := ad.Scale(ad.MatMulTrans(onehot, false, ad.Exp(logw), true), float64(k)/float64(s))
		p.SetParticleWeights(w)
	}
}

// mixtureLogProb returns log Σ_c w_c N(z | loc_c, scale_c) per row, with
// live and with detached parameters.
func (g *autoMixture) mixtureLogProb(z, locs, scales, logw ad.Var) (ad.Var, ad.Var) {
	comps := make([]ad.Var, g.k)
	det := make([]ad.Var, g.k)
	for c := 0; c < g.k; c++ {
		lc, sc := ad.SliceRows(locs, c, c+1), ad.SliceRows(scales, c, c+1)
		comps[c] = dist.Normal{Loc: lc, Scale: sc}.LogProb(z)
		det[c] = dist.Normal{Loc: ad.Detach(lc), Scale: ad.Detach(sc)}.LogProb(z)
	}
	live := ad.LogSumExpCols(ad.Add(ad.ConcatCols(comps...), logw))
	frozen := ad.LogSumExpCols(ad.Add(ad.ConcatCols(det...), ad.Detach(logw)))
	return live, frozen
}
