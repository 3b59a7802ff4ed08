package dist

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// Workload W2 of the benchmark suite (shared/bench/SPEC.md): KL between 256
// pairs of 32-dimensional full-covariance normals, built from their
// covariance matrices (Cholesky factorization included).

const w2DimMVN = 32

// w2DataMVN holds the parameters of W2 as batched rows.
type w2DataMVN struct {
	n              int
	m1, s1, m2, s2 []float64
}

// loadW2MVN reads mvn_pairs.csv.gz from the benchmark data folder, or returns
// ok = false with the reason when it is absent.
func loadW2MVN(tb testing.TB) (w2DataMVN, string, bool) {
	tb.Helper()
	dir := benchDataDirMVN()
	if dir == "" {
		return w2DataMVN{}, "benchmark data not found: set KLDIV_BENCH_DATA to the folder holding mvn_pairs.csv.gz (shared/bench/data)", false
	}
	path := filepath.Join(dir, "mvn_pairs.csv.gz")
	if _, err := os.Stat(path); err != nil {
		return w2DataMVN{}, "benchmark data not found: " + path + " (set KLDIV_BENCH_DATA to shared/bench/data)", false
	}
	rows, err := readCSVGzMVN(path)
	require.NoError(tb, err)
	const d = w2DimMVN
	w := w2DataMVN{n: len(rows)}
	for _, r := range rows {
		require.Len(tb, r, 2*(d+d*d))
		w.m1 = append(w.m1, r[:d]...)
		w.s1 = append(w.s1, r[d:d+d*d]...)
		w.m2 = append(w.m2, r[d+d*d:2*d+d*d]...)
		w.s2 = append(w.s2, r[2*d+d*d:]...)
	}
	return w, "", true
}

// klW2MVN is the timed call: both batched distributions from the covariance
// matrices, then the batch of KL values.
func klW2MVN(w w2DataMVN) (ad.Var, error) {
	const d = w2DimMVN
	p, err := MultivariateNormalCov(ad.Const(w.n, d, w.m1), ad.Const(w.n, d*d, w.s1))
	if err != nil {
		return ad.Var{}, err
	}
	q, err := MultivariateNormalCov(ad.Const(w.n, d, w.m2), ad.Const(w.n, d*d, w.s2))
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
	require.Equal(t, 256, w.n)
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
