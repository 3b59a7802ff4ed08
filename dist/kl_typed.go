package dist

import (
	"fmt"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// KLOf is KL(p || q) for arguments whose types are known where it is
// called. It computes exactly what KL computes (same validation, same
// rule), but when (P, Q) is a registered exact pair it calls the pair's
// formula directly, without boxing p and q into interfaces, so that a
// training loop computing the same pair on every step allocates nothing
// for it. Other pairs (wrappers, user rules, wildcards) go through KL.
func KLOf[P, Q Distribution](p P, q Q) (ad.Var, error) {
	key := [2]reflect.Type{reflect.TypeFor[P](), reflect.TypeFor[Q]()}
	registry.RLock()
	e, ok := registry.exact[key]
	registry.RUnlock()
	fn, typed := e.typed.(func(P, Q) (ad.Var, error))
	if !ok || !typed {
		return KL(p, q)
	}
	if err := p.Validate(); err != nil {
		return ad.Var{}, err
	}
	if err := q.Validate(); err != nil {
		return ad.Var{}, err
	}
	_, cp := p.Shape()
	_, cq := q.Shape()
	if _, ok := bdim(cp, cq); !ok {
		return ad.Var{}, fmt.Errorf("dist: KL(%s || %s): event widths %d and %d differ", name(key[0]), name(key[1]), cp, cq)
	}
	return fn(p, q)
}
