package vi

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Plate is a set of conditionally independent data points, possibly
// subsampled: sites declared through it have their log-densities scaled by
// Size/Subsample so that a minibatch gives an unbiased estimate of the full
// log-likelihood.
type Plate struct {
	p     *Program
	name  string
	size  int
	idx   []int
	scale float64
}

// plateState keeps a plate's subsampling across steps: each epoch is a
// fresh random permutation of 0..size-1, read in consecutive minibatches.
type plateState struct {
	Perm  []int
	Pos   int
	Epoch int
	Step  int   // the step whose indices are in Cur
	Cur   []int // indices of the current step
}

// runState is what programs keep across the steps of a fit (plate
// positions); Fit checkpoints it.
type runState struct {
	Step   int
	Plates map[string]*plateState
}

func newRunState() *runState { return &runState{Plates: map[string]*plateState{}} }

// Plate declares a plate of size data points from which subsample are used
// at each step (subsample <= 0 or >= size: all of them, unscaled). The
// minibatch is the same for the guide and the model within a step; across
// steps, each epoch visits every point once in a random order (the last
// minibatch of an epoch may be smaller).
func (p *Program) Plate(name string, size, subsample int) *Plate {
	if size <= 0 {
		p.fail("vi: plate %q of size %d", name, size)
	}
	pl := &Plate{p: p, name: name, size: size, scale: 1}
	if subsample <= 0 || subsample >= size {
		return pl
	}
	st := p.state.Plates[name]
	if st == nil {
		st = &plateState{Step: -1}
		p.state.Plates[name] = st
	}
	if len(st.Perm) != 0 && len(st.Perm) != size {
		p.fail("vi: plate %q: size changed from %d to %d", name, len(st.Perm), size)
	}
	if st.Step != p.state.Step {
		if len(st.Perm) == 0 || st.Pos >= size {
			st.Perm = p.rng.Perm(size)
			st.Pos = 0
			st.Epoch++
		}
		end := min(st.Pos+subsample, size)
		st.Cur = st.Perm[st.Pos:end]
		st.Pos = end
		st.Step = p.state.Step
	}
	pl.idx = st.Cur
	pl.scale = float64(size) / float64(len(st.Cur))
	return pl
}

// Indices returns the data indices of this step's minibatch (nil when the
// plate is not subsampled: all of 0..size-1).
func (pl *Plate) Indices() []int { return pl.idx }

// Len returns the number of data points used at this step.
func (pl *Plate) Len() int {
	if pl.idx == nil {
		return pl.size
	}
	return len(pl.idx)
}

// Scale returns size / Len(): the factor applied to log-densities.
func (pl *Plate) Scale() float64 { return pl.scale }

// Rows returns the rows of data (size rows) that this step uses, for
// models whose rows are data points (local latents, amortized guides), on
// the program's tape (a copy into arena memory when subsampled, the data
// itself otherwise). It panics if data does not have size rows.
func (pl *Plate) Rows(data ad.Matrix) ad.Var {
	if data.Rows != pl.size || len(data.Data) != data.Rows*data.Cols {
		panic(fmt.Sprintf("vi: plate %q: data has %d rows, plate has %d", pl.name, data.Rows, pl.size))
	}
	t := pl.p.tape
	if pl.idx == nil {
		return t.Const(data.Rows, data.Cols, data.Data)
	}
	c := data.Cols
	buf := t.Buffer(len(pl.idx) * c)
	for i, k := range pl.idx {
		copy(buf[i*c:(i+1)*c], data.Data[k*c:(k+1)*c])
	}
	return t.Const(len(pl.idx), c, buf)
}

// Cols returns this step's minibatch of a data vector (size values) as a
// 1 x Len row, for models whose latents are all global: their S particles
// are rows, so the data points go in columns (S x Len predictions scored
// against a 1 x Len row). It panics if len(data) != size.
func (pl *Plate) Cols(data []float64) ad.Var {
	if len(data) != pl.size {
		panic(fmt.Sprintf("vi: plate %q: data has %d values, plate has %d", pl.name, len(data), pl.size))
	}
	t := pl.p.tape
	if pl.idx == nil {
		return t.Const(1, len(data), data)
	}
	buf := t.Buffer(len(pl.idx))
	for i, k := range pl.idx {
		buf[i] = data[k]
	}
	return t.Const(1, len(pl.idx), buf)
}

// Sample declares a local latent site inside the plate (its log-density is
// scaled by Scale). A discrete site that the guide leaves out is summed out
// by objectives that enumerate (elbo.TraceEnum): the model then sees all K
// values at once, K blocks of rows (Site.Enumerated), and picks
// per-value parameters with ad.GatherRows.
func (pl *Plate) Sample(name string, d dist.Distribution) ad.Var {
	return pl.p.sample(name, d, pl.scale, pl.name, pl.Len())
}

// Observe conditions on data inside the plate (its log-density is scaled
// by Scale).
func (pl *Plate) Observe(name string, d dist.Distribution, data ad.Var) {
	pl.p.observe(name, d, data, pl.scale, pl.name)
}
