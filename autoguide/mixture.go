package autoguide

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// Mixture returns a guide that is a mixture of k mean-field normals over
// the flat unconstrained vector of all latent sites, with learned weights.
// For objectives its particles are stratified: with S particles (a
// multiple of k), S/k are drawn from each component and weighted by
// k·w_c/S, so the ELBO Σ_c w_c E_{q_c}[log p - log q] is estimated with
// reparameterized gradients for the weights as well as the components
// (log q is the whole mixture's density). Draws from the fitted guide
// (vi.Program.Drawing) choose components ancestrally. Components start at
// the initial point plus independent N(0, (3·init scale)²) jitter, so that
// they can separate. Setup returns an error when k < 1.
func Mixture(k int, opts ...Option) vi.Guide {
	return &mixture{base: base{cfg: newConfig(opts), name: "Mixture"}, k: k}
}

type mixture struct {
	base
	k                    int
	locs, scales, logits *ad.Param
}

func (g *mixture) Setup(s *vi.Setup) error {
	if g.k < 1 {
		return fmt.Errorf("autoguide: Mixture with %d components, want >= 1", g.k)
	}
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	d, k := g.lay.dim, g.k
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
	if g.locs, err = s.Params.Add(g.param("locs"), k, d, locs); err != nil {
		return err
	}
	if g.scales, err = s.Params.Add(g.param("scales"), k, d, raw); err != nil {
		return err
	}
	g.logits, err = s.Params.Add(g.param("logits"), 1, k, nil)
	return err
}

func (g *mixture) Guide(p *vi.Program) {
	g.ready(p, g.locs != nil)
	t := p.Tape()
	rng := p.Rand()
	s, k, d := p.Particles(), g.k, g.lay.dim
	locs := t.Param(g.locs)                  // k x d
	scales := ad.Softplus(t.Param(g.scales)) // k x d
	logits := t.Param(g.logits)              // 1 x k
	logw := ad.LogSoftmaxCols(logits)
	// One-hot component memberships of the particles.
	oh := t.Buffer(s * k)
	clear(oh)
	comp := make([]int, s)
	if p.Drawing() {
		w := logw.Value()
		for i := range comp {
			u, acc := rng.Float64(), 0.0
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
			p.Fail("autoguide: Mixture with %d components needs a multiple of %d particles, got %d", k, k, s)
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
		eps[i] = rng.NormFloat64()
	}
	z := ad.Add(ad.MatMul(onehot, locs), ad.Mul(ad.MatMul(onehot, scales), t.Const(s, d, eps)))
	logq, detached := g.logProb(z, locs, scales, logw)
	g.record(p, z, logq, detached)
	if !p.Drawing() {
		// w_s = k·softmax(logits)_{c(s)}/S
		w := ad.Scale(ad.MatMulTrans(onehot, false, ad.Exp(logw), true), float64(k)/float64(s))
		p.SetParticleWeights(w)
	}
}

// logProb returns log Σ_c w_c N(z | loc_c, scale_c) per row, with live and
// with detached parameters.
func (g *mixture) logProb(z, locs, scales, logw ad.Var) (ad.Var, ad.Var) {
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
