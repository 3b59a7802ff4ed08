package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// benchParam returns a 1000 x 8 positive parameter.
func benchParam(name string, base float64) *ad.Param {
	d := make([]float64, 1000*8)
	for i := range d {
		d[i] = base * (1 + 0.001*float64(i%97))
	}
	return ad.NewParam(name, 1000, 8, d)
}

// BenchmarkLocLogProbGrad times a Weibull log-likelihood of a 1000 x 8
// batch with its gradient (one fused node).
func BenchmarkLocLogProbGrad(b *testing.B) {
	t := ad.NewTape()
	x := make([]float64, 1000*8)
	for i := range x {
		x[i] = 0.5 + 0.01*float64(i%113)
	}
	xv := ad.Const(1000, 8, x)
	s, k := benchParam("scale", 1.3), benchParam("k", 1.7)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		d := Weibull{Scale: t.Param(s), Concentration: t.Param(k)}
		t.Backward(ad.Sum(d.LogProb(xv)))
	}
}

// BenchmarkLocKLGrad times KL(Weibull || Weibull) over a 1000 x 8 batch
// with its gradient (lgamma series and digamma per element).
func BenchmarkLocKLGrad(b *testing.B) {
	t := ad.NewTape()
	l1, k1 := benchParam("l1", 1.3), benchParam("k1", 1.7)
	l2, k2 := benchParam("l2", 1.1), benchParam("k2", 2.2)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		p := Weibull{Scale: t.Param(l1), Concentration: t.Param(k1)}
		q := Weibull{Scale: t.Param(l2), Concentration: t.Param(k2)}
		kl, err := KL(p, q)
		if err != nil {
			b.Fatal(err)
		}
		t.Backward(ad.Sum(kl))
	}
}
