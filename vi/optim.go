package vi

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step(params []*ad.Param)
	// LearningRate returns the current step size.
	LearningRate() float64
	// SetLearningRate changes the step size (schedules and the
	// non-finite guard of Fit use it).
	SetLearningRate(lr float64)
	// state returns the optimizer's internal state for checkpoints.
	state() *OptimizerState
	// setState restores a checkpointed state.
	setState(*OptimizerState)
}

// OptimizerState is an optimizer's checkpointable state: the step count,
// the learning rate and per-parameter buffers keyed by parameter name.
type OptimizerState struct {
	T     int
	LR    float64
	Slots map[string][][]float64
	Extra []float64
}

// base holds what every optimizer shares.
type base struct {
	lr      float64
	t       int
	slots   map[*ad.Param][][]float64
	names   map[string]*ad.Param
	pending map[string][][]float64
}

func newBase(lr float64) base {
	return base{lr: lr, slots: map[*ad.Param][][]float64{}, names: map[string]*ad.Param{}}
}

func (b *base) LearningRate() float64      { return b.lr }
func (b *base) SetLearningRate(lr float64) { b.lr = lr }

// slot returns k buffers of p's size, allocated on first use.
func (b *base) slot(p *ad.Param, k int) [][]float64 {
	s, ok := b.slots[p]
	if !ok {
		s = make([][]float64, k)
		for i := range s {
			s[i] = make([]float64, len(p.Val))
		}
		b.slots[p] = s
		b.names[p.Name] = p
	}
	return s
}

func (b *base) state() *OptimizerState {
	st := &OptimizerState{T: b.t, LR: b.lr, Slots: map[string][][]float64{}}
	for p, s := range b.slots {
		cp := make([][]float64, len(s))
		for i := range s {
			cp[i] = append([]float64(nil), s[i]...)
		}
		st.Slots[p.Name] = cp
	}
	for name, s := range b.pending {
		st.Slots[name] = s
	}
	return st
}

// setState restores buffers by parameter name; they are matched to
// parameters on their next Step.
func (b *base) setState(st *OptimizerState) {
	b.t, b.lr = st.T, st.LR
	b.slots = map[*ad.Param][][]float64{}
	b.pending = st.Slots
}

// adopt attaches restored buffers to p if there are any.
func (b *base) adopt(p *ad.Param) {
	if b.pending == nil {
		return
	}
	if s, ok := b.pending[p.Name]; ok {
		b.slots[p] = s
		delete(b.pending, p.Name)
	}
}

// SGDOpt is stochastic gradient descent with optional momentum (heavy ball
// or Nesterov) and L2 weight decay, as torch.optim.SGD.
type SGDOpt struct {
	base
	Momentum    float64
	Nesterov    bool
	WeightDecay float64
}

// SGD returns plain stochastic gradient descent with step size lr; set
// Momentum and Nesterov on the result for momentum.
func SGD(lr float64) *SGDOpt { return &SGDOpt{base: newBase(lr)} }

// Step applies p -= lr*(g + μ v) (Nesterov) or p -= lr*v with
// v = μ v + g.
func (o *SGDOpt) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		var v []float64
		if o.Momentum != 0 {
			v = o.slot(p, 1)[0]
		}
		for i, g := range p.Grad {
			if o.WeightDecay != 0 {
				g += o.WeightDecay * p.Val[i]
			}
			if v != nil {
				v[i] = o.Momentum*v[i] + g
				if o.Nesterov {
					g += o.Momentum * v[i]
				} else {
					g = v[i]
				}
			}
			p.Val[i] -= o.lr * g
		}
	}
}

// AdamOpt is Adam (Kingma and Ba, 2015) with bias correction, as
// torch.optim.Adam.
type AdamOpt struct {
	base
	Beta1, Beta2, Eps float64
}

// Adam returns Adam with step size lr and betas (0.9, 0.999), eps 1e-8.
func Adam(lr float64) *AdamOpt {
	return &AdamOpt{base: newBase(lr), Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step applies one Adam update.
func (o *AdamOpt) Step(params []*ad.Param) {
	o.t++
	adamStep(&o.base, params, o.Beta1, o.Beta2, o.Eps, o.lr, 0)
}

func adamStep(b *base, params []*ad.Param, b1, b2, eps, lr, clip float64) {
	c1 := 1 - math.Pow(b1, float64(b.t))
	c2 := 1 - math.Pow(b2, float64(b.t))
	for _, p := range params {
		b.adopt(p)
		s := b.slot(p, 2)
		m, v := s[0], s[1]
		scale := 1.0
		if clip > 0 {
			var n2 float64
			for _, g := range p.Grad {
				n2 += g * g
			}
			if n := math.Sqrt(n2); n > clip {
				scale = clip / n
			}
		}
		for i, g := range p.Grad {
			g *= scale
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			p.Val[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
		}
	}
}

// ClippedAdamOpt is Adam whose gradients are clipped to an L2 norm of at
// most ClipNorm per parameter, and whose step size decays by the factor
// LRD at every step (as Pyro's ClippedAdam, with norm clipping).
type ClippedAdamOpt struct {
	AdamOpt
	ClipNorm float64
	LRD      float64
}

// ClippedAdam returns ClippedAdam with step size lr, ClipNorm 10 and LRD 1.
func ClippedAdam(lr float64) *ClippedAdamOpt {
	return &ClippedAdamOpt{AdamOpt: *Adam(lr), ClipNorm: 10, LRD: 1}
}

// Step applies one clipped Adam update and decays the step size.
func (o *ClippedAdamOpt) Step(params []*ad.Param) {
	o.t++
	adamStep(&o.base, params, o.Beta1, o.Beta2, o.Eps, o.lr, o.ClipNorm)
	o.lr *= o.LRD
}

// RMSPropOpt is RMSProp (Tieleman and Hinton, 2012), as torch.optim.RMSprop.
type RMSPropOpt struct {
	base
	Alpha, Eps, Momentum float64
}

// RMSProp returns RMSProp with step size lr, alpha 0.99, eps 1e-8.
func RMSProp(lr float64) *RMSPropOpt {
	return &RMSPropOpt{base: newBase(lr), Alpha: 0.99, Eps: 1e-8}
}

// Step applies v = αv + (1-α)g², p -= lr g/(√v + eps) (with momentum
// buffer when Momentum > 0).
func (o *RMSPropOpt) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		s := o.slot(p, 2)
		v, buf := s[0], s[1]
		for i, g := range p.Grad {
			v[i] = o.Alpha*v[i] + (1-o.Alpha)*g*g
			d := g / (math.Sqrt(v[i]) + o.Eps)
			if o.Momentum > 0 {
				buf[i] = o.Momentum*buf[i] + d
				d = buf[i]
			}
			p.Val[i] -= o.lr * d
		}
	}
}

// AdagradOpt is Adagrad (Duchi, Hazan and Singer, 2011).
type AdagradOpt struct {
	base
	Eps float64
}

// Adagrad returns Adagrad with step size lr and eps 1e-10.
func Adagrad(lr float64) *AdagradOpt { return &AdagradOpt{base: newBase(lr), Eps: 1e-10} }

// Step applies s += g², p -= lr g/(√s + eps).
func (o *AdagradOpt) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		s := o.slot(p, 1)[0]
		for i, g := range p.Grad {
			s[i] += g * g
			p.Val[i] -= o.lr * g / (math.Sqrt(s[i]) + o.Eps)
		}
	}
}

// LossObserver is implemented by schedules that react to the loss (Fit
// calls ObserveLoss after every step with that step's loss).
type LossObserver interface {
	ObserveLoss(loss float64)
}

// ExponentialDecayOpt multiplies the wrapped optimizer's step size by
// Gamma after every step.
type ExponentialDecayOpt struct {
	Optimizer
	Gamma float64
}

// ExponentialDecay wraps opt so that its step size decays by gamma per
// step.
func ExponentialDecay(opt Optimizer, gamma float64) *ExponentialDecayOpt {
	return &ExponentialDecayOpt{Optimizer: opt, Gamma: gamma}
}

// Step steps the wrapped optimizer and decays its step size.
func (o *ExponentialDecayOpt) Step(params []*ad.Param) {
	o.Optimizer.Step(params)
	o.SetLearningRate(o.LearningRate() * o.Gamma)
}

// ReduceOnPlateauOpt multiplies the wrapped optimizer's step size by Factor
// when the loss has not improved by more than Threshold (relative) for
// Patience steps, as torch's ReduceLROnPlateau in "min" mode; the step
// size never goes below MinLR.
type ReduceOnPlateauOpt struct {
	Optimizer
	Factor    float64
	Patience  int
	Threshold float64
	MinLR     float64
	best      float64
	bad       int
	seen      bool
}

// ReduceOnPlateau wraps opt with factor 0.1, patience 10 and threshold
// 1e-4.
func ReduceOnPlateau(opt Optimizer) *ReduceOnPlateauOpt {
	return &ReduceOnPlateauOpt{Optimizer: opt, Factor: 0.1, Patience: 10, Threshold: 1e-4}
}

// ObserveLoss records a loss and reduces the step size after a plateau.
func (o *ReduceOnPlateauOpt) ObserveLoss(loss float64) {
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

func (o *ReduceOnPlateauOpt) state() *OptimizerState {
	st := o.Optimizer.state()
	st.Extra = []float64{o.best, float64(o.bad), b2f(o.seen)}
	return st
}

func (o *ReduceOnPlateauOpt) setState(st *OptimizerState) {
	o.Optimizer.setState(st)
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
