package optim

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// LossObserver is implemented by schedules that react to the loss (Fit
// calls ObserveLoss after every step with that step's loss).
type LossObserver interface {
	ObserveLoss(loss float64)
}

// ExponentialDecay multiplies the wrapped optimizer's step size by
// Gamma after every step.
type ExponentialDecay struct {
	Optimizer
	Gamma float64
}

// NewExponentialDecay wraps opt so that its step size decays by gamma per
// step.
func NewExponentialDecay(opt Optimizer, gamma float64) *ExponentialDecay {
	return &ExponentialDecay{Optimizer: opt, Gamma: gamma}
}

// Step steps the wrapped optimizer and decays its step size.
func (o *ExponentialDecay) Step(params []*ad.Param) {
	o.Optimizer.Step(params)
	o.SetLearningRate(o.LearningRate() * o.Gamma)
}

// ReduceOnPlateau multiplies the wrapped optimizer's step size by Factor
// when the loss has not improved by more than Threshold (relative) for
// Patience steps, as torch's ReduceLROnPlateau in "min" mode; the step
// size never goes below MinLR.
type ReduceOnPlateau struct {
	Optimizer
	Factor    float64
	Patience  int
	Threshold float64
	MinLR     float64
	best      float64
	bad       int
	seen      bool
}

// NewReduceOnPlateau wraps opt with factor 0.1, patience 10 and threshold
// 1e-4.
func NewReduceOnPlateau(opt Optimizer) *ReduceOnPlateau {
	return &ReduceOnPlateau{Optimizer: opt, Factor: 0.1, Patience: 10, Threshold: 1e-4}
}

// ObserveLoss records a loss and reduces the step size after a plateau.
func (o *ReduceOnPlateau) ObserveLoss(loss float64) {
	if math.IsNaN(loss) {
		return
	}
	if !o.seen || loss < o.best-o.Threshold*math.Abs(o.best) {
		o.best, o.bad, o.seen = loss, 0, true
		return
	}
	o.bad++
	if o.bad > o.Patience {
		o.SetLearningRate(math.Max(o.LearningRate()*o.Factor, o.MinLR))
		o.bad = 0
	}
}

// State returns the wrapped optimizer's state with the plateau tracker.
func (o *ReduceOnPlateau) State() *State {
	st := o.Optimizer.State()
	st.Extra = []float64{o.best, float64(o.bad), b2f(o.seen)}
	return st
}

// SetState restores the wrapped optimizer and the plateau tracker.
func (o *ReduceOnPlateau) SetState(st *State) {
	o.Optimizer.SetState(st)
	if len(st.Extra) == 3 {
		o.best, o.bad, o.seen = st.Extra[0], int(st.Extra[1]), st.Extra[2] != 0
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
