package posteriordb

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/lbfgs"
)

// Mode returns the maximum of p.Model.LogJoint over the unconstrained z
// (the mode of the Jacobian-adjusted density, as Stan's optimizing with
// jacobian=true) and the log-density there. It runs L-BFGS from z0 (zeros
// when z0 is nil) with gradients from reverse-mode AD until the largest
// gradient component is at most gradTol (1e-6 when gradTol <= 0) or the
// predicted improvement is below the resolution of the log-density (see
// lbfgs), and returns an error, with the last point, otherwise (the
// centered eight schools has no mode: its density is unbounded in the
// funnel's neck).
//
// Mode is a warm start for variational fits:
//
//	autoguide.WithInit(autoguide.InitToValues(map[string][]float64{"z": mode}, nil))
//
// Strongly correlated posteriors such as kilpisjarvi (correlation of α and
// β about -1) and earnings put their mass in a long narrow valley, which a
// stochastic first-order optimizer with diagonal step sizes (Adam) crosses
// only over tens of thousands of steps; L-BFGS reaches the mode in a few
// dozen iterations, and for a nearly Gaussian posterior the mode is close
// to the mean.
func (p *Posterior) Mode(z0 []float64, gradTol float64) (z []float64, logp float64, err error) {
	d := p.Dim
	if z0 == nil {
		z0 = make([]float64, d)
	}
	if len(z0) != d {
		return nil, math.NaN(), fmt.Errorf("posteriordb: %s: Mode: start has %d values, want %d", p.Name, len(z0), d)
	}
	if gradTol <= 0 {
		gradTol = 1e-6
	}
	t := ad.NewTape()
	// negLogp returns -log p(x) and writes its gradient into grad; +Inf
	// where the density is not finite.
	negLogp := func(x, grad []float64) float64 {
		t.Reset()
		zv := t.Input(1, d, x)
		lp := p.Model.LogJoint(t, zv)
		v := lp.Scalar()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
		t.Backward(lp)
		for i, g := range zv.Grad() {
			grad[i] = -g
		}
		return -v
	}
	x, f, err := lbfgs.Minimize(negLogp, z0, gradTol, 10, 1000)
	if err != nil {
		return x, -f, fmt.Errorf("posteriordb: %s: Mode: %w", p.Name, err)
	}
	return x, -f, nil
}
