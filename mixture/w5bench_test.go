package mixture

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/kldiv/kldiv/internal/benchdata"
)

// BenchmarkW5 is SPEC W5's fit (10,000 points, K = 10, full covariances,
// Dirichlet prior 1/K, max_iter 500) on the shared data, when present.
func BenchmarkW5(b *testing.B) {
	x, d, _, err := ReadCSVFile(filepath.Join(benchdata.Dir(), "gmm.csv.gz"))
	if err != nil {
		b.Skip(err)
	}
	cfg := NewConfig(10)
	cfg.WeightPrior = DirichletDistribution
	cfg.MaxIter = 500
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(context.Background(), x, d, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIteration is one CAVI iteration (the pass over the data: E step
// and sufficient statistics; the M step; the lower bound) in steady state,
// for the W5 shape (10,000 points in 2-D, K = 10, full covariances) and
// for 10^6 points; it allocates nothing.
func BenchmarkIteration(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x, _ := draw(rand.New(rand.NewPCG(1, 1)), n)
			cfg := NewConfig(10)
			cfg.WeightPrior = DirichletDistribution
			cfg.MaxIter = 5
			m, err := Fit(context.Background(), x, 2, cfg)
			if err != nil {
				b.Fatal(err)
			}
			e := newEngine(x, n, 2, 10, Full)
			defer e.close()
			pr := resolvePriors(x, n, 2, &cfg)
			e.pass(m)
			b.ReportAllocs()
			for b.Loop() {
				ent := e.pass(m)
				if err := m.mStep(e, pr, cfg.RegCovar); err != nil {
					b.Fatal(err)
				}
				m.lowerBound(-ent)
			}
		})
	}
}
