package dist

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/kldiv/kldiv/ad"
)

// klFunc is a registered KL divergence with its arguments type-erased.
type klFunc func(p, q Distribution) (ad.Var, error)

type klEntry struct {
	fn   klFunc
	kind PairKind
}

// PairKind says how a registered pair's divergence is computed.
type PairKind uint8

const (
	// ClosedForm: an analytic formula (possibly with special functions or a
	// convergent series).
	ClosedForm PairKind = iota
	// Infinite: P puts mass where Q has none, so KL(P||Q) = +Inf for every
	// parameter value.
	Infinite
	// Structural: reduces to another registered pair (Independent,
	// Expanded, Transformed, Delta, Chi2 through Gamma, ...).
	Structural
)

// String implements fmt.Stringer.
func (k PairKind) String() string {
	switch k {
	case ClosedForm:
		return "closed form"
	case Infinite:
		return "infinite (support)"
	case Structural:
		return "structural"
	}
	return "?"
}

var registry = struct {
	sync.RWMutex
	m map[[2]reflect.Type]klEntry
}{m: map[[2]reflect.Type]klEntry{}}

// RegisterKL registers fn as KL(p || q) for distributions of concrete types
// P and Q, replacing any earlier registration of the pair. fn returns one
// value per batch row (B x 1), +Inf where P's support is not inside Q's.
// It is safe for concurrent use.
func RegisterKL[P, Q Distribution](fn func(p P, q Q) (ad.Var, error)) {
	registerKind(ClosedForm, fn)
}

func registerKind[P, Q Distribution](kind PairKind, fn func(p P, q Q) (ad.Var, error)) {
	key := [2]reflect.Type{reflect.TypeFor[P](), reflect.TypeFor[Q]()}
	wrapped := func(p, q Distribution) (ad.Var, error) { return fn(p.(P), q.(Q)) }
	registry.Lock()
	registry.m[key] = klEntry{fn: wrapped, kind: kind}
	registry.Unlock()
}

// registerInfinite registers KL(P || Q) = +Inf: P's support is not inside
// Q's for any parameters.
func registerInfinite[P, Q Distribution]() {
	registerKind(Infinite, func(p P, q Q) (ad.Var, error) {
		b := batchOf(p, q)
		return infVar(b, p, q), nil
	})
}

// batchOf returns the broadcast batch size of p and q.
func batchOf(p, q Distribution) int {
	bp, _ := p.Shape()
	bq, _ := q.Shape()
	b, ok := bdim(bp, bq)
	if !ok {
		panic(fmt.Sprintf("dist: KL: batch sizes %d and %d do not broadcast", bp, bq))
	}
	return b
}

// infVar returns a B x 1 free constant +Inf (no gradient flows through an
// infinite divergence; the value joins a tape when combined with recorded
// values).
func infVar(b int, ds ...Distribution) ad.Var {
	return ad.Full(b, 1, math.Inf(1))
}

// ErrNoKL is wrapped by the error KL returns for a pair with no registered
// divergence.
var ErrNoKL = errors.New("no KL divergence registered")

// KL returns KL(p || q) for each batch row, B x 1, differentiable with
// respect to both sides' parameters, using the divergence registered for
// the concrete types of p and q. Pointers to registered types are
// dereferenced. Both distributions are validated first. An unregistered
// pair gets an error wrapping ErrNoKL that names the pair and lists the
// pairs registered for p's type.
func KL(p, q Distribution) (ad.Var, error) {
	p, q = deref(p), deref(q)
	if err := p.Validate(); err != nil {
		return ad.Var{}, err
	}
	if err := q.Validate(); err != nil {
		return ad.Var{}, err
	}
	return klUnchecked(p, q)
}

func klUnchecked(p, q Distribution) (ad.Var, error) {
	tp, tq := reflect.TypeOf(p), reflect.TypeOf(q)
	registry.RLock()
	e, ok := registry.m[[2]reflect.Type{tp, tq}]
	registry.RUnlock()
	if !ok {
		return klStructural(p, q) // kl_structural.go
	}
	_, cp := p.Shape()
	_, cq := q.Shape()
	if _, ok := bdim(cp, cq); !ok {
		return ad.Var{}, fmt.Errorf("dist: KL(%s || %s): event widths %d and %d differ", name(tp), name(tq), cp, cq)
	}
	return e.fn(p, q)
}

// HasKL reports whether a divergence is registered for the concrete types
// of p and q, directly or through the structural rules of kl_structural.go.
func HasKL(p, q Distribution) bool {
	p, q = deref(p), deref(q)
	registry.RLock()
	_, ok := registry.m[[2]reflect.Type{reflect.TypeOf(p), reflect.TypeOf(q)}]
	registry.RUnlock()
	return ok || hasStructuralKL(p, q)
}

func deref(d Distribution) Distribution {
	v := reflect.ValueOf(d)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if e, ok := v.Elem().Interface().(Distribution); ok {
			return e
		}
	}
	return d
}

func name(t reflect.Type) string {
	if t == nil {
		return "<nil>"
	}
	return t.Name()
}

func noKLError(tp, tq reflect.Type) error {
	var forP []string
	registry.RLock()
	for k := range registry.m {
		if k[0] == tp {
			forP = append(forP, name(k[1]))
		}
	}
	registry.RUnlock()
	sort.Strings(forP)
	list := "none"
	if len(forP) > 0 {
		list = strings.Join(forP, ", ")
	}
	return fmt.Errorf("dist: KL(%s || %s): %w; registered for %s against: %s (a Monte Carlo estimate is available in package estimators)",
		name(tp), name(tq), ErrNoKL, name(tp), list)
}

// Pair describes one registered KL divergence.
type Pair struct {
	P, Q string
	Kind PairKind
}

// Pairs returns the registered pairs, and the structural rules of
// kl_structural.go as rows with "*" for any distribution, sorted by P then
// Q.
func Pairs() []Pair {
	registry.RLock()
	ps := make([]Pair, 0, len(registry.m))
	for k, e := range registry.m {
		ps = append(ps, Pair{P: name(k[0]), Q: name(k[1]), Kind: e.kind})
	}
	registry.RUnlock()
	ps = append(ps, structuralPairs()...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].P != ps[j].P {
			return ps[i].P < ps[j].P
		}
		return ps[i].Q < ps[j].Q
	})
	return ps
}
