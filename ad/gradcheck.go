package ad

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/diff/fd"
)

// CheckOptions tunes CheckGrad. The zero value gives the defaults.
type CheckOptions struct {
	// Step is the relative finite-difference step: coordinate x_i moves by
	// Step*max(1, |x_i|). Default 1e-6.
	Step float64
	// AbsTol and RelTol bound the disagreement: an analytic derivative a
	// and a numerical one n agree when |a-n| <= AbsTol + RelTol*max(|a|,|n|).
	// Defaults 1e-6 and 1e-5.
	AbsTol, RelTol float64
	// Seed chooses the random weights that project a non-scalar output to
	// a scalar. Default 1.
	Seed uint64
}

// CheckGrad compares the reverse-mode gradient of f with central finite
// differences (gonum diff/fd) at the given inputs. f receives one
// differentiable Var per input and may return any shape; a non-scalar
// output is projected to Σ w_ij out_ij with fixed random weights w, which
// checks the whole vector-Jacobian product. It returns nil when every
// partial derivative agrees within the tolerances, and otherwise an error
// naming the first input and element that disagree and both values.
func CheckGrad(f func(t *Tape, x []Var) Var, inputs []Matrix, opt *CheckOptions) error {
	o := CheckOptions{Step: 1e-6, AbsTol: 1e-6, RelTol: 1e-5, Seed: 1}
	if opt != nil {
		if opt.Step > 0 {
			o.Step = opt.Step
		}
		if opt.AbsTol > 0 {
			o.AbsTol = opt.AbsTol
		}
		if opt.RelTol > 0 {
			o.RelTol = opt.RelTol
		}
		if opt.Seed != 0 {
			o.Seed = opt.Seed
		}
	}
	for i, in := range inputs {
		if len(in.Data) != in.Rows*in.Cols {
			return fmt.Errorf("ad: CheckGrad: input %d has %d values for %dx%d", i, len(in.Data), in.Rows, in.Cols)
		}
	}
	var weights []float64
	t := NewTape()
	eval := func(vals [][]float64, grad bool) (float64, [][]float64) {
		t.Reset()
		xs := make([]Var, len(inputs))
		for i, in := range inputs {
			xs[i] = t.Input(in.Rows, in.Cols, vals[i])
		}
		out := f(t, xs)
		if out.Tape() != t {
			panic("ad: CheckGrad: f returned a value not recorded on its tape")
		}
		if weights == nil {
			rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
			weights = make([]float64, out.Len())
			for i := range weights {
				weights[i] = 0.5 + rng.Float64()
			}
		}
		s := Sum(Mul(out, t.Const(out.Rows(), out.Cols(), weights)))
		if !grad {
			return s.Scalar(), nil
		}
		t.Backward(s)
		g := make([][]float64, len(xs))
		for i, x := range xs {
			g[i] = append([]float64(nil), x.Grad()...)
		}
		return s.Scalar(), g
	}
	base := make([][]float64, len(inputs))
	for i, in := range inputs {
		base[i] = append([]float64(nil), in.Data...)
	}
	_, analytic := eval(base, true)
	for i := range inputs {
		for j, x0 := range inputs[i].Data {
			fj := func(x float64) float64 {
				base[i][j] = x
				v, _ := eval(base, false)
				base[i][j] = x0
				return v
			}
			h := o.Step * math.Max(1, math.Abs(x0))
			num := fd.Derivative(fj, x0, &fd.Settings{Formula: fd.Central, Step: h})
			a := analytic[i][j]
			if !(math.Abs(a-num) <= o.AbsTol+o.RelTol*math.Max(math.Abs(a), math.Abs(num))) {
				return fmt.Errorf("ad: CheckGrad: input %d element %d (x = %g): analytic %.10g, numerical %.10g", i, j, x0, a, num)
			}
		}
	}
	return nil
}
