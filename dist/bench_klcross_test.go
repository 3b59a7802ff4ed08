package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkKLCrossGrad times cross-family KL divergences over a 1000 x 8
// batch (8000 terms) with the gradient for every parameter of both sides:
// cheap closed forms (Normal-Gumbel), the Stirling-remainder negentropy
// (Gamma-Normal, Beta-Normal) and the incomplete gamma and beta functions
// with their shape derivatives (Gamma-Laplace, Beta-Laplace).
func BenchmarkKLCrossGrad(b *testing.B) {
	for _, c := range []struct {
		P, Q string
		pt   []float64
	}{
		{"Normal", "Gumbel", []float64{0.5, 1.5, 1, 2}},
		{"Gamma", "Normal", []float64{2.5, 3, 0.8, 0.6}},
		{"Beta", "Normal", []float64{2.5, 3.5, 0.3, 0.4}},
		{"Uniform", "Beta", []float64{0.2, 0.7, 2.5, 3.5}},
		{"Weibull", "Gamma", []float64{1.5, 2, 2.5, 1.5}},
		{"Gamma", "Laplace", []float64{2.5, 3, 0.8, 0.6}},
		{"Beta", "Laplace", []float64{2.5, 3.5, 0.3, 0.4}},
	} {
		b.Run(c.P+"-"+c.Q, func(b *testing.B) {
			t := ad.NewTape()
			params := make([]*ad.Param, len(c.pt))
			for k, v := range c.pt {
				params[k] = benchParam("θ", v)
			}
			build := pairCross(c.P, c.Q)
			vars := make([]ad.Var, len(params))
			b.ReportAllocs()
			for b.Loop() {
				t.Reset()
				for k, p := range params {
					vars[k] = t.Param(p)
				}
				p, q := build(vars)
				kl, err := KL(p, q)
				if err != nil {
					b.Fatal(err)
				}
				t.Backward(ad.Sum(kl))
			}
		})
	}
}
