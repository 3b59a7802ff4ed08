package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// benchNormalGrad times method (LogProb or CDF) of a normal over a
// 1000 x 8 batch with its gradient: the cheapest kernels, so the ones
// where the bookkeeping of the fused loop (fusedCells) weighs most.
func benchNormalGrad(b *testing.B, method func(Normal, ad.Var) ad.Var) {
	t := ad.NewTape()
	x := make([]float64, 1000*8)
	for i := range x {
		x[i] = -2 + 0.03*float64(i%131)
	}
	xv := ad.Const(1000, 8, x)
	m, s := benchParam("loc", 0.3), benchParam("scale", 1.3)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		t.Backward(ad.Sum(method(Normal{Loc: t.Param(m), Scale: t.Param(s)}, xv)))
	}
}

func BenchmarkNormalLogProbGrad(b *testing.B) { benchNormalGrad(b, Normal.LogProb) }

func BenchmarkNormalCDFGrad(b *testing.B) { benchNormalGrad(b, Normal.CDF) }
