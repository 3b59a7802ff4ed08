package vi

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
)

// unconstrainedDensity evaluates f(u) = log p(x, T(u)) + log|det J_T(u)|,
// the model's log-density in unconstrained space, and its gradient, for one
// flat vector u. Model parameters (Program.Param) are held fixed.
type unconstrainedDensity struct {
	model Model
	lay   layout
	env   *Env
}

func newUnconstrainedDensity(s *Setup, l layout) *unconstrainedDensity {
	env := NewEnv(s.Rand, 1)
	env.Params = s.Params
	return &unconstrainedDensity{model: s.Model, lay: l, env: env}
}

// eval returns f(u) and, when grad is non-nil, writes ∇f(u) into it.
func (d *unconstrainedDensity) eval(u []float64, grad []float64) (float64, error) {
	e := d.env
	e.Tape.Reset()
	p := e.program(modeGuide, 1, nil)
	var x ad.Var
	err := p.run(func(p *Program) {
		x = p.tape.Input(1, len(u), u)
		recordJoint(p, d.lay, x, p.tape.Full(1, 1, 0), p.tape.Full(1, 1, 0))
	})
	if err != nil {
		return 0, err
	}
	mt, err := e.RunModel(d.model, p.trace)
	if err != nil {
		return 0, err
	}
	// The guide's sites carry -log|J|, so log p - log q = log p + log|J|.
	f := ad.Sub(mt.LogJoint(1), p.trace.LogJoint(1))
	v := f.Scalar()
	if grad != nil {
		e.Tape.Backward(f)
		copy(grad, x.Grad())
	}
	return v, nil
}

// mapSearch maximizes f(u) from init with Adam and returns the optimum.
func mapSearch(d *unconstrainedDensity, init []float64, steps int, lr float64) ([]float64, float64, error) {
	u := ad.NewParam("u", 1, len(init), init)
	opt := Adam(lr)
	best := math.Inf(-1)
	bestU := append([]float64(nil), init...)
	for i := 0; i < steps; i++ {
		v, err := d.eval(u.Val, u.Grad)
		if err != nil {
			return nil, 0, err
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, fmt.Errorf("vi: MAP search: log-density %v at step %d", v, i)
		}
		if v > best {
			best = v
			copy(bestU, u.Val)
		}
		for k := range u.Grad {
			u.Grad[k] = -u.Grad[k]
		}
		opt.Step([]*ad.Param{u})
	}
	v, err := d.eval(u.Val, nil)
	if err != nil {
		return nil, 0, err
	}
	if v >= best {
		return u.Val, v, nil
	}
	return bestU, best, nil
}

// hessian returns the Hessian of f at u by central differences of the
// reverse-mode gradient (gonum diff/fd), symmetrized.
func hessian(d *unconstrainedDensity, u []float64) (*mat.SymDense, error) {
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

// AutoLaplace returns the Laplace approximation as a guide: at Setup it
// finds the mode u* of the model's density in unconstrained space
// (log p(x, T(u)) + log|J|) with Adam, and takes the normal N(u*, H⁻¹)
// with H the negative Hessian there (central differences of the gradient).
// The result is a full-rank normal guide (AutoMultivariateNormal)
// initialized at the Laplace approximation: Fit with MaxSteps(0) keeps it
// as it is, and further steps refine it as full-rank VI.
func AutoLaplace(opts ...AutoOption) Guide {
	return &autoLaplace{autoMVN: autoMVN{cfg: newAutoConfig(opts)}}
}

type autoLaplace struct {
	autoMVN
	// Mode is the MAP point in unconstrained space and LogDensity the
	// unconstrained log-density there, set by Setup.
	mode []float64
}

func (g *autoLaplace) Setup(s *Setup) error {
	l, err := layoutFrom(s.Proto)
	if err != nil {
		return err
	}
	init, err := initFlat(s, l, g.cfg.init)
	if err != nil {
		return err
	}
	d := newUnconstrainedDensity(s, l)
	u, _, err := mapSearch(d, init, g.cfg.mapSteps, g.cfg.mapLR)
	if err != nil {
		return fmt.Errorf("vi: AutoLaplace: %w", err)
	}
	h, err := hessian(d, u)
	if err != nil {
		return fmt.Errorf("vi: AutoLaplace: %w", err)
	}
	n := l.dim
	neg := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			neg.SetSym(i, j, -h.At(i, j))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(neg) {
		return fmt.Errorf("vi: AutoLaplace: the Hessian at the mode is not negative definite (the MAP search did not reach a strict maximum)")
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return fmt.Errorf("vi: AutoLaplace: %w", err)
	}
	var cc mat.Cholesky
	if !cc.Factorize(&cov) {
		return fmt.Errorf("vi: AutoLaplace: the covariance is not positive definite")
	}
	var lt mat.TriDense
	cc.LTo(&lt)
	raw := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			raw[i*n+j] = lt.At(i, j)
		}
		raw[i*n+i] = softplusInv(lt.At(i, i))
	}
	g.lay = l
	g.mode = u
	if g.loc, err = s.Params.Add(g.cfg.prefix+".loc", 1, n, u); err != nil {
		return err
	}
	g.raw, err = s.Params.Add(g.cfg.prefix+".scale_tril", 1, n*n, raw)
	return err
}

// InitToMAP initializes automatic guides at the mode of the model's density
// in unconstrained space, found with steps Adam steps of size lr from the
// prior median (a MAP warm start).
func InitToMAP(steps int, lr float64) InitStrategy { return initMAP{steps: steps, lr: lr} }

type initMAP struct {
	steps int
	lr    float64
}

func (initMAP) init(*Site, *rand.Rand) ([]float64, error) {
	return nil, fmt.Errorf("vi: InitToMAP initializes whole guides only")
}

func (m initMAP) initAll(s *Setup, l layout) ([]float64, error) {
	init, err := initUnconstrained(l, s.Proto, InitToMedian(15), s.Rand)
	if err != nil {
		return nil, err
	}
	u, _, err := mapSearch(newUnconstrainedDensity(s, l), init, m.steps, m.lr)
	if err != nil {
		return nil, fmt.Errorf("vi: InitToMAP: %w", err)
	}
	return u, nil
}
