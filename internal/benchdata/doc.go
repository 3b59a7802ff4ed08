// Package benchdata reads the inputs of the benchmark workloads of
// shared/bench/SPEC.md: the gzip-compressed CSV and JSON files of
// shared/bench/data, and W1's Weyl-sequence parameters, which need no
// file.
//
// It imports nothing of kldiv, so that package internal/bench (the
// harness behind `kldiv bench`) and the tests of dist, which cannot import
// the harness, read the data the same way.
package benchdata
