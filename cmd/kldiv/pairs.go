package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kldiv/kldiv/dist"
)

// runPairs implements kldiv pairs: the table of registered KL pairs.
func runPairs(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pairs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	md := fs.Bool("markdown", false, "print a Markdown table (the one in README.md)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: kldiv pairs [--markdown]\n\nThe KL divergences kldiv computes in closed form (dist.Pairs), as a table.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kldiv pairs: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *md {
		fmt.Fprint(stdout, pairsMarkdown(dist.Pairs()))
		return 0
	}
	fmt.Fprint(stdout, pairsText(dist.Pairs()))
	return 0
}

// pairsMarkdown returns the Markdown table of pairs written into README.md
// between the pairs markers.
func pairsMarkdown(ps []dist.Pair) string {
	var b strings.Builder
	b.WriteString("| P | Q | how |\n| --- | --- | --- |\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", p.P, p.Q, p.Kind)
	}
	return b.String()
}

// pairsText returns the pairs as aligned columns.
func pairsText(ps []dist.Pair) string {
	wp, wq := len("P"), len("Q")
	for _, p := range ps {
		wp, wq = max(wp, len(p.P)), max(wq, len(p.Q))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %-*s  %s\n", wp, "P", wq, "Q", "how")
	for _, p := range ps {
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", wp, p.P, wq, p.Q, p.Kind)
	}
	return b.String()
}
