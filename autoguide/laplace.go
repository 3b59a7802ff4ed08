package autoguide

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/lbfgs"
	"github.com/kldiv/kldiv/vi"
)

// Laplace returns the Laplace approximation as a guide (Pyro's
// AutoLaplaceApproximation): at Setup it finds the mode u* of the model's
// density in unconstrained space (log p(x, T(u)) + log|J|) by L-BFGS, and
// takes the normal N(u*, H⁻¹) with H the negative Hessian there (central
// differences of the reverse-mode gradient). The guide is a full-rank
// normal written in the coordinates whitened by the Laplace approximation,
//
//	z = u* + L₀ w,  w ~ N(a, B Bᵀ),  L₀ L₀ᵀ = H⁻¹,
//
// with parameters a (initially 0) and B (initially I). Fit with
// vi.MaxSteps(0) keeps the Laplace approximation; further steps refine it
// as full-rank VI, and because every coordinate of w has unit scale at the
// start, optimizers with per-coordinate steps (Adam) work as well on badly
// scaled, strongly correlated posteriors as on round ones.
func Laplace(opts ...Option) vi.Guide {
	return &laplace{base: base{cfg: newConfig(opts), name: "Laplace"}}
}

type laplace struct {
	base
	mode     []float64
	l0       []float64 // D x D lower factor of H⁻¹
	logDetL0 float64
	loc, raw *ad.Param
}

func (g *laplace) Setup(s *vi.Setup) error {
	init, err := g.setup(s)
	if err != nil {
		return err
	}
	d := newDensity(s, g.lay)
	u, _, err := mapSearch(d, init)
	if err != nil {
		return fmt.Errorf("autoguide: Laplace: %w", err)
	}
	h, err := hessian(d, u)
	if err != nil {
		return fmt.Errorf("autoguide: Laplace: %w", err)
	}
	n := g.lay.dim
	neg := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			neg.SetSym(i, j, -h.At(i, j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(neg) {
		return fmt.Errorf("autoguide: Laplace: the Hessian at the mode is not negative definite (no strict maximum)")
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return fmt.Errorf("autoguide: Laplace: %w", err)
	}
	var cc mat.Cholesky
	if !cc.Factorize(&cov) {
		return fmt.Errorf("autoguide: Laplace: the covariance is not positive definite")
	}
	var lt mat.TriDense
	cc.LTo(&lt)
	g.l0 = make([]float64, n*n)
	g.logDetL0 = 0
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			g.l0[i*n+j] = lt.At(i, j)
		}
		g.logDetL0 += math.Log(lt.At(i, i))
	}
	g.mode = u
	if g.loc, err = s.Params.Add(g.param("whitened_loc"), 1, n, nil); err != nil {
		return err
	}
	raw := make([]float64, n*n)
	for i := 0; i < n; i++ {
		raw[i*n+i] = softplusInv(1)
	}
	g.raw, err = s.Params.Add(g.param("whitened_scale_tril"), 1, n*n, raw)
	return err
}

func (g *laplace) Guide(p *vi.Program) {
	g.ready(p, g.loc != nil)
	t := p.Tape()
	n := g.lay.dim
	a := t.Param(g.loc)
	b := trilFromRaw(t.Param(g.raw), n)
	q := dist.MultivariateNormal{Loc: a, ScaleTril: b}
	w := q.Rsample(p.Rand(), p.Particles())
	z := ad.Add(ad.MatMulTrans(w, false, t.Const(n, n, g.l0), true), t.Const(1, n, g.mode))
	shift := -g.logDetL0
	logq := ad.Shift(q.LogProb(w), shift)
	detached := ad.Shift(dist.MultivariateNormal{Loc: ad.Detach(a), ScaleTril: ad.Detach(b)}.LogProb(w), shift)
	g.record(p, z, logq, detached)
}

// Mode returns the MAP point in unconstrained space found at Setup.
func (g *laplace) Mode() []float64 { return g.mode }

// InitToMAP initializes automatic guides at the mode of the model's density
// in unconstrained space, found by L-BFGS from the prior median (a MAP warm
// start).
func InitToMAP() InitStrategy { return initMAP{} }

type initMAP struct{}

func (initMAP) init(*vi.Site, *rand.Rand) ([]float64, error) {
	return nil, fmt.Errorf("autoguide: InitToMAP initializes whole guides only")
}

func (initMAP) initAll(s *vi.Setup, l layout) ([]float64, error) {
	init, err := initUnconstrained(l, s.Proto, InitToMedian(15), s.Rand)
	if err != nil {
		return nil, err
	}
	u, _, err := mapSearch(newDensity(s, l), init)
	if err != nil {
		return nil, fmt.Errorf("autoguide: InitToMAP: %w", err)
	}
	return u, nil
}

// density evaluates f(u) = log p(x, T(u)) + log|det J_T(u)|, the model's
// log-density in unconstrained space, and its gradient, for one flat vector
// u. Model parameters (Program.Param) are held fixed.
type density struct {
	model vi.Model
	flat  base // the layout, recorded as the guide over the flat vector
	env   *vi.Env
}

func newDensity(s *vi.Setup, l layout) *density {
	env := vi.NewEnv(s.Rand, 1)
	env.Params = s.Params
	return &density{model: s.Model, flat: base{lay: l}, env: env}
}

// eval returns f(u) and, when grad is non-nil, writes ∇f(u) into it.
func (d *density) eval(u []float64, grad []float64) (float64, error) {
	e := d.env
	e.Tape.Reset()
	var x ad.Var
	// The flat "guide" has no density of its own: the joint factor that
	// record writes is hidden by a Block, and its sites carry -log|J|, so
	// that log p - log q = log p + log|J|.
	gt, err := e.RunGuideWith(vi.GuideFunc(func(p *vi.Program) {
		x = p.Tape().Input(1, len(u), u)
		d.flat.record(p, x, ad.Var{}, ad.Var{})
	}), 1, vi.Block(vi.Hide(jointSiteName)))
	if err != nil {
		return 0, err
	}
	mt, err := e.RunModel(d.model, gt)
	if err != nil {
		return 0, err
	}
	f := ad.Sub(mt.LogJoint(1), gt.LogJoint(1))
	v := f.Scalar()
	if grad != nil {
		e.Tape.Backward(f)
		copy(grad, x.Grad())
	}
	return v, nil
}

// mapSearch maximizes f(u) from init by L-BFGS (internal/lbfgs) and
// returns the optimum and f there. It fails when the density has no
// maximum it can reach (a funnel, an improper posterior).
func mapSearch(d *density, init []float64) ([]float64, float64, error) {
	var ferr error
	neg := func(x, grad []float64) float64 {
		v, err := d.eval(x, grad)
		if err != nil {
			if ferr == nil {
				ferr = err
			}
			return math.Inf(1)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
		for i := range grad {
			grad[i] = -grad[i]
		}
		return -v
	}
	u, f, err := lbfgs.Minimize(neg, init, 1e-6, 10, 2000)
	if ferr != nil {
		return nil, 0, ferr
	}
	if err != nil {
		return nil, 0, fmt.Errorf("MAP search: %w", err)
	}
	return u, -f, nil
}

// hessian returns the Hessian of f at u by central differences of the
// reverse-mode gradient (gonum diff/fd), symmetrized.
func hessian(d *density, u []float64) (*mat.SymDense, error) {
	n := len(u)
	var ferr error
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(y, x []float64) {
		if _, err := d.eval(x, y); err != nil && ferr == nil {
			ferr = err
		}
	}, u, &fd.JacobianSettings{Formula: fd.Central, Step: 1e-5})
	if ferr != nil {
		return nil, ferr
	}
	h := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			h.SetSym(i, j, 0.5*(jac.At(i, j)+jac.At(j, i)))
		}
	}
	return h, nil
}
