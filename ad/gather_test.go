package ad_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

func TestGatherRows(t *testing.T) {
	a := ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 3, 4, 5, 6}}
	idx := []int{2, 0, 2, 1}
	g := ad.GatherRows(ad.Const(a.Rows, a.Cols, a.Data), idx)
	require.Equal(t, []float64{5, 6, 1, 2, 5, 6, 3, 4}, g.Value(), "rows 2, 0, 2, 1")
	// The gradient of a row read twice is the sum of both reads'.
	err := ad.CheckGrad(func(_ *ad.Tape, x []ad.Var) ad.Var {
		return ad.Square(ad.GatherRows(x[0], idx))
	}, []ad.Matrix{a}, nil)
	require.NoError(t, err)
	require.PanicsWithValue(t, "ad: GatherRows: index 3 at 1 out of range for 3 rows", func() {
		ad.GatherRows(ad.Const(a.Rows, a.Cols, a.Data), []int{0, 3})
	})
}
