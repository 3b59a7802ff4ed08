// Package kernel holds compute kernels for kldiv: a packed, blocked
// float64 matrix product (Dgemm) with AVX-512 and AVX2+FMA micro-kernels
// written in Go assembly through avo (generator in ./gen), and a pure-Go
// fallback selected on other CPUs and architectures and by the purego
// build tag; and vectorized elementwise Exp, Expm1, Log and Log1p
// (AVX-512, AVX2+FMA, pure Go) with errors of at most 2 ulp, and fused
// loops on them (Softplus, Sigmoid, NormalKL, Adam, BernoulliLogits); and
// the 4 x 4 block kernels of an interleaved batched Cholesky factorization
// and triangular solve (CholOff, CholDiag, TrsmLower, TrsmLowerSub), with
// the copies into and out of their layout (Interleave, Deinterleave), for
// groups of Lanes small matrices factored lane-parallel (chol.go; AVX-512
// and pure Go, identical bits).
//
// Products with at most 16 rows (particles x parameters in variational
// inference) take a skinny path on AVX-512 (gemm_skinny.go) that reads
// the large operand in place instead of packing it: 8 x 16 tiles of C
// when op(B) is stored untransposed, 16 x 8 tiles of Cᵀ, transposed in
// registers, when it is stored transposed; products with at most 16
// columns read op(A) in place into 16 x 8 tiles of C (X Wᵀ for a few
// weight vectors).
//
// Every path computes each element of the product in the same order (one
// FMA chain per block of gemmKC steps of the inner dimension, folded into
// C with one FMA by alpha), so the AVX-512, AVX2 and pure-Go paths give
// identical bits, for any GOMAXPROCS and any partition over goroutines.
//
//go:generate sh -c "cd gen && go run . -out ../kernel_amd64.s -stubs ../kernel_stub_amd64.go -pkg kernel"
package kernel
