package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

func emit(w io.Writer, workload, metric string, value float64, extra map[string]any) {
	m := map[string]any{"workload": workload, "impl": "go", "metric": metric, "value": value}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	fmt.Fprintln(w, string(b))
}

// medianMillis runs f warmup times untimed, then repeats times, and returns
// the median wall time in milliseconds.
func medianMillis(f func(), warmup, repeats int) float64 {
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

// runBench implements `kldiv bench`: the Go side of the workloads of
// ../shared/bench/SPEC.md, printing one JSON line per metric.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultBenchData(), "folder with the shared benchmark data (logreg.csv.gz, mvn_pairs.csv.gz)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: kldiv bench [--data DIR] [W1 W2 W3 W6 ...]\n\nRuns the Go side of the benchmark workloads (SPEC.md) and prints JSON lines.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	which := fs.Args()
	if len(which) == 0 {
		which = []string{"W1", "W2", "W3", "W6"}
	}
	fmt.Fprintf(stderr, "kldiv bench: GOMAXPROCS=%d, BLAS %s\n", runtime.GOMAXPROCS(0), ad.BLASImplementation)
	for _, w := range which {
		var err error
		switch strings.ToUpper(w) {
		case "W1":
			err = benchW1(stdout)
		case "W2":
			err = benchW2(stdout, *data)
		case "W3":
			err = benchW3(stdout, *data)
		case "W6":
			err = benchW6(stdout)
		default:
			err = fmt.Errorf("unknown workload %q", w)
		}
		if err != nil {
			fmt.Fprintf(stderr, "kldiv bench %s: %v\n", w, err)
			return 1
		}
	}
	return 0
}

func defaultBenchData() string {
	if d := os.Getenv("KLDIV_BENCH_DATA"); d != "" {
		return d
	}
	return "../shared/bench/data"
}

// weylParams returns W1's parameters: u_k(i) = frac((i+1) a_k) with
// a_k = √2, √3, √5, √7; mu1 = 6u1-3, s1 = 0.1+2.9u2, mu2 = 6u3-3,
// s2 = 0.1+2.9u4.
func weylParams(n int) (mu1, s1, mu2, s2 []float64) {
	a := []float64{math.Sqrt(2), math.Sqrt(3), math.Sqrt(5), math.Sqrt(7)}
	u := make([][]float64, 4)
	for k := range u {
		u[k] = make([]float64, n)
		for i := range u[k] {
			x := float64(i+1) * a[k]
			u[k][i] = x - math.Floor(x)
		}
	}
	mu1, s1, mu2, s2 = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		mu1[i] = 6*u[0][i] - 3
		s1[i] = 0.1 + 2.9*u[1][i]
		mu2[i] = 6*u[2][i] - 3
		s2[i] = 0.1 + 2.9*u[3][i]
	}
	return
}

// benchW1: KL between 1,000,000 pairs of univariate normals in one call
// (building both batched distributions, with validation, and the KL).
func benchW1(w io.Writer) error {
	const n = 1_000_000
	mu1, s1, mu2, s2 := weylParams(n)
	var kl ad.Var
	var err error
	call := func() {
		p, e1 := dist.NormalOf(ad.Col(mu1), ad.Col(s1))
		q, e2 := dist.NormalOf(ad.Col(mu2), ad.Col(s2))
		if e1 != nil || e2 != nil {
			err = fmt.Errorf("%v %v", e1, e2)
			return
		}
		kl, err = dist.KL(p, q)
	}
	ms := medianMillis(call, 3, 21)
	if err != nil {
		return err
	}
	var sum float64
	for _, v := range kl.Value() {
		sum += v
	}
	emit(w, "W1", "ms_per_call", math.Round(ms*1e4)/1e4, nil)
	emit(w, "W1", "sum_kl", sum, nil)
	return nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6b6c)) }
