package ad

import "fmt"

// SliceCols returns columns [from, to) of a. It panics if the range is out
// of bounds.
func SliceCols(a Var, from, to int) Var {
	r, c := a.Shape()
	if from < 0 || to > c || from > to {
		panic(fmt.Sprintf("ad: SliceCols [%d, %d) of %dx%d", from, to, r, c))
	}
	t := tapeOf(a)
	av := a.Value()
	w := to - from
	out, n, o := result(t, opSliceCols, r, w, t != nil && needGrad(a))
	if n != nil {
		n.a, n.i0 = a.id, from
	}
	for i := 0; i < r; i++ {
		copy(o[i*w:(i+1)*w], av[i*c+from:i*c+to])
	}
	return out
}

// SliceRows returns rows [from, to) of a, sharing no memory with a. It
// panics if the range is out of bounds.
func SliceRows(a Var, from, to int) Var {
	r, c := a.Shape()
	if from < 0 || to > r || from > to {
		panic(fmt.Sprintf("ad: SliceRows [%d, %d) of %dx%d", from, to, r, c))
	}
	t := tapeOf(a)
	av := a.Value()
	out, n, o := result(t, opSliceRows, to-from, c, t != nil && needGrad(a))
	if n != nil {
		n.a, n.i0 = a.id, from
	}
	copy(o, av[from*c:to*c])
	return out
}

// ColOf returns column j of a as an R x 1 value.
func ColOf(a Var, j int) Var { return SliceCols(a, j, j+1) }

// ConcatCols joins values with equal row counts side by side. It panics if
// the row counts differ or no value is given.
func ConcatCols(vs ...Var) Var { return concat(opConcatCols, vs) }

// ConcatRows stacks values with equal column counts. It panics if the
// column counts differ or no value is given.
func ConcatRows(vs ...Var) Var { return concat(opConcatRows, vs) }

func concat(op opcode, vs []Var) Var {
	if len(vs) == 0 {
		panic("ad: Concat of nothing")
	}
	t := tapeOf(vs...)
	r, c := vs[0].Shape()
	tot := 0
	for _, v := range vs {
		vr, vc := v.Shape()
		if op == opConcatCols {
			if vr != r {
				panic(fmt.Sprintf("ad: ConcatCols: %d rows and %d rows", r, vr))
			}
			tot += vc
		} else {
			if vc != c {
				panic(fmt.Sprintf("ad: ConcatRows: %d columns and %d columns", c, vc))
			}
			tot += vr
		}
	}
	if t != nil {
		for i := range vs {
			if vs[i].t == nil {
				// Lifting appends nodes, so do it before the output node.
				// The caller's slice is not modified: copy on first lift.
				vs = append([]Var(nil), vs...)
				for k := range vs {
					vs[k] = t.Lift(vs[k])
				}
				break
			}
		}
	}
	or, oc := r, tot
	if op == opConcatRows {
		or, oc = tot, c
	}
	out, n, o := result(t, op, or, oc, t != nil && needGrad(vs...))
	off := 0
	for _, v := range vs {
		vr, vc := v.Shape()
		vv := v.Value()
		if op == opConcatCols {
			for i := 0; i < r; i++ {
				copy(o[i*oc+off:i*oc+off+vc], vv[i*vc:(i+1)*vc])
			}
			off += vc
		} else {
			copy(o[off*c:], vv)
			off += vr
		}
	}
	if n != nil {
		n.in0 = int32(len(t.ins))
		for _, v := range vs {
			t.ins = append(t.ins, v.id)
			t.parts = append(t.parts, nil)
		}
		t.nodes[out.id].inN = int32(len(t.ins))
	}
	return out
}

// Transpose returns the transpose of a.
func Transpose(a Var) Var {
	t := tapeOf(a)
	r, c := a.Shape()
	av := a.Value()
	out, n, o := result(t, opTranspose, c, r, t != nil && needGrad(a))
	if n != nil {
		n.a = a.id
	}
	transposeInto(o, av, r, c)
	return out
}

// transposeInto writes the transpose of the r x c matrix src into dst.
func transposeInto(dst, src []float64, r, c int) {
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			dst[j*r+i] = src[i*c+j]
		}
	}
}

// Reshape returns a with its row-major elements read as rows x cols. It
// panics if the sizes differ.
func Reshape(a Var, rows, cols int) Var {
	r, c := a.Shape()
	if rows*cols != r*c || rows < 0 || cols < 0 {
		panic(fmt.Sprintf("ad: Reshape %dx%d to %dx%d", r, c, rows, cols))
	}
	t := tapeOf(a)
	av := a.Value()
	out, n, o := result(t, opReshape, rows, cols, t != nil && needGrad(a))
	if n != nil {
		n.a = a.id
	}
	copy(o, av)
	return out
}

func (t *Tape) shapeBackward(n *node) {
	g := n.adj
	switch n.op {
	case opSliceCols:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		c, w := an.cols, n.cols
		for i := 0; i < n.rows; i++ {
			d := an.adj[i*c+n.i0 : i*c+n.i0+w]
			for j, v := range g[i*w : (i+1)*w] {
				d[j] += v
			}
		}
	case opSliceRows:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		d := an.adj[n.i0*an.cols:]
		for i, v := range g {
			d[i] += v
		}
	case opTranspose:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		r, c := an.rows, an.cols
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				an.adj[i*c+j] += g[j*r+i]
			}
		}
	case opTileRows:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		m := len(an.adj)
		for i, v := range g {
			an.adj[i%m] += v
		}
	case opRepeatRows:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		c, k := an.cols, n.i0
		for i := 0; i < an.rows; i++ {
			d := an.adj[i*c : (i+1)*c]
			for j := 0; j < k; j++ {
				src := g[(i*k+j)*c : (i*k+j+1)*c]
				for m, v := range src {
					d[m] += v
				}
			}
		}
	case opReshape:
		an := &t.nodes[n.a]
		if an.adj == nil {
			return
		}
		for i, v := range g {
			an.adj[i] += v
		}
	case opConcatCols, opConcatRows:
		off := 0
		for k := n.in0; k < n.inN; k++ {
			vn := &t.nodes[t.ins[k]]
			if n.op == opConcatCols {
				if vn.adj != nil {
					for i := 0; i < n.rows; i++ {
						d := vn.adj[i*vn.cols : (i+1)*vn.cols]
						for j := range d {
							d[j] += g[i*n.cols+off+j]
						}
					}
				}
				off += vn.cols
			} else {
				if vn.adj != nil {
					src := g[off*n.cols : (off+vn.rows)*n.cols]
					for i, v := range src {
						vn.adj[i] += v
					}
				}
				off += vn.rows
			}
		}
	}
}

// TileRows stacks k copies of a: an R x C value becomes kR x C, row i of
// the result being row i mod R of a. It panics if k < 1.
func TileRows(a Var, k int) Var {
	if k < 1 {
		panic(fmt.Sprintf("ad: TileRows by %d", k))
	}
	t := tapeOf(a)
	r, c := a.Shape()
	av := a.Value()
	out, n, o := result(t, opTileRows, k*r, c, t != nil && needGrad(a))
	if n != nil {
		n.a = a.id
	}
	for i := 0; i < k; i++ {
		copy(o[i*r*c:(i+1)*r*c], av)
	}
	return out
}

// RepeatRows repeats each row of a k times in place: an R x C value
// becomes kR x C, row i of the result being row i/k of a (each row's copies
// adjacent, unlike TileRows). It panics if k < 1.
func RepeatRows(a Var, k int) Var {
	if k < 1 {
		panic(fmt.Sprintf("ad: RepeatRows by %d", k))
	}
	t := tapeOf(a)
	r, c := a.Shape()
	av := a.Value()
	out, n, o := result(t, opRepeatRows, k*r, c, t != nil && needGrad(a))
	if n != nil {
		n.a, n.i0 = a.id, k
	}
	for i := 0; i < r; i++ {
		for j := 0; j < k; j++ {
			copy(o[(i*k+j)*c:(i*k+j+1)*c], av[i*c:(i+1)*c])
		}
	}
	return out
}
