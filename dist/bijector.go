package dist

import (
	"fmt"
	"math"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// Bijector is a differentiable bijection between unconstrained real rows
// and a constrained set, applied row by row. Element-wise bijectors map
// each column on its own; vector bijectors (StickBreaking, Ordered,
// LowerCholesky, CorrCholesky) map a whole row and may change its width.
type Bijector interface {
	// Forward maps unconstrained rows x to constrained rows y.
	Forward(x ad.Var) ad.Var
	// Inverse maps constrained rows y back to unconstrained rows.
	Inverse(y ad.Var) ad.Var
	// LogDetJacobian returns log |det ∂y/∂x| for each row, R x 1, given
	// both x and y = Forward(x).
	LogDetJacobian(x, y ad.Var) ad.Var
	// ForwardDim returns the width of y for an x of width c.
	ForwardDim(c int) int
	// InverseDim returns the width of x for a y of width c.
	InverseDim(c int) int
	// String names the bijector.
	String() string
}

// SameBijector reports whether a and b are the same transform: the same
// type with equal parameter values.
func SameBijector(a, b Bijector) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	switch x := a.(type) {
	case Affine:
		y := b.(Affine)
		return sameValues(x.Loc, y.Loc) && sameValues(x.Scale, y.Scale)
	case Compose:
		y := b.(Compose)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !SameBijector(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.ValueOf(a).Comparable() && a == b
}

func sameValues(a, b ad.Var) bool {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() {
		return false
	}
	av, bv := a.Value(), b.Value()
	for i := range av {
		if av[i] != bv[i] {
			return false
		}
	}
	return true
}

// sumColsLike returns the row sums of v broadcast to an r x c grid: for v
// of c columns, SumCols(v) (tiled to r rows); for a single column, c times
// that column.
func sumColsLike(v ad.Var, r, c int) ad.Var {
	vr, vc := v.Shape()
	s := ad.SumCols(v)
	if vc == 1 && c != 1 {
		s = ad.Scale(s, float64(c))
	}
	if vr == 1 && r != 1 {
		s = ad.Add(s, zerosLike(v, r, 1))
	}
	return s
}

func zerosLike(v ad.Var, r, c int) ad.Var {
	if t := v.Tape(); t != nil {
		return t.Full(r, c, 0)
	}
	return ad.Full(r, c, 0)
}

// Identity is the identity map of R^C.
type Identity struct{}

// Forward implements Bijector.
func (Identity) Forward(x ad.Var) ad.Var { return x }

// Inverse implements Bijector.
func (Identity) Inverse(y ad.Var) ad.Var { return y }

// LogDetJacobian implements Bijector.
func (Identity) LogDetJacobian(x, _ ad.Var) ad.Var {
	return zerosLike(x, x.Rows(), 1)
}

// ForwardDim implements Bijector.
func (Identity) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Identity) InverseDim(c int) int { return c }

// String implements Bijector.
func (Identity) String() string { return "Identity" }

// Exp maps R onto (0, ∞) by y = exp(x).
type Exp struct{}

// Forward implements Bijector.
func (Exp) Forward(x ad.Var) ad.Var { return ad.Exp(x) }

// Inverse implements Bijector.
func (Exp) Inverse(y ad.Var) ad.Var { return ad.Log(y) }

// LogDetJacobian implements Bijector.
func (Exp) LogDetJacobian(x, _ ad.Var) ad.Var { return ad.SumCols(x) }

// ForwardDim implements Bijector.
func (Exp) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Exp) InverseDim(c int) int { return c }

// String implements Bijector.
func (Exp) String() string { return "Exp" }

// Softplus maps R onto (0, ∞) by y = log(1 + exp(x)); it grows linearly,
// which keeps optimizers stable where Exp would overflow.
type Softplus struct{}

// Forward implements Bijector.
func (Softplus) Forward(x ad.Var) ad.Var { return ad.Softplus(x) }

// Inverse is x = y + log(-expm1(-y)), accurate for small and large y.
func (Softplus) Inverse(y ad.Var) ad.Var {
	return ad.Add(y, ad.Log(ad.Neg(ad.Expm1(ad.Neg(y)))))
}

// LogDetJacobian implements Bijector.
func (Softplus) LogDetJacobian(x, _ ad.Var) ad.Var { return ad.SumCols(ad.LogSigmoid(x)) }

// ForwardDim implements Bijector.
func (Softplus) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Softplus) InverseDim(c int) int { return c }

// String implements Bijector.
func (Softplus) String() string { return "Softplus" }

// Sigmoid maps R onto (0, 1) by y = 1/(1 + exp(-x)).
type Sigmoid struct{}

// Forward implements Bijector.
func (Sigmoid) Forward(x ad.Var) ad.Var { return ad.Sigmoid(x) }

// Inverse is the logit, log y - log1p(-y).
func (Sigmoid) Inverse(y ad.Var) ad.Var { return ad.Sub(ad.Log(y), ad.Log1p(ad.Neg(y))) }

// LogDetJacobian is Σ log σ(x) + log σ(-x).
func (Sigmoid) LogDetJacobian(x, _ ad.Var) ad.Var {
	return ad.SumCols(ad.Add(ad.LogSigmoid(x), ad.LogSigmoid(ad.Neg(x))))
}

// ForwardDim implements Bijector.
func (Sigmoid) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Sigmoid) InverseDim(c int) int { return c }

// String implements Bijector.
func (Sigmoid) String() string { return "Sigmoid" }

// Tanh maps R onto (-1, 1) by y = tanh(x).
type Tanh struct{}

// Forward implements Bijector.
func (Tanh) Forward(x ad.Var) ad.Var { return ad.Tanh(x) }

// Inverse is atanh(y) = log1p(2y/(1-y))/2.
func (Tanh) Inverse(y ad.Var) ad.Var {
	return ad.Scale(ad.Log1p(ad.Div(ad.Scale(y, 2), ad.Sub(scalar(1), y))), 0.5)
}

// LogDetJacobian is Σ log(1 - tanh²x) = Σ 2(log 2 - x - softplus(-2x)),
// which stays finite where 1 - tanh²x underflows.
func (Tanh) LogDetJacobian(x, _ ad.Var) ad.Var {
	t := ad.Scale(ad.Add(ad.Shift(ad.Neg(x), math.Ln2), ad.Neg(ad.Softplus(ad.Scale(x, -2)))), 2)
	return ad.SumCols(t)
}

// ForwardDim implements Bijector.
func (Tanh) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Tanh) InverseDim(c int) int { return c }

// String implements Bijector.
func (Tanh) String() string { return "Tanh" }

// Affine maps x to Loc + Scale*x element-wise; Loc and Scale broadcast.
// Scale must be non-zero.
type Affine struct{ Loc, Scale ad.Var }

// Forward implements Bijector.
func (b Affine) Forward(x ad.Var) ad.Var { return ad.Add(b.Loc, ad.Mul(b.Scale, x)) }

// Inverse implements Bijector.
func (b Affine) Inverse(y ad.Var) ad.Var { return ad.Div(ad.Sub(y, b.Loc), b.Scale) }

// LogDetJacobian implements Bijector.
func (b Affine) LogDetJacobian(x, _ ad.Var) ad.Var {
	return sumColsLike(ad.Log(ad.Abs(b.Scale)), x.Rows(), x.Cols())
}

// ForwardDim implements Bijector.
func (Affine) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Affine) InverseDim(c int) int { return c }

// String implements Bijector.
func (b Affine) String() string {
	return fmt.Sprintf("Affine(loc=%s, scale=%s)", fmtBound(b.Loc), fmtBound(b.Scale))
}

// Compose applies its bijectors in order: Compose{f, g} maps x to g(f(x)).
type Compose []Bijector

// Forward implements Bijector.
func (c Compose) Forward(x ad.Var) ad.Var {
	for _, b := range c {
		x = b.Forward(x)
	}
	return x
}

// Inverse implements Bijector.
func (c Compose) Inverse(y ad.Var) ad.Var {
	for i := len(c) - 1; i >= 0; i-- {
		y = c[i].Inverse(y)
	}
	return y
}

// LogDetJacobian sums the parts' log-determinants at the intermediate
// values (recomputed from x).
func (c Compose) LogDetJacobian(x, _ ad.Var) ad.Var {
	var sum ad.Var
	for i, b := range c {
		y := b.Forward(x)
		ld := b.LogDetJacobian(x, y)
		if i == 0 {
			sum = ld
		} else {
			sum = ad.Add(sum, ld)
		}
		x = y
	}
	if len(c) == 0 {
		return zerosLike(x, x.Rows(), 1)
	}
	return sum
}

// ForwardDim implements Bijector.
func (c Compose) ForwardDim(n int) int {
	for _, b := range c {
		n = b.ForwardDim(n)
	}
	return n
}

// InverseDim implements Bijector.
func (c Compose) InverseDim(n int) int {
	for i := len(c) - 1; i >= 0; i-- {
		n = c[i].InverseDim(n)
	}
	return n
}

// String implements Bijector.
func (c Compose) String() string {
	s := "Compose("
	for i, b := range c {
		if i > 0 {
			s += ", "
		}
		s += b.String()
	}
	return s + ")"
}
