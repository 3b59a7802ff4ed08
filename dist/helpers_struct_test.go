package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	gmat "gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers of the structural families and bijectors. Each compares
// against an independent computation: finite-difference Jacobians (gonum
// diff/fd), sample moments within a stated number of standard errors, a
// Kolmogorov-Smirnov bound.

// numLogDetStruct returns log |det| of the finite-difference Jacobian of
// x -> free(b.Forward(x)) at one row x (central differences, gonum
// diff/fd). free projects a forward row onto its free coordinates (nil for
// all of them), which makes the Jacobian square for the bijectors that
// change the width.
func numLogDetStruct(t *testing.T, b Bijector, x []float64, free func([]float64) []float64) float64 {
	t.Helper()
	n := len(x)
	f := func(dst, xs []float64) {
		y := b.Forward(ad.Const(1, n, append([]float64(nil), xs...))).Value()
		if free != nil {
			y = free(y)
		}
		copy(dst, y)
	}
	probe := b.Forward(ad.Const(1, n, append([]float64(nil), x...))).Value()
	if free != nil {
		probe = free(probe)
	}
	require.Len(t, probe, n, "%s: free coordinates must match the unconstrained width", b)
	jac := gmat.NewDense(n, n, nil)
	fd.Jacobian(jac, f, x, &fd.JacobianSettings{Formula: fd.Central, Step: 1e-6})
	ld, _ := gmat.LogDet(jac)
	return ld
}

// dropLastStruct keeps the first K-1 coordinates of a K-simplex row.
func dropLastStruct(y []float64) []float64 { return y[:len(y)-1] }

// lowerStruct returns the free coordinates of a row-major K x K matrix:
// the lower triangle row by row, with the diagonal when diag is true.
func lowerStruct(diag bool) func([]float64) []float64 {
	return func(y []float64) []float64 {
		k := int(math.Round(math.Sqrt(float64(len(y)))))
		var out []float64
		for a := 0; a < k; a++ {
			for b := 0; b < a || (diag && b == a); b++ {
				out = append(out, y[a*k+b])
			}
		}
		return out
	}
}

// randMatStruct returns an r x c matrix of independent N(0, s²) values.
func randMatStruct(rng *rand.Rand, r, c int, s float64) ad.Matrix {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = s * rng.NormFloat64()
	}
	return ad.Matrix{Rows: r, Cols: c, Data: d}
}

// constStruct returns m as a free constant.
func constStruct(m ad.Matrix) ad.Var { return ad.Const(m.Rows, m.Cols, m.Data) }

// columnStruct returns column j of a row-major value with c columns.
func columnStruct(v []float64, c, j int) []float64 {
	out := make([]float64, 0, len(v)/c)
	for i := j; i < len(v); i += c {
		out = append(out, v[i])
	}
	return out
}

// klValueStruct returns KL(p || q) as a slice, failing the test on error.
func klValueStruct(t *testing.T, p, q Distribution) []float64 {
	t.Helper()
	kl, err := KL(p, q)
	require.NoError(t, err)
	return kl.Value()
}

// assertCloseStruct asserts element-wise |got - want| <= tol*max(1, |want|).
func assertCloseStruct(t *testing.T, want, got []float64, tol float64, msg string, args ...any) {
	t.Helper()
	require.Len(t, got, len(want), append([]any{msg}, args...)...)
	for i := range want {
		if math.IsInf(want[i], 0) {
			assert.Equal(t, want[i], got[i], append([]any{msg + " [%d]"}, append(args, i)...)...)
			continue
		}
		assert.InDelta(t, want[i], got[i], tol*math.Max(1, math.Abs(want[i])), append([]any{msg + " [%d]"}, append(args, i)...)...)
	}
}
