package examplekit

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Config is the part of an example's command line that every example shares.
type Config struct {
	// Quick asks for a reduced run (the one the tests execute): fewer steps,
	// fewer samples, a data subset. Its numbers are looser than a full run's.
	Quick bool
	// Out is the folder for pictures and summary.json. ParseFlags creates it.
	Out string
	// Seed seeds every random source of the run, so that a seed reproduces
	// the run exactly.
	Seed uint64
	// NoProgress turns the progress bar off (it is also off when standard
	// error is not a terminal).
	NoProgress bool
}

// ParseFlags parses the shared flags -quick, -out, -seed and -no-progress for
// the example called name, after extra (if not nil) has registered the
// example's own flags on the same FlagSet. The default output folder is
// out/NAME under the working directory; it is created. ParseFlags exits the
// process with status 2 on a bad command line, as flag.ExitOnError does.
func ParseFlags(name string, args []string, extra func(fs *flag.FlagSet)) Config {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	var cfg Config
	fs.BoolVar(&cfg.Quick, "quick", false, "a reduced run (seconds); the tests run this")
	fs.StringVar(&cfg.Out, "out", filepath.Join("out", name), "folder for the pictures and summary.json")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed; a seed reproduces the run exactly")
	fs.BoolVar(&cfg.NoProgress, "no-progress", false, "no progress bar")
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./examples/%s [flags]\n", name)
		fs.PrintDefaults()
	}
	_ = fs.Parse(args) // ExitOnError: Parse exits on error
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	return cfg
}

// Progress returns a progress bar on standard error for total units of work,
// or a silent one when cfg.NoProgress is set or standard error is not a
// terminal.
func (cfg Config) Progress(label string, total int) *Bar {
	var w io.Writer = os.Stderr
	if cfg.NoProgress || !isTerminal(os.Stderr) {
		w = nil
	}
	return NewBar(w, label, total)
}
