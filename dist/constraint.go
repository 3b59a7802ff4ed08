package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Constraint is the set a parameter's values must lie in (torch's
// constraints). The first ones hold element by element; the last ones
// hold for a whole row (a vector of D entries or a D x D matrix).
type Constraint int

const (
	// ConstraintReal: finite numbers.
	ConstraintReal Constraint = iota
	// ConstraintPositive: finite numbers > 0.
	ConstraintPositive
	// ConstraintNonNegative: finite numbers >= 0.
	ConstraintNonNegative
	// ConstraintUnitInterval: numbers in [0, 1] (torch's unit_interval).
	ConstraintUnitInterval
	// ConstraintOpenUnitInterval: numbers in (0, 1).
	ConstraintOpenUnitInterval
	// ConstraintUnitIntervalNoZero: numbers in (0, 1].
	ConstraintUnitIntervalNoZero
	// ConstraintUnitIntervalNoOne: numbers in [0, 1) (torch's
	// half_open_interval(0, 1)).
	ConstraintUnitIntervalNoOne
	// ConstraintCount: non-negative integers (torch's nonnegative_integer,
	// for total_count).
	ConstraintCount
	// ConstraintBelowInf: numbers < +Inf, -Inf included (log-densities).
	ConstraintBelowInf
	// ConstraintSimplex: weights over the last axis, finite and >= 0 with
	// a finite positive sum in each row; they are normalized to the
	// simplex, as torch normalizes probs.
	ConstraintSimplex
	// ConstraintLogSimplex: log-weights over the last axis, numbers or
	// -Inf with at least one finite entry in each row; normalized by
	// log-sum-exp, as torch normalizes logits.
	ConstraintLogSimplex
	// ConstraintLowerCholesky: lower-triangular D x D matrices with finite
	// entries and a positive diagonal (torch's lower_cholesky).
	ConstraintLowerCholesky
	// ConstraintPositiveDefinite: symmetric positive-definite D x D
	// matrices (torch's positive_definite). Validation checks that the
	// entries are finite and symmetric; the constructor's Cholesky
	// factorization, which it needs anyway, reports a matrix that is not
	// positive definite (the leading minor that fails).
	ConstraintPositiveDefinite
)

// String returns the constraint as an error message states it.
func (c Constraint) String() string {
	switch c {
	case ConstraintReal:
		return "a finite number"
	case ConstraintPositive:
		return "a finite number > 0"
	case ConstraintNonNegative:
		return "a finite number >= 0"
	case ConstraintUnitInterval:
		return "a number in [0, 1]"
	case ConstraintOpenUnitInterval:
		return "a number in (0, 1)"
	case ConstraintUnitIntervalNoZero:
		return "a number in (0, 1]"
	case ConstraintUnitIntervalNoOne:
		return "a number in [0, 1)"
	case ConstraintCount:
		return "a non-negative integer"
	case ConstraintBelowInf:
		return "a number < +Inf"
	case ConstraintSimplex:
		return "finite weights >= 0 with a positive sum in each row"
	case ConstraintLogSimplex:
		return "numbers or -Inf with a finite one in each row"
	case ConstraintLowerCholesky:
		return "a lower-triangular matrix with a positive diagonal"
	case ConstraintPositiveDefinite:
		return "a symmetric positive-definite matrix"
	}
	return fmt.Sprintf("Constraint(%d)", int(c))
}

// elementTest returns the element-wise test of c, or nil for the row
// constraints.
func (c Constraint) elementTest() func(float64) bool {
	switch c {
	case ConstraintReal:
		return finite
	case ConstraintPositive:
		return positive
	case ConstraintNonNegative:
		return nonNegative
	case ConstraintUnitInterval:
		return unitClosed
	case ConstraintOpenUnitInterval:
		return unitOpen
	case ConstraintUnitIntervalNoZero:
		return probOpenClosed
	case ConstraintUnitIntervalNoOne:
		return probClosedOpen
	case ConstraintCount:
		return isCount
	case ConstraintBelowInf:
		return belowInf
	}
	return nil
}

func belowInf(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 1) }

// check returns the ParamError of the first element (or row) of v
// outside c; d is the family's event width D (for the matrix
// constraints).
func (c Constraint) check(family, param string, v ad.Var, d int) error {
	switch c {
	case ConstraintReal:
		return checkReal(family, param, v)
	case ConstraintPositive:
		return checkPositive(family, param, v)
	case ConstraintSimplex:
		return checkSimplexRows(family, param, v)
	case ConstraintLogSimplex:
		return checkLogSimplexRows(family, param, v)
	case ConstraintLowerCholesky:
		return checkTrilRows(family, param, v, d)
	case ConstraintPositiveDefinite:
		return checkSymmetricRows(family, param, v, d)
	}
	if ok := c.elementTest(); ok != nil {
		return check(family, param, v, c.String(), ok)
	}
	panic(fmt.Sprintf("dist: %s: parameter %s has the unknown %v", family, param, c))
}

// checkSimplexRows checks categorical weights: finite and >= 0, with a
// finite positive sum in each row.
func checkSimplexRows(family, param string, v ad.Var) error {
	if err := check(family, param, v, "a finite number >= 0", nonNegative); err != nil {
		return err
	}
	r, k := v.Shape()
	x := v.Value()
	for i := 0; i < r; i++ {
		var s float64
		for _, w := range x[i*k : (i+1)*k] {
			s += w
		}
		if !(s > 0) || math.IsInf(s, 1) {
			return &ParamError{Family: family, Param: param, Index: i * k, Value: s, Want: "rows with a finite positive sum"}
		}
	}
	return nil
}

// checkLogSimplexRows checks categorical log-weights: numbers or -Inf,
// with at least one finite entry in each row.
func checkLogSimplexRows(family, param string, v ad.Var) error {
	if err := check(family, param, v, "a number or -Inf", belowInf); err != nil {
		return err
	}
	r, k := v.Shape()
	x := v.Value()
	for i := 0; i < r; i++ {
		ok := false
		for _, w := range x[i*k : (i+1)*k] {
			ok = ok || !math.IsInf(w, -1)
		}
		if !ok {
			return &ParamError{Family: family, Param: param, Index: i * k, Value: math.Inf(-1), Want: "at least one finite logit in each row"}
		}
	}
	return nil
}
