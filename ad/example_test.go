package ad_test

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
)

// The gradient of a Gaussian log-likelihood with respect to its mean.
func Example() {
	t := ad.NewTape()
	mu := ad.NewParam("mu", 1, 1, []float64{0.5})
	data := t.Const(4, 1, []float64{1, 2, 3, 4})
	// Σ_i -(x_i - mu)²/2: the column of data broadcasts against the scalar mu.
	ll := ad.Sum(ad.Scale(ad.Square(ad.Sub(data, t.Param(mu))), -0.5))
	t.Backward(ll)
	fmt.Printf("loglik %.3f, d/dmu %.3f\n", ll.Scalar(), mu.Grad[0])
	// Output: loglik -10.500, d/dmu 8.000
}

// Free constants evaluate eagerly, without a tape and without gradients.
func ExampleConst() {
	x := ad.Const(2, 2, []float64{1, 2, 3, 4})
	fmt.Println(ad.SumCols(ad.Mul(x, x)).Value())
	// Output: [5 25]
}

// A training loop reuses one tape: Reset keeps its memory.
func ExampleTape_Reset() {
	t := ad.NewTape()
	w := ad.NewParam("w", 1, 1, []float64{0})
	for range 100 {
		t.Reset()
		w.ZeroGrad()
		loss := ad.Square(ad.Shift(t.Param(w), -3)) // (w - 3)²
		t.Backward(loss)
		w.Val[0] -= 0.1 * w.Grad[0]
	}
	fmt.Printf("w = %.4f\n", w.Val[0])
	// Output: w = 3.0000
}

// CheckGrad compares reverse-mode gradients with finite differences.
func ExampleCheckGrad() {
	f := func(t *ad.Tape, x []ad.Var) ad.Var { return ad.LogSumExpCols(x[0]) }
	err := ad.CheckGrad(f, []ad.Matrix{{Rows: 2, Cols: 3, Data: []float64{1, 2, 3, -1, 0, 1}}}, nil)
	fmt.Println(err)
	// Output: <nil>
}
