// Package linalg holds the small dense kernels behind kldiv's batched-row
// linear algebra: Cholesky factorization, triangular solves and the
// reverse-mode rule of the Cholesky factorization, on one d x d matrix
// stored row-major in a flat slice. Package ad wraps them as differentiable
// operations over rows (ad.CholeskyRows, ad.TriSolveRows, ...) and package
// dist calls them inside its fused Gaussian kernels.
//
// The kernels are written for the sizes of one distribution's covariance
// (a few to a few hundred dimensions): row-oriented loops whose inner
// products run over contiguous memory, with no allocation. A lower
// triangular matrix L is stored as a full d x d matrix whose strictly upper
// part is ignored on input and zero on output.
//
// CholeskyGroup (batch.go) factors up to GroupLanes matrices of one order
// at once in an interleaved layout, one SIMD lane per matrix, by the
// block kernels of internal/kernel; ad.CholeskyRows and
// MultivariateNormalCov use it up to order GroupMaxOrder.
package linalg

import (
	"math"

	"gonum.org/v1/gonum/blas"
	gonumlapack "gonum.org/v1/gonum/lapack/gonum"
)

// Dot returns Σ x[i] y[i] over len(x) elements; y must be at least as
// long. The sum uses four accumulators in a fixed order, so the result does
// not depend on anything but the inputs.
func Dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	for len(x) >= 4 && len(y) >= 4 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		x, y = x[4:], y[4:]
	}
	for i, v := range x {
		s0 += v * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Axpy adds a*x to y element-wise over len(x) elements.
func Axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for len(x) >= 4 && len(y) >= 4 {
		y[0] += a * x[0]
		y[1] += a * x[1]
		y[2] += a * x[2]
		y[3] += a * x[3]
		x, y = x[4:], y[4:]
	}
	for i, v := range x {
		y[i] += a * v
	}
}

// CholeskySym computes the lower Cholesky factor L (L Lᵀ = A) of the
// symmetric part ½(A + Aᵀ) of the d x d matrix a into l (which may not
// alias a); the strictly upper part of l is set to zero. The factorization
// is LAPACK's dpotrf as implemented by gonum (lapack/gonum), whose inner
// products run in gonum's assembly kernels; for d below its block size
// this is the unblocked left-looking algorithm dpotf2.
//
// It returns ok = false when the matrix is not (numerically) positive
// definite: k is the first pivot that is not positive and finite (the
// leading minor of order k+1 fails) and pivot its value; l is then
// undefined.
func CholeskySym(l, a []float64, d int) (ok bool, k int, pivot float64) {
	l = l[:d*d]
	a = a[:d*d]
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			l[i*d+j] = 0.5 * (a[i*d+j] + a[j*d+i])
		}
		l[i*d+i] = a[i*d+i]
		clear(l[i*d+i+1 : i*d+d])
	}
	if lapackImpl.Dpotrf(blas.Lower, d, l, max(d, 1)) {
		ok = true
		for i := 0; i < d; i++ {
			if math.IsInf(l[i*d+i], 1) {
				ok = false
			}
		}
		if ok {
			return true, 0, 0
		}
	}
	return choleskyPivot(l, a, d)
}

var lapackImpl gonumlapack.Implementation

// choleskyPivot runs the left-looking factorization (dpotf2's order:
// l_jj = √(a_jj - Σ_{k<j} l_jk²), then l_ij = (s_ij - Σ_{k<j} l_ik l_jk) / l_jj
// for i > j) to find the first pivot that is not positive and finite.
func choleskyPivot(l, a []float64, d int) (ok bool, k int, pivot float64) {
	clear(l)
	for j := 0; j < d; j++ {
		lj := l[j*d : j*d+j]
		p := a[j*d+j] - Dot(lj, lj)
		if !(p > 0) || math.IsInf(p, 1) {
			return false, j, p
		}
		ljj := math.Sqrt(p)
		l[j*d+j] = ljj
		for i := j + 1; i < d; i++ {
			s := 0.5 * (a[i*d+j] + a[j*d+i])
			l[i*d+j] = (s - Dot(l[i*d:i*d+j], lj)) / ljj
		}
	}
	return true, 0, 0
}

// SolveLower solves L x = b for x (forward substitution); x may alias b.
func SolveLower(x, l, b []float64, d int) {
	for i := 0; i < d; i++ {
		li := l[i*d : i*d+i]
		x[i] = (b[i] - Dot(li, x[:i])) / l[i*d+i]
	}
}

// SolveLowerT solves Lᵀ x = b for x (back substitution); x may alias b.
func SolveLowerT(x, l, b []float64, d int) {
	if &x[0] != &b[0] {
		copy(x[:d], b[:d])
	}
	for i := d - 1; i >= 0; i-- {
		x[i] /= l[i*d+i]
		xi := x[i]
		// x[:i] -= xi * L[i, :i]
		Axpy(-xi, l[i*d:i*d+i], x[:i])
	}
}

// SolveLowerTri computes E = L⁻¹ F for lower-triangular L and F into the
// lower triangle of e (the strictly upper part of e is set to zero; e may
// alias f). E is lower triangular because F is, which halves the work of a
// general solve: E_ij = (F_ij - Σ_{j<=k<i} l_ik E_kj) / l_ii for j <= i.
//
// Row i is computed in blocks of four columns held in registers while k
// runs over the rows above (E_k is zero beyond column k, so the blocks
// read zeros there): one load of l_ik and four of E_k per four
// multiply-adds and no stores in the inner loop.
func SolveLowerTri(e, l, f []float64, d int) {
	for i := 0; i < d; i++ {
		ei := e[i*d : (i+1)*d]
		fi := f[i*d : (i+1)*d]
		li := l[i*d : i*d+i]
		inv := 1 / l[i*d+i]
		j0 := 0
		for ; j0+4 <= i+1; j0 += 4 {
			a0, a1, a2, a3 := fi[j0], fi[j0+1], fi[j0+2], fi[j0+3]
			for k := j0; k < i; k++ {
				lik := li[k]
				ek := e[k*d+j0 : k*d+j0+4]
				a0 -= lik * ek[0]
				a1 -= lik * ek[1]
				a2 -= lik * ek[2]
				a3 -= lik * ek[3]
			}
			ei[j0], ei[j0+1], ei[j0+2], ei[j0+3] = a0*inv, a1*inv, a2*inv, a3*inv
		}
		for j := j0; j <= i; j++ {
			a := fi[j]
			for k := j; k < i; k++ {
				a -= li[k] * e[k*d+j]
			}
			ei[j] = a * inv
		}
		clear(ei[i+1:])
	}
}

// SolveLowerMat computes X = L⁻¹ B for a general d x n matrix B (row-major)
// into x, which may alias b.
func SolveLowerMat(x, l, b []float64, d, n int) {
	if &x[0] != &b[0] {
		copy(x[:d*n], b[:d*n])
	}
	for i := 0; i < d; i++ {
		xi := x[i*n : i*n+n]
		for k := 0; k < i; k++ {
			if lik := l[i*d+k]; lik != 0 {
				Axpy(-lik, x[k*n:k*n+n], xi)
			}
		}
		inv := 1 / l[i*d+i]
		for j := range xi {
			xi[j] *= inv
		}
	}
}

// SolveLowerTMat computes X = L⁻ᵀ B for a general d x n matrix B
// (row-major) into x, which may alias b.
func SolveLowerTMat(x, l, b []float64, d, n int) {
	if &x[0] != &b[0] {
		copy(x[:d*n], b[:d*n])
	}
	for i := d - 1; i >= 0; i-- {
		xi := x[i*n : i*n+n]
		inv := 1 / l[i*d+i]
		for j := range xi {
			xi[j] *= inv
		}
		for k := 0; k < i; k++ {
			if lik := l[i*d+k]; lik != 0 {
				Axpy(-lik, xi, x[k*n:k*n+n])
			}
		}
	}
}

// InvLower writes the inverse of the lower-triangular L into m (lower
// triangular; the strictly upper part is set to zero). m may not alias l.
func InvLower(m, l []float64, d int) {
	clear(m[:d*d])
	for i := 0; i < d; i++ {
		m[i*d+i] = 1
	}
	SolveLowerTri(m, l, m, d)
}

// Transpose writes the transpose of the d x d matrix a into b (no
// aliasing).
func Transpose(b, a []float64, d int) {
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			b[j*d+i] = a[i*d+j]
		}
	}
}

// CholeskyVJP adds to abar the gradient with respect to A of a function of
// the Cholesky factor L of A (L Lᵀ = ½(A + Aᵀ)), given L and the adjoint
// lbar of L (only its lower triangle is read). It implements the
// symmetrized form of Murray (2016), "Differentiation of the Cholesky
// decomposition", arXiv:1602.07527, eq. (10):
//
//	P = Φ(Lᵀ L̄),  Ā = L⁻ᵀ ½(P + Pᵀ) L⁻¹,
//
// where Φ keeps the lower triangle and halves the diagonal. Ā is symmetric,
// which is the gradient for a forward pass that reads ½(A + Aᵀ). work must
// hold 2*d*d values.
func CholeskyVJP(abar, l, lbar []float64, d int, work []float64) {
	p := work[:d*d]
	x := work[d*d : 2*d*d]
	// P_ij = Σ_{k >= i} l_ki lbar_kj for i >= j (lbar lower).
	clear(p)
	for k := 0; k < d; k++ {
		lk := l[k*d : k*d+k+1]
		lb := lbar[k*d : k*d+k+1]
		for i, lki := range lk {
			if lki != 0 {
				Axpy(lki, lb[:i+1], p[i*d:i*d+i+1])
			}
		}
	}
	// Q = ½(P + Pᵀ) for P = Φ(Lᵀ L̄): Q_ii = Y_ii/2 and Q_ij = Q_ji = Y_ij/2
	// (i > j), where Y = Lᵀ L̄ is held in the lower triangle of p.
	for i := 0; i < d; i++ {
		p[i*d+i] *= 0.5
		for j := 0; j < i; j++ {
			v := 0.5 * p[i*d+j]
			p[i*d+j] = v
			p[j*d+i] = v
		}
	}
	// X = L⁻ᵀ Q, then Ā = L⁻ᵀ Xᵀ (= L⁻ᵀ Q L⁻¹, symmetric).
	SolveLowerTMat(p, l, p, d, d)
	Transpose(x, p, d)
	SolveLowerTMat(x, l, x, d, d)
	for i := 0; i < d; i++ {
		abar[i*d+i] += x[i*d+i]
		for j := 0; j < i; j++ {
			v := 0.5 * (x[i*d+j] + x[j*d+i])
			abar[i*d+j] += v
			abar[j*d+i] += v
		}
	}
}
