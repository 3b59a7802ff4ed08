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
	// typed is fn before type erasure, a func(P, Q) (ad.Var, error), for
	// KLOf.
	typed any
	// validating, when set, computes the divergence of unvalidated p and
	// q and validates them in the same pass; done is false where it does
	// not apply (KL then validates and calls fn). A later RegisterKL of
	// the pair drops it with the entry.
	validating func(p, q Distribution) (v ad.Var, done bool, err error)
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

// The KL registry is one ordered table of rules, resolved per pair of
// concrete types (P, Q) by the first rule that matches:
//
//  1. exact pairs, registered with RegisterKL (and the package's own
//     closed forms, infinite pairs and reductions such as Chi2 through
//     Gamma), keyed by the two types;
//  2. wrapper rules (kl_structural.go): Independent on either side,
//     Expanded on either side, TransformedDistribution on both sides;
//     each reduces the pair to another pair, which is resolved again;
//  3. rules registered with RegisterKLRule, in registration order;
//  4. wildcard rules: Delta against any distribution.
//
// The rule chosen for a type pair is memoized; registering anything
// clears the memo. KL, HasKL and Pairs all read this one table, so what
// Pairs lists, what HasKL reports and what KL computes cannot disagree.
var registry = struct {
	sync.RWMutex
	exact map[[2]reflect.Type]klEntry
	// user holds the rules of RegisterKLRule.
	user []*klRule
	memo map[[2]reflect.Type]*klRule
}{exact: map[[2]reflect.Type]klEntry{}, memo: map[[2]reflect.Type]*klRule{}}

// klRule is one row of the rule table that is not an exact pair: a
// wrapper (reduce) or a rule that computes the divergence itself (kl).
type klRule struct {
	pair  Pair
	match func(tp, tq reflect.Type) bool
	// reduce returns the pair whose divergence equals KL(p || q); peek is
	// set when only the types of the result matter (HasKL), so that a
	// rule may skip work such as broadcasting parameters.
	reduce func(p, q Distribution, peek bool) (Distribution, Distribution, error)
	kl     klFunc
}

// RegisterKL registers fn as KL(p || q) for distributions of concrete types
// P and Q, replacing any earlier registration of the pair. fn returns one
// value per batch row (B x 1), +Inf where P's support is not inside Q's.
// An exact pair takes precedence over every other rule. It is safe for
// concurrent use.
func RegisterKL[P, Q Distribution](fn func(p P, q Q) (ad.Var, error)) {
	registerKind(ClosedForm, fn)
}

func registerKind[P, Q Distribution](kind PairKind, fn func(p P, q Q) (ad.Var, error)) {
	key := [2]reflect.Type{reflect.TypeFor[P](), reflect.TypeFor[Q]()}
	wrapped := func(p, q Distribution) (ad.Var, error) { return fn(p.(P), q.(Q)) }
	registry.Lock()
	registry.exact[key] = klEntry{fn: wrapped, kind: kind, typed: fn}
	clear(registry.memo)
	registry.Unlock()
}

// KLRule is a KL rule that covers more than one pair of types: a wrapper
// that reduces (p, q) to another pair (as the Independent and Expanded
// rules do), or a family of pairs with one formula. Exactly one of Reduce
// and KL is set.
type KLRule struct {
	// P and Q describe the rule in Pairs, such as "Tempered(*)" and "*".
	P, Q string
	// Match reports whether the rule applies to distributions of the
	// concrete types p and q. It must depend on the types alone: its
	// answer is memoized per pair.
	Match func(p, q reflect.Type) bool
	// Reduce returns a pair whose divergence equals KL(p || q); the
	// registry resolves that pair again (exact pairs first), so rules
	// compose. An error (wrapping ErrNoKL where the rule does not apply
	// to these parameter values) is returned by KL, and makes HasKL false.
	Reduce func(p, q Distribution) (Distribution, Distribution, error)
	// KL computes the divergence, B x 1.
	KL func(p, q Distribution) (ad.Var, error)
}

// RegisterKLRule appends r to the registry's user rules, which are tried
// after the exact pairs and the built-in wrapper rules (Independent,
// Expanded, TransformedDistribution) and before the wildcard rule for
// Delta. Pairs lists it with Kind Structural (Reduce) or ClosedForm (KL).
// It panics (a programmer error) if Match is nil or not exactly one of
// Reduce and KL is set. It is safe for concurrent use.
func RegisterKLRule(r KLRule) {
	if r.Match == nil || (r.Reduce == nil) == (r.KL == nil) {
		panic("dist: RegisterKLRule: want Match and exactly one of Reduce and KL")
	}
	rule := &klRule{pair: Pair{P: r.P, Q: r.Q, Kind: Structural}, match: r.Match}
	if r.KL != nil {
		rule.pair.Kind = ClosedForm
		rule.kl = r.KL
	} else {
		reduce := r.Reduce
		rule.reduce = func(p, q Distribution, _ bool) (Distribution, Distribution, error) { return reduce(p, q) }
	}
	registry.Lock()
	registry.user = append(registry.user, rule)
	clear(registry.memo)
	registry.Unlock()
}

// resolve returns the rule of the table that applies to the types of p
// and q, or nil.
func resolve(tp, tq reflect.Type) *klRule {
	key := [2]reflect.Type{tp, tq}
	registry.RLock()
	r, ok := registry.memo[key]
	registry.RUnlock()
	if ok {
		return r
	}
	registry.Lock()
	defer registry.Unlock()
	if r, ok := registry.memo[key]; ok {
		return r
	}
	r = resolveLocked(tp, tq)
	registry.memo[key] = r
	return r
}

// resolveLocked walks the table in order; the registry is locked.
func resolveLocked(tp, tq reflect.Type) *klRule {
	if e, ok := registry.exact[[2]reflect.Type{tp, tq}]; ok {
		return &klRule{pair: Pair{P: name(tp), Q: name(tq), Kind: e.kind}, kl: e.fn}
	}
	for _, stage := range [][]*klRule{wrapperRules, registry.user, wildcardRules} {
		for _, r := range stage {
			if r.match(tp, tq) {
				return r
			}
		}
	}
	return nil
}

// maxReductions bounds the chain of wrapper rules KL follows for one pair
// (a guard against a user rule that reduces a pair to itself).
const maxReductions = 64

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
// dereferenced. Both distributions are validated first (by the formula
// itself, in the same pass, where the pair has one that does: Normal with
// Normal on full grids), with Validate's errors. An unregistered
// pair gets an error wrapping ErrNoKL that names the pair and lists the
// pairs registered for p's type.
func KL(p, q Distribution) (ad.Var, error) {
	p, q = deref(p), deref(q)
	if v, done, err := klValidating(p, q); done {
		return v, err
	}
	if err := p.Validate(); err != nil {
		return ad.Var{}, err
	}
	if err := q.Validate(); err != nil {
		return ad.Var{}, err
	}
	return klUnchecked(p, q)
}

// registerValidating adds to the registered exact pair (P, Q) a formula
// that validates while it computes (klEntry.validating).
func registerValidating[P, Q Distribution](fn func(p P, q Q) (ad.Var, bool, error)) {
	key := [2]reflect.Type{reflect.TypeFor[P](), reflect.TypeFor[Q]()}
	registry.Lock()
	defer registry.Unlock()
	e, ok := registry.exact[key]
	if !ok {
		panic("dist: registerValidating: the pair has no registered KL")
	}
	e.validating = func(p, q Distribution) (ad.Var, bool, error) { return fn(p.(P), q.(Q)) }
	registry.exact[key] = e
}

// klValidating runs the validating formula of the exact pair of p's and
// q's types, if the pair has one.
func klValidating(p, q Distribution) (ad.Var, bool, error) {
	key := [2]reflect.Type{reflect.TypeOf(p), reflect.TypeOf(q)}
	registry.RLock()
	e, ok := registry.exact[key]
	registry.RUnlock()
	if !ok || e.validating == nil {
		return ad.Var{}, false, nil
	}
	return e.validating(p, q)
}

// klUnchecked resolves (p, q) through the rule table and computes the
// divergence; p and q are dereferenced and valid.
func klUnchecked(p, q Distribution) (ad.Var, error) {
	for range maxReductions {
		tp, tq := reflect.TypeOf(p), reflect.TypeOf(q)
		_, cp := p.Shape()
		_, cq := q.Shape()
		if _, ok := bdim(cp, cq); !ok {
			return ad.Var{}, fmt.Errorf("dist: KL(%s || %s): event widths %d and %d differ", name(tp), name(tq), cp, cq)
		}
		r := resolve(tp, tq)
		if r == nil {
			return ad.Var{}, noKLError(tp, tq)
		}
		if r.kl != nil {
			return r.kl(p, q)
		}
		var err error
		if p, q, err = r.reduce(p, q, false); err != nil {
			return ad.Var{}, err
		}
		p, q = deref(p), deref(q)
	}
	return ad.Var{}, fmt.Errorf("dist: KL(%T || %T): more than %d reductions (a rule that reduces a pair to itself?)", p, q, maxReductions)
}

// HasKL reports whether KL(p, q) has a rule for the types of p and q: an
// exact pair, or wrapper rules that reduce the pair to one (for
// TransformedDistribution, only when both sides have the same
// transforms), or a wildcard rule. It follows the same table as KL.
func HasKL(p, q Distribution) bool {
	p, q = deref(p), deref(q)
	for range maxReductions {
		r := resolve(reflect.TypeOf(p), reflect.TypeOf(q))
		if r == nil {
			return false
		}
		if r.kl != nil {
			return true
		}
		var err error
		if p, q, err = r.reduce(p, q, true); err != nil {
			return false
		}
		p, q = deref(p), deref(q)
	}
	return false
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
	for k := range registry.exact {
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

// Pairs returns the rule table: every exact pair, and every other rule as
// a row with "*" for any distribution ("Independent(*)" for an
// Independent of any base), sorted by P then Q.
func Pairs() []Pair {
	registry.RLock()
	ps := make([]Pair, 0, len(registry.exact)+len(wrapperRules)+len(registry.user)+len(wildcardRules))
	for k, e := range registry.exact {
		ps = append(ps, Pair{P: name(k[0]), Q: name(k[1]), Kind: e.kind})
	}
	for _, stage := range [][]*klRule{wrapperRules, registry.user, wildcardRules} {
		for _, r := range stage {
			ps = append(ps, r.pair)
		}
	}
	registry.RUnlock()
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].P != ps[j].P {
			return ps[i].P < ps[j].P
		}
		return ps[i].Q < ps[j].Q
	})
	return ps
}
