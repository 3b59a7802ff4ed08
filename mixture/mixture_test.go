package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// truth is a known 2-D mixture of three Gaussians.
var truth = struct {
	w    []float64
	mu   [][]float64
	covs [][]float64
}{
	w:    []float64{0.5, 0.3, 0.2},
	mu:   [][]float64{{0, 0}, {6, 1}, {2, 7}},
	covs: [][]float64{{1, 0.3, 0.3, 0.8}, {0.5, -0.2, -0.2, 1.5}, {2, 0.5, 0.5, 0.6}},
}

// draw returns n points of the true mixture and their labels.
func draw(rng *rand.Rand, n int) ([]float64, []int) {
	x := make([]float64, 0, 2*n)
	labels := make([]int, n)
	for i := range n {
		u, k := rng.Float64(), 0
		for u > truth.w[k] && k < 2 {
			u -= truth.w[k]
			k++
		}
		labels[i] = k
		c := truth.covs[k]
		l00 := math.Sqrt(c[0])
		l10 := c[2] / l00
		l11 := math.Sqrt(c[3] - l10*l10)
		z0, z1 := rng.NormFloat64(), rng.NormFloat64()
		x = append(x, truth.mu[k][0]+l00*z0, truth.mu[k][1]+l10*z0+l11*z1)
	}
	return x, labels
}

var allTypes = []CovarianceType{Full, Tied, Diag, Spherical}

// TestLowerBoundNeverDecreases: CAVI is coordinate ascent on the bound, so
// every iteration's bound is at least the previous one's, up to rounding,
// for every covariance type and weight prior, from random and k-means
// starts, on data that no model of the family fits exactly.
func TestLowerBoundNeverDecreases(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, _ := draw(rng, 1500)
	for i := range 200 { // uniform clutter
		x[2*i] = 20*rng.Float64() - 5
		x[2*i+1] = 20*rng.Float64() - 5
	}
	for _, ct := range allTypes {
		for _, wp := range []WeightPrior{DirichletDistribution, DirichletProcess} {
			for _, init := range []Init{KMeans, Random, KMeansPlusPlus} {
				cfg := NewConfig(6)
				cfg.Covariance, cfg.WeightPrior, cfg.Init = ct, wp, init
				cfg.MaxIter, cfg.Tol, cfg.Seed = 300, 1e-10, 7
				m, err := Fit(context.Background(), x, 2, cfg)
				require.NoError(t, err)
				require.NotEmpty(t, m.LowerBounds)
				for i := 1; i < len(m.LowerBounds); i++ {
					prev, cur := m.LowerBounds[i-1], m.LowerBounds[i]
					assert.GreaterOrEqual(t, cur, prev-1e-9*math.Abs(prev), "%s/%s/%s: bound fell at iteration %d", ct, wp, init, i+1)
				}
			}
		}
	}
}

// TestRecoversKnownMixture fits 20,000 points of the true mixture with
// K = 3 and checks that weights, means and covariances are within 5 standard errors of the
// truth: sqrt(w(1-w)/n) for a weight, sqrt(Σ_aa/(n w)) for a mean and
// sqrt((Σ_aa Σ_bb + Σ_ab²)/(n w)) for a covariance entry.
func TestRecoversKnownMixture(t *testing.T) {
	const n = 20000
	x, _ := draw(rand.New(rand.NewPCG(5, 6)), n)
	cfg := NewConfig(3)
	m, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	require.True(t, m.Converged, "converged in %d iterations", m.NIter)
	for k, w := range truth.w {
		// The fitted component nearest the true mean.
		best := 0
		for j := range m.K {
			if sqDist(m.Means[j], truth.mu[k]) < sqDist(m.Means[best], truth.mu[k]) {
				best = j
			}
		}
		c := truth.covs[k]
		assert.InDelta(t, w, m.Weights[best], 5*math.Sqrt(w*(1-w)/n), "weight of component %d", k)
		for a := range 2 {
			assert.InDelta(t, truth.mu[k][a], m.Means[best][a], 5*math.Sqrt(c[3*a]/(n*w)), "mean %d[%d]", k, a)
			for b := range 2 {
				se := math.Sqrt((c[3*a]*c[3*b] + c[2*a+b]*c[2*a+b]) / (n * w))
				assert.InDelta(t, c[2*a+b], m.Covariances[best][2*a+b], 5*se, "covariance %d[%d,%d]", k, a, b)
			}
		}
	}
}

// TestSameBitsForAnyGOMAXPROCS: the chunks and their order do not depend
// on the number of goroutines.
func TestSameBitsForAnyGOMAXPROCS(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(8, 9)), 5000)
	var ref []float64
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, p := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(p)
		cfg := NewConfig(5)
		cfg.Seed = 3
		m, err := Fit(context.Background(), x, 2, cfg)
		require.NoError(t, err)
		if ref == nil {
			ref = m.LowerBounds
			continue
		}
		require.Equal(t, len(ref), len(m.LowerBounds), "GOMAXPROCS=%d iterations", p)
		for i := range ref {
			assert.Equal(t, math.Float64bits(ref[i]), math.Float64bits(m.LowerBounds[i]), "GOMAXPROCS=%d iteration %d", p, i+1)
		}
	}
}

// TestNInitKeepsBest: the first of several runs is the single run of the
// same seed, so the best of four is at least as good.
func TestNInitKeepsBest(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(1, 2)), 600)
	cfg := NewConfig(8)
	cfg.Init, cfg.Seed = Random, 4
	one, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	cfg.NInit = 4
	four, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, four.LowerBound, one.LowerBound, "best of four runs against the first")
}

// TestWarmStartContinues: ten iterations, then a warm start, retrace the
// iterations of one uninterrupted fit bit for bit.
func TestWarmStartContinues(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(1, 2)), 3000)
	cfg := NewConfig(6)
	cfg.Tol = 1e-9
	cfg.MaxIter = 40
	whole, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	cfg.MaxIter = 10
	first, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	cfg.MaxIter, cfg.WarmStart = 30, first
	rest, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	require.Len(t, rest.LowerBounds, 30)
	assert.Equal(t, whole.LowerBounds[10:], rest.LowerBounds, "warm-started bounds")
	assert.Equal(t, whole.Means, rest.Means)
}

// TestPredictionsAgree: responsibilities sum to one and their argmax is
// Predict; LogDensity equals a direct sum of gonum distmv normal densities.
func TestPredictionsAgree(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(2, 3)), 2000)
	m, err := Fit(context.Background(), x, 2, NewConfig(4))
	require.NoError(t, err)
	probs := m.PredictProba(nil, x)
	labels := m.Predict(nil, x)
	logd := m.LogDensity(nil, x)
	comps := make([]*distmv.Normal, m.K)
	for k := range m.K {
		var ok bool
		comps[k], ok = distmv.NewNormal(m.Means[k], mat.NewSymDense(2, m.Covariances[k]), nil)
		require.True(t, ok)
	}
	for i := range 2000 {
		row := probs[i*m.K : (i+1)*m.K]
		var s float64
		best := 0
		for j, p := range row {
			s += p
			if p > row[best] {
				best = j
			}
		}
		assert.InDelta(t, 1, s, 1e-12, "responsibilities of point %d", i)
		assert.Equal(t, best, labels[i], "label of point %d", i)
		var dens float64
		for k := range m.K {
			dens += m.Weights[k] * math.Exp(comps[k].LogProb(x[2*i:2*i+2]))
		}
		assert.InDelta(t, math.Log(dens), logd[i], 1e-10, "log density of point %d", i)
	}
}

// TestSampleMoments: the sample mean of 200,000 draws is within 5 standard
// errors of the mixture mean Σ w_k m_k.
func TestSampleMoments(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(2, 3)), 2000)
	m, err := Fit(context.Background(), x, 2, NewConfig(4))
	require.NoError(t, err)
	const n = 200000
	s, labels := m.Sample(rand.New(rand.NewPCG(1, 1)), n)
	require.Len(t, s, 2*n)
	require.Len(t, labels, n)
	for a := range 2 {
		var want, got, ex2 float64
		for k := range m.K {
			want += m.Weights[k] * m.Means[k][a]
			ex2 += m.Weights[k] * (m.Covariances[k][3*a] + m.Means[k][a]*m.Means[k][a])
		}
		for i := range n {
			got += s[2*i+a] / n
		}
		sd := math.Sqrt(ex2 - want*want)
		assert.InDelta(t, want, got, 5*sd/math.Sqrt(n), "sample mean of coordinate %d", a)
	}
}

// TestBadInput: every mistake gets an error that names it.
func TestBadInput(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(2, 3)), 50)
	ctx := context.Background()
	cases := []struct {
		name string
		x    []float64
		d    int
		cfg  func(*Config)
		want string
	}{
		{"nan", append([]float64{math.NaN(), 0}, x...), 2, nil, "point 0, coordinate 0 is NaN"},
		{"inf", append(append([]float64{}, x...), 1, math.Inf(1)), 2, nil, "coordinate 1 is +Inf"},
		{"too few points", x[:6], 2, nil, "3 points for 4 components"},
		{"no components", x, 2, func(c *Config) { c.Components = 0 }, "Components = 0"},
		{"ragged", x[:7], 2, nil, "not a whole number"},
		{"zero d", x, 0, nil, "d = 0"},
		{"negative reg", x, 2, func(c *Config) { c.RegCovar = -1 }, "RegCovar = -1"},
		{"bad tol", x, 2, func(c *Config) { c.Tol = 0 }, "Tol = 0"},
		{"bad dof", x, 2, func(c *Config) { c.DegreesOfFreedom = 0.5 }, "DegreesOfFreedom = 0.5"},
		{"bad concentration", x, 2, func(c *Config) { c.WeightConcentration = math.NaN() }, "WeightConcentration = NaN"},
		{"bad mean prior", x, 2, func(c *Config) { c.MeanPrior = []float64{1} }, "MeanPrior has 1 values"},
		{"bad covariance prior", x, 2, func(c *Config) { c.CovariancePrior = []float64{1, 2} }, "CovariancePrior has 2 values, want 4"},
		{"bad labels", x, 2, func(c *Config) { c.Init, c.Labels = Labels, make([]int, 3) }, "3 labels for 50 points"},
		{"label range", x, 2, func(c *Config) { c.Init, c.Labels = Labels, append(make([]int, 49), 9) }, "Labels[49] = 9"},
		{"n init", x, 2, func(c *Config) { c.NInit = 0 }, "NInit = 0"},
	}
	for _, c := range cases {
		cfg := NewConfig(4)
		if c.cfg != nil {
			c.cfg(&cfg)
		}
		_, err := Fit(ctx, c.x, c.d, cfg)
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
	// Points on a line have a singular covariance: without reg_covar the
	// fit is ill-defined, and says so.
	line := make([]float64, 0, 200)
	for i := range 100 {
		line = append(line, float64(i%10), float64(i%10))
	}
	cfg := NewConfig(3)
	cfg.RegCovar = 0
	_, err := Fit(ctx, line, 2, cfg)
	require.ErrorIs(t, err, ErrIllDefined)
	assert.Contains(t, err.Error(), "RegCovar")
	cfg.RegCovar = 1e-6
	_, err = Fit(ctx, line, 2, cfg)
	assert.NoError(t, err, "reg_covar makes the same fit well defined")
	// A cancelled context stops the fit.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Fit(cctx, x, 2, NewConfig(2))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestReadCSV(t *testing.T) {
	x, d, h, err := ReadCSV(strings.NewReader("x0,x1\n1,2\n\n3.5, -4\n"))
	require.NoError(t, err)
	assert.Equal(t, 2, d)
	assert.Equal(t, []string{"x0", "x1"}, h)
	assert.Equal(t, []float64{1, 2, 3.5, -4}, x)
	for in, want := range map[string]string{
		"a,b\n1,2\n3\n":   "CSV line 3: 1 fields, want 2",
		"1,2\n3,x\n":      `CSV line 2, field 2: "x" is not a number`,
		"1,2\n3,NaN\n":    "CSV line 2, field 2: NaN",
		"a,b\n":           "no data lines",
		"1,2\n3,4,5\n":    "CSV line 2: 3 fields",
		"1,2\n3,+Inf\n":   "+Inf, want a finite number",
		"\n\nh\n1\n1,2\n": "CSV line 5: 2 fields, want 1",
	} {
		_, _, _, err := ReadCSV(strings.NewReader(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

// FuzzReadCSV: the reader never panics, and what it accepts is whole
// finite points that Fit takes or rejects with an error.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"x0,x1\n1,2\n3,4\n", "1\n2\n3\n", "a,b\n1,2\n3\n", "1,NaN\n", "1e308,1e308\n-1e308,2\n", ",\n", "1,2\n1,2\n1,2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		x, d, _, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		if d < 1 || len(x)%d != 0 {
			t.Fatalf("accepted %d values in dimension %d", len(x), d)
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted %v", v)
			}
		}
		cfg := NewConfig(min(2, len(x)/d))
		cfg.MaxIter = 5
		if cfg.Components < 1 {
			return
		}
		cfg.WeightConcentration = 0.5
		m, err := Fit(context.Background(), x, d, cfg)
		if err == nil && len(m.Weights) != cfg.Components {
			t.Fatalf("%d weights", len(m.Weights))
		}
	})
}

// TestIterationAllocatesNothing: after the first pass, a pass and an M step
// allocate nothing.
func TestIterationAllocatesNothing(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(2, 3)), 5000)
	cfg := NewConfig(5)
	m, err := Fit(context.Background(), x, 2, cfg)
	require.NoError(t, err)
	e := newEngine(x, 5000, 2, 5, Full)
	defer e.close()
	pr := resolvePriors(x, 5000, 2, &cfg)
	e.pass(m)
	allocs := testing.AllocsPerRun(20, func() {
		e.pass(m)
		if err := m.mStep(e, pr, cfg.RegCovar); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs, "allocations per iteration")
}

// BenchmarkFit1e6 fits 10^6 points in 2-D with K = 10 (full covariances,
// Dirichlet-process prior, k-means start, scikit-learn's tol 1e-3).
func BenchmarkFit1e6(b *testing.B) {
	x, _ := draw(rand.New(rand.NewPCG(1, 1)), 1000000)
	cfg := NewConfig(10)
	b.ReportAllocs()
	var it int
	for b.Loop() {
		m, err := Fit(context.Background(), x, 2, cfg)
		if err != nil {
			b.Fatal(err)
		}
		it = m.NIter
	}
	b.ReportMetric(float64(it), "iterations")
}
