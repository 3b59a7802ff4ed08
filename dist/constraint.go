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

// constraintInfo is what an error message says of each constraint and
// its element-wise test (nil for the row constraints).
var constraintInfo = [...]struct {
	want string
	ok   func(float64) bool
}{
	ConstraintReal:               {"a finite number", finite},
	ConstraintPositive:           {"a finite number > 0", positive},
	ConstraintNonNegative:        {"a finite number >= 0", nonNegative},
	ConstraintUnitInterval:       {"a number in [0, 1]", unitClosed},
	ConstraintOpenUnitInterval:   {"a number in (0, 1)", unitOpen},
	ConstraintUnitIntervalNoZero: {"a number in (0, 1]", probOpenClosed},
	ConstraintUnitIntervalNoOne:  {"a number in [0, 1)", probClosedOpen},
	ConstraintCount:              {"a non-negative integer", isCount},
	ConstraintBelowInf:           {"a number < +Inf", belowInf},
	ConstraintSimplex:            {"finite weights >= 0 with a positive sum in each row", nil},
	ConstraintLogSimplex:         {"numbers or -Inf with a finite one in each row", nil},
	ConstraintLowerCholesky:      {"a lower-triangular matrix with a positive diagonal", nil},
	ConstraintPositiveDefinite:   {"a symmetric positive-definite matrix", nil},
}

// String returns the constraint as an error message states it.
func (c Constraint) String() string {
	if c < 0 || int(c) >= len(constraintInfo) {
		return fmt.Sprintf("Constraint(%d)", int(c))
	}
	return constraintInfo[c].want
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
	if c >= 0 && int(c) < len(constraintInfo) && constraintInfo[c].ok != nil {
		return check(family, param, v, constraintInfo[c].want, constraintInfo[c].ok)
	}
	panic(fmt.Sprintf("dist: %s: parameter %s has the unknown %v", family, param, c))
}

// checkSimplexRows checks categorical weights: finite and >= 0, with a
// finite positive sum in each row.
func checkSimplexRows(family, param string, v ad.Var) error {
	if err := check(family, param, v, "a finite number >= 0", nonNegative); err != nil {
		return err
	}
	return checkEachRow(family, param, v, "rows with a finite positive sum", func(row []float64) (float64, bool) {
		var s float64
		for _, w := range row {
			s += w
		}
		return s, s > 0 && !math.IsInf(s, 1)
	})
}

// checkLogSimplexRows checks categorical log-weights: numbers or -Inf,
// with at least one finite entry in each row.
func checkLogSimplexRows(family, param string, v ad.Var) error {
	if err := check(family, param, v, "a number or -Inf", belowInf); err != nil {
		return err
	}
	return checkEachRow(family, param, v, "at least one finite logit in each row", func(row []float64) (float64, bool) {
		for _, w := range row {
			if !math.IsInf(w, -1) {
				return w, true
			}
		}
		return math.Inf(-1), false
	})
}

// checkEachRow returns the ParamError (at the row's first element, with
// the value ok returns) of the first row of v that fails ok.
func checkEachRow(family, param string, v ad.Var, want string, ok func(row []float64) (float64, bool)) error {
	r, k := v.Shape()
	x := v.Value()
	for i := 0; i < r; i++ {
		if val, good := ok(x[i*k : (i+1)*k]); !good {
			return &ParamError{Family: family, Param: param, Index: i * k, Value: val, Want: want}
		}
	}
	return nil
}
