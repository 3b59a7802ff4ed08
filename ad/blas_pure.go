//go:build !openblas

package ad

import "github.com/kldiv/kldiv/internal/kernel"

// BLASImplementation names the implementation behind matrix products.
var BLASImplementation = "kldiv kernel (pure Go build, " + kernel.Impl() + ")"

// dgemm is the row-major C = alpha op(A) op(B) + beta C behind every
// matrix product: kldiv's packed kernel, AVX-512 or AVX2 assembly where
// the CPU has it, pure Go otherwise or under the purego tag.
func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	kernel.Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
