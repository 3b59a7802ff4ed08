package autoguide

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// The automatic guides with a density (all but Delta) implement
// vi.GuideDensity, so that the forward-KL objectives can score values the
// guide did not draw: log q(z) = log q_U(u) - Σ_sites log|det J_T(u)| at
// u = T⁻¹(z), the change of variables of the sites' bijectors T.
var (
	_ vi.GuideDensity = (*normal)(nil)
	_ vi.GuideDensity = (*mixture)(nil)
	_ vi.GuideDensity = (*multivariateNormal)(nil)
	_ vi.GuideDensity = (*lowRank)(nil)
	_ vi.GuideDensity = (*laplace)(nil)
	_ vi.GuideDensity = (*flow)(nil)
)

// siteValue maps the constrained values of one site (n*B x cols) to the
// unconstrained ones (n*B x ucols) with log|det J_T| per row (n*B x 1),
// and returns n.
func (b *base) siteValue(t *ad.Tape, info site, values map[string]ad.Var) (u, logDet ad.Var, n int, err error) {
	v, ok := values[info.name]
	if !ok {
		return ad.Var{}, ad.Var{}, 0, fmt.Errorf("autoguide: %s: no value for site %q", b.name, info.name)
	}
	r, c := v.Shape()
	if c != info.cols || r == 0 || r%info.batch != 0 {
		return ad.Var{}, ad.Var{}, 0, fmt.Errorf("autoguide: %s: site %q: value is %dx%d, want n*%d x %d", b.name, info.name, r, c, info.batch, info.cols)
	}
	if info.identity() {
		return v, t.Full(r, 1, 0), r / info.batch, nil
	}
	u = info.bij.Inverse(v)
	return u, info.bij.LogDetJacobian(u, v), r / info.batch, nil
}

// perDraw sums the n*B rows of a site's column into n rows, one per draw.
func perDraw(v ad.Var, n, batch int) ad.Var {
	if batch == 1 {
		return v
	}
	return ad.SumCols(ad.Reshape(v, n, batch))
}

// flatValues maps the constrained values of every site to the flat
// unconstrained vector (n x D, the guide's layout) and returns it with
// Σ_sites log|det J_T(u)| per draw (n x 1).
func (b *base) flatValues(t *ad.Tape, values map[string]ad.Var) (u, logDet ad.Var, err error) {
	n := -1
	parts := make([]ad.Var, 0, len(b.lay.sites))
	for _, info := range b.lay.sites {
		us, ld, ns, err := b.siteValue(t, info, values)
		if err != nil {
			return ad.Var{}, ad.Var{}, err
		}
		if n >= 0 && ns != n {
			return ad.Var{}, ad.Var{}, fmt.Errorf("autoguide: %s: site %q has %d values, the others %d", b.name, info.name, ns, n)
		}
		n = ns
		if info.batch > 1 {
			us = ad.Reshape(us, n, info.batch*info.ucols)
		}
		parts = append(parts, us)
		ld = perDraw(ld, n, info.batch)
		if logDet == (ad.Var{}) {
			logDet = ld
		} else {
			logDet = ad.Add(logDet, ld)
		}
	}
	if len(parts) == 1 {
		return parts[0], logDet, nil
	}
	return ad.ConcatCols(parts...), logDet, nil
}

// LogDensity implements vi.GuideDensity: the product of the sites'
// transformed normals.
func (g *normal) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	if g.locs == nil {
		return ad.Var{}, fmt.Errorf("autoguide: Normal used before Setup")
	}
	var sum ad.Var
	for i, info := range g.lay.sites {
		u, ld, n, err := g.siteValue(t, info, values)
		if err != nil {
			return ad.Var{}, err
		}
		q := dist.Normal{Loc: t.Param(g.locs[i]), Scale: ad.Softplus(t.Param(g.scales[i]))}
		lp := perDraw(ad.Sub(q.LogProb(u), ld), n, info.batch)
		if sum == (ad.Var{}) {
			sum = lp
		} else {
			sum = ad.Add(sum, lp)
		}
	}
	return sum, nil
}

// LogDensity implements vi.GuideDensity: log Σ_c w_c N(u | loc_c, scale_c)
// minus the log-Jacobians.
func (g *mixture) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	if g.locs == nil {
		return ad.Var{}, fmt.Errorf("autoguide: Mixture used before Setup")
	}
	u, ld, err := g.flatValues(t, values)
	if err != nil {
		return ad.Var{}, err
	}
	live, _ := g.logProb(u, t.Param(g.locs), ad.Softplus(t.Param(g.scales)), ad.LogSoftmaxCols(t.Param(g.logits)))
	return ad.Sub(live, ld), nil
}

// LogDensity implements vi.GuideDensity.
func (g *multivariateNormal) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	if g.loc == nil {
		return ad.Var{}, fmt.Errorf("autoguide: MultivariateNormal used before Setup")
	}
	u, ld, err := g.flatValues(t, values)
	if err != nil {
		return ad.Var{}, err
	}
	q := dist.MultivariateNormal{Loc: t.Param(g.loc), ScaleTril: trilFromRaw(t.Param(g.raw), g.lay.dim)}
	return ad.Sub(q.LogProb(u), ld), nil
}

// LogDensity implements vi.GuideDensity.
func (g *lowRank) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	if g.loc == nil {
		return ad.Var{}, fmt.Errorf("autoguide: LowRank used before Setup")
	}
	u, ld, err := g.flatValues(t, values)
	if err != nil {
		return ad.Var{}, err
	}
	q := dist.LowRankMultivariateNormal{Loc: t.Param(g.loc), CovFactor: t.Param(g.w), CovDiag: ad.Square(ad.Softplus(t.Param(g.rawDia)))}
	return ad.Sub(q.LogProb(u), ld), nil
}

// whiten returns w = (u - mode) L0⁻ᵀ, the pre-image of the flat values
// under the Laplace map u = w L0ᵀ + mode.
func (g *laplace) whiten(t *ad.Tape, u ad.Var) (ad.Var, error) {
	n := g.lay.dim
	var linv mat.TriDense
	// L0 is a Cholesky factor (positive diagonal), so its inverse exists;
	// a mat.Condition error only warns that it is ill-conditioned.
	if err := linv.InverseTri(mat.NewTriDense(n, mat.Lower, g.l0)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return ad.Var{}, fmt.Errorf("autoguide: %s: inverting the Laplace factor: %w", g.name, err)
		}
	}
	inv := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			inv[i*n+j] = linv.At(i, j)
		}
	}
	return ad.MatMulTrans(ad.Sub(u, t.Const(1, n, g.mode)), false, t.Const(n, n, inv), true), nil
}

// LogDensity implements vi.GuideDensity.
func (g *laplace) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	if g.loc == nil {
		return ad.Var{}, fmt.Errorf("autoguide: Laplace used before Setup")
	}
	u, ld, err := g.flatValues(t, values)
	if err != nil {
		return ad.Var{}, err
	}
	w, err := g.whiten(t, u)
	if err != nil {
		return ad.Var{}, err
	}
	q := dist.MultivariateNormal{Loc: t.Param(g.loc), ScaleTril: trilFromRaw(t.Param(g.raw), g.lay.dim)}
	return ad.Sub(ad.Shift(q.LogProb(w), -g.logDetL0), ld), nil
}

// LogDensity implements vi.GuideDensity: the couplings inverted in closed
// form, as for the sticking-the-landing density.
func (g *flow) LogDensity(t *ad.Tape, values map[string]ad.Var) (ad.Var, error) {
	b := &g.base
	if b.loc == nil {
		return ad.Var{}, fmt.Errorf("autoguide: Flow used before Setup")
	}
	u, ld, err := b.flatValues(t, values)
	if err != nil {
		return ad.Var{}, err
	}
	w, err := b.whiten(t, u)
	if err != nil {
		return ad.Var{}, err
	}
	layers := g.tapeLayers(t, false)
	logq := ad.Shift(ad.Neg(ld), -b.logDetL0)
	for k := len(layers) - 1; k >= 0; k-- {
		var lk ad.Var
		w, lk = layers[k].inverse(w)
		logq = ad.Sub(logq, lk)
	}
	q := dist.MultivariateNormal{Loc: t.Param(b.loc), ScaleTril: trilFromRaw(t.Param(b.raw), b.lay.dim)}
	return ad.Add(logq, q.LogProb(w)), nil
}
