package autoguide

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// Flow returns a normalizing-flow guide for posteriors that no normal
// fits: funnels (centered hierarchies, where a group's spread scales with
// a hyperparameter), curved valleys (a non-centered latent whose
// conditional mean moves nonlinearly with a hyperparameter, as the GP
// latent of gp_pois_regr), skewed scale parameters (eight schools' τ).
//
// The flow starts from the full-rank normal of Laplace, in the
// coordinates whitened by the Laplace approximation at the mode,
//
//	w₀ ~ N(0, I),  w = a + B w₀,  w ← c_K ∘ … ∘ c_1 (w),  z = u* + L₀ w,
//
// with K affine coupling layers (Dinh, Sohl-Dickstein and Bengio 2017,
// "Density estimation using Real NVP", ICLR): layer k keeps the
// coordinates of its mask m_k and moves the others,
//
//	c_k(w) = m⊙w + (1-m)⊙(w⊙exp(s(m⊙w)) + t(m⊙w)),
//	s, t = affine maps of h = tanh((m⊙w) W + b) with hidden units,
//
// so log q(z) = log N(w₀) - log|B| - Σ_k Σ_i (1-m_k)_i s_i - log|L₀|. The
// masks are the bits of the coordinate index (layer 2j keeps the
// coordinates whose bit j is 0, layer 2j+1 those whose bit j is 1), so
// every coordinate is transformed conditionally on every other in some
// layer: K = 2⌈log₂ D⌉ layers. The output weights start at zero, so the
// flow starts as the Laplace approximation and a fit only improves on it.
// When the density has no mode (a funnel), w is whitened by the init
// scale around the init point instead, as MultivariateNormal.
//
// The sticking-the-landing estimator (elbo.Trace STL) is supported: the
// detached log-density inverts the couplings in closed form.
func Flow(hidden int, opts ...Option) vi.Guide {
	return &flow{cfg: newConfig(opts), hidden: hidden}
}

type flow struct {
	cfg    config
	hidden int
	base   laplace
	masks  [][]float64 // K masks, 1 x D: 1 where the layer keeps w
	layers []couplingParams
}

type couplingParams struct {
	w1, b1, ws, bs, wt, bt *ad.Param
}

func (g *flow) Setup(s *vi.Setup) error {
	if g.hidden < 1 {
		return fmt.Errorf("autoguide: Flow: hidden = %d, want at least 1", g.hidden)
	}
	g.base = laplace{base: base{cfg: g.cfg, name: "Flow"}}
	if err := g.base.Setup(s); err != nil {
		if err := g.setupWithoutMode(s); err != nil {
			return err
		}
	}
	d := g.base.lay.dim
	nb := max(bits.Len(uint(d-1)), 1)
	g.masks, g.layers = nil, nil
	for j := 0; j < nb; j++ {
		for side := 0; side < 2; side++ {
			m := make([]float64, d)
			for i := range m {
				if (i>>j)&1 == side {
					m[i] = 1
				}
			}
			g.masks = append(g.masks, m)
		}
	}
	h := g.hidden
	for k := range g.masks {
		w1 := make([]float64, d*h)
		sc := 1 / math.Sqrt(float64(d))
		for i := range w1 {
			w1[i] = sc * s.Rand.NormFloat64()
		}
		name := func(part string) string { return fmt.Sprintf("%s.flow%d.%s", g.cfg.prefix, k, part) }
		var cp couplingParams
		var err error
		add := func(dst **ad.Param, part string, rows, cols int, init []float64) {
			if err == nil {
				*dst, err = s.Params.Add(name(part), rows, cols, init)
			}
		}
		add(&cp.w1, "w1", d, h, w1)
		add(&cp.b1, "b1", 1, h, nil)
		add(&cp.ws, "ws", h, d, nil)
		add(&cp.bs, "bs", 1, d, nil)
		add(&cp.wt, "wt", h, d, nil)
		add(&cp.bt, "bt", 1, d, nil)
		if err != nil {
			return err
		}
		g.layers = append(g.layers, cp)
	}
	return nil
}

// setupWithoutMode whitens by the init scale around the init point.
func (g *flow) setupWithoutMode(s *vi.Setup) error {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	n := l.dim
	b := &g.base
	b.lay, b.mode = l, init
	b.l0 = make([]float64, n*n)
	for i := 0; i < n; i++ {
		b.l0[i*n+i] = g.cfg.initScale
	}
	b.logDetL0 = float64(n) * math.Log(g.cfg.initScale)
	if b.loc, err = s.Params.Add(g.cfg.prefix+".whitened_loc", 1, n, nil); err != nil {
		return err
	}
	raw := make([]float64, n*n)
	for i := 0; i < n; i++ {
		raw[i*n+i] = softplusInv(1)
	}
	b.raw, err = s.Params.Add(g.cfg.prefix+".whitened_scale_tril", 1, n*n, raw)
	return err
}

// coupling holds one layer's parameters on the tape.
type coupling struct {
	keep, move     ad.Var // masks m and 1-m, 1 x D
	w1, b1, ws, bs ad.Var
	wt, bt         ad.Var
}

func (g *flow) tapeLayers(t *ad.Tape, detach bool) []coupling {
	d := g.base.lay.dim
	out := make([]coupling, len(g.layers))
	for k, cp := range g.layers {
		keep := t.Const(1, d, g.masks[k])
		mv := make([]float64, d)
		for i, v := range g.masks[k] {
			mv[i] = 1 - v
		}
		p := func(x *ad.Param) ad.Var {
			v := t.Param(x)
			if detach {
				v = ad.Detach(v)
			}
			return v
		}
		out[k] = coupling{keep: keep, move: t.Const(1, d, mv), w1: p(cp.w1), b1: p(cp.b1), ws: p(cp.ws), bs: p(cp.bs), wt: p(cp.wt), bt: p(cp.bt)}
	}
	return out
}

// st returns the log-scale and shift of the moved coordinates, computed
// from the kept ones (zero on the kept coordinates).
func (c coupling) st(w ad.Var) (s, sh ad.Var) {
	x := ad.Mul(w, c.keep)
	h := ad.Tanh(ad.Add(ad.MatMul(x, c.w1), c.b1))
	s = ad.Mul(ad.Add(ad.MatMul(h, c.ws), c.bs), c.move)
	sh = ad.Mul(ad.Add(ad.MatMul(h, c.wt), c.bt), c.move)
	return s, sh
}

// forward applies the layer and returns its log-determinant per row.
func (c coupling) forward(w ad.Var) (ad.Var, ad.Var) {
	s, sh := c.st(w)
	return ad.Add(ad.Mul(w, ad.Exp(s)), sh), ad.SumCols(s)
}

// inverse undoes the layer and returns the forward log-determinant at the
// pre-image, per row.
func (c coupling) inverse(y ad.Var) (ad.Var, ad.Var) {
	s, sh := c.st(y) // the kept coordinates are unchanged
	return ad.Mul(ad.Sub(y, sh), ad.Exp(ad.Neg(s))), ad.SumCols(s)
}

func (g *flow) Guide(p *vi.Program) {
	b := &g.base
	b.ready(p, b.loc != nil)
	t := p.Tape()
	n := b.lay.dim
	a := t.Param(b.loc)
	bt := trilFromRaw(t.Param(b.raw), n)
	q := dist.MultivariateNormal{Loc: a, ScaleTril: bt}
	w := q.Rsample(p.Rand(), p.Particles())
	logq := q.LogProb(w)
	for _, c := range g.tapeLayers(t, false) {
		var ld ad.Var
		w, ld = c.forward(w)
		logq = ad.Sub(logq, ld)
	}
	// Sticking the landing: log q with the parameters detached, at the
	// draw (which keeps its dependence on the parameters).
	det := g.tapeLayers(t, true)
	v := w
	var sumLD ad.Var
	for k := len(det) - 1; k >= 0; k-- {
		var ld ad.Var
		v, ld = det[k].inverse(v)
		if k == len(det)-1 {
			sumLD = ld
		} else {
			sumLD = ad.Add(sumLD, ld)
		}
	}
	detached := ad.Sub(dist.MultivariateNormal{Loc: ad.Detach(a), ScaleTril: ad.Detach(bt)}.LogProb(v), sumLD)
	z := ad.Add(ad.MatMulTrans(w, false, t.Const(n, n, b.l0), true), t.Const(1, n, b.mode))
	shift := -b.logDetL0
	b.record(p, z, ad.Shift(logq, shift), ad.Shift(detached, shift))
}
