// Package kernel holds compute kernels for kldiv: a packed, blocked
// float64 matrix product (Dgemm) with AVX-512 and AVX2+FMA micro-kernels
// written in Go assembly through avo (generator in ./gen), and a pure-Go
// fallback selected on other CPUs and architectures and by the purego
// build tag; and vectorized elementwise Exp, Expm1, Log and Log1p
// (AVX-512, AVX2+FMA, pure Go) with errors of at most 2 ulp; and the
// 4 x 4 block kernels of an interleaved batched Cholesky factorization and
// triangular solve (CholOff, CholDiag, TrsmLower, TrsmLowerSub), with the
// copies into and out of their layout (Interleave, Deinterleave), for
// groups of Lanes small matrices factored lane-parallel (chol.go; AVX-512
// and pure Go, identical bits).
//
// Every path computes each element of the product in the same order (one
// FMA chain per block of gemmKC steps of the inner dimension, folded into
// C with one FMA by alpha), so the AVX-512, AVX2 and pure-Go paths give
// identical bits, for any GOMAXPROCS and any partition over goroutines.
//
//go:generate sh -c "cd gen && go run . -out ../kernel_amd64.s -stubs ../kernel_stub_amd64.go -pkg kernel"
package kernel
