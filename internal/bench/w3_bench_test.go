package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kldiv/kldiv/internal/benchdata"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// BenchmarkW3Step is one of W3's timed steps: draw the 8 x 50 normals,
// the loss (8 x 10,000 logits, the Bernoulli log-likelihood, the
// closed-form KL), its gradient and the Adam update.
func BenchmarkW3Step(b *testing.B) {
	dir := benchdata.Dir()
	if _, err := os.Stat(filepath.Join(dir, "logreg.csv.gz")); dir == "" || err != nil {
		b.Skip("benchmark data not found: set KLDIV_BENCH_DATA to shared/bench/data")
	}
	pr, err := loadW3(dir)
	if err != nil {
		b.Fatal(err)
	}
	f, err := vi.NewFitter(pr.model, pr.guide(), pr.obj, optim.NewAdam(0.01), vi.Seed(1), vi.Draws(0))
	if err != nil {
		b.Fatal(err)
	}
	for range 20 {
		if _, err := f.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Step(); err != nil {
			b.Fatal(err)
		}
	}
}
