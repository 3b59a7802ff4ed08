package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Config is what every workload may read.
type Config struct {
	// Data is the folder of SPEC.md's data files (logreg.csv.gz,
	// mvn_pairs.csv.gz, ...).
	Data string
	// Epochs is W4's number of training epochs (0: one, SPEC's quick
	// measurement; 10 for the quality run).
	Epochs int
	// IWAEK > 0 adds W4's importance-weighted -log p(x) with IWAEK
	// samples per test image; IWAEN > 0 uses only the first IWAEN images.
	IWAEK, IWAEN int
	// Log, when not nil, receives progress lines of long workloads.
	Log io.Writer
}

// Workload is one workload of SPEC.md: its name ("W1"), a one-line
// summary and the function that runs it and prints its JSON lines to w.
type Workload struct {
	Name    string
	Summary string
	Run     func(w io.Writer, cfg Config) error
}

// Workloads lists the workloads in the order `kldiv bench` runs them
// when none is named. Adding a workload is a file wN.go with its run
// function and one line here.
var Workloads = []Workload{
	{"W1", "closed-form KL of 1,000,000 univariate normal pairs", runW1},
	{"W2", "closed-form KL of 256 pairs of 32-dimensional full-covariance normals", runW2},
	{"W3", "mean-field VI for Bayesian logistic regression (N = 10,000, D = 50)", runW3},
	{"W4", "VAE 784-400-20 on binarized MNIST (one epoch; --epochs 10 for quality)", runW4},
	{"W5", "Bayesian Gaussian mixture by CAVI (10,000 points, K = 10, full covariances)", runW5},
	{"W6", "forward and reverse KL fits of a normal to a bimodal target", runW6},
}

// Names returns the names of the workloads in table order.
func Names() []string {
	names := make([]string, len(Workloads))
	for i, w := range Workloads {
		names[i] = w.Name
	}
	return names
}

// Lookup returns the workload named name (case-insensitive).
func Lookup(name string) (Workload, bool) {
	for _, w := range Workloads {
		if strings.EqualFold(w.Name, name) {
			return w, true
		}
	}
	return Workload{}, false
}

// Run runs the named workloads in turn (all of them when names is empty),
// writing their JSON lines to w. It stops at the first error, which names
// the workload.
func Run(w io.Writer, cfg Config, names ...string) error {
	if len(names) == 0 {
		names = Names()
	}
	for _, n := range names {
		wl, ok := Lookup(n)
		if !ok {
			return fmt.Errorf("bench: unknown workload %q (known: %s)", n, strings.Join(Names(), ", "))
		}
		if err := wl.Run(w, cfg); err != nil {
			return fmt.Errorf("bench %s: %w", wl.Name, err)
		}
	}
	return nil
}

// Emit writes one result line {"workload", "impl": "go", "metric",
// "value", extra...} as SPEC.md defines it.
func Emit(w io.Writer, workload, metric string, value float64, extra map[string]any) {
	m := map[string]any{"workload": workload, "impl": "go", "metric": metric, "value": value}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	fmt.Fprintln(w, string(b))
}

// MedianMillis runs f warmup times untimed, then repeats times, and
// returns the median wall time in milliseconds.
func MedianMillis(f func(), warmup, repeats int) float64 {
	for range warmup {
		f()
	}
	ts := make([]float64, repeats)
	for i := range ts {
		t0 := time.Now()
		f()
		ts[i] = float64(time.Since(t0).Nanoseconds()) / 1e6
	}
	sort.Float64s(ts)
	return ts[len(ts)/2]
}

// Median returns the median of ts (which it sorts).
func Median(ts []float64) float64 {
	sort.Float64s(ts)
	return ts[len(ts)/2]
}

// newRand returns the PCG stream for seed that the workloads use.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6b6c)) }
