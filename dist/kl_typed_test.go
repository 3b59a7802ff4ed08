package dist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// TestKLOfAgreesWithKL checks that the typed entry point computes what KL
// computes: the same bits on an exact pair, the same values through a
// wrapper rule (its fallback), and the same errors.
func TestKLOfAgreesWithKL(t *testing.T) {
	tp := ad.NewTape()
	p := Normal{Loc: tp.Const(3, 2, []float64{0, 1, -2, 0.5, 3, 1e-3}), Scale: tp.Const(3, 2, []float64{1, 0.2, 3, 1.1, 0.01, 5})}
	q := Normal{Loc: tp.Const(1, 2, []float64{0.3, -1}), Scale: tp.Const(1, 2, []float64{1.5, 0.7})}
	want, err := KL(p, q)
	require.NoError(t, err)
	got, err := KLOf(p, q)
	require.NoError(t, err)
	assert.Equal(t, want.Value(), got.Value(), "KLOf(Normal, Normal) bit for bit")

	ip, iq := Independent{Base: p, ReinterpretedBatchNdims: 1}, Independent{Base: q, ReinterpretedBatchNdims: 1}
	want, err = KL(ip, iq)
	require.NoError(t, err)
	got, err = KLOf(ip, iq)
	require.NoError(t, err)
	assert.Equal(t, want.Value(), got.Value(), "KLOf through the Independent rule")

	bad := Normal{Loc: tp.Const(1, 2, []float64{0, 0}), Scale: tp.Const(1, 2, []float64{1, -1})}
	_, errKL := KL(bad, q)
	_, errOf := KLOf(bad, q)
	require.Error(t, errOf, "negative scale")
	assert.Equal(t, errKL.Error(), errOf.Error())

	wide := Normal{Loc: tp.Const(1, 3, []float64{0, 0, 0}), Scale: tp.Const(1, 3, []float64{1, 1, 1})}
	_, errKL = KL(wide, q)
	_, errOf = KLOf(wide, q)
	require.Error(t, errOf, "event widths 3 and 2")
	assert.Equal(t, errKL.Error(), errOf.Error())
}

// TestKLOfAllocations checks that a typed exact pair allocates nothing on a
// reused tape after warm-up.
func TestKLOfAllocations(t *testing.T) {
	tp := ad.NewTape()
	lp := make([]float64, 64)
	sp := make([]float64, 64)
	for i := range sp {
		lp[i], sp[i] = float64(i)/10, 1+float64(i)/100
	}
	run := func() {
		tp.Reset()
		p := Normal{Loc: tp.Const(8, 8, lp), Scale: tp.Const(8, 8, sp)}
		q := Normal{Loc: tp.Const(1, 8, lp[:8]), Scale: tp.Const(1, 8, sp[:8])}
		if _, err := KLOf(p, q); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		run()
	}
	assert.Zero(t, testing.AllocsPerRun(100, run), "allocations of KLOf(Normal, Normal)")
}
