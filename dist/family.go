package dist

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/kldiv/kldiv/ad"
)

// Every family with its own parameters is declared once (torch's
// arg_constraints): the parameters' names in torch's positional order,
// their constraints, shapes, defaults and meanings, and which of them are
// alternatives (probs or logits). Validate and the shape checks of these
// families, the spec front-end's constructor table (dist/spec),
// ParamsOf and Detach (sticking-the-landing) are derived from the
// declarations in declarations.go.

// ParamShape is the part of a parameter that belongs to one distribution:
// one number, or the family's event vector, or a matrix.
type ParamShape int

const (
	// ShapeScalar: one number per component (univariate families: the
	// parameter broadcasts over rows and columns), or per distribution
	// (multivariate families: one column, broadcasting over rows).
	ShapeScalar ParamShape = iota
	// ShapeVector: a vector of D entries over the last axis (D columns),
	// D shared by the family's vector parameters (loc, the categories of
	// probs, ...).
	ShapeVector
	// ShapeSquare: a D x D matrix per row, row-major in D*D columns.
	ShapeSquare
	// ShapeFactor: a D x K matrix per row (K ≥ 1 free), row-major in D*K
	// columns.
	ShapeFactor
)

// Rank returns the number of trailing torch dimensions the shape
// occupies: 0, 1 or 2.
func (s ParamShape) Rank() int {
	switch s {
	case ShapeScalar:
		return 0
	case ShapeVector:
		return 1
	}
	return 2
}

// String returns the torch shape of one distribution's parameter.
func (s ParamShape) String() string {
	switch s {
	case ShapeScalar:
		return "()"
	case ShapeVector:
		return "(D,)"
	case ShapeSquare:
		return "(D, D)"
	case ShapeFactor:
		return "(D, K)"
	}
	return fmt.Sprintf("ParamShape(%d)", int(s))
}

// ParamDecl declares one parameter of a family.
type ParamDecl struct {
	// Name is the torch keyword (loc, scale, concentration1, ...).
	Name string
	// Constraint is the set its values must lie in.
	Constraint Constraint
	// Shape is the part of the parameter that belongs to one
	// distribution.
	Shape ParamShape
	// Default is the value torch gives an omitted argument, when
	// HasDefault (dist/spec fills it in; Go constructors take every
	// parameter).
	Default    float64
	HasDefault bool
	// Optional: the zero ad.Var is valid in the Go struct and means
	// Default (Delta's log_density).
	Optional bool
	// Doc says what the parameter is, with its units.
	Doc string
}

// FamilyDecl declares a family: its name and its parameters in torch's
// positional order (which is also the order of the Go constructor's
// arguments and of the struct's fields).
type FamilyDecl struct {
	Name string
	// Doc is a one-line description.
	Doc    string
	Params []ParamDecl
	// OneOf names the parameters of which exactly one must be given
	// (probs or logits; MultivariateNormal's covariance_matrix,
	// precision_matrix or scale_tril), in Params order; nil when every
	// parameter is required.
	OneOf []string
	// EventRank is torch's len(event_shape): 0 for the univariate
	// families and Categorical (a value is one number), 1 for the vector
	// families (a value row is one vector of D entries, scored jointly).
	EventRank int
	// New returns the family with the given parameters (in Params order,
	// the zero ad.Var for an alternative not given), or the error of
	// Validate.
	New func(ps []ad.Var) (Distribution, error)
	// of returns the parameters of d in Params order, or false when d is
	// not of this family.
	of func(d Distribution) ([]ad.Var, bool)
	// detach returns d (of this family) with its parameter fields
	// detached and every other field kept.
	detach func(d Distribution) Distribution
	// names are the parameters' names; alt marks the alternatives of
	// OneOf; joint: some parameter is not scalar (the columns are not
	// independent components).
	names []string
	alt   []bool
	joint bool
	// typ is the family's struct type (the key of declByType).
	typ reflect.Type
}

// Joint reports whether the family scores a row jointly (some parameter
// is a vector or a matrix).
func (f FamilyDecl) Joint() bool { return f.joint }

// validated is a family whose struct checks its own parameters.
type validated interface {
	Distribution
	Validate() error
}

// checked returns d and the error of its Validate: the body of the
// constructors that take a family's parameters as they are.
func checked[D validated](d D) (D, error) { return d, d.Validate() }

// declare returns the declaration of the family T, whose struct fields
// (pointers into a T, in Params order; nil for a constructor-only
// parameter, which then needs its own New) are given by fields. New sets
// the fields and validates; ParamsOf reads them.
func declare[T validated](name, doc string, fields func(*T) []*ad.Var, params ...ParamDecl) FamilyDecl {
	return FamilyDecl{Name: name, Doc: doc, Params: params, typ: reflect.TypeFor[T](),
		New: func(ps []ad.Var) (Distribution, error) {
			var x T
			for i, f := range fields(&x) {
				if f != nil {
					*f = ps[i]
				} else if ps[i] != (ad.Var{}) {
					return nil, fmt.Errorf("dist: %s: parameter %s has no field", name, params[i].Name)
				}
			}
			return x, x.Validate()
		},
		detach: func(d Distribution) Distribution {
			x := d.(T)
			for _, f := range fields(&x) {
				if f != nil && *f != (ad.Var{}) {
					*f = ad.Detach(*f)
				}
			}
			return x
		},
		of: func(d Distribution) ([]ad.Var, bool) {
			x, ok := d.(T)
			if !ok {
				return nil, false
			}
			fs := fields(&x)
			out := make([]ad.Var, len(fs))
			for i, f := range fs {
				if f != nil {
					out[i] = *f
				}
			}
			return out, true
		}}
}

// oneOf marks params as alternatives of which exactly one is given.
func (f FamilyDecl) oneOf(params ...string) FamilyDecl {
	f.OneOf = params
	return f
}

// event sets the torch event rank.
func (f FamilyDecl) event(rank int) FamilyDecl {
	f.EventRank = rank
	return f
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
// its order (the zero ad.Var for an alternative that is not set), or
// false when d is not a declared family.
func ParamsOf(d Distribution) (FamilyDecl, []ad.Var, bool) {
	if f, ok := declByType[reflect.TypeOf(d)]; ok {
		if ps, ok := f.of(d); ok {
			return *f, ps, true
		}
	}
	return FamilyDecl{}, nil, false
}

// Detach returns d with every parameter detached (the same values, no
// gradient), as sticking-the-landing estimators score the guide's draws,
// or false when d is not a declared family. It does not validate: the
// copy is exactly as valid as d.
func Detach(d Distribution) (Distribution, bool) {
	f, ok := declByType[reflect.TypeOf(d)]
	if !ok {
		return d, false
	}
	return f.detach(d), true
}

// validateDecl checks parameters of the declared family name (in its
// Params order, the zero ad.Var for an alternative not given) against
// its declaration: exactly one of the alternatives given, the others
// present (or optional), the shapes fitting together, and each value
// inside its constraint (the first failure, in declaration order).
func validateDecl(name string, ps ...ad.Var) error {
	return validateDeclExcept(name, -1, ps...)
}

// validateDeclExcept is validateDecl without the constraint check of
// parameter skip (its shape is still checked): for a parameter whose
// values a constructor produced and checked itself.
func validateDeclExcept(name string, skip int, ps ...ad.Var) error {
	f := declIndex[name]
	if len(f.OneOf) > 0 {
		if err := f.checkOneOf(ps); err != nil {
			return err
		}
	}
	if !f.joint {
		if err := f.checkScalarShapes(ps); err != nil {
			return err
		}
	} else if err := f.checkJointShapes(ps); err != nil {
		return err
	}
	d := 0
	for i, p := range f.Params {
		v := ps[i]
		if v == (ad.Var{}) {
			continue // an alternative not given or an optional parameter
		}
		if p.Shape == ShapeVector && d == 0 {
			d = v.Cols()
		}
		if i == skip {
			continue
		}
		if err := p.Constraint.check(name, p.Name, v, d); err != nil {
			return err
		}
	}
	return nil
}

// checkOneOf returns an error unless exactly one of f's alternatives is
// set, naming them all.
func (f *FamilyDecl) checkOneOf(ps []ad.Var) error {
	n := 0
	for i, a := range f.alt {
		if a && ps[i] != (ad.Var{}) {
			n++
		}
	}
	if n == 1 {
		return nil
	}
	if n == 0 {
		return fmt.Errorf("dist: %s: parameter %s is missing: exactly one of %s must be set", f.Name, joinList(f.OneOf, "or"), andList(f.OneOf))
	}
	if len(f.OneOf) == 2 {
		return fmt.Errorf("dist: %s: exactly one of %s must be set, not both", f.Name, andList(f.OneOf))
	}
	var got []string
	for i, a := range f.alt {
		if a && ps[i] != (ad.Var{}) {
			got = append(got, f.names[i])
		}
	}
	return fmt.Errorf("dist: %s: exactly one of %s must be set, got %s", f.Name, andList(f.OneOf), andList(got))
}

// checkScalarShapes checks that the parameters of a univariate family
// are present (or optional) and broadcast together.
func (f *FamilyDecl) checkScalarShapes(ps []ad.Var) error {
	b, c := 1, 1
	for i, p := range ps {
		if p == (ad.Var{}) {
			if f.Params[i].Optional || f.alt[i] {
				continue
			}
			return fmt.Errorf("dist: %s: parameter %s is missing", f.Name, f.names[i])
		}
		r, k := p.Shape()
		nb, okb := bdim(b, r)
		nc, okc := bdim(c, k)
		if !okb || !okc {
			return fmt.Errorf("dist: %s: parameter %s is %dx%d, which does not broadcast with the others (%dx%d)", f.Name, f.names[i], r, k, b, c)
		}
		b, c = nb, nc
	}
	return nil
}

// checkJointShapes checks the parameters of a multivariate family: the
// vectors have D columns (D ≥ 1, from the first), the square matrices
// D*D, the factors a positive multiple of D, the scalars one, and the
// rows broadcast.
func (f *FamilyDecl) checkJointShapes(ps []ad.Var) error {
	b, d, first := 1, 0, ""
	for i, p := range f.Params {
		v := ps[i]
		if v == (ad.Var{}) {
			if p.Optional || f.alt[i] {
				continue
			}
			return fmt.Errorf("dist: %s: parameter %s is missing", f.Name, p.Name)
		}
		r, c := v.Shape()
		if p.Shape != ShapeScalar && d == 0 {
			if p.Shape != ShapeVector {
				return fmt.Errorf("dist: %s: parameter %s has no vector before it to give D", f.Name, p.Name)
			}
			if c < 1 {
				return fmt.Errorf("dist: %s: parameter %s has no columns (no categories)", f.Name, p.Name)
			}
			d, first = c, p.Name
		}
		switch p.Shape {
		case ShapeScalar:
			if c != 1 {
				return fmt.Errorf("dist: %s: parameter %s is %dx%d, want one column", f.Name, p.Name, r, c)
			}
		case ShapeVector:
			if c != d {
				return fmt.Errorf("dist: %s: parameter %s is %dx%d, want %d columns as %s", f.Name, p.Name, r, c, d, first)
			}
		case ShapeSquare:
			if c != d*d {
				return fmt.Errorf("dist: %s: %s is %dx%d, want %d columns for %s with %d columns", f.Name, p.Name, r, c, d*d, first, d)
			}
		case ShapeFactor:
			if c == 0 || c%d != 0 {
				return fmt.Errorf("dist: %s: %s has %d columns, want a positive multiple of D = %d (D x K per row)", f.Name, p.Name, c, d)
			}
		}
		nb, ok := bdim(b, r)
		if !ok {
			return fmt.Errorf("dist: %s: parameter %s has %d rows, which does not broadcast with the others' %d", f.Name, p.Name, r, b)
		}
		b = nb
	}
	return nil
}

// andList joins names as "a and b", "a, b and c".
func andList(names []string) string { return joinList(names, "and") }

// joinList joins names as "a conj b", "a, b conj c".
func joinList(names []string, conj string) string {
	if len(names) <= 2 {
		return strings.Join(names, " "+conj+" ")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

var (
	declList   []FamilyDecl
	declIndex  map[string]*FamilyDecl
	declByType map[reflect.Type]*FamilyDecl
)

func init() {
	declList = declarations()
	slices.SortFunc(declList, func(a, b FamilyDecl) int { return cmp.Compare(a.Name, b.Name) })
	declIndex = make(map[string]*FamilyDecl, len(declList))
	declByType = make(map[reflect.Type]*FamilyDecl, len(declList))
	for i := range declList {
		f := &declList[i]
		f.names = make([]string, len(f.Params))
		f.alt = make([]bool, len(f.Params))
		for k, p := range f.Params {
			f.names[k] = p.Name
			f.alt[k] = slices.Contains(f.OneOf, p.Name)
			f.joint = f.joint || p.Shape != ShapeScalar
		}
		declIndex[f.Name] = f
		declByType[f.typ] = f
	}
}
