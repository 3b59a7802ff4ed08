package linalg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func randLower(rng *rand.Rand, d int) []float64 {
	l := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			l[i*d+j] = rng.NormFloat64()
		}
		l[i*d+i] = 1 + rng.Float64()
	}
	return l
}

func randMat(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func assertClose(t *testing.T, want *mat.Dense, got []float64, tol float64, msg string) {
	t.Helper()
	r, c := want.Dims()
	require.Len(t, got, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			assert.InDelta(t, want.At(i, j), got[i*c+j], tol, "%s [%d,%d]", msg, i, j)
		}
	}
}

func TestSolvesAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const d, n = 7, 3
	l := randLower(rng, d)
	lm := mat.NewDense(d, d, append([]float64(nil), l...))
	b := randMat(rng, d)
	bm := mat.NewDense(d, 1, append([]float64(nil), b...))

	var want mat.Dense
	want.Reset()
	require.NoError(t, want.Solve(lm, bm))
	x := make([]float64, d)
	SolveLower(x, l, b, d)
	assertClose(t, &want, x, 1e-12, "L x = b")

	want.Reset()
	require.NoError(t, want.Solve(lm.T(), bm))
	SolveLowerT(x, l, b, d)
	assertClose(t, &want, x, 1e-12, "Lᵀ x = b")
	xa := append([]float64(nil), b...)
	SolveLowerT(xa, l, xa, d)
	assertClose(t, &want, xa, 1e-12, "Lᵀ x = b in place")

	bb := randMat(rng, d*n)
	bbm := mat.NewDense(d, n, append([]float64(nil), bb...))
	want.Reset()
	require.NoError(t, want.Solve(lm, bbm))
	xx := make([]float64, d*n)
	SolveLowerMat(xx, l, bb, d, n)
	assertClose(t, &want, xx, 1e-12, "L X = B")
	want.Reset()
	require.NoError(t, want.Solve(lm.T(), bbm))
	SolveLowerTMat(xx, l, bb, d, n)
	assertClose(t, &want, xx, 1e-12, "Lᵀ X = B")

	f := randLower(rng, d)
	want.Reset()
	require.NoError(t, want.Solve(lm, mat.NewDense(d, d, append([]float64(nil), f...))))
	e := make([]float64, d*d)
	SolveLowerTri(e, l, f, d)
	assertClose(t, &want, e, 1e-12, "L E = F")
	want.Reset()
	require.NoError(t, want.Inverse(lm))
	InvLower(e, l, d)
	assertClose(t, &want, e, 1e-12, "L⁻¹")
}

func TestCholeskySym(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const d = 6
	g := mat.NewDense(d, d, randMat(rng, d*d))
	var a mat.Dense
	a.Mul(g, g.T())
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, a.At(i, j))
		}
	}
	var ch mat.Cholesky
	require.True(t, ch.Factorize(sym))
	var lt mat.TriDense
	ch.LTo(&lt)
	want := mat.DenseCopyOf(&lt)
	l := make([]float64, d*d)
	ok, _, _ := CholeskySym(l, a.RawMatrix().Data, d)
	require.True(t, ok)
	assertClose(t, want, l, 1e-12, "L")
	// An indefinite matrix: the second leading minor fails.
	bad := []float64{1, 2, 0, 2, 1, 0, 0, 0, 1}
	ok, k, p := CholeskySym(make([]float64, 9), bad, 3)
	assert.False(t, ok)
	assert.Equal(t, 1, k)
	assert.InDelta(t, -3, p, 1e-15)
}
