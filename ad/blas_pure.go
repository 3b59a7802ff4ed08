//go:build !openblas

package ad

// nativeBLAS reports whether blas64 is backed by a native library, whose
// transposed kernels are as fast as the plain ones.
const nativeBLAS = false

// BLASImplementation names the BLAS behind matrix products.
const BLASImplementation = "gonum (pure Go)"
