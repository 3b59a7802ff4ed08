package bench

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/internal/benchdata"
)

// klNormal is KL(N(m1, s1) || N(m2, s2)) written out.
func klNormal(m1, s1, m2, s2 float64) float64 {
	return math.Log(s2/s1) + (s1*s1+(m1-m2)*(m1-m2))/(2*s2*s2) - 0.5
}

// TestW1Sum checks W1's timed call against the formula term by term and
// against SPEC.md's sum_kl (14677423.5185328 up to rounding).
func TestW1Sum(t *testing.T) {
	n := w1Pairs
	if testing.Short() {
		n = 10_000
	}
	mu1, s1, mu2, s2 := benchdata.Weyl(n)
	kl, err := w1KL(mu1, s1, mu2, s2)
	require.NoError(t, err)
	v := kl.Value()
	require.Len(t, v, n)
	var want float64
	for i := range n {
		k := klNormal(mu1[i], s1[i], mu2[i], s2[i])
		want += k
		if i%997 == 0 {
			assert.InEpsilon(t, k, v[i], 1e-12, "KL of pair %d", i)
		}
	}
	assert.InEpsilon(t, want, sum(v), 1e-12, "sum_kl against the formula")
	if n == w1Pairs {
		assert.InEpsilon(t, 14677423.5185328, sum(v), 1e-12, "sum_kl against SPEC.md")
	}
}

// TestW2Sum checks W2's sum_kl against SPEC.md (30986.503794267).
func TestW2Sum(t *testing.T) {
	dir := benchdata.Dir()
	if _, err := os.Stat(filepath.Join(dir, "mvn_pairs.csv.gz")); dir == "" || err != nil {
		t.Skip("benchmark data not found: set KLDIV_BENCH_DATA to shared/bench/data")
	}
	pairs, err := benchdata.ReadMVNPairs(dir)
	require.NoError(t, err)
	require.Equal(t, 256, pairs.N)
	kl, err := w2KL(pairs)
	require.NoError(t, err)
	assert.InEpsilon(t, 30986.503794267, sum(kl.Value()), 1e-10, "sum_kl against SPEC.md")
}

func TestRunUnknownWorkload(t *testing.T) {
	err := Run(&bytes.Buffer{}, Config{}, "W1x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown workload "W1x"`)
	assert.Contains(t, err.Error(), strings.Join(Names(), ", "))
}

func TestWorkloadTable(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range Workloads {
		assert.False(t, seen[w.Name], "workload %s listed twice", w.Name)
		seen[w.Name] = true
		assert.NotNil(t, w.Run, w.Name)
		assert.NotEmpty(t, w.Summary, w.Name)
		got, ok := Lookup(strings.ToLower(w.Name))
		assert.True(t, ok && got.Name == w.Name, "Lookup(%q)", strings.ToLower(w.Name))
	}
}

func TestEmit(t *testing.T) {
	var b bytes.Buffer
	Emit(&b, "W4", "ms_per_epoch", 1.5, map[string]any{"dtype": "float64"})
	var m map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &m))
	assert.Equal(t, map[string]any{"workload": "W4", "impl": "go", "metric": "ms_per_epoch", "value": 1.5, "dtype": "float64"}, m)
}

// TestBimodalKL checks the trapezoidal KLs at SPEC.md's exact optima:
// reverse m = 2.98431, s = 1.02337 (KL 0.688769); forward m = 0, s = √10
// (KL 0.461995).
func TestBimodalKL(t *testing.T) {
	rev, _ := BimodalKL(2.98431, 1.02337)
	assert.InDelta(t, 0.688769, rev, 2e-6, "reverse KL at its optimum")
	_, fwd := BimodalKL(0, math.Sqrt(10))
	assert.InDelta(t, 0.461995, fwd, 2e-6, "forward KL at its optimum")
}

// TestW4Lines runs W4 on a subset (2,560 training images, 500 test images,
// IWAE with 20 samples on 50 of them) and checks SPEC's lines: their keys,
// "epochs" and "dtype", a test ELBO in the range a VAE reaches after 20
// steps (between -550 and -150 nats: the untrained model scores about
// -543), and an IWAE-20 NLL below -ELBO plus a margin for the different
// image subsets (the IWAE bound is tighter than the ELBO).
func TestW4Lines(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the W4 VAE for 40 steps")
	}
	var buf bytes.Buffer
	err := w4(&buf, Config{Epochs: 1, IWAEK: 20, IWAEN: 50}, 2560, 500)
	if err != nil && strings.Contains(err.Error(), "GoMNIST") {
		t.Skip(err)
	}
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	got := map[string]map[string]any{}
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		require.Equal(t, "W4", m["workload"])
		require.Equal(t, "go", m["impl"])
		require.EqualValues(t, 1, m["epochs"])
		require.Equal(t, "float64", m["dtype"])
		got[m["metric"].(string)] = m
	}
	require.Contains(t, got, "s_per_epoch")
	assert.Greater(t, got["s_per_epoch"]["value"].(float64), 0.0, "s_per_epoch")
	elbo := got["test_elbo_nats"]["value"].(float64)
	assert.Greater(t, elbo, -550.0, "test ELBO after 20 steps (nats)")
	assert.Less(t, elbo, -150.0, "test ELBO after 20 steps (nats)")
	nll := got["test_nll_iwae20_nats"]
	require.NotNil(t, nll, "IWAE line")
	assert.EqualValues(t, 50, nll["iwae_images"])
	assert.Less(t, nll["value"].(float64), -elbo+15, "IWAE-20 NLL against -ELBO (nats)")
	assert.Greater(t, nll["value"].(float64), 60.0, "IWAE-20 NLL is a plausible MNIST value")
}
