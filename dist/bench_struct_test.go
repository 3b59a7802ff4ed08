package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// benchGradStruct records f on a tape with a differentiable input x and
// runs the backward pass of Σ f(x), once per iteration.
func benchGradStruct(b *testing.B, x ad.Matrix, f func(x ad.Var) ad.Var) {
	tp := ad.NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		v := tp.Input(x.Rows, x.Cols, x.Data)
		tp.Backward(ad.Sum(f(v)))
	}
}

func BenchmarkStickBreakingForwardLogDet(b *testing.B) {
	x := randMatStruct(newRNG(1), 1000, 9, 1)
	benchGradStruct(b, x, func(v ad.Var) ad.Var {
		y := StickBreaking{}.Forward(v)
		return ad.Add(ad.SumCols(ad.Log(y)), StickBreaking{}.LogDetJacobian(v, y))
	})
}

func BenchmarkCorrCholeskyForwardLogDet(b *testing.B) {
	x := randMatStruct(newRNG(1), 1000, 10, 1) // K = 5
	benchGradStruct(b, x, func(v ad.Var) ad.Var {
		y := CorrCholesky{}.Forward(v)
		return ad.Add(ad.SumCols(y), CorrCholesky{}.LogDetJacobian(v, y))
	})
}

func BenchmarkTransformedLogNormalLogProb(b *testing.B) {
	x := randMatStruct(newRNG(1), 1000, 1, 1)
	for i := range x.Data {
		x.Data[i] = 1 + x.Data[i]*x.Data[i]
	}
	d := Must(NewTransformed(Must(NewNormal(0.2, 0.7)), Exp{}))
	benchGradStruct(b, x, d.LogProb)
}

func BenchmarkMixtureLogProb(b *testing.B) {
	x := randMatStruct(newRNG(1), 1000, 1, 2)
	comps := Must(NormalOf(ad.Col([]float64{-2, -1, 0, 1, 2}), ad.Col([]float64{0.5, 1, 1.5, 1, 0.5})))
	m := Must(MixtureLogits(ad.Row([]float64{0.1, 0.2, 0.3, 0.2, 0.1}), comps))
	benchGradStruct(b, x, m.LogProb)
}
