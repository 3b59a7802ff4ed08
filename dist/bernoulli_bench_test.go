package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkBernoulliLogitsLogProb: the log-likelihood of 8 x 10,000 logits
// (W3's shape) with its gradient.
func BenchmarkBernoulliLogitsLogProb(b *testing.B) {
	rng := newRNG(1)
	l := make([]float64, 8*10000)
	for i := range l {
		l[i] = rng.NormFloat64() * 7
	}
	y := make([]float64, 10000)
	for i := range y {
		y[i] = float64(rng.IntN(2))
	}
	tp := ad.NewTape()
	for b.Loop() {
		tp.Reset()
		lv := tp.Input(8, 10000, l)
		out := Bernoulli{Logits: lv}.LogProb(tp.Const(1, 10000, y))
		tp.Backward(ad.Sum(out))
	}
}
