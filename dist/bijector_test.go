package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// bijectorCaseStruct is one bijector under test: its unconstrained width,
// the support its Forward lands in and the projection onto the free
// coordinates of y that makes its Jacobian square.
type bijectorCaseStruct struct {
	b       Bijector
	width   int
	support Support
	free    func([]float64) []float64
}

func bijectorCasesStruct() []bijectorCaseStruct {
	return []bijectorCaseStruct{
		{Identity{}, 3, Real{}, nil},
		{Exp{}, 3, Positive(), nil},
		{Softplus{}, 3, Positive(), nil},
		{Sigmoid{}, 3, UnitInterval(), nil},
		{Tanh{}, 3, Interval{Lower: scalar(-1), Upper: scalar(1)}, nil},
		{Affine{Loc: ad.Row([]float64{1, -2, 0.5}), Scale: ad.Row([]float64{2, -0.5, 3})}, 3, Real{}, nil},
		{Affine{Loc: scalar(0.3), Scale: scalar(-1.7)}, 3, Real{}, nil},
		{Compose{Exp{}, Affine{Loc: scalar(2), Scale: scalar(1)}}, 3, GreaterThan{Lower: scalar(2)}, nil},
		{Compose{Sigmoid{}, Affine{Loc: scalar(-2), Scale: scalar(5)}}, 3, Interval{Lower: scalar(-2), Upper: scalar(3)}, nil},
		{Compose{}, 2, Real{}, nil},
		{StickBreaking{}, 4, Simplex{}, dropLastStruct},
		{StickBreaking{}, 1, Simplex{}, dropLastStruct},
		{Ordered{}, 4, OrderedVector{}, nil},
		{PositiveOrdered{}, 4, PositiveOrderedVector{}, nil},
		{LowerCholesky{}, 6, LowerCholeskySupport{}, lowerStruct(true)},
		{LowerCholesky{}, 1, LowerCholeskySupport{}, lowerStruct(true)},
		{CorrCholesky{}, 6, CorrCholeskySupport{}, lowerStruct(false)},
		{CorrCholesky{}, 1, CorrCholeskySupport{}, lowerStruct(false)},
		{Compose{Exp{}, Ordered{}}, 3, OrderedVector{}, nil},
	}
}

// TestBijectorsRoundTripSupportLogDet checks for every bijector that
// Forward lands in the support, Inverse undoes Forward, and LogDetJacobian
// equals log |det| of the finite-difference Jacobian of Forward onto the
// free coordinates (all of y for width-preserving bijectors; the first
// K-1 simplex coordinates for StickBreaking; the lower triangle with the
// diagonal for LowerCholesky and without it for CorrCholesky).
func TestBijectorsRoundTripSupportLogDet(t *testing.T) {
	rng := newRNG(11)
	for _, tc := range bijectorCasesStruct() {
		x := constStruct(randMatStruct(rng, 4, tc.width, 1.2))
		y := tc.b.Forward(x)
		require.Equal(t, tc.b.ForwardDim(tc.width), y.Cols(), "%s ForwardDim", tc.b)
		require.Equal(t, tc.width, tc.b.InverseDim(y.Cols()), "%s InverseDim", tc.b)
		assert.NoError(t, tc.support.Check(y), "%s lands in %s", tc.b, tc.support)
		back := tc.b.Inverse(y)
		assertCloseStruct(t, x.Value(), back.Value(), 1e-10, "%s Inverse(Forward(x))", tc.b)
		ld := tc.b.LogDetJacobian(x, y).Value()
		require.Len(t, ld, 4)
		for i := range 4 {
			row := x.Value()[i*tc.width : (i+1)*tc.width]
			want := 0.0
			if tc.width > 0 {
				want = numLogDetStruct(t, tc.b, row, tc.free)
			}
			assert.InDelta(t, want, ld[i], 1e-6*math.Max(1, math.Abs(want)), "%s log|det J| row %d", tc.b, i)
		}
	}
}

// TestBijectorsGradients checks Forward, Inverse and LogDetJacobian of
// every bijector by finite differences (ad.CheckGrad).
func TestBijectorsGradients(t *testing.T) {
	rng := newRNG(12)
	for _, tc := range bijectorCasesStruct() {
		if tc.width == 0 {
			continue
		}
		xm := randMatStruct(rng, 3, tc.width, 1)
		ym := tc.b.Forward(constStruct(xm)).Matrix()
		b := tc.b
		assert.NoError(t, ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return b.Forward(v[0]) },
			[]ad.Matrix{xm}, nil), "%s Forward gradient", b)
		assert.NoError(t, ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var { return b.Inverse(v[0]) },
			[]ad.Matrix{ym}, nil), "%s Inverse gradient", b)
		// The zero term keeps constant log-determinants (Identity, Affine)
		// on the tape.
		assert.NoError(t, ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
			return ad.Add(b.LogDetJacobian(v[0], b.Forward(v[0])), ad.Scale(ad.SumCols(v[0]), 0))
		}, []ad.Matrix{xm}, nil), "%s LogDetJacobian gradient", b)
	}
	// Affine: gradients with respect to its parameters too.
	xm := randMatStruct(rng, 3, 2, 1)
	assert.NoError(t, ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		a := Affine{Loc: v[1], Scale: v[2]}
		y := a.Forward(v[0])
		return ad.ConcatCols(y, a.Inverse(y), a.LogDetJacobian(v[0], y))
	}, []ad.Matrix{xm, row(0.5, -1), row(1.5, -0.7)}, nil), "Affine parameter gradients")
}

// TestSupportBijectorsMapOntoSupport checks that each continuous support's
// Bijector maps unconstrained rows into the support and back, and that
// discrete supports have none.
func TestSupportBijectorsMapOntoSupport(t *testing.T) {
	rng := newRNG(13)
	cases := []struct {
		s     Support
		width int
	}{
		{Real{}, 3}, {RealVector{}, 3}, {Positive(), 3},
		{GreaterThan{Lower: ad.Row([]float64{-1, 2, 10})}, 3},
		{LessThan{Upper: scalar(-1)}, 3},
		{UnitInterval(), 3},
		{Interval{Lower: scalar(-2), Upper: scalar(3)}, 3},
		{Simplex{}, 3},
		{OrderedVector{}, 4}, {PositiveOrderedVector{}, 4},
		{LowerCholeskySupport{}, 6}, {CorrCholeskySupport{}, 3},
	}
	for _, c := range cases {
		b := c.s.Bijector()
		require.NotNil(t, b, "%s has a bijector", c.s)
		x := constStruct(randMatStruct(rng, 5, c.width, 2))
		y := b.Forward(x)
		assert.NoError(t, c.s.Check(y), "%s.Bijector() = %s maps into %s", c.s, b, c.s)
		assertCloseStruct(t, x.Value(), b.Inverse(y).Value(), 1e-9, "%s round trip", c.s)
	}
	for _, s := range []Support{NonNegativeInteger(), Boolean(), OneHot{}, MultinomialSupport{Total: scalar(3)}} {
		assert.Nil(t, s.Bijector(), "%s is discrete", s)
	}
	// A row out of order or not positive is outside the ordered supports.
	assert.Error(t, OrderedVector{}.Check(ad.Row([]float64{0, 1, 1})))
	assert.Error(t, PositiveOrderedVector{}.Check(ad.Row([]float64{0, 1, 2})))
	assert.NoError(t, OrderedVector{}.Check(ad.Row([]float64{-3, 1, 2})))
}

// TestVectorBijectorsAgainstTorch compares Forward and LogDetJacobian with
// torch 1.13's StickBreakingTransform and CorrCholeskyTransform
// (testdata/bijectors_torch.py).
func TestVectorBijectorsAgainstTorch(t *testing.T) {
	var cases []struct {
		Name   string
		X, Y   []float64
		Logdet float64
	}
	readRef(t, "bijectors_torch.json", &cases)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		var b Bijector
		switch c.Name {
		case "StickBreaking":
			b = StickBreaking{}
		case "CorrCholesky":
			b = CorrCholesky{}
		default:
			t.Fatalf("unknown case %s", c.Name)
		}
		x := ad.Row(c.X)
		y := b.Forward(x)
		assertCloseStruct(t, c.Y, y.Value(), 1e-13, "%s(%v) against torch", c.Name, c.X)
		assert.InDelta(t, c.Logdet, b.LogDetJacobian(x, y).Scalar(), 1e-12*math.Max(1, math.Abs(c.Logdet)), "%s(%v) log|det J| against torch", c.Name, c.X)
	}
}

func TestVectorBijectorsExtremeValues(t *testing.T) {
	// StickBreaking at 0 is the centre of the simplex.
	y := StickBreaking{}.Forward(ad.Row([]float64{0, 0, 0, 0})).Value()
	for _, v := range y {
		assert.InDelta(t, 0.2, v, 1e-15, "StickBreaking(0)")
	}
	// Large inputs: no NaN, still on the simplex, and the inverse recovers
	// x where the coordinates are representable.
	x := ad.Row([]float64{30, -30, 20})
	y = StickBreaking{}.Forward(x).Value()
	assert.NoError(t, Simplex{}.Check(ad.Row(y)))
	assert.False(t, math.IsNaN(StickBreaking{}.LogDetJacobian(x, ad.Row(y)).Scalar()))
	// CorrCholesky keeps a positive diagonal where tanh rounds to ±1 (torch
	// clamps there), and its inverse still recovers x.
	x = ad.Row([]float64{25, -30, 40})
	yc := CorrCholesky{}.Forward(x)
	assert.NoError(t, CorrCholeskySupport{}.Check(yc))
	assertCloseStruct(t, x.Value(), CorrCholesky{}.Inverse(yc).Value(), 1e-9, "CorrCholesky round trip at large x")
	ld := CorrCholesky{}.LogDetJacobian(x, yc).Scalar()
	// Σ (1 + (i-1-l)/2) log sech² x with log sech² x ≈ 2(log 2 - |x|).
	want := 2*(math.Ln2-25) + 1.5*2*(math.Ln2-30) + 2*(math.Ln2-40)
	assert.InDelta(t, want, ld, 1e-9, "CorrCholesky log|det J| at large x")
}

func TestVectorBijectorDims(t *testing.T) {
	assert.Equal(t, 9, LowerCholesky{}.ForwardDim(6))
	assert.Equal(t, 6, LowerCholesky{}.InverseDim(9))
	assert.Equal(t, 9, CorrCholesky{}.ForwardDim(3))
	assert.Equal(t, 3, CorrCholesky{}.InverseDim(9))
	assert.Equal(t, 1, CorrCholesky{}.ForwardDim(0))
	assert.Equal(t, 5, StickBreaking{}.ForwardDim(4))
	assert.Equal(t, 4, StickBreaking{}.InverseDim(5))
	assert.Equal(t, 4, PositiveOrdered{}.ForwardDim(4))
	assert.PanicsWithValue(t, "dist: LowerCholesky: width 5 is not a triangular number K(K+1)/2", func() { LowerCholesky{}.ForwardDim(5) })
	assert.Panics(t, func() { CorrCholesky{}.ForwardDim(4) })
	assert.Panics(t, func() { CorrCholesky{}.InverseDim(8) })
}
