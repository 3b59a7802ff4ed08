package vi

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/optim"
)

// guard is the divergence guard of NonFinite. It keeps the best
// parameters seen (by the mean ELBO of an evaluation window) and, on a
// non-finite step, shrinks the step size, restores the best parameters
// every third consecutive failure and stops the fit after maxFailures.
type guard struct {
	maxFailures int
	shrink      float64
}

// keepBest snapshots the parameters when m, the mean ELBO of the latest
// evaluation window, is the best so far.
func (g guard) keepBest(st *fitState, env *Env, m float64) {
	if m > st.BestELBO || st.Best == nil {
		st.BestELBO = m
		st.Best = env.Params.snapshot()
	}
}

// ok records a finite step.
func (g guard) ok(st *fitState) { st.Failures = 0 }

// fail records a non-finite step and reports whether the fit must stop,
// in which case the best parameters are restored.
func (g guard) fail(st *fitState, env *Env, opt optim.Optimizer) bool {
	st.Failures++
	opt.SetLearningRate(opt.LearningRate() * g.shrink)
	if st.Failures%3 == 0 && st.Best != nil {
		env.Params.restore(st.Best)
	}
	if st.Failures >= g.maxFailures {
		if st.Best != nil {
			env.Params.restore(st.Best)
		}
		return true
	}
	return false
}

func (st *fitState) ensureBest(env *Env) {
	if st.Best != nil && len(st.Best) != len(env.Params.List()) {
		st.Best = env.Params.snapshot()
	}
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// gradNorm returns the L2 norm of the parameters' gradients.
func gradNorm(params []*ad.Param) float64 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad {
			s += g * g
		}
	}
	return math.Sqrt(s)
}

// describeBad names what went non-finite: the site reported by the
// objective, else the first parameter with a non-finite gradient.
func describeBad(s StepStats, loss float64, params []*ad.Param) string {
	if s.BadSite != "" {
		return fmt.Sprintf("site %q has a non-finite log-density (loss %v)", s.BadSite, loss)
	}
	for _, p := range params {
		for i, g := range p.Grad {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				return fmt.Sprintf("parameter %q[%d] has gradient %v", p.Name, i, g)
			}
		}
		for i, v := range p.Val {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("parameter %q[%d] = %v", p.Name, i, v)
			}
		}
	}
	return fmt.Sprintf("loss %v", loss)
}
