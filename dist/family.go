package dist

import (
	"fmt"
	"slices"

	"github.com/kldiv/kldiv/ad"
)

// The univariate families with one set of parameters, each declared once
// (torch's arg_constraints): the parameters' names in torch's positional
// order, their constraints, defaults and meanings. Validate and the shape
// checks of these families, the spec front-end's constructor table
// (dist/spec) and detaching (Detach, for sticking-the-landing) are derived
// from the declaration.

// Constraint is the set a parameter's values must lie in.
type Constraint int

const (
	// ConstraintReal: finite numbers.
	ConstraintReal Constraint = iota
	// ConstraintPositive: finite numbers > 0.
	ConstraintPositive
	// ConstraintNonNegative: finite numbers >= 0.
	ConstraintNonNegative
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
	}
	return fmt.Sprintf("Constraint(%d)", int(c))
}

// check returns the ParamError of the first element of v outside c.
func (c Constraint) check(family, param string, v ad.Var) error {
	switch c {
	case ConstraintReal:
		return checkReal(family, param, v)
	case ConstraintPositive:
		return checkPositive(family, param, v)
	}
	return check(family, param, v, c.String(), nonNegative)
}

// ParamDecl declares one parameter of a family.
type ParamDecl struct {
	// Name is the torch keyword (loc, scale, concentration1, ...).
	Name string
	// Constraint is the set its values must lie in.
	Constraint Constraint
	// Default is the value of an omitted argument, when HasDefault.
	Default    float64
	HasDefault bool
	// Doc says what the parameter is, with its units.
	Doc string
}

// FamilyDecl declares a univariate family: its name and its parameters
// in torch's positional order (which is also the order of the Go
// constructor's arguments and of the struct's fields).
type FamilyDecl struct {
	Name   string
	Params []ParamDecl
	// New returns the family with the given parameters (in Params order),
	// or the error of Validate.
	New func(ps []ad.Var) (Distribution, error)
	// of returns the parameters of d in Params order, or false when d is
	// not of this family.
	of func(d Distribution) ([]ad.Var, bool)
}

// Declarations returns the declared families sorted by name.
func Declarations() []FamilyDecl { return slices.Clone(declList) }

// Declaration returns the declaration of the family named name.
func Declaration(name string) (FamilyDecl, bool) {
	f, ok := declIndex[name]
	if !ok {
		return FamilyDecl{}, false
	}
	return *f, true
}

// ParamsOf returns the declaration of d's family and d's parameters in
// its order, or false when d is not a declared family.
func ParamsOf(d Distribution) (FamilyDecl, []ad.Var, bool) {
	for _, f := range declList {
		if ps, ok := f.of(d); ok {
			return f, ps, true
		}
	}
	return FamilyDecl{}, nil, false
}

// Detach returns d with every parameter detached (the same values, no
// gradient), as sticking-the-landing estimators score the guide's draws,
// or false when d is not a declared family.
func Detach(d Distribution) (Distribution, bool) {
	f, ps, ok := ParamsOf(d)
	if !ok {
		return d, false
	}
	dp := make([]ad.Var, len(ps))
	for i, p := range ps {
		if p != (ad.Var{}) {
			dp[i] = ad.Detach(p)
		}
	}
	out, err := f.New(dp)
	if err != nil {
		// The values are those of a valid d: only a struct literal that
		// was never validated gets here; detach it field by field.
		return d, false
	}
	return out, true
}

// validateDecl checks parameters of the declared family name against its
// declaration: present, broadcasting together, and each inside its
// constraint (the first failure, in declaration order).
func validateDecl(name string, ps ...ad.Var) error {
	f := declIndex[name]
	names := make([]string, len(f.Params))
	for i, p := range f.Params {
		names[i] = p.Name
	}
	if err := checkShapes(name, names, ps...); err != nil {
		return err
	}
	for i, p := range f.Params {
		if err := p.Constraint.check(name, p.Name, ps[i]); err != nil {
			return err
		}
	}
	return nil
}

var (
	declList  []FamilyDecl
	declIndex map[string]*FamilyDecl
)

func init() {
	declList = declarations()
	slices.SortFunc(declList, func(a, b FamilyDecl) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	declIndex = make(map[string]*FamilyDecl, len(declList))
	for i := range declList {
		declIndex[declList[i].Name] = &declList[i]
	}
}

// declarations is the table (built at init: the constructors it names
// call Validate, which reads it).
func declarations() []FamilyDecl {
	return []FamilyDecl{
		{Name: "Normal", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "mean"},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "standard deviation"},
		},
			New: func(v []ad.Var) (Distribution, error) { return NormalOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Normal)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Scale}, true
			}},
		{Name: "Cauchy", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "median"},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "half width at half maximum"},
		},
			New: func(v []ad.Var) (Distribution, error) { return CauchyOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Cauchy)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Scale}, true
			}},
		{Name: "Laplace", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "mean"},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale b (variance 2b²)"},
		},
			New: func(v []ad.Var) (Distribution, error) { return LaplaceOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Laplace)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Scale}, true
			}},
		{Name: "Gumbel", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "mode"},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale"},
		},
			New: func(v []ad.Var) (Distribution, error) { return GumbelOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Gumbel)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Scale}, true
			}},
		{Name: "LogNormal", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "mean of log x"},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "standard deviation of log x"},
		},
			New: func(v []ad.Var) (Distribution, error) { return LogNormalOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(LogNormal)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Scale}, true
			}},
		{Name: "Beta", Params: []ParamDecl{
			{Name: "concentration1", Constraint: ConstraintPositive, Doc: "α, exponent of x"},
			{Name: "concentration0", Constraint: ConstraintPositive, Doc: "β, exponent of 1-x"},
		},
			New: func(v []ad.Var) (Distribution, error) { return BetaOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Beta)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Concentration1, x.Concentration0}, true
			}},
		{Name: "Gamma", Params: []ParamDecl{
			{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape α"},
			{Name: "rate", Constraint: ConstraintPositive, Doc: "rate β (1/scale)"},
		},
			New: func(v []ad.Var) (Distribution, error) { return GammaOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Gamma)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Concentration, x.Rate}, true
			}},
		{Name: "InverseGamma", Params: []ParamDecl{
			{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape α"},
			{Name: "rate", Constraint: ConstraintPositive, Doc: "scale β"},
		},
			New: func(v []ad.Var) (Distribution, error) { return InverseGammaOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(InverseGamma)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Concentration, x.Rate}, true
			}},
		{Name: "Uniform", Params: []ParamDecl{
			{Name: "low", Constraint: ConstraintReal, Doc: "lower end"},
			{Name: "high", Constraint: ConstraintReal, Doc: "upper end, > low"},
		},
			New: func(v []ad.Var) (Distribution, error) { return UniformOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Uniform)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Low, x.High}, true
			}},
		{Name: "Pareto", Params: []ParamDecl{
			{Name: "scale", Constraint: ConstraintPositive, Doc: "minimum x_m"},
			{Name: "alpha", Constraint: ConstraintPositive, Doc: "tail index α"},
		},
			New: func(v []ad.Var) (Distribution, error) { return ParetoOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Pareto)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Scale, x.Alpha}, true
			}},
		{Name: "Weibull", Params: []ParamDecl{
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale λ"},
			{Name: "concentration", Constraint: ConstraintPositive, Doc: "shape k"},
		},
			New: func(v []ad.Var) (Distribution, error) { return WeibullOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Weibull)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Scale, x.Concentration}, true
			}},
		{Name: "Kumaraswamy", Params: []ParamDecl{
			{Name: "concentration1", Constraint: ConstraintPositive, Doc: "a, exponent of x"},
			{Name: "concentration0", Constraint: ConstraintPositive, Doc: "b, exponent of 1-x^a"},
		},
			New: func(v []ad.Var) (Distribution, error) { return KumaraswamyOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Kumaraswamy)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Concentration1, x.Concentration0}, true
			}},
		{Name: "VonMises", Params: []ParamDecl{
			{Name: "loc", Constraint: ConstraintReal, Doc: "mean direction (radians)"},
			{Name: "concentration", Constraint: ConstraintPositive, Doc: "concentration κ"},
		},
			New: func(v []ad.Var) (Distribution, error) { return VonMisesOf(v[0], v[1]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(VonMises)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Loc, x.Concentration}, true
			}},
		{Name: "Chi2", Params: []ParamDecl{
			{Name: "df", Constraint: ConstraintPositive, Doc: "degrees of freedom"},
		},
			New: func(v []ad.Var) (Distribution, error) { return Chi2Of(v[0]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Chi2)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Df}, true
			}},
		{Name: "Exponential", Params: []ParamDecl{
			{Name: "rate", Constraint: ConstraintPositive, Doc: "rate λ (1/mean)"},
		},
			New: func(v []ad.Var) (Distribution, error) { return ExponentialOf(v[0]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Exponential)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Rate}, true
			}},
		{Name: "HalfNormal", Params: []ParamDecl{
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale of the folded normal"},
		},
			New: func(v []ad.Var) (Distribution, error) { return HalfNormalOf(v[0]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(HalfNormal)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Scale}, true
			}},
		{Name: "HalfCauchy", Params: []ParamDecl{
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale of the folded Cauchy"},
		},
			New: func(v []ad.Var) (Distribution, error) { return HalfCauchyOf(v[0]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(HalfCauchy)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Scale}, true
			}},
		{Name: "Poisson", Params: []ParamDecl{
			{Name: "rate", Constraint: ConstraintNonNegative, Doc: "mean λ"},
		},
			New: func(v []ad.Var) (Distribution, error) { return PoissonOf(v[0]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(Poisson)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Rate}, true
			}},
		{Name: "StudentT", Params: []ParamDecl{
			{Name: "df", Constraint: ConstraintPositive, Doc: "degrees of freedom ν"},
			{Name: "loc", Constraint: ConstraintReal, Doc: "location (default 0)", Default: 0, HasDefault: true},
			{Name: "scale", Constraint: ConstraintPositive, Doc: "scale (default 1)", Default: 1, HasDefault: true},
		},
			New: func(v []ad.Var) (Distribution, error) { return StudentTOf(v[0], v[1], v[2]) },
			of: func(d Distribution) ([]ad.Var, bool) {
				x, ok := d.(StudentT)
				if !ok {
					return nil, false
				}
				return []ad.Var{x.Df, x.Loc, x.Scale}, true
			}},
	}
}
