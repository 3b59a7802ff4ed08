package mixture

import (
	"context"
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
