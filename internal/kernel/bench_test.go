package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// The VAE's first layer at batch 128: forward X W (128x784 by 784x400),
// and the two backward products G Wᵀ and Xᵀ G.
var benchShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	{"NN_128x784x400", false, false, 128, 400, 784},
	{"NT_128x400x784", false, true, 128, 784, 400},
	{"TN_784x128x400", true, false, 784, 400, 128},
}

func benchOperands(tA, tB bool, m, n, k int) (a []float64, lda int, b []float64, ldb int, c []float64) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, b, c = make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	lda, ldb = k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	return
}

func BenchmarkDgemm(b *testing.B) {
	for _, s := range benchShapes {
		a, lda, bb, ldb, c := benchOperands(s.tA, s.tB, s.m, s.n, s.k)
		flops := 2 * float64(s.m*s.n*s.k)
		b.Run(fmt.Sprintf("%s/kernel-%s", s.name, Impl()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(s.name+"/gonum", func(b *testing.B) {
			benchBLAS(b, gonum.Implementation{}, s.tA, s.tB, s.m, s.n, s.k, a, lda, bb, ldb, c)
		})
		for _, impl := range extraBLAS {
			b.Run(s.name+"/"+impl.name, func(b *testing.B) {
				benchBLAS(b, impl.impl, s.tA, s.tB, s.m, s.n, s.k, a, lda, bb, ldb, c)
			})
		}
	}
}

type namedBLAS struct {
	name string
	impl blas.Float64Level3
}

// extraBLAS holds further implementations to compare against (OpenBLAS
// under the openblas tag).
var extraBLAS []namedBLAS

func benchBLAS(b *testing.B, impl blas.Float64Level3, tA, tB bool, m, n, k int, a []float64, lda int, bb []float64, ldb int, c []float64) {
	fl := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	_ = blas64.General{}
	b.ReportAllocs()
	for b.Loop() {
		impl.Dgemm(fl(tA), fl(tB), m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// Small products of W2's size (d = 32 covariance factors, a few rows of
// them) and of the skinny VI products, for the dispatch of the openblas
// build (ad sends products below a size to this kernel when OpenBLAS is
// slower there).
var smallShapes = []struct {
	name    string
	tA, tB  bool
	m, n, k int
}{
	{"NN_8x8x8", false, false, 8, 8, 8},
	{"NN_32x32x32", false, false, 32, 32, 32},
	{"NT_32x32x32", false, true, 32, 32, 32},
	{"TN_32x32x32", true, false, 32, 32, 32},
	{"NN_64x64x64", false, false, 64, 64, 64},
	{"NN_128x128x128", false, false, 128, 128, 128},
	{"NN_256x32x32", false, false, 256, 32, 32},
}

func BenchmarkDgemmSmall(b *testing.B) {
	for _, s := range smallShapes {
		a, lda, bb, ldb, c := benchOperands(s.tA, s.tB, s.m, s.n, s.k)
		b.Run(s.name+"/kernel", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
		})
		for _, impl := range extraBLAS {
			b.Run(s.name+"/"+impl.name, func(b *testing.B) {
				benchBLAS(b, impl.impl, s.tA, s.tB, s.m, s.n, s.k, a, lda, bb, ldb, c)
			})
		}
	}
}
