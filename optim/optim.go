package optim

import "github.com/kldiv/kldiv/ad"

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step(params []*ad.Param)
	// LearningRate returns the current step size.
	LearningRate() float64
	// SetLearningRate changes the step size (schedules and the
	// non-finite guard of Fit use it).
	SetLearningRate(lr float64)
	// State returns a copy of the optimizer's internal state for
	// checkpoints.
	State() *State
	// SetState restores a checkpointed state; buffers are matched to
	// parameters by name at their next Step.
	SetState(*State)
}

// State is an optimizer's checkpointable state: the step count,
// the learning rate and per-parameter buffers keyed by parameter name.
type State struct {
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

// State returns a copy of the step count, step size and buffers.
func (b *base) State() *State {
	st := &State{T: b.t, LR: b.lr, Slots: map[string][][]float64{}}
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

// SetState restores buffers by parameter name; they are matched to
// parameters on their next Step.
func (b *base) SetState(st *State) {
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
