package ad

import (
	"fmt"
	"math"
)

// Sum returns the 1x1 sum of all elements of a.
func Sum(a Var) Var { return reduce(opSum, a) }

// Mean returns the 1x1 mean of all elements of a. It panics for an empty a.
func Mean(a Var) Var {
	if a.Len() == 0 {
		panic("ad: Mean of an empty value")
	}
	return reduce(opMean, a)
}

// SumCols sums across the columns of each row: R x C to R x 1.
func SumCols(a Var) Var { return reduce(opSumCols, a) }

// SumRows sums down the rows of each column: R x C to 1 x C.
func SumRows(a Var) Var { return reduce(opSumRows, a) }

// LogSumExpCols returns log Σ_j exp(a_ij) for each row: R x C to R x 1,
// computed with the maximum subtracted so it neither overflows nor
// underflows.
func LogSumExpCols(a Var) Var { return reduce(opLSECols, a) }

// LogSoftmaxCols returns a_ij - log Σ_k exp(a_ik): a row-wise log-softmax.
func LogSoftmaxCols(a Var) Var { return reduce(opLogSoftmaxCols, a) }

// SoftmaxCols returns exp(a_ij) / Σ_k exp(a_ik): a row-wise softmax.
func SoftmaxCols(a Var) Var { return reduce(opSoftmaxCols, a) }

func reduce(op opcode, a Var) Var {
	t := tapeOf(a)
	r, c := a.Shape()
	or, oc := r, c
	switch op {
	case opSum, opMean:
		or, oc = 1, 1
	case opSumCols, opLSECols:
		oc = 1
	case opSumRows:
		or = 1
	}
	if (op == opLSECols || op == opLogSoftmaxCols || op == opSoftmaxCols) && c == 0 {
		panic(fmt.Sprintf("ad: log-sum-exp over %dx%d: no columns", r, c))
	}
	av := a.Value()
	out, n, o := result(t, op, or, oc, t != nil && needGrad(a))
	if n != nil {
		n.a = a.id
	}
	switch op {
	case opSum, opMean:
		var s float64
		for _, x := range av {
			s += x
		}
		if op == opMean {
			s /= float64(len(av))
		}
		o[0] = s
	case opSumCols:
		for i := 0; i < r; i++ {
			var s float64
			for _, x := range av[i*c : (i+1)*c] {
				s += x
			}
			o[i] = s
		}
	case opSumRows:
		clear(o)
		for i := 0; i < r; i++ {
			for j, x := range av[i*c : (i+1)*c] {
				o[j] += x
			}
		}
	case opLSECols:
		for i := 0; i < r; i++ {
			o[i] = lse(av[i*c : (i+1)*c])
		}
	case opLogSoftmaxCols, opSoftmaxCols:
		for i := 0; i < r; i++ {
			row := av[i*c : (i+1)*c]
			l := lse(row)
			orow := o[i*c : (i+1)*c]
			for j, x := range row {
				if op == opSoftmaxCols {
					orow[j] = math.Exp(x - l)
				} else {
					orow[j] = x - l
				}
			}
		}
	}
	return out
}

// lse returns log Σ exp(x) of a non-empty row, stably.
func lse(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if v > m || v != v {
			m = v
		}
	}
	if math.IsInf(m, 0) || m != m {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

func (t *Tape) reduceBackward(n *node) {
	an := &t.nodes[n.a]
	da := an.adj
	if da == nil {
		return
	}
	g := n.adj
	r, c := an.rows, an.cols
	switch n.op {
	case opSum, opMean:
		s := g[0]
		if n.op == opMean {
			s /= float64(len(da))
		}
		for i := range da {
			da[i] += s
		}
	case opSumCols:
		for i := 0; i < r; i++ {
			gi := g[i]
			for j := range da[i*c : (i+1)*c] {
				da[i*c+j] += gi
			}
		}
	case opSumRows:
		for i := 0; i < r; i++ {
			d := da[i*c : (i+1)*c]
			for j := range d {
				d[j] += g[j]
			}
		}
	case opLSECols:
		for i := 0; i < r; i++ {
			gi, l := g[i], n.val[i]
			if math.IsInf(l, -1) {
				continue
			}
			row := an.val[i*c : (i+1)*c]
			for j, x := range row {
				da[i*c+j] += gi * math.Exp(x-l)
			}
		}
	case opLogSoftmaxCols:
		// d/dx_j of (x_k - lse) is δ_jk - softmax_j.
		for i := 0; i < r; i++ {
			grow := g[i*c : (i+1)*c]
			orow := n.val[i*c : (i+1)*c]
			var gs float64
			for _, v := range grow {
				gs += v
			}
			for j, v := range grow {
				da[i*c+j] += v - math.Exp(orow[j])*gs
			}
		}
	case opSoftmaxCols:
		// Jacobian diag(s) - s sᵀ.
		for i := 0; i < r; i++ {
			grow := g[i*c : (i+1)*c]
			s := n.val[i*c : (i+1)*c]
			var dot float64
			for j, v := range grow {
				dot += v * s[j]
			}
			for j, v := range grow {
				da[i*c+j] += s[j] * (v - dot)
			}
		}
	}
}
