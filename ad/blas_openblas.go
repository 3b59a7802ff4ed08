//go:build openblas

package ad

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// BLASImplementation names the implementation behind matrix products.
var BLASImplementation = "OpenBLAS (gonum.org/v1/netlib)"

// With the openblas build tag, every blas64 call in the process (kldiv's
// and any other package's) goes to OpenBLAS through cgo. Build with
//
//	CGO_LDFLAGS="-lopenblas" go build -tags openblas ./...
//
// after apt-get install libopenblas-dev.
func init() { blas64.Use(netlib.Implementation{}) }

// dgemm is the row-major C = alpha op(A) op(B) + beta C behind every
// matrix product: OpenBLAS's dgemm.
func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	fl := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	blas64.Implementation().Dgemm(fl(transA), fl(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
