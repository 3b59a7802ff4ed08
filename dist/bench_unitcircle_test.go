package dist

import (
	"math"
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// Benchmarks of the VonMises, ContinuousBernoulli and Kumaraswamy
// families: 1000 elements per operation, with gradient where it applies.

func benchCol(n int, f func(i int) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f(i)
	}
	return v
}

func BenchmarkVonMisesLogProbGrad(b *testing.B) {
	x := ad.Col(benchCol(1000, func(i int) float64 { return math.Sin(float64(i)) * 3 }))
	loc := ad.NewParam("loc", 1, 1, []float64{0.3})
	k := ad.NewParam("k", 1, 1, []float64{4})
	t := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		lp := VonMises{Loc: t.Param(loc), Concentration: t.Param(k)}.LogProb(x)
		t.Backward(ad.Sum(lp))
	}
}

func BenchmarkVonMisesRsample(b *testing.B) {
	for _, kv := range []float64{2, 100} {
		b.Run(map[float64]string{2: "k=2", 100: "k=100"}[kv], func(b *testing.B) {
			rng := newRNG(1)
			k := ad.NewParam("k", 1, 1, []float64{kv})
			t := ad.NewTape()
			b.ReportAllocs()
			for b.Loop() {
				t.Reset()
				z := VonMises{Loc: t.Scalar(0), Concentration: t.Param(k)}.Rsample(rng, 1000)
				t.Backward(ad.Sum(z))
			}
		})
	}
}

func BenchmarkKLVonMisesGrad(b *testing.B) {
	k1 := ad.NewParam("k1", 1000, 1, benchCol(1000, func(i int) float64 { return 0.1 + float64(i%37) }))
	k2 := ad.Col(benchCol(1000, func(i int) float64 { return 0.5 + float64(i%11) }))
	t := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		kl, _ := klVonMisesVonMises(VonMises{Loc: t.Scalar(0), Concentration: t.Param(k1)}, VonMises{Loc: t.Scalar(0.5), Concentration: k2})
		t.Backward(ad.Sum(kl))
	}
}

func BenchmarkContinuousBernoulliLogProbGrad(b *testing.B) {
	x := ad.Col(benchCol(1000, func(i int) float64 { return float64(i) / 1000 }))
	p := ad.NewParam("probs", 1000, 1, benchCol(1000, func(i int) float64 { return 0.001 + float64(i)/1001 }))
	t := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		lp := ContinuousBernoulli{Probs: t.Param(p)}.LogProb(x)
		t.Backward(ad.Sum(lp))
	}
}

func BenchmarkKLContinuousBernoulliGrad(b *testing.B) {
	p := ad.NewParam("logits", 1000, 1, benchCol(1000, func(i int) float64 { return math.Sin(float64(i)) * 4 }))
	q := ad.Col(benchCol(1000, func(i int) float64 { return 0.01 + 0.98*float64(i%13)/13 }))
	t := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		kl, _ := klContinuousBernoulli(ContinuousBernoulli{Logits: t.Param(p)}, ContinuousBernoulli{Probs: q})
		t.Backward(ad.Sum(kl))
	}
}

func BenchmarkKumaraswamyRsample(b *testing.B) {
	rng := newRNG(2)
	a := ad.NewParam("a", 1, 1, []float64{2})
	c0 := ad.NewParam("b", 1, 1, []float64{3})
	t := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		z := Kumaraswamy{Concentration1: t.Param(a), Concentration0: t.Param(c0)}.Rsample(rng, 1000)
		t.Backward(ad.Sum(z))
	}
}

func BenchmarkKLKumaraswamyBeta(b *testing.B) {
	for _, c := range []struct {
		name string
		a, b float64
	}{{"a=1,b=1", 1, 1}, {"a=0.5,b=0.1", 0.5, 0.1}, {"a=10,b=3", 10, 3}, {"a=2,b=30", 2, 30}, {"a=100,b=0.5", 100, 0.5}} {
		b.Run(c.name, func(b *testing.B) {
			ap := ad.NewParam("a", 1, 1, []float64{c.a})
			bp := ad.NewParam("b", 1, 1, []float64{c.b})
			t := ad.NewTape()
			b.ReportAllocs()
			for b.Loop() {
				t.Reset()
				kl, _ := KLKumaraswamyBeta(Kumaraswamy{Concentration1: t.Param(ap), Concentration0: t.Param(bp)}, t.Scalar(1), t.Scalar(4))
				t.Backward(kl)
			}
		})
	}
}
