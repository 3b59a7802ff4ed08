package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/bench"
	"github.com/kldiv/kldiv/internal/benchdata"
)

// runBench implements `kldiv bench`: it runs the workloads of package
// internal/bench (the Go side of ../shared/bench/SPEC.md), printing one
// JSON line per metric.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultBenchData(), "folder with the shared benchmark data (logreg.csv.gz, mvn_pairs.csv.gz)")
	epochs := fs.Int("epochs", 0, "W4: training epochs (0: one, the quick measurement; 10: the quality run)")
	iwaeK := fs.Int("iwae-k", 0, "W4: also report the IWAE estimate of -log p(x) with this many samples (SPEC: 5000)")
	iwaeN := fs.Int("iwae-n", 0, "W4: evaluate IWAE on the first N test images only (0: all 10,000)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: kldiv bench [--data DIR] [--epochs N] [--iwae-k K] [--iwae-n N] [%s ...]\n\nRuns the Go side of the benchmark workloads (SPEC.md) and prints JSON lines.\n\n", strings.Join(bench.Names(), " "))
		for _, w := range bench.Workloads {
			fmt.Fprintf(stderr, "  %-4s %s\n", w.Name, w.Summary)
		}
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fmt.Fprintf(stderr, "kldiv bench: GOMAXPROCS=%d, BLAS %s\n", runtime.GOMAXPROCS(0), ad.BLASImplementation)
	if err := bench.Run(stdout, bench.Config{Data: *data, Epochs: *epochs, IWAEK: *iwaeK, IWAEN: *iwaeN, Log: stderr}, fs.Args()...); err != nil {
		fmt.Fprintf(stderr, "kldiv %v\n", err)
		return 1
	}
	return 0
}

// defaultBenchData is $KLDIV_BENCH_DATA, or the shared/bench/data folder
// found beside the working directory or a parent, or ../shared/bench/data.
func defaultBenchData() string {
	if d := benchdata.Dir(); d != "" {
		return d
	}
	return "../shared/bench/data"
}
