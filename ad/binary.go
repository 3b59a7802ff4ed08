package ad

import "math"

// Add returns a + b with broadcasting: the shapes must agree in each
// dimension or be 1 there (a scalar, a row 1xC or a column Rx1 broadcasts
// over RxC). It panics if the shapes do not broadcast.
func Add(a, b Var) Var { return binary(opAdd, "Add", a, b) }

// Sub returns a - b with broadcasting as in Add.
func Sub(a, b Var) Var { return binary(opSub, "Sub", a, b) }

// Mul returns the element-wise product a * b with broadcasting as in Add.
func Mul(a, b Var) Var { return binary(opMul, "Mul", a, b) }

// Div returns the element-wise quotient a / b with broadcasting as in Add.
func Div(a, b Var) Var { return binary(opDiv, "Div", a, b) }

// Maximum returns the element-wise maximum of a and b with broadcasting as
// in Add. Where a == b the gradient goes to a.
func Maximum(a, b Var) Var { return binary(opMaximum, "Maximum", a, b) }

// Minimum returns the element-wise minimum of a and b with broadcasting as
// in Add. Where a == b the gradient goes to a.
func Minimum(a, b Var) Var { return binary(opMinimum, "Minimum", a, b) }

func binary(op opcode, name string, a, b Var) Var {
	t := tapeOf(a, b)
	a, b = lift(t, a), lift(t, b)
	ra, ca := a.Shape()
	rb, cb := b.Shape()
	s := newBcast(name, ra, ca, rb, cb)
	av, bv := a.Value(), b.Value()
	out, n, ov := result(t, op, s.rows, s.cols, t != nil && needGrad(a, b))
	if n != nil {
		n.a, n.b = a.id, b.id
	}
	binaryForward(op, s, ov, av, bv)
	return out
}

func binaryForward(op opcode, s bcast, o, a, b []float64) {
	if s.same {
		a, b = a[:len(o)], b[:len(o)]
		switch op {
		case opAdd:
			for i := range o {
				o[i] = a[i] + b[i]
			}
		case opSub:
			for i := range o {
				o[i] = a[i] - b[i]
			}
		case opMul:
			for i := range o {
				o[i] = a[i] * b[i]
			}
		case opDiv:
			for i := range o {
				o[i] = a[i] / b[i]
			}
		case opMaximum:
			for i := range o {
				o[i] = max2(a[i], b[i])
			}
		case opMinimum:
			for i := range o {
				o[i] = min2(a[i], b[i])
			}
		}
		return
	}
	for i := 0; i < s.rows; i++ {
		oi := o[i*s.cols : (i+1)*s.cols]
		ia, ib := i*s.ars, i*s.brs
		switch op {
		case opAdd:
			for j := range oi {
				oi[j] = a[ia+j*s.acs] + b[ib+j*s.bcs]
			}
		case opSub:
			for j := range oi {
				oi[j] = a[ia+j*s.acs] - b[ib+j*s.bcs]
			}
		case opMul:
			for j := range oi {
				oi[j] = a[ia+j*s.acs] * b[ib+j*s.bcs]
			}
		case opDiv:
			for j := range oi {
				oi[j] = a[ia+j*s.acs] / b[ib+j*s.bcs]
			}
		case opMaximum:
			for j := range oi {
				oi[j] = max2(a[ia+j*s.acs], b[ib+j*s.bcs])
			}
		case opMinimum:
			for j := range oi {
				oi[j] = min2(a[ia+j*s.acs], b[ib+j*s.bcs])
			}
		}
	}
}

// max2 and min2 propagate NaN from either argument, as math.Max does, but
// prefer a on ties so that the gradient rule "ties go to a" holds.
func max2(a, b float64) float64 {
	if a >= b || math.IsNaN(a) {
		return a
	}
	return b
}

func min2(a, b float64) float64 {
	if a <= b || math.IsNaN(a) {
		return a
	}
	return b
}

func (t *Tape) binaryBackward(n *node) {
	an, bn := &t.nodes[n.a], &t.nodes[n.b]
	s := newBcast("backward", an.rows, an.cols, bn.rows, bn.cols)
	g, o := n.adj, n.val
	av, bv := an.val, bn.val
	da, db := an.adj, bn.adj
	switch n.op {
	case opAdd, opSub:
		if da != nil {
			reduceInto(da, an.rows, an.cols, g, s.rows, s.cols)
		}
		if db != nil {
			if n.op == opAdd {
				reduceInto(db, bn.rows, bn.cols, g, s.rows, s.cols)
			} else {
				reduceNegInto(db, bn.rows, bn.cols, g, s.rows, s.cols)
			}
		}
		return
	}
	if s.same {
		switch n.op {
		case opMul:
			if da != nil {
				for i, gi := range g {
					da[i] += gi * bv[i]
				}
			}
			if db != nil {
				for i, gi := range g {
					db[i] += gi * av[i]
				}
			}
		case opDiv:
			for i, gi := range g {
				q := gi / bv[i]
				if da != nil {
					da[i] += q
				}
				if db != nil {
					db[i] -= q * o[i]
				}
			}
		case opMaximum, opMinimum:
			for i, gi := range g {
				if o[i] == av[i] || math.IsNaN(av[i]) {
					if da != nil {
						da[i] += gi
					}
				} else if db != nil {
					db[i] += gi
				}
			}
		}
		return
	}
	for i := 0; i < s.rows; i++ {
		ia, ib := i*s.ars, i*s.brs
		for j := 0; j < s.cols; j++ {
			k := i*s.cols + j
			ka, kb := ia+j*s.acs, ib+j*s.bcs
			gi := g[k]
			switch n.op {
			case opMul:
				if da != nil {
					da[ka] += gi * bv[kb]
				}
				if db != nil {
					db[kb] += gi * av[ka]
				}
			case opDiv:
				q := gi / bv[kb]
				if da != nil {
					da[ka] += q
				}
				if db != nil {
					db[kb] -= q * o[k]
				}
			case opMaximum, opMinimum:
				if o[k] == av[ka] || math.IsNaN(av[ka]) {
					if da != nil {
						da[ka] += gi
					}
				} else if db != nil {
					db[kb] += gi
				}
			}
		}
	}
}

func reduceNegInto(dst []float64, dr, dc int, src []float64, rows, cols int) {
	if dr == rows && dc == cols {
		for i, v := range src {
			dst[i] -= v
		}
		return
	}
	rs, cs := strides(dr, dc)
	for i := 0; i < rows; i++ {
		o := i * rs
		row := src[i*cols : (i+1)*cols]
		if cs == 0 {
			var s float64
			for _, v := range row {
				s += v
			}
			dst[o] -= s
			continue
		}
		d := dst[o : o+cols]
		for j, v := range row {
			d[j] -= v
		}
	}
}
