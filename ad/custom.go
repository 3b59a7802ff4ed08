package ad

import "fmt"

// VJP adds the vector-Jacobian product of a custom node into the adjoints
// of its inputs: g is the adjoint of the node's output (row-major, the
// output's shape) and in.Of(i) is the adjoint buffer of input i, nil when
// input i needs no gradient. A VJP must add (+=), never assign.
type VJP func(g []float64, in Adjoints)

// Adjoints gives a VJP access to the adjoint buffers of a node's inputs.
type Adjoints struct {
	t   *Tape
	in0 int32
	n   int
}

// Of returns the adjoint buffer of input i, or nil when no gradient flows
// to it.
func (a Adjoints) Of(i int) []float64 {
	if i < 0 || i >= a.n {
		panic(fmt.Sprintf("ad: Adjoints.Of(%d) of %d inputs", i, a.n))
	}
	return a.t.nodes[a.t.ins[a.in0+int32(i)]].adj
}

// Custom records a node with the given rows x cols value (copied) whose
// backward pass is vjp. It is the escape hatch for kernels that are not
// built-in ops. When every input is a free constant, Custom returns a free
// constant and vjp is never called. It panics if len(value) != rows*cols.
func Custom(rows, cols int, value []float64, vjp VJP, inputs ...Var) Var {
	if len(value) != rows*cols {
		panic(fmt.Sprintf("ad: Custom: %d values for %dx%d", len(value), rows, cols))
	}
	t := tapeOf(inputs...)
	if t == nil {
		return Const(rows, cols, append([]float64(nil), value...))
	}
	lifted := liftAll(t, inputs)
	grad := needGrad(lifted...)
	out, n := t.push(opCustom, rows, cols, grad)
	copy(n.val, value)
	n.fn = vjp
	t.recordInputs(out.id, lifted)
	return out
}

// liftAll places free constants among vs on t. When it must, it copies vs
// into the tape's scratch slice (never into the caller's), so the result is
// valid only until the next liftAll on t: callers read it at once.
func liftAll(t *Tape, vs []Var) []Var {
	for i := range vs {
		if vs[i].t == nil {
			t.lift = append(t.lift[:0], vs...)
			for k := range t.lift {
				t.lift[k] = t.Lift(t.lift[k])
			}
			return t.lift
		}
	}
	return vs
}

func (t *Tape) recordInputs(id int32, vs []Var) {
	n := &t.nodes[id]
	n.in0 = int32(len(t.ins))
	for _, v := range vs {
		t.ins = append(t.ins, v.id)
		t.parts = append(t.parts, nil)
	}
	n.inN = int32(len(t.ins))
}

// Reduction says how the element-wise terms of a fused node make its
// output.
type Reduction uint8

const (
	// Elementwise keeps every term: the output has the element-wise shape.
	Elementwise Reduction = iota
	// ReduceCols sums the terms of each row: the output is R x 1.
	ReduceCols
	// ReduceAll sums all terms: the output is 1 x 1.
	ReduceAll
)

// Fused is a node under construction whose value and analytic partial
// derivatives are computed by the caller in one loop (the
// partials-propagator idea of Stan Math): element (i, j) of an R x C grid
// of terms has partial derivative Partial(k)[i*C+j] with respect to the
// broadcast element of input k, and the output is the terms, their row
// sums or their total, as the Reduction says. Backward then needs no
// closure: it scales the stored partials by the output adjoint and sums
// them into each input, undoing the broadcast.
//
// Use: f := NewFused(R, C, ReduceCols, x, loc, scale); write f.Out() and,
// for each k with f.Partial(k) != nil, every element of f.Partial(k); then
// use f.Var().
type Fused struct {
	v          Var
	out        []float64
	rows, cols int
	in0        int32
	n          int
}

// NewFused starts a fused node over an R x C grid of terms with the given
// inputs. Each input must fit the grid: its columns equal C or are 1, and
// its rows equal R, are 1, or divide R, in which case row i of the grid
// reads input row i mod rows (tiling: K stacked copies of a B-row batch,
// the layout of K samples per data point). Partial buffers are allocated only for inputs that carry a
// gradient, and zeroed. When every input is a free constant, the result is
// a free constant and no partials are requested. It panics if an input
// does not broadcast.
func NewFused(rows, cols int, red Reduction, inputs ...Var) Fused {
	for i, v := range inputs {
		r, c := v.Shape()
		if !FitsGrid(r, c, rows, cols) {
			panic(fmt.Sprintf("ad: NewFused: input %d is %dx%d, terms are %dx%d", i, r, c, rows, cols))
		}
	}
	or, oc := rows, cols
	switch red {
	case ReduceCols:
		oc = 1
	case ReduceAll:
		or, oc = 1, 1
	}
	t := tapeOf(inputs...)
	f := Fused{rows: rows, cols: cols, n: len(inputs)}
	if t == nil {
		f.out = make([]float64, or*oc)
		f.v = Const(or, oc, f.out)
		return f
	}
	lifted := liftAll(t, inputs)
	grad := needGrad(lifted...)
	v, n := t.push(opFused, or, oc, grad)
	n.i0, n.i1, n.i2 = rows, cols, int(red)
	f.v, f.out = v, n.val
	t.recordInputs(v.id, lifted)
	f.in0 = t.nodes[v.id].in0
	if grad {
		for k, in := range lifted {
			if in.node().adj != nil {
				p := t.mem.alloc(rows * cols)
				clear(p)
				t.parts[int(f.in0)+k] = p
			}
		}
	}
	return f
}

// FitsGrid reports whether an r x c input fits an R x C grid of fused
// terms: c is C or 1, and r is R, 1 or a divisor of R.
func FitsGrid(r, c, R, C int) bool {
	if c != C && c != 1 {
		return false
	}
	return r == R || r == 1 || (r > 0 && R%r == 0)
}

// Out returns the output buffer to fill: R*C, R or 1 values by the
// Reduction.
func (f Fused) Out() []float64 { return f.out }

// Partial returns the R*C buffer of partial derivatives of the terms with
// respect to input k, or nil when input k needs no gradient.
func (f Fused) Partial(k int) []float64 {
	if k < 0 || k >= f.n {
		panic(fmt.Sprintf("ad: Fused.Partial(%d) of %d inputs", k, f.n))
	}
	if f.v.t == nil {
		return nil
	}
	return f.v.t.parts[int(f.in0)+k]
}

// Var returns the fused node.
func (f Fused) Var() Var { return f.v }

func (t *Tape) fusedBackward(n *node) {
	rows, cols, red := n.i0, n.i1, Reduction(n.i2)
	g := n.adj
	for k := n.in0; k < n.inN; k++ {
		p := t.parts[k]
		in := &t.nodes[t.ins[k]]
		if p == nil || in.adj == nil {
			continue
		}
		d := in.adj
		cs := 0
		if in.cols != 1 {
			cs = 1
		}
		ic := in.cols
		full := in.rows == rows && in.cols == cols
		for i := 0; i < rows; i++ {
			pr := p[i*cols : (i+1)*cols]
			base := (i % in.rows) * ic
			switch red {
			case Elementwise:
				gr := g[i*cols : (i+1)*cols]
				if full {
					dr := d[i*cols : (i+1)*cols]
					for j, pj := range pr {
						dr[j] += gr[j] * pj
					}
				} else {
					for j, pj := range pr {
						d[base+j*cs] += gr[j] * pj
					}
				}
			default:
				gi := g[0]
				if red == ReduceCols {
					gi = g[i]
				}
				if full {
					dr := d[i*cols : (i+1)*cols]
					for j, pj := range pr {
						dr[j] += gi * pj
					}
				} else if cs == 0 {
					var s float64
					for _, pj := range pr {
						s += pj
					}
					d[base] += gi * s
				} else {
					for j, pj := range pr {
						d[base+j] += gi * pj
					}
				}
			}
		}
	}
}

func (t *Tape) customBackward(n *node) {
	n.fn(n.adj, Adjoints{t: t, in0: n.in0, n: int(n.inN - n.in0)})
}

// backward dispatches the backward pass of one node.
func (t *Tape) backward(n *node) {
	switch n.op {
	case opAdd, opSub, opMul, opDiv, opMaximum, opMinimum:
		t.binaryBackward(n)
	case opNeg, opScale, opShift, opExp, opLog, opLog1p, opExpm1, opSoftplus,
		opSigmoid, opLogSigmoid, opTanh, opReLU, opSquare, opSqrt, opAbs, opPow,
		opLgamma, opDigamma:
		t.unaryBackward(n)
	case opSum, opMean, opSumCols, opSumRows, opLSECols, opLogSoftmaxCols, opSoftmaxCols:
		t.reduceBackward(n)
	case opSliceCols, opSliceRows, opConcatCols, opConcatRows, opTranspose, opReshape, opTileRows, opRepeatRows:
		t.shapeBackward(n)
	case opMatMul:
		t.matmulBackward(n)
	case opFused:
		t.fusedBackward(n)
	case opCustom:
		t.customBackward(n)
	case opDetach:
	default:
		panic(fmt.Sprintf("ad: no backward for opcode %d", n.op))
	}
}
