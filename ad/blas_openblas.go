//go:build openblas

package ad

import (
	"github.com/kldiv/kldiv/internal/kernel"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// BLASImplementation names the implementation behind matrix products.
var BLASImplementation = func() string {
	if kernelFirst {
		return "kldiv kernel (avx512) for ad's products; OpenBLAS (gonum.org/v1/netlib) for gonum's blas64"
	}
	return "OpenBLAS (gonum.org/v1/netlib; kldiv kernel for products up to 64x64x64)"
}()

// With the openblas build tag, every blas64 call in the process (kldiv's
// and any other package's) goes to OpenBLAS through cgo. Build with
//
//	CGO_LDFLAGS="-lopenblas" go build -tags openblas ./...
//
// after apt-get install libopenblas-dev.
func init() { blas64.Use(netlib.Implementation{}) }

// smallGemm is the size m n k up to which dgemm uses kldiv's kernel in the
// openblas build: BenchmarkDgemmSmall (internal/kernel, openblas tag, one
// loaded run) measured OpenBLAS 1.9x slower at 8x8x8, 1.1-1.3x slower at
// 32x32x32 in every transpose combination and at 256x32x32 (W2's sizes),
// and even at 64x64x64; the cgo call and OpenBLAS's thread hand-off cost
// more than the product there.
const smallGemm = 64 * 64 * 64

// kernelFirst is set where kldiv's AVX-512 kernel runs: there it beat
// OpenBLAS (Debian's libopenblas, netlib cgo) at every size ad uses, by
// 1.6-2.5x on the VAE's products (docs/BENCHMARKS.md), and SPEC W4 with
// OpenBLAS behind ad took 1.78x the pure-Go build's time per epoch
// (compare.py, one quiet run). So ad's products stay on the kernel and
// OpenBLAS serves gonum's own blas64 calls (Cholesky, triangular solves).
var kernelFirst = kernel.Impl() == "avx512"

// dgemm is the row-major C = alpha op(A) op(B) + beta C behind every
// matrix product: kldiv's kernel where it is AVX-512 (kernelFirst) or the
// product has at most smallGemm multiply-adds, OpenBLAS's dgemm otherwise.
func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if kernelFirst || m*n*k <= smallGemm {
		kernel.Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	fl := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	blas64.Implementation().Dgemm(fl(transA), fl(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
