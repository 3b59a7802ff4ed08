package dist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/benchdata"
)

// Workload W2 of the benchmark suite (shared/bench/SPEC.md): KL between 256
// pairs of 32-dimensional full-covariance normals, built from their
// covariance matrices (Cholesky factorization included).

// loadW2MVN reads mvn_pairs.csv.gz from the benchmark data folder, or returns
// ok = false with the reason when it is absent.
func loadW2MVN(tb testing.TB) (benchdata.MVNPairs, string, bool) {
	tb.Helper()
	dir := benchdata.Dir()
	if dir == "" {
		return benchdata.MVNPairs{}, "benchmark data not found: set KLDIV_BENCH_DATA to the folder holding mvn_pairs.csv.gz (shared/bench/data)", false
	}
	path := filepath.Join(dir, "mvn_pairs.csv.gz")
	if _, err := os.Stat(path); err != nil {
		return benchdata.MVNPairs{}, "benchmark data not found: " + path + " (set KLDIV_BENCH_DATA to shared/bench/data)", false
	}
	w, err := benchdata.ReadMVNPairs(dir)
	require.NoError(tb, err)
	return w, "", true
}

// klW2MVN is the timed call: both batched distributions from the covariance
// matrices, then the batch of KL values.
func klW2MVN(w benchdata.MVNPairs) (ad.Var, error) {
	d := w.D
	p, err := MultivariateNormalCov(ad.Const(w.N, d, w.M1), ad.Const(w.N, d*d, w.S1))
	if err != nil {
		return ad.Var{}, err
	}
	q, err := MultivariateNormalCov(ad.Const(w.N, d, w.M2), ad.Const(w.N, d*d, w.S2))
	if err != nil {
		return ad.Var{}, err
	}
	return KL(p, q)
}

func TestW2KLMVNSum(t *testing.T) {
	w, why, ok := loadW2MVN(t)
	if !ok {
		t.Skip(why)
	}
	require.Equal(t, 256, w.N)
	kl, err := klW2MVN(w)
	require.NoError(t, err)
	var sum float64
	for _, v := range kl.Value() {
		sum += v
	}
	// The reference (SPEC.md; torch.distributions gives the same digits).
	assert.InEpsilon(t, 30986.503794267, sum, 1e-9, "sum of the 256 KL values")
}

func BenchmarkW2KLMVN(b *testing.B) {
	w, why, ok := loadW2MVN(b)
	if !ok {
		b.Skip(why)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := klW2MVN(w); err != nil {
			b.Fatal(err)
		}
	}
}
