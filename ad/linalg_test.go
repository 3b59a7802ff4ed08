package ad

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// spdRows returns r random symmetric positive-definite d x d matrices
// A = G Gᵀ + d/2 I, one per row (row-major).
func spdRows(rng *rand.Rand, r, d int) []float64 {
	out := make([]float64, 0, r*d*d)
	for range r {
		g := mat.NewDense(d, d, nil)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var a mat.Dense
		a.Mul(g, g.T())
		for i := 0; i < d; i++ {
			a.Set(i, i, a.At(i, i)+float64(d)/2)
		}
		out = append(out, a.RawMatrix().Data...)
	}
	return out
}

func symOf(a []float64, d int) *mat.SymDense {
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, a[i*d+j])
		}
	}
	return s
}

func TestCholeskyRowsAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Orders and batch sizes across the grouped path (groups of 8, orders
	// padded to a multiple of 4), one beyond linalg.GroupMaxOrder, on and
	// off a tape.
	for _, c := range []struct{ r, d int }{{5, 6}, {11, 9}, {17, 33}, {3, 130}} {
		for _, onTape := range []bool{false, true} {
			r, d := c.r, c.d
			a := spdRows(rng, r, d)
			x := Const(r, d*d, a)
			if onTape {
				tp := NewTape()
				x = tp.Input(r, d*d, a)
				// A reused tape buffer must not leak into the upper part.
				for k := 0; k < 2; k++ {
					_ = CholeskyRows(x, d)
					tp.Reset()
					x = tp.Input(r, d*d, a)
				}
			}
			lv := CholeskyRows(x, d).Value()
			for i := 0; i < r; i++ {
				var ch mat.Cholesky
				require.True(t, ch.Factorize(symOf(a[i*d*d:], d)))
				var want mat.TriDense
				ch.LTo(&want)
				for p := 0; p < d; p++ {
					for q := 0; q < d; q++ {
						require.InDelta(t, want.At(p, q), lv[i*d*d+p*d+q], 1e-13*math.Sqrt(float64(d)), "d=%d tape=%v row %d L[%d,%d]", d, onTape, i, p, q)
					}
				}
			}
		}
	}
	const r, d = 5, 6
	a := spdRows(rng, r, d)
	l := CholeskyRows(Const(r, d*d, a), d)
	require.Equal(t, [2]int{r, d * d}, [2]int{l.Rows(), l.Cols()})
	lv := l.Value()
	for i := 0; i < r; i++ {
		var ch mat.Cholesky
		require.True(t, ch.Factorize(symOf(a[i*d*d:], d)))
		var want mat.TriDense
		ch.LTo(&want)
		for p := 0; p < d; p++ {
			for q := 0; q < d; q++ {
				assert.InDelta(t, want.At(p, q), lv[i*d*d+p*d+q], 1e-13*math.Sqrt(float64(d)), "row %d L[%d,%d]", i, p, q)
			}
		}
	}
	// A row that is not positive definite gives NaN; the others are kept.
	bad := append([]float64(nil), a...)
	bad[d*d+d+1] = -1 // A_11 of row 1
	lb := CholeskyRows(Const(r, d*d, bad), d).Value()
	assert.True(t, math.IsNaN(lb[d*d]), "non-PD row is NaN")
	assert.Equal(t, lv[:d*d], lb[:d*d], "other rows unchanged")
	assert.Panics(t, func() { CholeskyRows(Const(1, 5, make([]float64, 5)), 2) })
}

func TestCholeskyRowsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ r, d int }{{3, 1}, {3, 2}, {3, 4}, {9, 5}} {
		a := spdRows(rng, c.r, c.d)
		err := CheckGrad(func(_ *Tape, v []Var) Var { return CholeskyRows(v[0], c.d) },
			[]Matrix{{Rows: c.r, Cols: c.d * c.d, Data: a}}, nil)
		assert.NoError(t, err, "d = %d", c.d)
	}
	// Through a log-determinant: f(A) = Σ log diag chol(A) = ½ log det A has
	// gradient ½ A⁻¹ (symmetric), an independent closed form.
	const d = 4
	a := spdRows(rng, 1, d)
	tp := NewTape()
	x := tp.Input(1, d*d, a)
	f := TriLogDetRows(CholeskyRows(x, d), d)
	tp.Backward(f)
	var inv mat.Dense
	require.NoError(t, inv.Inverse(mat.NewDense(d, d, a)))
	var ch mat.Cholesky
	require.True(t, ch.Factorize(symOf(a, d)))
	assert.InEpsilon(t, 0.5*ch.LogDet(), f.Scalar(), 1e-13, "½ log det A")
	for p := 0; p < d; p++ {
		for q := 0; q < d; q++ {
			assert.InDelta(t, 0.5*inv.At(p, q), x.Grad()[p*d+q], 1e-12, "∂/∂A[%d,%d]", p, q)
		}
	}
}

func TestInvCholeskyRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const r, d = 3, 5
	p := spdRows(rng, r, d)
	l := InvCholeskyRows(Const(r, d*d, p), d).Value()
	for i := 0; i < r; i++ {
		li := mat.NewDense(d, d, append([]float64(nil), l[i*d*d:(i+1)*d*d]...))
		for a := 0; a < d; a++ {
			for b := a + 1; b < d; b++ {
				assert.Equal(t, 0.0, li.At(a, b), "upper part zero")
			}
			assert.Greater(t, li.At(a, a), 0.0, "positive diagonal")
		}
		// L Lᵀ P = I.
		var llt, prod mat.Dense
		llt.Mul(li, li.T())
		prod.Mul(&llt, mat.NewDense(d, d, p[i*d*d:(i+1)*d*d]))
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				want := 0.0
				if a == b {
					want = 1
				}
				assert.InDelta(t, want, prod.At(a, b), 1e-12, "row %d (L Lᵀ P)[%d,%d]", i, a, b)
			}
		}
	}
	bad := append([]float64(nil), p...)
	bad[0] = -5
	assert.True(t, math.IsNaN(InvCholeskyRows(Const(r, d*d, bad), d).Value()[0]), "non-PD row is NaN")
	for _, dd := range []int{1, 2, 3} {
		pp := spdRows(rng, 2, dd)
		err := CheckGrad(func(_ *Tape, v []Var) Var { return InvCholeskyRows(v[0], dd) },
			[]Matrix{{Rows: 2, Cols: dd * dd, Data: pp}}, nil)
		assert.NoError(t, err, "d = %d", dd)
	}
}

func TestTriSolveRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const bl, r, d = 2, 6, 4
	l := CholeskyRows(Const(bl, d*d, spdRows(rng, bl, d)), d).Value()
	b := make([]float64, r*d)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for _, trans := range []bool{false, true} {
		x := TriSolveRows(Const(bl, d*d, l), Const(r, d, b), d, trans).Value()
		for i := 0; i < r; i++ {
			lm := mat.NewDense(d, d, append([]float64(nil), l[(i%bl)*d*d:(i%bl+1)*d*d]...))
			var want mat.VecDense
			var op mat.Matrix = lm
			if trans {
				op = lm.T()
			}
			require.NoError(t, want.SolveVec(op, mat.NewVecDense(d, b[i*d:(i+1)*d])))
			for j := 0; j < d; j++ {
				assert.InDelta(t, want.AtVec(j), x[i*d+j], 1e-12, "trans=%v row %d", trans, i)
			}
		}
		err := CheckGrad(func(_ *Tape, v []Var) Var { return TriSolveRows(v[0], v[1], d, trans) },
			[]Matrix{{Rows: bl, Cols: d * d, Data: l}, {Rows: r, Cols: d, Data: b}}, nil)
		assert.NoError(t, err, "trans=%v gradient", trans)
		// Shared matrix (one row of l for every right-hand side).
		err = CheckGrad(func(_ *Tape, v []Var) Var { return TriSolveRows(v[0], v[1], d, trans) },
			[]Matrix{{Rows: 1, Cols: d * d, Data: l[:d*d]}, {Rows: r, Cols: d, Data: b}}, nil)
		assert.NoError(t, err, "trans=%v shared gradient", trans)
	}
	assert.Panics(t, func() { TriSolveRows(Const(bl, d*d, l), Const(3, d, b[:3*d]), d, false) })
}

func TestTriLogDetRowsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const d = 3
	l := CholeskyRows(Const(2, d*d, spdRows(rng, 2, d)), d).Value()
	got := TriLogDetRows(Const(2, d*d, l), d).Value()
	for i := 0; i < 2; i++ {
		want := math.Log(l[i*9]) + math.Log(l[i*9+4]) + math.Log(l[i*9+8])
		assert.InEpsilon(t, want, got[i], 1e-15)
	}
	err := CheckGrad(func(_ *Tape, v []Var) Var { return TriLogDetRows(v[0], d) },
		[]Matrix{{Rows: 2, Cols: d * d, Data: l}}, nil)
	assert.NoError(t, err)
}

// TestLinalgDeterministic checks that values and gradients do not depend
// on the number of goroutines.
func TestLinalgDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const r, d = 40, 5
	a := spdRows(rng, r, d)
	b := make([]float64, r*d)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	run := func() ([]float64, []float64) {
		tp := NewTape()
		x := tp.Input(r, d*d, a)
		y := tp.Input(r, d, b)
		l := CholeskyRows(x, d)
		s := TriSolveRows(SliceRows(l, 0, 4), y, d, true)
		z := Add(Sum(Square(s)), Sum(InvCholeskyRows(x, d)))
		tp.Backward(z)
		return append([]float64(nil), x.Grad()...), append([]float64(nil), y.Grad()...)
	}
	old := runtime.GOMAXPROCS(1)
	g1, h1 := run()
	runtime.GOMAXPROCS(4)
	g4, h4 := run()
	runtime.GOMAXPROCS(old)
	assert.Equal(t, g1, g4)
	assert.Equal(t, h1, h4)
}
