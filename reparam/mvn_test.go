package reparam

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func rngMVN(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func TestMultivariateNormalSampler(t *testing.T) {
	// Two batch rows, D = 2, n = 3: row k*B+b is loc_b + L_b ε with ε the
	// next two standard normals of the generator.
	loc := ad.Const(2, 2, []float64{1, 2, -1, 0})
	l := ad.Const(2, 4, []float64{1, 0, 0.5, 2, 3, 9 /* ignored */, -1, 0.5})
	z := MultivariateNormal(rngMVN(1), loc, l, 3)
	require.Equal(t, [2]int{6, 2}, [2]int{z.Rows(), z.Cols()})
	ref := rngMVN(1)
	for i := 0; i < 6; i++ {
		e0, e1 := ref.NormFloat64(), ref.NormFloat64()
		b := i % 2
		lb := l.Value()[b*4:]
		assert.InDelta(t, loc.At(b, 0)+lb[0]*e0, z.At(i, 0), 1e-15)
		assert.InDelta(t, loc.At(b, 1)+lb[2]*e0+lb[3]*e1, z.At(i, 1), 1e-15)
	}
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return MultivariateNormal(rngMVN(2), v[0], v[1], 3) },
		[]ad.Matrix{{Rows: 1, Cols: 2, Data: []float64{0.3, -0.2}}, {Rows: 2, Cols: 4, Data: l.Value()}}, nil)
	assert.NoError(t, err)
	assert.Panics(t, func() { MultivariateNormal(rngMVN(1), loc, ad.Const(2, 3, make([]float64, 6)), 1) })
	assert.Panics(t, func() { MultivariateNormal(rngMVN(1), loc, ad.Const(3, 4, make([]float64, 12)), 1) })
}

func TestLowRankMultivariateNormalSampler(t *testing.T) {
	// D = 2, K = 1, one batch row, n = 2: all ε₁ first, then all ε₂.
	loc := ad.Row([]float64{1, -1})
	w := ad.Row([]float64{2, 0.5})
	dg := ad.Row([]float64{0.25, 4})
	z := LowRankMultivariateNormal(rngMVN(3), loc, w, dg, 2)
	require.Equal(t, [2]int{2, 2}, [2]int{z.Rows(), z.Cols()})
	ref := rngMVN(3)
	e1 := []float64{ref.NormFloat64(), ref.NormFloat64()}
	e2 := []float64{ref.NormFloat64(), ref.NormFloat64(), ref.NormFloat64(), ref.NormFloat64()}
	for i := 0; i < 2; i++ {
		assert.InDelta(t, 1+2*e1[i]+math.Sqrt(0.25)*e2[2*i], z.At(i, 0), 1e-15)
		assert.InDelta(t, -1+0.5*e1[i]+math.Sqrt(4)*e2[2*i+1], z.At(i, 1), 1e-15)
	}
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return LowRankMultivariateNormal(rngMVN(4), v[0], v[1], v[2], 3)
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{0.3, -0.2, 1, 2}}, {Rows: 1, Cols: 4, Data: []float64{1, 0.5, -0.3, 2}},
		{Rows: 2, Cols: 2, Data: []float64{0.5, 1.5, 2, 0.7}}}, nil)
	assert.NoError(t, err)
	assert.Panics(t, func() { LowRankMultivariateNormal(rngMVN(1), loc, ad.Row([]float64{1, 2, 3}), dg, 1) })
	assert.Panics(t, func() { LowRankMultivariateNormal(rngMVN(1), loc, w, ad.Row([]float64{1}), 1) })
}
