package optim

import (
	"math"
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkAdamStep times one Adam step on the VAE's first weight matrix
// (784 x 400): "kernel" is Adam.Step (kernel.Adam), "scalar" the same
// update as a plain Go loop.
func BenchmarkAdamStep(b *testing.B) {
	const n = 784 * 400
	p := ad.NewParam("w", 784, 400, nil)
	for i := range p.Grad {
		p.Grad[i] = math.Sin(float64(i))
	}
	b.Run("kernel", func(b *testing.B) {
		o := NewAdam(1e-3)
		o.Step([]*ad.Param{p})
		b.ReportAllocs()
		for b.Loop() {
			o.Step([]*ad.Param{p})
		}
	})
	b.Run("scalar", func(b *testing.B) {
		m, v, val := make([]float64, n), make([]float64, n), make([]float64, n)
		b1, b2, lr, eps, c1, c2 := 0.9, 0.999, 1e-3, 1e-8, 0.5, 0.5
		b.ReportAllocs()
		for b.Loop() {
			for i, g := range p.Grad {
				m[i] = b1*m[i] + (1-b1)*g
				v[i] = b2*v[i] + (1-b2)*g*g
				val[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
			}
		}
	})
}
