//go:build openblas

package kernel

import "gonum.org/v1/netlib/blas/netlib"

// Run with CGO_LDFLAGS="-lopenblas" go test -tags openblas -bench Dgemm.
func init() { extraBLAS = append(extraBLAS, namedBLAS{"openblas", netlib.Implementation{}}) }
