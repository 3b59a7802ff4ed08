package vi

import (
	"fmt"
	"math"
)

// Average enables Polyak–Ruppert iterate averaging at the end of a fit
// (Polyak and Juditsky 1992, "Acceleration of stochastic approximation by
// averaging", SIAM J. Control Optim. 30(4); Ruppert 1988): Fit keeps the
// running mean of every parameter's unconstrained value after each
// successful step over the last frac of the step budget (MaxSteps), and
// at the end replaces the parameters by that mean before the final
// evaluation (draws, ELBO, k-hat).
//
// With a constant or slowly decaying step size the iterates of stochastic
// gradient ascent fluctuate around the optimum with a spread that grows
// with the step size; the mean of n of them has that spread divided by
// about √(n/τ), τ being their autocorrelation time. But a mean over
// iterates that are still travelling towards the optimum lags behind
// them. So the window is chosen at the end: besides frac, Fit keeps the
// means over the last frac/2, frac/4, frac/8 and frac/16 of the budget
// (windows of at least 10 steps), and uses the longest window whose
// parameters do not drift from its first half to its second (see apply;
// the halves' means come from the nested windows at no extra cost). If
// every window drifts, the shortest is used. Result.AveragedSteps says how
// many iterates were averaged.
//
// frac must be in (0, 1]; frac 0 disables averaging (the default). A fit
// stopped early by Converge averages the steps it made inside the
// windows, if any (a window the fit never reached does not count); a
// checkpoint carries the running means, so a resumed fit averages the
// same steps.
func Average(frac float64) Option { return func(c *config) { c.avgFrac = frac } }

// averageWindows is the number of nested windows Average keeps.
const averageWindows = 5

// minAverageWindow is the shortest window Average keeps, in steps.
const minAverageWindow = 10

// averager holds the running means of the parameters over nested windows
// [Start[k], maxSteps). Its fields are exported for the checkpoint.
type averager struct {
	Start []int
	N     []int
	Mean  [][][]float64
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
	a := &averager{}
	for k := 0; k < averageWindows; k++ {
		w := int(math.Ceil(frac * float64(maxSteps) / float64(int(1)<<k)))
		if k > 0 && w < minAverageWindow {
			break
		}
		a.Start = append(a.Start, maxSteps-w)
	}
	a.N = make([]int, len(a.Start))
	a.Mean = make([][][]float64, len(a.Start))
	return a, nil
}

// observe adds the parameters after step (counted from 1) to the mean of
// every window the step is in. Parameters created lazily after a window
// opened restart its mean.
func (a *averager) observe(step int, s *ParamStore) {
	if a == nil {
		return
	}
	for k, start := range a.Start {
		if step <= start {
			continue
		}
		if len(a.Mean[k]) != len(s.list) {
			a.Mean[k], a.N[k] = s.snapshot(), 1
			continue
		}
		a.N[k]++
		w := 1 / float64(a.N[k])
		for i, sp := range s.list {
			m := a.Mean[k][i]
			for j, v := range sp.Raw.Val {
				m[j] += w * (v - m[j])
			}
		}
	}
}

// apply writes the mean of the longest window without a trend into the
// parameters and returns the number of iterates averaged (0 when no step
// was averaged).
//
// Window k and the next shorter one, k+1 (its second half), give the
// means of both halves of window k: M₂ = M_{k+1} and M₁ = 2M_k - M_{k+1},
// so the half-to-half change is Δ_k = 2(M_{k+1} - M_k), and S_k = |Δ_k|²
// over all parameters. Where the iterates are stationary and the window
// much longer than their autocorrelation time, the half-means differ by
// noise alone, which shrinks as 1/√L with the window length L: S_k is
// about S_{k+1}/2. Where they drift at a steady speed, Δ grows as L: S_k
// is about 4 S_{k+1}. Window k is taken when S_k <= S_{k+1} (between
// the two); the shortest window is taken when every longer one drifts.
func (a *averager) apply(s *ParamStore) int {
	if a == nil {
		return 0
	}
	ok := func(k int) bool { return k < len(a.Start) && a.N[k] > 0 && len(a.Mean[k]) == len(s.list) }
	change := func(k int) float64 {
		var sum float64
		for i := range a.Mean[k] {
			for j, v := range a.Mean[k][i] {
				d := 2 * (a.Mean[k+1][i][j] - v)
				sum += d * d
			}
		}
		return sum
	}
	pick := -1
	for k := range a.Start {
		if !ok(k) {
			continue
		}
		pick = k
		if !ok(k+1) || !ok(k+2) || change(k) <= change(k+1) {
			break
		}
	}
	if pick < 0 {
		return 0
	}
	s.restore(a.Mean[pick])
	return a.N[pick]
}
