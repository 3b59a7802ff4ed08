package estimators

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Monte Carlo KL with 100,000 draws per estimate, on GOMAXPROCS
// goroutines (run with -cpu 1,2 to compare).
func BenchmarkKL(b *testing.B) {
	cases := []struct {
		name string
		p, q dist.Distribution
		est  KLEstimator
	}{
		{"Normal-Normal/k1", normal1(0, 1), normal1(0.5, 1.2), K1},
		{"Normal-Normal/k3", normal1(0, 1), normal1(0.5, 1.2), K3},
		{"Normal-StudentT3/k1", normal1(0, 1), estStudentT{df: 3, loc: 0.5, scale: 1}, K1},
		{"StudentT5-Normal/k3", estStudentT{df: 5, scale: 1}, normal1(0.2, 1.4), K3},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			rng := newRNG(1)
			for b.Loop() {
				if _, err := KL(rng, c.p, c.q, 100000, c.est); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Normal-Normal batch 10x4/k3", func(b *testing.B) {
		loc := make([]float64, 40)
		scale := make([]float64, 40)
		for i := range loc {
			loc[i], scale[i] = float64(i)/40, 1+float64(i)/80
		}
		p := dist.Must(dist.NormalOf(ad.Const(10, 4, loc), ad.Const(10, 4, scale)))
		q := normal1(0.3, 1.1)
		b.ReportAllocs()
		rng := newRNG(1)
		for b.Loop() {
			if _, err := KL(rng, p, q, 100000, K3); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// JS of two normals with 100,000 draws from each side.
func BenchmarkJS(b *testing.B) {
	p, q := normal1(0, 1), normal1(1.5, 0.7)
	b.ReportAllocs()
	rng := newRNG(1)
	for b.Loop() {
		if _, err := JS(rng, p, q, 100000); err != nil {
			b.Fatal(err)
		}
	}
}

// PSIS of 4,000 log weights.
func BenchmarkPSIS(b *testing.B) {
	_, logw := ImportanceSample(newRNG(1), normal1(0, 1), normal1(0, 0.7), 4000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := PSIS(logw); err != nil {
			b.Fatal(err)
		}
	}
}
