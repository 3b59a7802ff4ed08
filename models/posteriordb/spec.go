package posteriordb

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// spec is one posterior's model, split the way Stan evaluates it:
// constrain maps the unconstrained vector to the parameters, logDensity
// scores the parameters, report gives the quantities the reference
// reports. Every value has the S particles as rows.
type spec interface {
	// dim is the dimension of the unconstrained space.
	dim() int
	// constrain maps z (S x dim) to the free constrained coordinates c
	// (S x dim: Stan's parameters block in declaration order, a simplex
	// by all its coordinates but the last) and returns the log absolute
	// determinant of the Jacobian dc/dz (S x 1).
	constrain(z ad.Var) (c, logJac ad.Var)
	// logDensity returns log p(data, parameters) at c (S x 1), without the
	// Jacobian. It may read z for numerically stable forms (log θ as
	// LogSigmoid(z) rather than log(Sigmoid(z))).
	logDensity(z, c ad.Var) ad.Var
	// report returns the reported quantities in the reference's order.
	report(c ad.Var) []site
}

// site is a named reported quantity (S x C).
type site struct {
	name  string
	value ad.Var
}

// logDensity wraps a spec as a vi.LogDensity:
// LogJoint(z) = logDensity(constrain(z)) + log|det J(z)|.
func logDensity(s spec) vi.LogDensity {
	return vi.LogDensity{
		Dim: s.dim(),
		LogJoint: func(_ *ad.Tape, z ad.Var) ad.Var {
			c, lj := s.constrain(z)
			return ad.Add(s.logDensity(z, c), lj)
		},
		Constrain: func(p *vi.Program, z ad.Var) {
			c, _ := s.constrain(z)
			for _, st := range s.report(c) {
				p.Deterministic(st.name, st.value)
			}
		},
	}
}

// The constraining transforms of Stan's reference manual ("Constraint
// transforms"), element-wise on S x k values. Each returns the constrained
// value and the log absolute derivative (S x k).

// expTransform is lower=0: x = exp(u), log|dx/du| = u.
func expTransform(u ad.Var) (x, logJac ad.Var) { return ad.Exp(u), u }

// logitTransform is lower=0, upper=1: x = logistic(u),
// log|dx/du| = log x + log(1-x) = logσ(u) + logσ(-u).
func logitTransform(u ad.Var) (x, logJac ad.Var) {
	return ad.Sigmoid(u), ad.Add(ad.LogSigmoid(u), ad.LogSigmoid(ad.Neg(u)))
}

// sumCols sums an S x k value to S x 1 (identity for k = 1).
func sumCols(v ad.Var) ad.Var {
	if v.Cols() == 1 {
		return v
	}
	return ad.SumCols(v)
}

// addAll adds S x 1 terms.
func addAll(terms ...ad.Var) ad.Var {
	s := terms[0]
	for _, t := range terms[1:] {
		s = ad.Add(s, t)
	}
	return s
}

// logSqrt2Pi is log √(2π).
var logSqrt2Pi = 0.5 * math.Log(2*math.Pi)

// normalLP returns Σ_j log N(x_ij | loc, scale) per row (S x 1) for
// constant loc and scale.
func normalLP(x ad.Var, loc, scale float64) ad.Var {
	return dist.Normal{Loc: ad.Scalar(loc), Scale: ad.Scalar(scale)}.LogProb(x)
}

// halfNormalLP returns Σ_j log(2 N(x_ij | 0, scale)) per row for x > 0:
// the normal restricted to (0, ∞), normalized.
func halfNormalLP(x ad.Var, scale float64) ad.Var {
	return ad.Shift(normalLP(x, 0, scale), float64(x.Cols())*math.Ln2)
}

// halfCauchyLP returns Σ_j log(2/(π s (1 + (x_ij/s)²))) per row for x > 0:
// the Cauchy(0, s) restricted to (0, ∞), normalized.
func halfCauchyLP(x ad.Var, s float64) ad.Var {
	t := ad.Neg(ad.Log1p(ad.Square(ad.Scale(x, 1/s))))
	return ad.Shift(sumCols(t), float64(x.Cols())*math.Log(2/(math.Pi*s)))
}
