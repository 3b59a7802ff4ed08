// Command kldiv computes KL divergences and runs variational inference from
// the command line.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "kldiv: no subcommands yet")
	os.Exit(2)
}
