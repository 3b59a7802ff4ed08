package bench

import (
	"testing"

	"github.com/kldiv/kldiv/internal/benchdata"
)

// BenchmarkW1 is W1's timed call: both batched normals built from the
// prepared arrays and the 10^6 closed-form KL values.
func BenchmarkW1(b *testing.B) {
	mu1, s1, mu2, s2 := benchdata.Weyl(w1Pairs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w1KL(mu1, s1, mu2, s2); err != nil {
			b.Fatal(err)
		}
	}
}
