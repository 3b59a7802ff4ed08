package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkBernoulliLogProbDiscrete: 1000 values against 1000 logits on
// a tape, value and gradient.
func BenchmarkBernoulliLogProbDiscrete(b *testing.B) {
	x := make([]float64, 1000)
	l := make([]float64, 1000)
	for i := range x {
		x[i] = float64(i % 2)
		l[i] = float64(i%7) - 3
	}
	xv := ad.Col(x)
	p := ad.NewParam("logits", 1000, 1, l)
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		tp.Backward(ad.Sum(Bernoulli{Logits: tp.Param(p)}.LogProb(xv)))
	}
}

// BenchmarkKLCategoricalDiscrete: 256 rows of 10 categories (logits
// against probs), value only.
func BenchmarkKLCategoricalDiscrete(b *testing.B) {
	a := make([]float64, 2560)
	c := make([]float64, 2560)
	for i := range a {
		a[i] = float64(i%10) / 3
		c[i] = 0.05 + float64(i%10)/10
	}
	p, q := Categorical{Logits: ad.Const(256, 10, a)}, Categorical{Probs: ad.Const(256, 10, c)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := KL(p, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKLNegativeBinomialSeriesDiscrete: different total counts (the
// series), one pair with mean about 20, value and all partials.
func BenchmarkKLNegativeBinomialSeriesDiscrete(b *testing.B) {
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		r1, p1 := tp.Input(1, 1, []float64{5}), tp.Input(1, 1, []float64{0.8})
		r2, p2 := tp.Input(1, 1, []float64{7}), tp.Input(1, 1, []float64{0.75})
		kl, err := KL(NegativeBinomial{TotalCount: r1, Probs: p1}, NegativeBinomial{TotalCount: r2, Probs: p2})
		if err != nil {
			b.Fatal(err)
		}
		tp.Backward(kl)
	}
}

// BenchmarkKLBinomialFiniteSumDiscrete: Binomial(100, ·) against
// Binomial(120, ·), the finite sum, value only.
func BenchmarkKLBinomialFiniteSumDiscrete(b *testing.B) {
	p, q := Must(NewBinomial(100, 0.3)), Must(NewBinomial(120, 0.35))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := KL(p, q); err != nil {
			b.Fatal(err)
		}
	}
}
