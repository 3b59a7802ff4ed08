package dist

import (
	"testing"

	"github.com/kldiv/kldiv/ad"
)

// BenchmarkNormalLogProbGrad times a normal log-likelihood of a 1000 x 8
// batch with its gradient: the cheapest kernel, so the one where the
// bookkeeping of the fused loop (fusedTerms) weighs most.
func BenchmarkNormalLogProbGrad(b *testing.B) {
	t := ad.NewTape()
	x := make([]float64, 1000*8)
	for i := range x {
		x[i] = -2 + 0.03*float64(i%131)
	}
	xv := ad.Const(1000, 8, x)
	m, s := benchParamLoc("loc", 0.3), benchParamLoc("scale", 1.3)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		d := Normal{Loc: t.Param(m), Scale: t.Param(s)}
		t.Backward(ad.Sum(d.LogProb(xv)))
	}
}

// BenchmarkNormalCDFGrad times the element-wise normal CDF of a 1000 x 8
// batch with its gradient.
func BenchmarkNormalCDFGrad(b *testing.B) {
	t := ad.NewTape()
	x := make([]float64, 1000*8)
	for i := range x {
		x[i] = -2 + 0.03*float64(i%131)
	}
	xv := ad.Const(1000, 8, x)
	m, s := benchParamLoc("loc", 0.3), benchParamLoc("scale", 1.3)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		d := Normal{Loc: t.Param(m), Scale: t.Param(s)}
		t.Backward(ad.Sum(d.CDF(xv)))
	}
}
