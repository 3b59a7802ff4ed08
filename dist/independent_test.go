package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestIndependentDelegates(t *testing.T) {
	loc := ad.Const(2, 3, []float64{0, 1, 2, -1, -2, -3})
	scale := ad.Row([]float64{1, 2, 3})
	base := Must(NormalOf(loc, scale))
	d := Must(NewIndependent(base, 1))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(2, 3, []float64{0.5, 0.5, 0.5, 1, 1, 1})
	lp := d.LogProb(x).Value()
	for i := range 2 {
		var want float64
		for j := range 3 {
			want += distuv.Normal{Mu: loc.At(i, j), Sigma: scale.At(0, j)}.LogProb(x.At(i, j))
		}
		assertRel(t, want, lp[i], 1e-14, "row %d (summed over the columns)", i)
	}
	assert.Equal(t, base.Sample(newRNG(4), 5).Value(), d.Sample(newRNG(4), 5).Value(), "Sample")
	assert.Equal(t, base.Rsample(newRNG(4), 5).Value(), d.Rsample(newRNG(4), 5).Value(), "Rsample")
	assert.Equal(t, base.Entropy().Value(), d.Entropy().Value())
	assert.Equal(t, base.Mean().Value(), d.Mean().Value())
	assert.Equal(t, base.Variance().Value(), d.Variance().Value())
	assert.Equal(t, base.CDF(x).Value(), d.CDF(x).Value())
	assert.Equal(t, "real", d.Support().String())
	checkLogProbGrad(t, func(ps []ad.Var) Distribution {
		return Independent{Base: Normal{Loc: ps[0], Scale: ps[1]}, ReinterpretedBatchNdims: 1}
	}, []ad.Matrix{row(0.3, -1), row(0.7, 2.1)}, ad.Matrix{Rows: 2, Cols: 2, Data: []float64{1, 2, -0.5, 0}}, nil)
}

func TestIndependentProvidesAndValidate(t *testing.T) {
	n := Must(NewNormal(0, 1))
	d := Independent{Base: n, ReinterpretedBatchNdims: 1}
	assert.True(t, Provides[Reparameterized](d))
	assert.True(t, Provides[Entropic](d))
	assert.True(t, Provides[Moments](d))
	assert.True(t, Provides[CDFer](d))
	assert.True(t, Provides[Reparameterized](&d), "through a pointer")
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	dm := Independent{Base: mix, ReinterpretedBatchNdims: 1}
	assert.False(t, Provides[Reparameterized](dm))
	assert.False(t, Provides[Entropic](dm))
	assert.True(t, Provides[Moments](dm))
	assert.PanicsWithValue(t, "dist: Independent: base dist.MixtureSameFamily has no Entropy (check dist.Provides first)", func() { dm.Entropy() })
	assert.Panics(t, func() { dm.Rsample(newRNG(1), 1) })
	assert.Panics(t, func() { dm.CDF(scalar(0)) })
	// A bare type assertion would claim Rsample: that is why Provides exists.
	_, ok := any(dm).(Reparameterized)
	assert.True(t, ok)

	_, err := NewIndependent(n, -1)
	assert.ErrorContains(t, err, "reinterpreted_batch_ndims = -1")
	_, err = NewIndependent(nil, 1)
	assert.Error(t, err)
	var pe *ParamError
	_, err = NewIndependent(Normal{Loc: scalar(0), Scale: scalar(0)}, 1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "scale", pe.Param)
}

func TestKLIndependent(t *testing.T) {
	p := Must(NormalOf(ad.Const(2, 2, []float64{0, 1, -1, 0.5}), ad.Row([]float64{1, 2})))
	q := Must(NormalOf(ad.Row([]float64{0.3, 0}), ad.Row([]float64{1.5, 0.7})))
	base := klValueStruct(t, p, q)
	ip, iq := Independent{Base: p, ReinterpretedBatchNdims: 1}, Independent{Base: q, ReinterpretedBatchNdims: 1}
	for _, pair := range [][2]Distribution{{ip, iq}, {ip, q}, {p, iq}, {&ip, &iq}} {
		assert.True(t, HasKL(pair[0], pair[1]))
		assertCloseStruct(t, base, klValueStruct(t, pair[0], pair[1]), 1e-15, "KL(%T || %T) equals the base KL", pair[0], pair[1])
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Independent{Base: Normal{Loc: v[0], Scale: v[1]}}, Independent{Base: Normal{Loc: v[2], Scale: v[3]}}
	}, []ad.Matrix{row(0.1, -0.4), row(0.8, 1.9), mat(0.5), row(1.2, 0.6)}, nil)
	// Through Independent to a pair with no divergence: an error, no panic.
	mix := Must(MixtureLogits(ad.Row([]float64{0, 0}), Must(NormalOf(ad.Col([]float64{-1, 1}), scalar(1)))))
	assert.False(t, HasKL(Independent{Base: mix}, q))
	_, err := KL(Independent{Base: mix}, q)
	assert.True(t, errors.Is(err, ErrNoKL), "error wraps ErrNoKL: %v", err)
	assert.False(t, math.IsNaN(base[0]))
}
