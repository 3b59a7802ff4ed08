package mixture

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

var allTypes = []CovarianceType{Full, Tied, Diag, Spherical}

// TestBoundMonotone: CAVI never decreases the lower bound (to rounding),
// for every covariance type and weight prior, on unstructured random data.
func TestBoundMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 500*3)
	for i := range x {
		x[i] = rng.NormFloat64() + 0.3*rng.ExpFloat64()
	}
	for _, ct := range allTypes {
		for _, wp := range []WeightPrior{DirichletProcess, DirichletDistribution} {
			for _, in := range []Init{KMeans, Random, KMeansPlusPlus} {
				b := New(6)
				b.Covariance, b.WeightPrior, b.Init = ct, wp, in
				b.MaxIter, b.Tol, b.Seed = 60, 0, 7
				m, err := b.Fit(x, 3)
				require.NoError(t, err)
				require.Len(t, m.LowerBounds, 60)
				for i := 1; i < len(m.LowerBounds); i++ {
					prev, cur := m.LowerBounds[i-1], m.LowerBounds[i]
					require.GreaterOrEqual(t, cur, prev-1e-9*math.Abs(prev), fmt.Sprintf("%v %v %v: bound fell at iteration %d", ct, wp, in, i+1))
				}
			}
		}
	}
}

// TestRecovery fits data drawn from a known 3-component mixture and checks
// weights within 4 binomial standard errors, means within 4 standard
// errors of a mean of n_k points, and covariances within 5 standard errors
// of a sample covariance entry.
func TestRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	w := []float64{0.5, 0.3, 0.2}
	mus := [][]float64{{0, 0}, {6, 1}, {-4, 5}}
	covs := []*mat.SymDense{
		mat.NewSymDense(2, []float64{1, 0.5, 0.5, 1}),
		mat.NewSymDense(2, []float64{0.5, -0.2, -0.2, 1.5}),
		mat.NewSymDense(2, []float64{2, 0, 0, 0.3}),
	}
	const n = 20000
	x := make([]float64, 0, 2*n)
	for range n {
		u, c := rng.Float64(), 0
		for acc := w[0]; u > acc && c < 2; acc += w[c] {
			c++
		}
		nd, ok := distmv.NewNormal(mus[c], covs[c], rng)
		require.True(t, ok)
		x = append(x, nd.Rand(nil)...)
	}
	b := New(3)
	b.WeightPrior = DirichletDistribution
	m, err := b.Fit(x, 2)
	require.NoError(t, err)
	for c := range 3 {
		// Match fitted component by nearest mean.
		best, bd := 0, math.Inf(1)
		for j := range 3 {
			dx, dy := m.Means[2*j]-mus[c][0], m.Means[2*j+1]-mus[c][1]
			if dd := dx*dx + dy*dy; dd < bd {
				best, bd = j, dd
			}
		}
		nk := w[c] * n
		require.InDelta(t, w[c], m.Weights[best], 4*math.Sqrt(w[c]*(1-w[c])/n), "weight %d", c)
		for a := range 2 {
			require.InDelta(t, mus[c][a], m.Means[2*best+a], 4*math.Sqrt(covs[c].At(a, a)/nk), "mean %d,%d", c, a)
			for bb := range 2 {
				s := covs[c]
				se := math.Sqrt((s.At(a, bb)*s.At(a, bb) + s.At(a, a)*s.At(bb, bb)) / nk)
				require.InDelta(t, s.At(a, bb), m.Covariances[best*4+a*2+bb], 5*se, "cov %d (%d,%d)", c, a, bb)
			}
		}
	}
	// Predict agrees with the generating structure on most points, and
	// PredictProba rows sum to one.
	pr := m.PredictProba(nil, x[:200])
	for i := range 100 {
		require.InDelta(t, 1, pr[3*i]+pr[3*i+1]+pr[3*i+2], 1e-12)
	}
	// Sample reproduces the weights.
	_, labels := m.Sample(rand.New(rand.NewPCG(1, 1)), 10000)
	cnt := make([]float64, 3)
	for _, l := range labels {
		cnt[l]++
	}
	for j := range 3 {
		require.InDelta(t, m.Weights[j], cnt[j]/10000, 4*math.Sqrt(0.25/10000), "sample weight %d", j)
	}
}

// TestDeterministicAcrossWorkers: the same seed gives bit-identical fits
// with 1, 2 and 5 workers.
func TestDeterministicAcrossWorkers(t *testing.T) {
	x := blobs(rand.New(rand.NewPCG(5, 6)), 5000, 2, 4)
	var ref *Model
	for _, wk := range []int{1, 2, 5} {
		b := New(5)
		b.Workers, b.ChunkSize, b.Seed = wk, 256, 3
		m, err := b.Fit(x, 2)
		require.NoError(t, err)
		if ref == nil {
			ref = m
			continue
		}
		require.Equal(t, ref.LowerBounds, m.LowerBounds, "workers %d", wk)
		require.Equal(t, ref.Means, m.Means, "workers %d", wk)
	}
}

// TestStepAllocFree: one CAVI iteration allocates nothing.
func TestStepAllocFree(t *testing.T) {
	x := blobs(rand.New(rand.NewPCG(5, 6)), 3000, 2, 4)
	for _, ct := range allTypes {
		b := New(4)
		b.Covariance, b.Workers, b.ChunkSize = ct, 2, 256
		f, err := b.newFitter(x, 2)
		require.NoError(t, err)
		require.NoError(t, f.initialize())
		allocs := testing.AllocsPerRun(5, func() {
			if _, err := f.step(); err != nil {
				t.Fatal(err)
			}
		})
		f.pool.close()
		require.Zero(t, allocs, "%v: allocations per iteration", ct)
	}
}

// TestWarmStart: continuing a stopped fit gives the same bounds as one
// uninterrupted run.
func TestWarmStart(t *testing.T) {
	x := blobs(rand.New(rand.NewPCG(8, 9)), 2000, 2, 3)
	b := New(4)
	b.MaxIter, b.Tol = 10, 0
	m1, err := b.Fit(x, 2)
	require.NoError(t, err)
	b.WarmStart = m1
	m2, err := b.Fit(x, 2)
	require.NoError(t, err)
	b.WarmStart, b.MaxIter = nil, 20
	m3, err := b.Fit(x, 2)
	require.NoError(t, err)
	require.Len(t, m2.LowerBounds, 20)
	require.InDelta(t, m3.LowerBound, m2.LowerBound, 1e-9*math.Abs(m3.LowerBound), "warm-started bound")
}

// TestNInitKeepsBest: with several restarts the kept bound is the largest
// single-run bound.
func TestNInitKeepsBest(t *testing.T) {
	x := blobs(rand.New(rand.NewPCG(8, 9)), 1000, 2, 5)
	b := New(5)
	b.Init, b.NInit, b.Seed = Random, 3, 1
	m, err := b.Fit(x, 2)
	require.NoError(t, err)
	// Reproduce the three runs by hand with the same stream.
	f, err := b.newFitter(x, 2)
	require.NoError(t, err)
	defer f.pool.close()
	best := math.Inf(-1)
	for range 3 {
		require.NoError(t, f.initialize())
		lb := math.Inf(-1)
		for range b.MaxIter {
			prev := lb
			lb, err = f.step()
			require.NoError(t, err)
			if math.Abs(lb-prev) < b.Tol {
				break
			}
		}
		best = max(best, lb)
	}
	require.Equal(t, best, m.LowerBound)
}

func TestErrors(t *testing.T) {
	x := []float64{0, 0, 1, 1, 2, 2, 3, 3}
	cases := []struct {
		b    *BayesianGaussian
		x    []float64
		want string
	}{
		{New(0), x, "K = 0"},
		{New(5), x, "fewer than K = 5"},
		{New(2), []float64{0, 0, math.NaN(), 1, 2, 2}, "point 1, coordinate 0"},
		{New(2), []float64{0, 0, 1, math.Inf(1), 2, 2}, "+Inf"},
		{New(2), x[:7], "not a multiple"},
	}
	for _, c := range cases {
		_, err := c.b.Fit(c.x, 2)
		require.ErrorContains(t, err, c.want)
	}
	// Singular covariance without reg_covar: duplicated points, a weak
	// prior, no regularization.
	dup := []float64{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}
	b := New(2)
	b.RegCovar = 0
	b.CovariancePrior = []float64{0, 0, 0, 0}
	b.InitLabels = []int{0, 0, 0, 1, 1, 1}
	_, err := b.Fit(dup, 2)
	require.ErrorIs(t, err, ErrSingular)
	b.RegCovar = 1e-6
	_, err = b.Fit(dup, 2)
	require.NoError(t, err)
}

func TestReadCSV(t *testing.T) {
	x, d, h, err := ReadCSV(strings.NewReader("a,b\n1,2\n3,4\n"))
	require.NoError(t, err)
	require.Equal(t, 2, d)
	require.Equal(t, []string{"a", "b"}, h)
	require.Equal(t, []float64{1, 2, 3, 4}, x)
	_, _, _, err = ReadCSV(strings.NewReader("a,b\n1,2\n3,4,5\n"))
	require.ErrorContains(t, err, "line 3 has 3 fields, want 2")
	_, _, _, err = ReadCSV(strings.NewReader("1,2\n3,x\n"))
	require.ErrorContains(t, err, "line 2 column 2")
	_, _, _, err = ReadCSV(strings.NewReader("1,2\n3,NaN\n"))
	require.ErrorContains(t, err, "finite")
}

// FuzzReadCSVFit: the reader and the constructor never panic, and what
// the reader accepts has the shape it reports.
func FuzzReadCSVFit(f *testing.F) {
	for _, s := range []string{"x0,x1\n1,2\n3,4\n5,6\n", "1\n2\n3\n", "a,b\n1,2\n3\n", "1,2\n1,2\n1,2\n", "1e308,1\n-1e308,2\n0,0\n", ""} {
		f.Add([]byte(s), 2)
	}
	f.Fuzz(func(t *testing.T, data []byte, k int) {
		x, d, _, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		if d < 1 || len(x)%d != 0 {
			t.Fatalf("ReadCSV returned %d values of dimension %d", len(x), d)
		}
		b := New(k%4 + 1)
		b.MaxIter = 3
		m, err := b.Fit(x, d)
		if err == nil && len(m.Weights) != b.K {
			t.Fatalf("fit has %d weights, want %d", len(m.Weights), b.K)
		}
	})
}
