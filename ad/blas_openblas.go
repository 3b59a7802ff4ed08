//go:build openblas

package ad

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// nativeBLAS reports whether blas64 is backed by a native library, whose
// transposed kernels are as fast as the plain ones.
const nativeBLAS = true

// BLASImplementation names the BLAS behind matrix products.
const BLASImplementation = "OpenBLAS (gonum.org/v1/netlib)"

// With the openblas build tag, every blas64 call in the process (kldiv's
// and any other package's) goes to OpenBLAS through cgo. Build with
//
//	CGO_LDFLAGS="-lopenblas" go build -tags openblas ./...
//
// after apt-get install libopenblas-dev.
func init() { blas64.Use(netlib.Implementation{}) }
