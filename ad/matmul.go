package ad

import (
	"fmt"
)

// MatMul returns the matrix product a b. It panics if the inner dimensions
// differ.
func MatMul(a, b Var) Var { return MatMulTrans(a, false, b, false) }

// MatMulTrans returns op(a) op(b), where op transposes its argument when the
// flag is set. No transpose is materialized: the flags go to the matrix product, in the
// forward and the backward pass. It panics if the inner dimensions differ.
func MatMulTrans(a Var, transA bool, b Var, transB bool) Var {
	t := tapeOf(a, b)
	a, b = lift(t, a), lift(t, b)
	ra, ca := a.Shape()
	rb, cb := b.Shape()
	m, k := ra, ca
	if transA {
		m, k = ca, ra
	}
	k2, nn := rb, cb
	if transB {
		k2, nn = cb, rb
	}
	if k != k2 {
		panic(fmt.Sprintf("ad: MatMul: op(a) is %dx%d, op(b) is %dx%d", m, k, k2, nn))
	}
	av, bv := a.Value(), b.Value()
	out, n, o := result(t, opMatMul, m, nn, t != nil && needGrad(a, b))
	if n != nil {
		n.a, n.b = a.id, b.id
		n.i0, n.i1 = b2i(transA), b2i(transB)
		t.flops += 2 * float64(m) * float64(nn) * float64(k)
	}
	gemm(transA, transB, m, nn, k, 1, av, ra, ca, bv, rb, cb, 0, o)
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gemm computes c = alpha op(a) op(b) + beta c, where a is stored ra x ca,
// b is stored rb x cb and c is m x n, with k the inner dimension. The
// product goes to dgemm: kldiv's packed kernel (internal/kernel) in the
// default build, OpenBLAS under the openblas tag. Both take the transpose
// flags directly and parallelize without depending on GOMAXPROCS for
// their bits, so no transposed copy or split of k is needed.
func gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, ra, ca int, b []float64, rb, cb int, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			clear(c[:m*n])
		} else if beta != 1 {
			for i := range c[:m*n] {
				c[i] *= beta
			}
		}
		return
	}
	dgemm(transA, transB, m, n, k, alpha, a[:ra*ca], max(ca, 1), b[:rb*cb], max(cb, 1), beta, c[:m*n], max(n, 1))
}

func (t *Tape) matmulBackward(n *node) {
	an, bn := &t.nodes[n.a], &t.nodes[n.b]
	tA, tB := n.i0 == 1, n.i1 == 1
	g := n.adj
	m, nn := n.rows, n.cols
	k := an.cols
	if tA {
		k = an.rows
	}
	if an.adj != nil {
		t.flops += 2 * float64(m) * float64(nn) * float64(k)
		if !tA {
			// dA (m x k) += G op(B)ᵀ
			gemm(false, !tB, m, k, nn, 1, g, m, nn, bn.val, bn.rows, bn.cols, 1, an.adj)
		} else {
			// dA (k x m) += op(B) Gᵀ
			gemm(tB, true, k, m, nn, 1, bn.val, bn.rows, bn.cols, g, m, nn, 1, an.adj)
		}
	}
	if bn.adj != nil {
		t.flops += 2 * float64(m) * float64(nn) * float64(k)
		if !tB {
			// dB (k x n) += op(A)ᵀ G
			gemm(!tA, false, k, nn, m, 1, an.val, an.rows, an.cols, g, m, nn, 1, bn.adj)
		} else {
			// dB (n x k) += Gᵀ op(A)
			gemm(true, tA, nn, k, m, 1, g, m, nn, an.val, an.rows, an.cols, 1, bn.adj)
		}
	}
}
