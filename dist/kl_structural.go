package dist

import (
	"fmt"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// The wrapper and wildcard rules of the KL rule table (registry.go).
// When no divergence is registered for the exact concrete types (P, Q),
// KL tries, in order:
//
//	(a) Independent on either side: KL of the bases (Independent changes no
//	    number in kldiv, see its documentation). torch requires both sides
//	    to be Independent with equal reinterpreted_batch_ndims; kldiv, whose
//	    columns are already summed, does not.
//	(b) Expanded on either side: the base broadcast to the expanded shape
//	    (Expanded.Materialize), so that the base pair's formula runs over
//	    Batch x Event parameters (and sums Event columns).
//	(c) TransformedDistribution on both sides with transforms of equal
//	    length that are pairwise the same (SameBijector: same type, equal
//	    parameter values): KL of the bases, since the KL divergence is
//	    invariant under a common bijection, KL(T#p || T#q) = KL(p || q).
//	    Different transforms give an error wrapping ErrNoKL.
//	(then the rules of RegisterKLRule)
//	(d) Delta as P: KL(δ_v || q) = Σ_j LogDensity_j - log q(v), by the
//	    convention that δ_v has log-density LogDensity at v with respect
//	    to the same base measure as q (0 by default, so -log q(v)); +Inf
//	    where v is outside q's support.
//
// Each wrapper rule hands the reduced pair back to the table (exact pair
// first, then these rules again), so they compose: Independent(Expanded(
// Normal)) against Normal reduces to Normal against Normal.

var (
	typeIndependent = reflect.TypeFor[Independent]()
	typeExpanded    = reflect.TypeFor[Expanded]()
	typeTransformed = reflect.TypeFor[TransformedDistribution]()
	typeDelta       = reflect.TypeFor[Delta]()
)

// wrapperRules are stage 2 of the rule table, in order.
var wrapperRules = []*klRule{
	{
		pair:  Pair{P: "Independent(*)", Q: "*", Kind: Structural},
		match: func(tp, _ reflect.Type) bool { return tp == typeIndependent },
		reduce: func(p, q Distribution, _ bool) (Distribution, Distribution, error) {
			return p.(Independent).Base, q, nil
		},
	},
	{
		pair:  Pair{P: "*", Q: "Independent(*)", Kind: Structural},
		match: func(_, tq reflect.Type) bool { return tq == typeIndependent },
		reduce: func(p, q Distribution, _ bool) (Distribution, Distribution, error) {
			return p, q.(Independent).Base, nil
		},
	},
	{
		// Materializing keeps the base's concrete type, so for HasKL
		// (peek) the base decides.
		pair:  Pair{P: "Expanded(*)", Q: "*", Kind: Structural},
		match: func(tp, _ reflect.Type) bool { return tp == typeExpanded },
		reduce: func(p, q Distribution, peek bool) (Distribution, Distribution, error) {
			if peek {
				return p.(Expanded).Base, q, nil
			}
			return p.(Expanded).Materialize(), q, nil
		},
	},
	{
		pair:  Pair{P: "*", Q: "Expanded(*)", Kind: Structural},
		match: func(_, tq reflect.Type) bool { return tq == typeExpanded },
		reduce: func(p, q Distribution, peek bool) (Distribution, Distribution, error) {
			if peek {
				return p, q.(Expanded).Base, nil
			}
			return p, q.(Expanded).Materialize(), nil
		},
	},
	{
		pair:  Pair{P: "TransformedDistribution(T, *)", Q: "TransformedDistribution(T, *)", Kind: Structural},
		match: func(tp, tq reflect.Type) bool { return tp == typeTransformed && tq == typeTransformed },
		reduce: func(p, q Distribution, _ bool) (Distribution, Distribution, error) {
			tdp, tdq := p.(TransformedDistribution), q.(TransformedDistribution)
			if err := sameTransforms(tdp.Transforms, tdq.Transforms); err != nil {
				return nil, nil, err
			}
			return tdp.Base, tdq.Base, nil
		},
	},
}

// wildcardRules are stage 4 of the rule table, after the user rules.
var wildcardRules = []*klRule{
	{
		pair:  Pair{P: "Delta", Q: "*", Kind: Structural},
		match: func(tp, _ reflect.Type) bool { return tp == typeDelta },
		kl:    func(p, q Distribution) (ad.Var, error) { return klDelta(p.(Delta), q), nil },
	},
}

// sameTransforms returns nil when a and b are the same transforms in the
// same order, and an error wrapping ErrNoKL otherwise.
func sameTransforms(a, b []Bijector) error {
	if len(a) != len(b) {
		return fmt.Errorf("dist: KL(TransformedDistribution || TransformedDistribution): %w: %d transforms against %d (KL is invariant only under a common bijection)", ErrNoKL, len(a), len(b))
	}
	for i := range a {
		if !SameBijector(a[i], b[i]) {
			return fmt.Errorf("dist: KL(TransformedDistribution || TransformedDistribution): %w: transforms[%d] differ (%s against %s; KL is invariant only under a common bijection)", ErrNoKL, i, a[i], b[i])
		}
	}
	return nil
}

// klDelta returns Σ_j LogDensity_j - q.LogProb(V), B x 1 (a one-column
// Delta against a C-column q is the point with C equal coordinates, its
// log-density counted C times).
func klDelta(p Delta, q Distribution) ad.Var {
	b := batchOf(p, q)
	bp, cp := p.Shape()
	_, cq := q.Shape()
	kl := ad.Neg(q.LogProb(expand(p.V, bp, cp)))
	if p.LogDensity != (ad.Var{}) {
		c, _ := bdim(cp, cq)
		kl = ad.Add(kl, sumColsLike(expand(p.LogDensity, bp, cp), bp, c))
	}
	return expand(kl, b, 1)
}
