package mixture

import (
	"math/rand/v2"
	"testing"
)

// blobs returns n points in d dimensions from k well-separated unit
// Gaussians.
func blobs(rng *rand.Rand, n, d, k int) []float64 {
	x := make([]float64, n*d)
	for i := range n {
		c := rng.IntN(k)
		for a := range d {
			x[i*d+a] = 6*float64((c>>a)&1) + 3*float64(c) + rng.NormFloat64()
		}
	}
	return x
}

func benchFit(b *testing.B, n int) {
	x := blobs(rand.New(rand.NewPCG(1, 2)), n, 2, 10)
	cfg := New(10)
	cfg.MaxIter = 50
	cfg.Tol = 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cfg.Fit(x, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFit1e6 fits 10^6 2-D points with K = 10 (k-means init plus 50
// CAVI iterations).
func BenchmarkFit1e6(b *testing.B) { benchFit(b, 1_000_000) }

// BenchmarkFit1e4 is the same on 10^4 points.
func BenchmarkFit1e4(b *testing.B) { benchFit(b, 10_000) }

// BenchmarkStepW5Like times one CAVI iteration on 10^4 2-D points, K = 10.
func BenchmarkStepW5Like(b *testing.B) {
	x := blobs(rand.New(rand.NewPCG(1, 2)), 10000, 2, 5)
	cfg := New(10)
	f, err := cfg.newFitter(x, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer f.pool.close()
	if err := f.initialize(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.step(); err != nil {
			b.Fatal(err)
		}
	}
}
