package ad

import (
	"fmt"

	"github.com/kldiv/kldiv/internal/par"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// MatMul returns the matrix product a b. It panics if the inner dimensions
// differ.
func MatMul(a, b Var) Var { return MatMulTrans(a, false, b, false) }

// MatMulTrans returns op(a) op(b), where op transposes its argument when the
// flag is set. No transpose is materialized: the flags go to BLAS, in the
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
	var scratch *[]float64
	if t != nil {
		scratch = &t.scratch
	}
	gemm(scratch, transA, transB, m, nn, k, 1, av, ra, ca, bv, rb, cb, 0, o)
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func general(r, c int, d []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: max(c, 1), Data: d}
}

func flag(tr bool) blas.Transpose {
	if tr {
		return blas.Trans
	}
	return blas.NoTrans
}

// gemm computes c = alpha op(a) op(b) + beta c, where a is stored ra x ca,
// b is stored rb x cb and c is m x n, with k the inner dimension.
//
// gonum's pure-Go Dgemm is 3 to 6 times slower when a is transposed than
// when it is not (measured at VAE sizes: 784x400x128 runs at 4 GFLOP/s
// transposed, 14 GFLOP/s not), so a transposed a is first copied into
// scratch in plain layout: O(mk) work to save most of O(mnk). scratch may
// be nil (a buffer is then allocated).
func gemm(scratch *[]float64, transA, transB bool, m, n, k int, alpha float64, a []float64, ra, ca int, b []float64, rb, cb int, beta float64, c []float64) {
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
	if transA && m > 1 && !nativeBLAS {
		var buf []float64
		if scratch != nil {
			if cap(*scratch) < m*k {
				*scratch = make([]float64, m*k)
			}
			buf = (*scratch)[:m*k]
		} else {
			buf = make([]float64, m*k)
		}
		transposeInto(buf, a[:ra*ca], ra, ca)
		a, ra, ca, transA = buf, m, k, false
		if scratch != nil {
			*scratch = (*scratch)[:m*k]
		}
	} else if scratch != nil {
		*scratch = (*scratch)[:0]
	}
	if transA {
		// Native BLAS or a single row: let BLAS handle the flag.
		blas64.Gemm(flag(transA), flag(transB), alpha, general(ra, ca, a), general(rb, cb, b), beta, general(m, n, c))
		return
	}
	if !nativeBLAS && m*n <= splitKMaxOut && k >= splitKMinK && m*n*k >= splitKMinWork {
		splitK(scratch, transB, m, n, k, alpha, a, ca, b, rb, cb, beta, c)
		return
	}
	blas64.Gemm(flag(transA), flag(transB), alpha, general(ra, ca, a), general(rb, cb, b), beta, general(m, n, c))
}

// Split-K: gonum's Dgemm parallelizes over 64x64 blocks of the output and
// runs serially when the output has fewer than 4 blocks, however long the
// inner dimension. Products with a small output and a long inner dimension
// (the gradient of S x D weights from N data points: S x N times N x D)
// are common in models whose particles are rows, so they are cut along k
// into splitKParts fixed slices, computed in parallel into separate
// buffers and summed in slice order. The number of slices does not depend
// on GOMAXPROCS, so the result is the same on every machine.
const (
	splitKParts   = 8
	splitKMaxOut  = 128 * 128
	splitKMinK    = 2048
	splitKMinWork = 1 << 18
)

// splitK computes c = alpha a op(b) + beta c for a plain m x k (row stride
// ca) and b stored rb x cb (transposed when transB), by slices of k.
func splitK(scratch *[]float64, transB bool, m, n, k int, alpha float64, a []float64, ca int, b []float64, rb, cb int, beta float64, c []float64) {
	need := splitKParts * m * n
	var parts []float64
	if scratch != nil {
		// The scratch may hold a transposed a: use the space after it.
		off := len(*scratch)
		if cap(*scratch) < off+need {
			grown := make([]float64, off, off+need)
			copy(grown, *scratch)
			// a may alias the old scratch: keep reading from it.
			*scratch = grown
		}
		parts = (*scratch)[off : off+need]
	} else {
		parts = make([]float64, need)
	}
	chunk := (k + splitKParts - 1) / splitKParts
	par.For(splitKParts, 2, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			k0, k1 := p*chunk, min((p+1)*chunk, k)
			dst := parts[p*m*n : (p+1)*m*n]
			if k0 >= k1 {
				clear(dst)
				continue
			}
			av := blas64.General{Rows: m, Cols: k1 - k0, Stride: ca, Data: a[k0:]}
			var bv blas64.General
			if transB {
				bv = blas64.General{Rows: n, Cols: k1 - k0, Stride: cb, Data: b[k0:]}
			} else {
				bv = blas64.General{Rows: k1 - k0, Cols: n, Stride: cb, Data: b[k0*cb:]}
			}
			blas64.Gemm(blas.NoTrans, flag(transB), 1, av, bv, 0, general(m, n, dst))
		}
	})
	for i := range c[:m*n] {
		var s float64
		for p := 0; p < splitKParts; p++ {
			s += parts[p*m*n+i]
		}
		if beta == 0 {
			c[i] = alpha * s
		} else {
			c[i] = beta*c[i] + alpha*s
		}
	}
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
			gemm(&t.scratch, false, !tB, m, k, nn, 1, g, m, nn, bn.val, bn.rows, bn.cols, 1, an.adj)
		} else {
			// dA (k x m) += op(B) Gᵀ
			gemm(&t.scratch, tB, true, k, m, nn, 1, bn.val, bn.rows, bn.cols, g, m, nn, 1, an.adj)
		}
	}
	if bn.adj != nil {
		t.flops += 2 * float64(m) * float64(nn) * float64(k)
		if !tB {
			// dB (k x n) += op(A)ᵀ G
			gemm(&t.scratch, !tA, false, k, nn, m, 1, an.val, an.rows, an.cols, g, m, nn, 1, bn.adj)
		} else {
			// dB (n x k) += Gᵀ op(A)
			gemm(&t.scratch, true, tA, nn, k, m, 1, g, m, nn, an.val, an.rows, an.cols, 1, bn.adj)
		}
	}
}
