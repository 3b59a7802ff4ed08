package vi

import (
	"fmt"
	"math"
)

// Average enables Polyak–Ruppert iterate averaging at the end of a fit
// (Polyak and Juditsky 1992, "Acceleration of stochastic approximation by
// averaging", SIAM J. Control Optim. 30(4); Ruppert 1988): over the last
// frac of the step budget (MaxSteps), Fit keeps the running mean of every
// parameter's unconstrained value after each successful step, and at the
// end replaces the parameters by that mean before the final evaluation
// (draws, ELBO, k-hat).
//
// With a constant or slowly decaying step size the iterates of stochastic
// gradient ascent fluctuate around the optimum with a spread proportional
// to the step size; the mean of n of them has that spread divided by
// about √(n/τ), τ being their autocorrelation time, while its bias is that
// of the iterates (small once they are stationary). So averaging the
// second half (frac 0.5) of a fit removes most of the noise of the last
// iterate at no cost in steps. frac must be in (0, 1]; frac 0 disables
// averaging (the default). A fit stopped early by Converge averages the
// steps it made inside the window, if any; a checkpoint carries the
// running mean, so a resumed fit averages the same steps.
func Average(frac float64) Option { return func(c *config) { c.avgFrac = frac } }

// averager is the running mean of the parameters over the averaging
// window [Start, maxSteps). Its fields are exported for the checkpoint.
type averager struct {
	Start int
	N     int
	Mean  [][]float64
}

// newAverager returns the averager of a fit with maxSteps steps, nil when
// averaging is off.
func newAverager(frac float64, maxSteps int) (*averager, error) {
	if frac == 0 {
		return nil, nil
	}
	if math.IsNaN(frac) || frac < 0 || frac > 1 {
		return nil, fmt.Errorf("vi: Average: frac = %v, want a fraction in (0, 1]", frac)
	}
	return &averager{Start: maxSteps - int(math.Ceil(frac*float64(maxSteps)))}, nil
}

// observe adds the parameters after step (counted from 1) to the mean
// when the step is inside the window. Parameters created lazily after the
// window opened restart the mean.
func (a *averager) observe(step int, s *ParamStore) {
	if a == nil || step <= a.Start {
		return
	}
	if len(a.Mean) != len(s.list) {
		a.Mean, a.N = s.snapshot(), 1
		return
	}
	a.N++
	w := 1 / float64(a.N)
	for i, sp := range s.list {
		m := a.Mean[i]
		for j, v := range sp.Raw.Val {
			m[j] += w * (v - m[j])
		}
	}
}

// apply writes the mean into the parameters (nothing when no step was
// averaged).
func (a *averager) apply(s *ParamStore) {
	if a == nil || a.N == 0 || len(a.Mean) != len(s.list) {
		return
	}
	s.restore(a.Mean)
}
