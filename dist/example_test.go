package dist_test

import (
	"errors"
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// A closed-form KL divergence, and the error for a pair with none.
func ExampleKL() {
	p := dist.Must(dist.NewGamma(2, 3))
	q := dist.Must(dist.NewGamma(5, 1))
	kl, err := dist.KL(p, q)
	if err != nil {
		panic(err)
	}
	fmt.Printf("KL(Gamma(2,3) || Gamma(5,1)) = %.6f\n", kl.Scalar())

	_, err = dist.KL(dist.Must(dist.NewStudentT(4, 0, 1)), dist.Must(dist.NewNormal(0, 1)))
	fmt.Println(errors.Is(err, dist.ErrNoKL))
	// Output:
	// KL(Gamma(2,3) || Gamma(5,1)) = 6.069429
	// true
}

// A batch of three normals (rows) scored at three values: one log-density
// per row.
func ExampleNormal_LogProb() {
	d := dist.Must(dist.NormalOf(ad.Col([]float64{0, 1, 2}), ad.Scalar(1)))
	lp := d.LogProb(ad.Col([]float64{0, 0, 0}))
	fmt.Printf("%.4f\n", lp.Value())
	// Output: [-0.9189 -1.4189 -2.9189]
}

// Gradients of a KL divergence with respect to the parameters of both
// sides.
func ExampleKL_gradient() {
	t := ad.NewTape()
	loc := t.Input(1, 1, []float64{0.5})
	scale := t.Input(1, 1, []float64{2})
	p := dist.Normal{Loc: loc, Scale: scale}
	q := dist.Must(dist.NewNormal(0, 1))
	kl, _ := dist.KL(p, q)
	t.Backward(kl)
	fmt.Printf("KL %.4f, d/dloc %.4f, d/dscale %.4f\n", kl.Scalar(), loc.Grad()[0], scale.Grad()[0])
	// Output: KL 0.9319, d/dloc 0.5000, d/dscale 1.5000
}

// Invalid parameters are errors that name the parameter and the value.
func ExampleNewNormal() {
	_, err := dist.NewNormal(0, -1)
	fmt.Println(err)
	// Output: dist: Normal: scale[0] = -1, want a finite number > 0
}

// The log-likelihood of a logistic regression for two weight vectors at
// once (rows of W), and its gradient with respect to W.
func ExampleBernoulliLinear() {
	tp := ad.NewTape()
	w := tp.Input(2, 2, []float64{1, -1, 0.5, 2})
	design := ad.Matrix{Rows: 3, Cols: 2, Data: []float64{1, 0, 0, 1, 1, 1}}
	labels := tp.Const(1, 3, []float64{1, 0, 1})
	ll := dist.BernoulliLinear{Weights: w, Design: design}.LogProb(labels)
	tp.Backward(ad.Sum(ll))
	g := w.Grad()
	for r := range 2 {
		fmt.Printf("w%d: log-likelihood %.6f, gradient [%.6f %.6f]\n", r, ll.Value()[r], g[2*r], g[2*r+1])
	}
	// Output:
	// w0: log-likelihood -1.319671, gradient [0.768941 0.231059]
	// w1: log-likelihood -2.679895, gradient [0.453399 -0.804939]
}
