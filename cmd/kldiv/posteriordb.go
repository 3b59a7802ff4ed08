package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kldiv/kldiv/models/posteriordb"
)

// runPosteriordb implements `kldiv posteriordb`: fit the ten reference
// posteriors with the mean-field, full-rank and flow guides, mark the one
// posteriordb.ChooseGuide picks, and print how each compares with the
// reference draws.
func runPosteriordb(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("posteriordb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	steps := fs.Int("steps", 10000, "Adam steps per fit")
	seed := fs.Uint64("seed", 1, "random seed")
	markdown := fs.Bool("markdown", false, "print a Markdown table")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: kldiv posteriordb [--steps N] [--seed S] [--markdown] [name ...]\n\nFits the posteriordb reference posteriors (all ten by default) with the mean-field,\nfull-rank and flow guides, marks the guide chosen automatically (by ELBO) and\ncompares with the reference draws.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	names := fs.Args()
	if len(names) == 0 {
		names = posteriordb.Names()
	}
	if *markdown {
		fmt.Fprintln(stdout, "| posterior | indep. | guide | picked | ELBO | k-hat | worst \\|Δmean\\|/sd | worst \\|sd/ref − 1\\| | pass | PSIS-corrected: worst mean / sd | pass |")
		fmt.Fprintln(stdout, "| --- | ---: | --- | :---: | ---: | ---: | ---: | ---: | :---: | ---: | :---: |")
	}
	for _, name := range names {
		p, err := posteriordb.Load(name)
		if err != nil {
			fmt.Fprintf(stderr, "kldiv posteriordb: %v\n", err)
			return 2
		}
		t0 := time.Now()
		c, err := posteriordb.ChooseGuide(context.Background(), p.Model.Model(), posteriordb.FitOptions{Steps: *steps, Seed: *seed})
		if err != nil {
			fmt.Fprintf(stderr, "kldiv posteriordb: %s: %v\n", name, err)
			return 1
		}
		ind := "—"
		for _, cd := range c.Candidates {
			if cd.Guide == posteriordb.FullRank && cd.Err == nil {
				ind = fmt.Sprintf("%.2f", posteriordb.Independence(cd.Result))
			}
		}
		for i, cd := range c.Candidates {
			if cd.Err != nil {
				fmt.Fprintf(stderr, "kldiv posteriordb: %s (%s): %v\n", name, cd.Guide, cd.Err)
				continue
			}
			a := posteriordb.Assess(p, cd.Result, cd.Name)
			m, s := posteriordb.Worst(a.Plain)
			corr, passC := "—", "—"
			if a.Corrected != nil {
				cm, cs := posteriordb.Worst(a.Corrected)
				corr = fmt.Sprintf("%.3f / %.3f", cm, cs)
				passC = yes(a.PassCorrected(0.2, 0.25))
			}
			picked := ""
			if i == c.Picked {
				picked = "✓"
			}
			if *markdown {
				fmt.Fprintf(stdout, "| %s | %s | %s | %s | %.2f | %.2f | %.3f | %.3f | %s | %s | %s |\n", name, ind, cd.Name, picked, a.ELBO, a.KHat, m, s, yes(a.Pass(0.2, 0.25)), corr, passC)
			} else {
				fmt.Fprintf(stdout, "%-40s %-26s %-6s ELBO %10.2f  k-hat %.2f  worst mean %.3f  sd %.3f  pass %-3s  PSIS %s %s\n",
					name, cd.Name, picked, a.ELBO, a.KHat, m, s, yes(a.Pass(0.2, 0.25)), corr, passC)
			}
		}
		if !*markdown {
			fmt.Fprintf(stdout, "%-40s independence %s  (%.1f s)\n", name, ind, time.Since(t0).Seconds())
		}
	}
	return 0
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
