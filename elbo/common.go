package elbo

import (
	"math"
	"reflect"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// badSite returns the name of the first site of the traces whose
// log-density has a non-finite element.
func badSite(traces ...*vi.Trace) string {
	for _, tr := range traces {
		for i := range tr.Sites {
			s := &tr.Sites[i]
			if s.Kind == vi.Deterministic || s.LogProb == (ad.Var{}) {
				continue
			}
			for _, v := range s.LogProb.Value() {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return s.Name
				}
			}
		}
	}
	return ""
}

// siteLogQ returns the guide's log-density at its own draws, per site as
// R x 1 values, with the guide's parameters held constant when stl is set
// (sticking the landing).
func siteLogQ(s *vi.Site, stl bool) ad.Var {
	if !stl {
		return s.LogProb
	}
	if s.DetachedLogProb != (ad.Var{}) {
		return s.DetachedLogProb
	}
	if s.Dist == nil {
		return s.LogProb
	}
	return detachParams(s.Dist).LogProb(s.Value)
}

// detachParams returns d with its parameters detached (the same values
// with no gradient): by its family declaration (dist.Detach) when it has
// one, else by walking its ad.Var fields with reflection (recursively, in
// nested distributions and bijectors).
func detachParams(d dist.Distribution) dist.Distribution {
	if out, ok := dist.Detach(d); ok {
		return out
	}
	return detachReflect(d)
}

// detachReflect is the reflection fallback of detachParams for
// distributions without a family declaration.
func detachReflect(d dist.Distribution) dist.Distribution {
	v := reflect.ValueOf(d)
	out := detachValue(v)
	if r, ok := out.Interface().(dist.Distribution); ok {
		return r
	}
	return d
}

var varType = reflect.TypeFor[ad.Var]()

func detachValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == varType {
			x := v.Interface().(ad.Var)
			if x == (ad.Var{}) {
				return v
			}
			return reflect.ValueOf(ad.Detach(x))
		}
		cp := reflect.New(v.Type()).Elem()
		cp.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if !cp.Field(i).CanSet() {
				continue
			}
			cp.Field(i).Set(detachValue(v.Field(i)))
		}
		return cp
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		inner := detachValue(v.Elem())
		out := reflect.New(v.Type()).Elem()
		out.Set(inner)
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			cp.Index(i).Set(detachValue(v.Index(i)))
		}
		return cp
	}
	return v
}

// betaAt returns the KL weight at a step: beta after warmUp steps, rising
// linearly from 0 before.
func betaAt(beta float64, warmUp, step int) float64 {
	if beta == 0 {
		beta = 1
	}
	if warmUp > 0 && step < warmUp {
		return beta * float64(step) / float64(warmUp)
	}
	return beta
}

func particles(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
