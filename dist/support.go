package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Support is the set of values a distribution takes.
type Support interface {
	// String names the set, e.g. "real", "positive", "interval(0, 1)".
	String() string
	// Check returns an error naming the first element (or row, for vector
	// supports) of x outside the set, or nil.
	Check(x ad.Var) error
	// Discrete reports whether the set is countable.
	Discrete() bool
	// Bijector returns a bijection from unconstrained real rows onto the
	// set, or nil for discrete sets.
	Bijector() Bijector
}

// supportError reports a value outside a support.
func supportError(s Support, x ad.Var, i int) error {
	return fmt.Errorf("dist: value[%d] = %v is outside the support %s", i, x.Value()[i], s)
}

// elementCheck checks every element of x with ok, broadcasting the bounds.
func elementCheck(s Support, x ad.Var, ok func(i, j int, v float64) bool) error {
	r, c := x.Shape()
	xv := x.Value()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if !ok(i, j, xv[i*c+j]) {
				return supportError(s, x, i*c+j)
			}
		}
	}
	return nil
}

// Real is the real line.
type Real struct{}

// String implements Support.
func (Real) String() string { return "real" }

// Discrete implements Support.
func (Real) Discrete() bool { return false }

// Bijector implements Support.
func (Real) Bijector() Bijector { return Identity{} }

// Check implements Support.
func (s Real) Check(x ad.Var) error {
	return elementCheck(s, x, func(_, _ int, v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) })
}

// RealVector is R^C with rows checked jointly (for multivariate families).
type RealVector struct{}

// String implements Support.
func (RealVector) String() string { return "real_vector" }

// Discrete implements Support.
func (RealVector) Discrete() bool { return false }

// Bijector implements Support.
func (RealVector) Bijector() Bijector { return Identity{} }

// Check implements Support.
func (s RealVector) Check(x ad.Var) error {
	return Real{}.Check(x)
}

// GreaterThan is the open half-line (Lower, ∞); Lower broadcasts over the
// value's rows and columns. Positive is GreaterThan{Lower: 0}.
type GreaterThan struct{ Lower ad.Var }

// Positive returns the support (0, ∞).
func Positive() GreaterThan { return GreaterThan{Lower: scalar(0)} }

// String implements Support.
func (s GreaterThan) String() string {
	if isZero(s.Lower) {
		return "positive"
	}
	return fmt.Sprintf("greater_than(%s)", fmtBound(s.Lower))
}

// Discrete implements Support.
func (GreaterThan) Discrete() bool { return false }

// Bijector implements Support.
func (s GreaterThan) Bijector() Bijector {
	if isZero(s.Lower) {
		return Exp{}
	}
	return Compose{Exp{}, Affine{Loc: s.Lower, Scale: scalar(1)}}
}

// Check implements Support.
func (s GreaterThan) Check(x ad.Var) error {
	lo := viewOf(s.Lower)
	return elementCheck(s, x, func(i, j int, v float64) bool { return v > lo.at(i, j) && !math.IsInf(v, 1) })
}

// LessThan is the open half-line (-∞, Upper).
type LessThan struct{ Upper ad.Var }

// String implements Support.
func (s LessThan) String() string { return fmt.Sprintf("less_than(%s)", fmtBound(s.Upper)) }

// Discrete implements Support.
func (LessThan) Discrete() bool { return false }

// Bijector implements Support.
func (s LessThan) Bijector() Bijector {
	return Compose{Exp{}, Affine{Loc: s.Upper, Scale: scalar(-1)}}
}

// Check implements Support.
func (s LessThan) Check(x ad.Var) error {
	hi := viewOf(s.Upper)
	return elementCheck(s, x, func(i, j int, v float64) bool { return v < hi.at(i, j) && !math.IsInf(v, -1) })
}

// Interval is the interval [Lower, Upper] (open or closed makes no
// difference to a density). UnitInterval is Interval{0, 1}.
type Interval struct{ Lower, Upper ad.Var }

// UnitInterval returns the support [0, 1].
func UnitInterval() Interval { return Interval{Lower: scalar(0), Upper: scalar(1)} }

// String implements Support.
func (s Interval) String() string {
	if isZero(s.Lower) && isConst(s.Upper, 1) {
		return "unit_interval"
	}
	return fmt.Sprintf("interval(%s, %s)", fmtBound(s.Lower), fmtBound(s.Upper))
}

// Discrete implements Support.
func (Interval) Discrete() bool { return false }

// Bijector implements Support.
func (s Interval) Bijector() Bijector {
	if isZero(s.Lower) && isConst(s.Upper, 1) {
		return Sigmoid{}
	}
	return Compose{Sigmoid{}, Affine{Loc: s.Lower, Scale: ad.Sub(s.Upper, s.Lower)}}
}

// Check implements Support.
func (s Interval) Check(x ad.Var) error {
	lo, hi := viewOf(s.Lower), viewOf(s.Upper)
	return elementCheck(s, x, func(i, j int, v float64) bool { return v >= lo.at(i, j) && v <= hi.at(i, j) })
}

// IntegerInterval is the integers {Lower, ..., Upper}; Upper may be +Inf
// (NonNegativeInteger is IntegerInterval{0, +Inf}).
type IntegerInterval struct{ Lower, Upper ad.Var }

// NonNegativeInteger returns the support {0, 1, 2, ...}.
func NonNegativeInteger() IntegerInterval {
	return IntegerInterval{Lower: scalar(0), Upper: scalar(math.Inf(1))}
}

// Boolean returns the support {0, 1}.
func Boolean() IntegerInterval { return IntegerInterval{Lower: scalar(0), Upper: scalar(1)} }

// String implements Support.
func (s IntegerInterval) String() string {
	switch {
	case isZero(s.Lower) && isConst(s.Upper, math.Inf(1)):
		return "nonnegative_integer"
	case isZero(s.Lower) && isConst(s.Upper, 1):
		return "boolean"
	}
	return fmt.Sprintf("integer_interval(%s, %s)", fmtBound(s.Lower), fmtBound(s.Upper))
}

// Discrete implements Support.
func (IntegerInterval) Discrete() bool { return true }

// Bijector implements Support.
func (IntegerInterval) Bijector() Bijector { return nil }

// Check implements Support.
func (s IntegerInterval) Check(x ad.Var) error {
	lo, hi := viewOf(s.Lower), viewOf(s.Upper)
	return elementCheck(s, x, func(i, j int, v float64) bool {
		return v == math.Floor(v) && v >= lo.at(i, j) && v <= hi.at(i, j)
	})
}

// Simplex is the set of rows with non-negative entries that sum to 1.
type Simplex struct{}

// String implements Support.
func (Simplex) String() string { return "simplex" }

// Discrete implements Support.
func (Simplex) Discrete() bool { return false }

// Bijector implements Support.
func (Simplex) Bijector() Bijector { return StickBreaking{} }

// Check implements Support.
func (s Simplex) Check(x ad.Var) error {
	r, c := x.Shape()
	xv := x.Value()
	for i := 0; i < r; i++ {
		var sum float64
		for _, v := range xv[i*c : (i+1)*c] {
			if !(v >= 0) {
				return fmt.Errorf("dist: row %d is outside the support simplex: element %v < 0", i, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-6 {
			return fmt.Errorf("dist: row %d is outside the support simplex: sums to %v", i, sum)
		}
	}
	return nil
}

// OneHot is the set of rows with one entry 1 and the others 0.
type OneHot struct{}

// String implements Support.
func (OneHot) String() string { return "one_hot" }

// Discrete implements Support.
func (OneHot) Discrete() bool { return true }

// Bijector implements Support.
func (OneHot) Bijector() Bijector { return nil }

// Check implements Support.
func (s OneHot) Check(x ad.Var) error {
	r, c := x.Shape()
	xv := x.Value()
	for i := 0; i < r; i++ {
		ones := 0
		for _, v := range xv[i*c : (i+1)*c] {
			switch v {
			case 1:
				ones++
			case 0:
			default:
				return fmt.Errorf("dist: row %d is outside the support one_hot: element %v", i, v)
			}
		}
		if ones != 1 {
			return fmt.Errorf("dist: row %d is outside the support one_hot: %d ones", i, ones)
		}
	}
	return nil
}

// MultinomialSupport is the set of rows of non-negative integers summing
// to Total.
type MultinomialSupport struct{ Total ad.Var }

// String implements Support.
func (s MultinomialSupport) String() string {
	return fmt.Sprintf("multinomial(%s)", fmtBound(s.Total))
}

// Discrete implements Support.
func (MultinomialSupport) Discrete() bool { return true }

// Bijector implements Support.
func (MultinomialSupport) Bijector() Bijector { return nil }

// Check implements Support.
func (s MultinomialSupport) Check(x ad.Var) error {
	r, c := x.Shape()
	xv := x.Value()
	n := viewOf(s.Total)
	for i := 0; i < r; i++ {
		var sum float64
		for _, v := range xv[i*c : (i+1)*c] {
			if v < 0 || v != math.Floor(v) {
				return fmt.Errorf("dist: row %d is outside the support %s: element %v", i, s, v)
			}
			sum += v
		}
		if sum != n.at(i, 0) {
			return fmt.Errorf("dist: row %d is outside the support %s: sums to %v", i, s, sum)
		}
	}
	return nil
}

// LowerCholeskySupport is the set of lower-triangular matrices with
// positive diagonal, each row of a value holding one K x K matrix
// row-major.
type LowerCholeskySupport struct{}

// String implements Support.
func (LowerCholeskySupport) String() string { return "lower_cholesky" }

// Discrete implements Support.
func (LowerCholeskySupport) Discrete() bool { return false }

// Bijector implements Support.
func (LowerCholeskySupport) Bijector() Bijector { return LowerCholesky{} }

// Check implements Support.
func (s LowerCholeskySupport) Check(x ad.Var) error {
	return checkTriRows(s, x, false)
}

// CorrCholeskySupport is the set of Cholesky factors of correlation
// matrices: lower-triangular, positive diagonal, rows of unit norm.
type CorrCholeskySupport struct{}

// String implements Support.
func (CorrCholeskySupport) String() string { return "corr_cholesky" }

// Discrete implements Support.
func (CorrCholeskySupport) Discrete() bool { return false }

// Bijector implements Support.
func (CorrCholeskySupport) Bijector() Bijector { return CorrCholesky{} }

// Check implements Support.
func (s CorrCholeskySupport) Check(x ad.Var) error {
	return checkTriRows(s, x, true)
}

func checkTriRows(s Support, x ad.Var, unitRows bool) error {
	r, c := x.Shape()
	k := int(math.Round(math.Sqrt(float64(c))))
	if k*k != c {
		return fmt.Errorf("dist: %s: rows have %d values, not a square number", s, c)
	}
	xv := x.Value()
	for i := 0; i < r; i++ {
		m := xv[i*c : (i+1)*c]
		for a := 0; a < k; a++ {
			var norm float64
			for b := 0; b < k; b++ {
				v := m[a*k+b]
				if b > a && v != 0 {
					return fmt.Errorf("dist: row %d is outside the support %s: element (%d,%d) = %v above the diagonal", i, s, a, b, v)
				}
				if b == a && !(v > 0) {
					return fmt.Errorf("dist: row %d is outside the support %s: diagonal (%d,%d) = %v", i, s, a, b, v)
				}
				norm += v * v
			}
			if unitRows && math.Abs(norm-1) > 1e-6 {
				return fmt.Errorf("dist: row %d is outside the support %s: row %d has norm² %v", i, s, a, norm)
			}
		}
	}
	return nil
}

// isConst reports whether v is a value whose elements all equal x.
func isConst(v ad.Var, x float64) bool {
	if v == (ad.Var{}) {
		return false
	}
	for _, e := range v.Value() {
		if e != x {
			return false
		}
	}
	return true
}

func isZero(v ad.Var) bool { return isConst(v, 0) }

func fmtBound(v ad.Var) string {
	if v == (ad.Var{}) {
		return "?"
	}
	vals := v.Value()
	if len(vals) == 1 {
		return fmt.Sprint(vals[0])
	}
	return fmt.Sprint(vals)
}
