package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/benchdata"
)

// BenchmarkNormalKLBatch times W1's KL of 10^6 normal pairs: "kernel" is
// dist.KL (kernel.NormalKL through klNormalRows, over goroutines),
// "rows1" klNormalRows on one goroutine, "scalar1" the scalar cell
// formula klNormalCell in one loop on one goroutine.
func BenchmarkNormalKLBatch(b *testing.B) {
	mu1, s1, mu2, s2 := benchdata.Weyl(1_000_000)
	p, err := NormalOf(ad.Col(mu1), ad.Col(s1))
	if err != nil {
		b.Fatal(err)
	}
	q, err := NormalOf(ad.Col(mu2), ad.Col(s2))
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, len(mu1))
	b.Run("kernel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := KL(p, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rows1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			klNormalRows(out, nil, nil, nil, nil, mu1, s1, mu2, s2, 1, 0, len(out))
		}
	})
	b.Run("scalar1", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for k := range out {
				out[k] = klNormalCell(mu1[k], s1[k], mu2[k], s2[k], k, nil, nil, nil, nil)
			}
		}
	})
}
