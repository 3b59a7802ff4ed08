package ad

import (
	"fmt"
	"math"
	"sync"
)

// opcode identifies the operation that produced a node.
type opcode uint8

const (
	opLeaf  opcode = iota // constant or differentiable input, no inputs
	opParam               // a Param leaf; its adjoint is the Param's Grad
	opAdd                 // a + b, broadcasting
	opSub                 // a - b
	opMul                 // a * b
	opDiv                 // a / b
	opNeg                 // -a
	opScale               // k * a
	opShift               // a + k
	opExp
	opLog
	opLog1p
	opExpm1
	opSoftplus
	opSigmoid
	opLogSigmoid
	opTanh
	opReLU
	opSquare
	opSqrt
	opAbs
	opPow // a^k
	opLgamma
	opDigamma
	opSum     // to 1x1
	opSumCols // RxC to Rx1
	opSumRows // RxC to 1xC
	opMean    // to 1x1
	opLSECols // log-sum-exp along columns, RxC to Rx1
	opLogSoftmaxCols
	opSoftmaxCols
	opSliceCols
	opSliceRows
	opConcatCols
	opConcatRows
	opTranspose
	opReshape
	opTileRows
	opRepeatRows
	opDetach
	opMatMul
	opFused
	opCustom
	opMaximum
	opMinimum
)

// node is one recorded operation. Nodes live in Tape.nodes in recording
// order, which is a topological order of the graph.
type node struct {
	op         opcode
	rows, cols int
	val        []float64
	adj        []float64 // nil when no gradient flows into this node
	a, b       int32     // inputs of unary and binary ops (-1 if unused)
	in0, inN   int32     // range [in0, inN) of Tape.ins for n-ary ops
	k          float64   // constant argument (Scale, Shift, Pow)
	i0, i1, i2 int       // integer arguments (slice bounds, flags, shapes)
	param      *Param
	fn         VJP
	reached    bool // set during Backward when an adjoint flows in
}

// Tape records operations on dense row-major float64 matrices for
// reverse-mode automatic differentiation.
//
// Values and adjoints are carved from an arena that Reset keeps, so a
// training step that records the same graph again allocates nothing once the
// arena has grown to its working size. A Tape is not safe for concurrent
// use: use one Tape per goroutine.
type Tape struct {
	nodes []node
	ins   []int32     // input ids of n-ary nodes
	parts [][]float64 // partial buffers of fused nodes, parallel to ins
	mem   slab
	// ops counts floating-point operations of matrix products since the
	// last Reset; benchmarks read it to report GFLOP/s.
	flops float64
	// noGrad records Params and Inputs as constants (SetNoGrad).
	noGrad bool
	// lift is liftAll's scratch copy of an input list.
	lift []Var
}

// SetNoGrad switches no-gradient recording on or off: while on, Param and
// Input record constants, so nothing downstream gets adjoint buffers or
// partials (evaluation without gradients, at a fraction of the memory).
func (t *Tape) SetNoGrad(on bool) { t.noGrad = on }

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

// Reset forgets every recorded node but keeps the memory, so that the next
// recording reuses it. Vars recorded before Reset must not be used after it.
// Param values and gradients are not touched.
func (t *Tape) Reset() {
	t.nodes = t.nodes[:0]
	t.ins = t.ins[:0]
	clear(t.parts)
	t.parts = t.parts[:0]
	t.mem.reset()
	t.flops = 0
}

// Buffer returns n float64s of scratch memory from the tape's arena, valid
// until Reset, with undefined contents. Kernels use it for temporaries
// (noise, workspaces) so that steady-state steps allocate nothing. A nil
// tape returns a freshly allocated slice.
func (t *Tape) Buffer(n int) []float64 {
	if t == nil {
		return make([]float64, n)
	}
	return t.mem.alloc(n)
}

// Len returns the number of nodes recorded since the last Reset.
func (t *Tape) Len() int { return len(t.nodes) }

// Flops returns the number of floating-point operations spent in matrix
// products (forward and backward) since the last Reset.
func (t *Tape) Flops() float64 { return t.flops }

// slab is a bump allocator over a list of chunks. Slices it returns stay
// valid until reset; reset merges the chunks into one so that the steady
// state uses a single chunk and allocates nothing.
type slab struct {
	chunks [][]float64
	cur    []float64
	off    int
}

const minChunk = 1 << 12

func (s *slab) alloc(n int) []float64 {
	if s.off+n > len(s.cur) {
		size := max(n, 2*len(s.cur), minChunk)
		s.cur = make([]float64, size)
		s.chunks = append(s.chunks, s.cur)
		s.off = 0
	}
	b := s.cur[s.off : s.off+n : s.off+n]
	s.off += n
	return b
}

func (s *slab) reset() {
	if len(s.chunks) > 1 {
		total := 0
		for _, c := range s.chunks {
			total += len(c)
		}
		clear(s.chunks)
		s.chunks = s.chunks[:0]
		s.cur = make([]float64, total)
		s.chunks = append(s.chunks, s.cur)
	}
	s.off = 0
}

// Matrix is a plain dense row-major matrix, used to pass values in and out
// of the engine.
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// Var is a handle to a value: either a node recorded on a Tape, or a free
// constant that belongs to no tape. Operations on free constants are
// evaluated eagerly without recording anything (no gradient), and a free
// constant used together with a recorded value is placed on that value's
// tape as a constant. The zero Var is invalid.
type Var struct {
	t  *Tape
	id int32
	c  *constant
}

// constant is a free constant's value: a Matrix, or the rows and columns
// of a lazy one (Lazy) whose Data is computed on first use.
type constant struct {
	Matrix
	lazy *lazyFill
}

// lazyFill computes a lazy constant's values once.
type lazyFill struct {
	once sync.Once
	fill func(dst []float64)
}

// data returns c's values, computing them first if c is lazy and this is
// the first use (concurrent first uses wait for one computation).
func (c *constant) data() []float64 {
	if l := c.lazy; l != nil {
		l.once.Do(func() {
			d := make([]float64, c.Rows*c.Cols)
			l.fill(d)
			c.Data, l.fill = d, nil
		})
	}
	return c.Data
}

// Const returns a free constant Var that refers to data (not copied), laid
// out row-major as rows x cols. It panics if len(data) != rows*cols.
func Const(rows, cols int, data []float64) Var {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("ad: Const: %d values for a %dx%d matrix", len(data), rows, cols))
	}
	return Var{c: &constant{Matrix: Matrix{Rows: rows, Cols: cols, Data: data}}}
}

// Lazy returns a free rows x cols constant whose values are computed when
// they are first needed: the first Value, At, Matrix, operation or Lift
// that reads them calls fill once with a zeroed slice of rows*cols values
// to write them into (concurrent first uses wait for that call, and all
// share its result); Rows, Cols, Shape and IsConst do not call it. fill
// must not use the Var it defines. Lazy suits a value that is derived
// from another representation and often never read (dist keeps a
// factorization in the layout its kernels use and writes the row-major
// factor only on demand). It panics if rows or cols is negative or fill
// is nil.
func Lazy(rows, cols int, fill func(dst []float64)) Var {
	if rows < 0 || cols < 0 || fill == nil {
		panic(fmt.Sprintf("ad: Lazy: a %dx%d matrix with fill %v", rows, cols, fill != nil))
	}
	return Var{c: &constant{Matrix: Matrix{Rows: rows, Cols: cols}, lazy: &lazyFill{fill: fill}}}
}

// Scalar returns a free 1x1 constant holding x.
func Scalar(x float64) Var { return Const(1, 1, []float64{x}) }

// Row returns a free 1 x len(x) constant that refers to x.
func Row(x []float64) Var { return Const(1, len(x), x) }

// Col returns a free len(x) x 1 constant that refers to x.
func Col(x []float64) Var { return Const(len(x), 1, x) }

// Full returns a free rows x cols constant with every element x.
func Full(rows, cols int, x float64) Var {
	d := make([]float64, rows*cols)
	for i := range d {
		d[i] = x
	}
	return Const(rows, cols, d)
}

func (v Var) check() {
	if v.t == nil && v.c == nil {
		panic("ad: use of the zero Var")
	}
}

func (v Var) node() *node { return &v.t.nodes[v.id] }

// Tape returns the tape v is recorded on, or nil for a free constant.
func (v Var) Tape() *Tape { v.check(); return v.t }

// IsConst reports whether no gradient flows through v: v is a free
// constant, or a recorded value that depends on no Param or Input.
func (v Var) IsConst() bool {
	v.check()
	return v.t == nil || v.node().adj == nil
}

// Rows returns the number of rows of v.
func (v Var) Rows() int {
	v.check()
	if v.t == nil {
		return v.c.Rows
	}
	return v.node().rows
}

// Cols returns the number of columns of v.
func (v Var) Cols() int {
	v.check()
	if v.t == nil {
		return v.c.Cols
	}
	return v.node().cols
}

// Shape returns the rows and columns of v.
func (v Var) Shape() (rows, cols int) { return v.Rows(), v.Cols() }

// Len returns Rows()*Cols().
func (v Var) Len() int { r, c := v.Shape(); return r * c }

// Value returns the row-major values of v. The slice aliases the tape's
// memory: it is valid until the tape is Reset and must not be modified.
func (v Var) Value() []float64 {
	v.check()
	if v.t == nil {
		return v.c.data()
	}
	return v.node().val
}

// At returns element (i, j) of v.
func (v Var) At(i, j int) float64 {
	r, c := v.Shape()
	if i < 0 || i >= r || j < 0 || j >= c {
		panic(fmt.Sprintf("ad: At(%d, %d) out of range for %dx%d", i, j, r, c))
	}
	return v.Value()[i*c+j]
}

// Scalar returns the value of a 1x1 v. It panics if v is not 1x1.
func (v Var) Scalar() float64 {
	r, c := v.Shape()
	if r != 1 || c != 1 {
		panic(fmt.Sprintf("ad: Scalar of a %dx%d value", r, c))
	}
	return v.Value()[0]
}

// Grad returns the adjoint of v computed by the last Backward: the
// gradient of the output with respect to v. It returns nil when no gradient
// flows to v (constants). The slice aliases tape memory.
func (v Var) Grad() []float64 {
	v.check()
	if v.t == nil {
		return nil
	}
	return v.node().adj
}

// Matrix returns a copy of v's value as a Matrix.
func (v Var) Matrix() Matrix {
	r, c := v.Shape()
	return Matrix{Rows: r, Cols: c, Data: append([]float64(nil), v.Value()...)}
}

// String formats v's shape and values for debugging.
func (v Var) String() string {
	if v.t == nil && v.c == nil {
		return "ad.Var{}"
	}
	r, c := v.Shape()
	return fmt.Sprintf("%dx%d%v", r, c, v.Value())
}

// push appends a node with a value buffer of rows*cols from the arena and an
// adjoint buffer when grad is true.
func (t *Tape) push(op opcode, rows, cols int, grad bool) (Var, *node) {
	n := rows * cols
	nd := node{op: op, rows: rows, cols: cols, a: -1, b: -1}
	nd.val = t.mem.alloc(n)
	if grad {
		nd.adj = t.mem.alloc(n)
	}
	t.nodes = append(t.nodes, nd)
	id := int32(len(t.nodes) - 1)
	return Var{t: t, id: id}, &t.nodes[id]
}

// Const records a constant rows x cols value that refers to data (not
// copied); data must not change until Reset. It panics if
// len(data) != rows*cols.
func (t *Tape) Const(rows, cols int, data []float64) Var {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("ad: Const: %d values for a %dx%d matrix", len(data), rows, cols))
	}
	t.nodes = append(t.nodes, node{op: opLeaf, rows: rows, cols: cols, a: -1, b: -1, val: data})
	return Var{t: t, id: int32(len(t.nodes) - 1)}
}

// Scalar records a 1x1 constant x.
func (t *Tape) Scalar(x float64) Var {
	v, n := t.push(opLeaf, 1, 1, false)
	n.val[0] = x
	return v
}

// Full records a rows x cols constant with every element x.
func (t *Tape) Full(rows, cols int, x float64) Var {
	v, n := t.push(opLeaf, rows, cols, false)
	for i := range n.val {
		n.val[i] = x
	}
	return v
}

// Input records a differentiable leaf holding a copy of data, laid out
// rows x cols. After Backward, its Grad holds the gradient. It panics if
// len(data) != rows*cols.
func (t *Tape) Input(rows, cols int, data []float64) Var {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("ad: Input: %d values for a %dx%d matrix", len(data), rows, cols))
	}
	v, n := t.push(opLeaf, rows, cols, !t.noGrad)
	copy(n.val, data)
	return v
}

// Lift places v on t: a free constant becomes a constant node of t (without
// copying), and a Var already on t is returned unchanged. It panics if v is
// recorded on another tape.
func (t *Tape) Lift(v Var) Var {
	v.check()
	if v.t == t {
		return v
	}
	if v.t != nil {
		panic("ad: Var from another tape")
	}
	return t.Const(v.c.Rows, v.c.Cols, v.c.data())
}

// Param is a named trainable matrix with persistent value and gradient
// buffers. Optimizers update Val in place from Grad. Recording a Param on a
// tape (Tape.Param) neither copies Val nor resets Grad: Backward adds into
// Grad, so call ZeroGrad between steps.
type Param struct {
	Name       string
	Rows, Cols int
	Val, Grad  []float64
}

// NewParam returns a rows x cols Param holding a copy of init (zeros when
// init is nil). It panics if init has the wrong length.
func NewParam(name string, rows, cols int, init []float64) *Param {
	if rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("ad: NewParam %q: shape %dx%d", name, rows, cols))
	}
	p := &Param{Name: name, Rows: rows, Cols: cols, Val: make([]float64, rows*cols), Grad: make([]float64, rows*cols)}
	if init != nil {
		if len(init) != rows*cols {
			panic(fmt.Sprintf("ad: NewParam %q: %d values for %dx%d", name, len(init), rows, cols))
		}
		copy(p.Val, init)
	}
	return p
}

// ZeroGrad sets the gradient of p to zero.
func (p *Param) ZeroGrad() { clear(p.Grad) }

// Param records p on t. The node's value is p.Val (not copied) and its
// adjoint is p.Grad, so Backward accumulates the gradient into p.Grad.
func (t *Tape) Param(p *Param) Var {
	if t.noGrad {
		return t.Const(p.Rows, p.Cols, p.Val)
	}
	t.nodes = append(t.nodes, node{op: opParam, rows: p.Rows, cols: p.Cols, a: -1, b: -1, val: p.Val, adj: p.Grad, param: p})
	return Var{t: t, id: int32(len(t.nodes) - 1)}
}

// Backward computes the gradient of the 1x1 value out with respect to every
// Input and Param it depends on: afterwards Var.Grad holds the adjoints of
// recorded values and each Param's Grad has the gradient added to it.
// Backward may be called more than once on one recording (the adjoints of
// non-Param nodes are cleared first). It panics if out is not a 1x1 value
// recorded on t.
func (t *Tape) Backward(out Var) {
	out.check()
	if out.t != t {
		panic("ad: Backward of a Var not recorded on this tape")
	}
	n := out.node()
	if n.rows != 1 || n.cols != 1 {
		panic(fmt.Sprintf("ad: Backward from a %dx%d value; need 1x1", n.rows, n.cols))
	}
	if n.adj == nil {
		return // out depends on nothing differentiable
	}
	for i := range t.nodes[:out.id+1] {
		nd := &t.nodes[i]
		nd.reached = false
		if nd.adj != nil && nd.op != opParam {
			clear(nd.adj)
		}
	}
	n.adj[0] = 1
	n.reached = true
	// Only nodes that out depends on are visited: a recorded value that
	// does not feed out (a discarded branch) must not contribute, not even
	// 0 times a non-finite partial derivative.
	for i := int(out.id); i >= 0; i-- {
		nd := &t.nodes[i]
		if !nd.reached || nd.adj == nil || nd.op == opLeaf || nd.op == opParam {
			continue
		}
		if nd.a >= 0 {
			t.nodes[nd.a].reached = true
		}
		if nd.b >= 0 {
			t.nodes[nd.b].reached = true
		}
		for k := nd.in0; k < nd.inN; k++ {
			t.nodes[t.ins[k]].reached = true
		}
		t.backward(nd)
	}
}

// Gradient is Backward followed by returning the gradient of out with
// respect to each of wrt (nil for constants), for convenience in tests.
func (t *Tape) Gradient(out Var, wrt ...Var) [][]float64 {
	t.Backward(out)
	g := make([][]float64, len(wrt))
	for i, w := range wrt {
		if a := w.Grad(); a != nil {
			g[i] = append([]float64(nil), a...)
		}
	}
	return g
}

// tapeOf returns the tape shared by the Vars, or nil when all are free
// constants. It panics for Vars recorded on different tapes.
func tapeOf(vs ...Var) *Tape {
	var t *Tape
	for _, v := range vs {
		v.check()
		if v.t != nil {
			if t != nil && t != v.t {
				panic("ad: Vars from different tapes")
			}
			t = v.t
		}
	}
	return t
}

// needGrad reports whether any of the recorded Vars carries a gradient.
func needGrad(vs ...Var) bool {
	for _, v := range vs {
		if v.t != nil && v.node().adj != nil {
			return true
		}
	}
	return false
}

// result allocates the output of an op on tape t (or a fresh free constant
// when t is nil) and returns the Var and its value buffer.
func result(t *Tape, op opcode, rows, cols int, grad bool) (Var, *node, []float64) {
	if t == nil {
		d := make([]float64, rows*cols)
		return Var{c: &constant{Matrix: Matrix{Rows: rows, Cols: cols, Data: d}}}, nil, d
	}
	v, n := t.push(op, rows, cols, grad)
	return v, n, n.val
}

// lift places a free constant on t; no-op for t == nil.
func lift(t *Tape, v Var) Var {
	if t == nil {
		return v
	}
	return t.Lift(v)
}

var _ = math.Inf
