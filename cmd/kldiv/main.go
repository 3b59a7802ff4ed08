// Command kldiv computes KL divergences and runs variational inference from
// the command line.
//
//	kldiv demo                 a guided tour of the toolkit
//	kldiv kl P Q               divergences between two distributions
//	kldiv pairs [--markdown]   the KL pairs with a closed form
//	kldiv bench [W1 ...]       the Go side of the benchmark workloads
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(runIO(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: kldiv <command> [arguments]

commands:
  demo     a guided tour: closed-form vs Monte Carlo KL, forward vs reverse
           KL fits, and an eight-schools fit with a posterior table
  kl       divergences between two distributions: kldiv kl 'Normal(0, 1)' 'Normal(1, 2)'
  pairs    the KL pairs kldiv computes in closed form
  bench    the Go side of the benchmark workloads (JSON lines)
  posteriordb
           fit the ten posteriordb reference posteriors and compare

Run 'kldiv <command> -h' for a command's flags.
`)
}

// run executes the command line, with an empty stdin, and returns the
// exit status.
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, strings.NewReader(""), stdout, stderr)
}

// runIO executes the command line and returns the exit status. It never
// lets a panic escape: an internal error is reported as such.
func runIO(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "kldiv: internal error: %v\n", r)
			code = 3
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "kl":
		return runKL(args[1:], stdin, stdout, stderr)
	case "pairs":
		return runPairs(args[1:], stdout, stderr)
	case "posteriordb":
		return runPosteriordb(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "kldiv: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}
