package dist

import (
	"fmt"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// Structural KL rules. When no divergence is registered for the exact
// concrete types (P, Q), KL tries, in order:
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
//	(d) Delta as P: KL(δ_v || q) = Σ_j LogDensity_j - log q(v), by the
//	    convention that δ_v has log-density LogDensity at v with respect
//	    to the same base measure as q (0 by default, so -log q(v)); +Inf
//	    where v is outside q's support.
//
// Each rule retries the reduced pair through the registry (exact pair
// first, then these rules again), so they compose: Independent(Expanded(
// Normal)) against Normal reduces to Normal against Normal.

// klStructural is the fallback of klUnchecked for a pair whose exact
// types are not registered.
func klStructural(p, q Distribution) (ad.Var, error) {
	tp, tq := reflect.TypeOf(p), reflect.TypeOf(q)
	_, cp := p.Shape()
	_, cq := q.Shape()
	if _, ok := bdim(cp, cq); !ok {
		return ad.Var{}, fmt.Errorf("dist: KL(%s || %s): event widths %d and %d differ", name(tp), name(tq), cp, cq)
	}
	if ip, ok := p.(Independent); ok {
		return klUnchecked(deref(ip.Base), q)
	}
	if iq, ok := q.(Independent); ok {
		return klUnchecked(p, deref(iq.Base))
	}
	if ep, ok := p.(Expanded); ok {
		return klUnchecked(deref(ep.Materialize()), q)
	}
	if eq, ok := q.(Expanded); ok {
		return klUnchecked(p, deref(eq.Materialize()))
	}
	tdp, okp := p.(TransformedDistribution)
	tdq, okq := q.(TransformedDistribution)
	if okp && okq {
		if err := sameTransforms(tdp.Transforms, tdq.Transforms); err != nil {
			return ad.Var{}, err
		}
		return klUnchecked(deref(tdp.Base), deref(tdq.Base))
	}
	if dp, ok := p.(Delta); ok {
		return klDelta(dp, q), nil
	}
	return ad.Var{}, noKLError(tp, tq)
}

// hasStructuralKL reports whether klStructural resolves (p, q) to a
// registered pair, following the same rules on the types.
func hasStructuralKL(p, q Distribution) bool {
	if ip, ok := p.(Independent); ok {
		return HasKL(ip.Base, q)
	}
	if iq, ok := q.(Independent); ok {
		return HasKL(p, iq.Base)
	}
	// Materializing keeps the base's concrete type, so the base decides.
	if ep, ok := p.(Expanded); ok {
		return HasKL(ep.Base, q)
	}
	if eq, ok := q.(Expanded); ok {
		return HasKL(p, eq.Base)
	}
	tdp, okp := p.(TransformedDistribution)
	tdq, okq := q.(TransformedDistribution)
	if okp && okq {
		return sameTransforms(tdp.Transforms, tdq.Transforms) == nil && HasKL(tdp.Base, tdq.Base)
	}
	_, ok := p.(Delta)
	return ok
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

// structuralPairs lists the structural rules as rows of Pairs, with "*"
// for any distribution.
func structuralPairs() []Pair {
	return []Pair{
		{P: "Delta", Q: "*", Kind: Structural},
		{P: "Expanded(*)", Q: "*", Kind: Structural},
		{P: "*", Q: "Expanded(*)", Kind: Structural},
		{P: "Independent(*)", Q: "*", Kind: Structural},
		{P: "*", Q: "Independent(*)", Kind: Structural},
		{P: "TransformedDistribution(T, *)", Q: "TransformedDistribution(T, *)", Kind: Structural},
	}
}
