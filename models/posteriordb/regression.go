package posteriordb

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// regression is the Gaussian linear model y_n ~ N(x_n · b, σ) with P
// coefficients b and σ > 0; z = (b_1..b_P, log σ), log-Jacobian log σ.
// The S x N means of the S particles are one matrix product b Xᵀ.
type regression struct {
	n, p int
	x    ad.Var // N x P design
	y    ad.Var // 1 x N responses
	// coefLoc and coefScale give b_k ~ N(coefLoc_k, coefScale_k) (1 x P);
	// a zero Var means a flat prior.
	coefLoc, coefScale ad.Var
	// sigmaPrior is the prior on σ.
	sigmaPrior scalePrior
	sigmaScale float64
	// groups name the reported blocks of b in order.
	groups []group
}

// scalePrior is the prior of a positive scale.
type scalePrior uint8

const (
	flatScale       scalePrior = iota // improper uniform on (0, ∞)
	halfCauchyScale                   // half-Cauchy(0, sigmaScale)
	halfNormalScale                   // half-normal(0, sigmaScale)
)

// group is a block of columns [from, to) reported under name.
type group struct {
	name     string
	from, to int
}

func (m *regression) dim() int { return m.p + 1 }

func (m *regression) constrain(z ad.Var) (c, logJac ad.Var) {
	sigma, lj := expTransform(ad.ColOf(z, m.p))
	return ad.ConcatCols(ad.SliceCols(z, 0, m.p), sigma), lj
}

func (m *regression) logDensity(_, c ad.Var) ad.Var {
	b, sigma := ad.SliceCols(c, 0, m.p), ad.ColOf(c, m.p)
	mean := ad.MatMulTrans(b, false, m.x, true) // S x N
	terms := []ad.Var{dist.Normal{Loc: mean, Scale: sigma}.LogProb(m.y)}
	if m.coefLoc != (ad.Var{}) {
		terms = append(terms, dist.Normal{Loc: m.coefLoc, Scale: m.coefScale}.LogProb(b))
	}
	switch m.sigmaPrior {
	case halfCauchyScale:
		terms = append(terms, halfCauchyLP(sigma, m.sigmaScale))
	case halfNormalScale:
		terms = append(terms, halfNormalLP(sigma, m.sigmaScale))
	}
	return addAll(terms...)
}

func (m *regression) report(c ad.Var) []site {
	var out []site
	for _, g := range m.groups {
		out = append(out, site{g.name, ad.SliceCols(c, g.from, g.to)})
	}
	return append(out, site{"sigma", ad.ColOf(c, m.p)})
}

// newKilpisjarvi is the kilpisjarvi model (Bales et al. 2019): summer
// temperature y_n ~ N(α + β x_n, σ) with α ~ N(pmualpha, psalpha),
// β ~ N(pmubeta, psbeta) and a flat prior on σ > 0. z = (α, β, log σ).
func newKilpisjarvi(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	x, err := d.vector("x", n)
	if err != nil {
		return nil, err
	}
	y, err := d.vector("y", n)
	if err != nil {
		return nil, err
	}
	var hyper [4]float64
	for i, name := range []string{"pmualpha", "psalpha", "pmubeta", "psbeta"} {
		if hyper[i], err = d.scalar(name); err != nil {
			return nil, err
		}
		if i%2 == 1 && !positive(hyper[i]) {
			return nil, fmt.Errorf("%q = %v, want > 0", name, hyper[i])
		}
	}
	design := make([]float64, 2*n)
	for i, xi := range x {
		design[2*i], design[2*i+1] = 1, xi
	}
	return &regression{
		n: n, p: 2, x: ad.Const(n, 2, design), y: ad.Row(y),
		coefLoc:   ad.Row([]float64{hyper[0], hyper[2]}),
		coefScale: ad.Row([]float64{hyper[1], hyper[3]}),
		groups:    []group{{"alpha", 0, 1}, {"beta", 1, 2}},
	}, nil
}

// newEarnings is logearn_interaction (Gelman and Hill 2007, ch. 4):
// log(earn_n) ~ N(β_1 + β_2 height_n + β_3 male_n + β_4 height_n male_n, σ)
// with flat priors on β and on σ > 0. z = (β_1..β_4, log σ).
func newEarnings(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	earn, err := d.vector("earn", n)
	if err != nil {
		return nil, err
	}
	height, err := d.vector("height", n)
	if err != nil {
		return nil, err
	}
	male, err := d.vector("male", n)
	if err != nil {
		return nil, err
	}
	if err := check("earn", earn, positive, "> 0"); err != nil {
		return nil, err
	}
	design := make([]float64, 4*n)
	y := make([]float64, n)
	for i := range n {
		design[4*i], design[4*i+1], design[4*i+2], design[4*i+3] = 1, height[i], male[i], height[i]*male[i]
		y[i] = math.Log(earn[i])
	}
	return &regression{
		n: n, p: 4, x: ad.Const(n, 4, design), y: ad.Row(y),
		groups: []group{{"beta", 0, 4}},
	}, nil
}

// newSblrc is blr on the sblrc data: y_n ~ N(X_n · β, σ) with
// β_d ~ N(0, 10) and σ ~ half-normal(0, 10). z = (β_1..β_D, log σ).
func newSblrc(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	p, err := d.size("D")
	if err != nil {
		return nil, err
	}
	x, err := d.matrix("X", n, p)
	if err != nil {
		return nil, err
	}
	y, err := d.vector("y", n)
	if err != nil {
		return nil, err
	}
	return &regression{
		n: n, p: p, x: ad.Const(n, p, x), y: ad.Row(y),
		coefLoc: ad.Scalar(0), coefScale: ad.Scalar(10),
		sigmaPrior: halfNormalScale, sigmaScale: 10,
		groups: []group{{"beta", 0, p}},
	}, nil
}

// newArK is the AR(K) model: y_t ~ N(α + Σ_k β_k y_{t-k}, σ) for
// t = K+1..T (the first K values are conditioned on), α, β_k ~ N(0, 10),
// σ ~ half-Cauchy(0, 2.5). z = (α, β_1..β_K, log σ). The regression design
// has rows (1, y_{t-1}, ..., y_{t-K}).
func newArK(d Data) (spec, error) {
	k, err := d.count("K")
	if err != nil {
		return nil, err
	}
	t, err := d.size("T")
	if err != nil {
		return nil, err
	}
	if k < 1 || t <= k {
		return nil, fmt.Errorf("ar: K = %d and T = %d: want 1 <= K < T", k, t)
	}
	y, err := d.vector("y", t)
	if err != nil {
		return nil, err
	}
	n, p := t-k, k+1
	design := make([]float64, n*p)
	for i := range n {
		row := design[i*p : (i+1)*p]
		row[0] = 1
		for l := 1; l <= k; l++ {
			row[l] = y[k+i-l]
		}
	}
	return &regression{
		n: n, p: p, x: ad.Const(n, p, design), y: ad.Row(y[k:]),
		coefLoc: ad.Scalar(0), coefScale: ad.Scalar(10),
		sigmaPrior: halfCauchyScale, sigmaScale: 2.5,
		groups: []group{{"alpha", 0, 1}, {"beta", 1, p}},
	}, nil
}
