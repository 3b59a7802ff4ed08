// Package examplekit holds what the runnable programs under examples/ share:
// the common flags (-quick, -out, -seed), the JSON summary of the numbers an
// example printed, a terminal progress bar with an ETA, and plotting helpers
// on gonum.org/v1/plot (a colour palette, curves, scatters, density contours,
// covariance ellipses, bar charts, panel grids and image grids).
//
// It is internal: examples import it so that each main.go stays a short
// tutorial about kldiv rather than about plotting. A user who copies an
// example out of the repository replaces the few examplekit calls with their
// own plotting, or copies this package along.
//
// A typical example starts with
//
//	cfg := examplekit.ParseFlags("klfit", os.Args[1:], nil)
//	sum := examplekit.NewSummary("klfit", cfg)
//	...
//	sum.Set("kl_reverse", kl)
//	path, err := examplekit.Save(p, cfg.Out, "fits.png", 7, 4)
//	...
//	err = sum.Save(cfg.Out)
//
// and its test calls the example's run function with Config{Quick: true,
// Out: t.TempDir()} and reads summary.json back with LoadSummary.
package examplekit
