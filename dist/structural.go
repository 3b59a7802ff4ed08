package dist

import (
	"fmt"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// Helpers shared by the structural families (Independent, Expanded,
// TransformedDistribution, MixtureSameFamily, Delta).

// conditionalProvider is implemented by wrappers whose optional methods (Rsample,
// Entropy, Mean, Variance, CDF) are defined on the type but work only when
// the wrapped distribution provides them.
type conditionalProvider interface {
	provides(t reflect.Type) bool
}

// Provides reports whether d really provides the optional interface I
// (Reparameterized, Entropic, Moments, CDFer, or any interface embedding
// Distribution). For ordinary families it is the type assertion d.(I).
// Go interfaces are static, so the structural wrappers Independent and
// Expanded declare every optional method, TransformedDistribution declares
// Rsample and MixtureSameFamily declares Mean and Variance; they provide
// them only when their base (or components) does, and calling one that is
// not provided panics (a programmer error). Provides looks through the
// wrappers: check it, not a bare type assertion, before calling an
// optional method of a distribution of unknown make-up.
func Provides[I Distribution](d Distribution) bool {
	return providesType(d, reflect.TypeFor[I]())
}

func providesType(d Distribution, t reflect.Type) bool {
	d = deref(d)
	if d == nil {
		return false
	}
	if c, ok := d.(conditionalProvider); ok {
		return c.provides(t)
	}
	return reflect.TypeOf(d).Implements(t)
}

// wrapperProvides is the provides rule of a wrapper w around base: w's type
// has the methods and base provides them.
func wrapperProvides(w, base Distribution, t reflect.Type) bool {
	return reflect.TypeOf(w).Implements(t) && providesType(base, t)
}

// panicMissing panics for an optional method that the base of a wrapper lacks.
func panicMissing(wrapper string, base Distribution, method string) {
	panic(fmt.Sprintf("dist: %s: base %T has no %s (check dist.Provides first)", wrapper, deref(base), method))
}

// isJointDist reports whether d scores its rows jointly (its parameters are not
// column-for-column with the value), looking through the structural
// wrappers.
func isJointDist(d Distribution) bool {
	d = deref(d)
	switch w := d.(type) {
	case Independent:
		return isJointDist(w.Base)
	case Expanded:
		return isJointDist(w.Base)
	case TransformedDistribution:
		return isJointDist(w.Base) || !elementwiseBijector(Compose(w.Transforms))
	}
	_, ok := d.(jointEvent)
	return ok
}

// elementwiseBijector reports whether b maps each column on its own (so it keeps
// the width and commutes with column broadcasting).
func elementwiseBijector(b Bijector) bool {
	switch x := b.(type) {
	case Identity, Exp, Softplus, Sigmoid, Tanh, Affine:
		return true
	case Compose:
		for _, c := range x {
			if !elementwiseBijector(c) {
				return false
			}
		}
		return true
	}
	return false
}

// structExpander is implemented by structural families whose parameters do not
// broadcast field by field (TransformedDistribution, MixtureSameFamily,
// Expanded).
type structExpander interface {
	expandTo(batch, event int, build bool) (Distribution, error)
}

var (
	adVarType        = reflect.TypeFor[ad.Var]()
	distributionType = reflect.TypeFor[Distribution]()
)

// expandDist returns d broadcast to batch rows and (unless d is joint)
// event columns: a value of d's concrete type whose exported ad.Var fields
// are expanded (rows from 1 to batch; columns from 1 to event unless d
// implements jointEvent) and whose exported Distribution fields are
// expanded recursively. With build false it only checks that the
// expansion is possible and returns nil. d must be valid.
func expandDist(d Distribution, batch, event int, build bool) (Distribution, error) {
	d = deref(d)
	if d == nil {
		return nil, fmt.Errorf("dist: Expand: nil distribution")
	}
	if batch < 1 || event < 1 {
		return nil, fmt.Errorf("dist: Expand: batch %d and event %d must be positive", batch, event)
	}
	if e, ok := d.(structExpander); ok {
		return e.expandTo(batch, event, build)
	}
	b, c := d.Shape()
	_, joint := d.(jointEvent)
	if b != batch && b != 1 {
		return nil, fmt.Errorf("dist: Expand: %T has batch %d, which does not broadcast to %d", d, b, batch)
	}
	if c != event && (isJointDist(d) || c != 1) {
		return nil, fmt.Errorf("dist: Expand: %T has event width %d, which does not broadcast to %d", d, c, event)
	}
	v := reflect.ValueOf(d)
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("dist: Expand: cannot expand %T: not a struct", d)
	}
	var nv reflect.Value
	if build {
		nv = reflect.New(v.Type()).Elem()
		nv.Set(v)
	}
	for i := 0; i < v.NumField(); i++ {
		sf := v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		switch {
		case sf.Type == adVarType:
			p := v.Field(i).Interface().(ad.Var)
			if p == (ad.Var{}) || (b == batch && c == event) {
				continue
			}
			r, k := p.Shape()
			nr, nk := r, k
			if b != batch {
				nr = batch
			}
			if !joint && c != event {
				nk = event
			}
			if (r != nr && r != 1) || (k != nk && k != 1) {
				return nil, fmt.Errorf("dist: Expand: %T field %s is %dx%d, which does not broadcast to %dx%d", d, sf.Name, r, k, nr, nk)
			}
			if build {
				nv.Field(i).Set(reflect.ValueOf(expand(p, nr, nk)))
			}
		case sf.Type == distributionType:
			if v.Field(i).IsNil() {
				continue
			}
			inner, err := expandDist(v.Field(i).Interface().(Distribution), batch, event, build)
			if err != nil {
				return nil, err
			}
			if build {
				nv.Field(i).Set(reflect.ValueOf(&inner).Elem())
			}
		}
	}
	if !build {
		return nil, nil
	}
	return nv.Interface().(Distribution), nil
}

// tileValueRows returns x with its rows tiled to b when x has one row and the
// batch more: the row layout LogProb scores a single value against every
// batch member with. It panics, naming family, when the rows do not fit.
func tileValueRows(family string, x ad.Var, b int) ad.Var {
	r := x.Rows()
	switch {
	case r == 1 && b > 1:
		return ad.TileRows(x, b)
	case r%b != 0:
		panic(fmt.Sprintf("dist: %s.LogProb: value has %d rows, not a multiple of the batch %d", family, r, b))
	}
	return x
}
