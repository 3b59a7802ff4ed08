package vae

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/mnist"
)

// Data is a set of examples served by index: Fill writes the examples idx
// into dst (len(idx) rows of Dim values). rng is for data sets that draw
// their values (dynamic binarization) and may be ignored.
type Data interface {
	Len() int
	Dim() int
	Fill(dst []float64, idx []int, rng *rand.Rand)
}

// MNIST adapts an mnist.Set with a binarization to Data.
func MNIST(s *mnist.Set, b mnist.Binarization) Data { return mnistData{s, b} }

type mnistData struct {
	s *mnist.Set
	b mnist.Binarization
}

func (d mnistData) Len() int { return d.s.N }
func (d mnistData) Dim() int { return d.s.Rows * d.s.Cols }
func (d mnistData) Fill(dst []float64, idx []int, rng *rand.Rand) {
	d.s.Fill(dst, idx, d.b, rng)
}

// Matrix adapts a matrix with one example per row to Data.
func Matrix(m ad.Matrix) Data {
	if len(m.Data) != m.Rows*m.Cols {
		panic(fmt.Sprintf("vae: Matrix: %d values for %dx%d", len(m.Data), m.Rows, m.Cols))
	}
	return matrixData(m)
}

type matrixData ad.Matrix

func (d matrixData) Len() int { return d.Rows }
func (d matrixData) Dim() int { return d.Cols }
func (d matrixData) Fill(dst []float64, idx []int, _ *rand.Rand) {
	for r, i := range idx {
		copy(dst[r*d.Cols:(r+1)*d.Cols], d.Data[i*d.Cols:(i+1)*d.Cols])
	}
}
