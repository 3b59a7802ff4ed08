package dist

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"reflect"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// ErrNoClosedForm is wrapped by the error a divergence returns for a pair
// of distributions it cannot compute exactly.
var ErrNoClosedForm = errors.New("no closed form")

// MassPoint is one point of the support of an Enumerable distribution.
type MassPoint struct {
	// K is the point: the value k for the integer-valued families
	// (Bernoulli, Binomial, Geometric, Poisson, NegativeBinomial,
	// Categorical), the category k, whose value is the one-hot row e_k, for
	// OneHotCategorical.
	K int
	// Mass is P(X = point).
	Mass float64
	// Tail is an upper bound on the total mass of the points after K:
	// exact or a geometric bound for the countable families, 1 before the
	// last point of a finite support when no better bound is at hand, and
	// 0 once nothing is left.
	Tail float64
}

// Enumerable is a discrete distribution whose support can be listed point
// by point, with the masses.
type Enumerable interface {
	Distribution
	// Enumerate returns the support points of component j of batch member b
	// (j = 0 for the categorical families, whose event is a whole row) as
	// K = 0, 1, 2, ... in order, zero-mass points included. A finite
	// support ends after its last point; a countable one goes on until the
	// caller stops. It panics if b or j is out of range.
	Enumerate(b, j int) iter.Seq[MassPoint]
}

// checkComponent panics unless (b, j) indexes a B x C batch.
func checkComponent(family string, b, j, bb, c int) {
	if b < 0 || b >= bb || j < 0 || j >= c {
		panic(fmt.Sprintf("dist: %s.Enumerate: component (%d, %d) of a %dx%d batch", family, b, j, bb, c))
	}
}

// jsMaxPoints bounds the number of support points JensenShannon visits for
// one batch row of countable families.
const jsMaxPoints = 1 << 26

// JensenShannon returns the Jensen-Shannon divergence
// JS(p, q) = ½ KL(p || m) + ½ KL(q || m), m = (p + q)/2, for each batch row
// (B x 1, nats, 0 <= JS <= log 2), for two Enumerable distributions with
// one component per row (event width 1, or OneHotCategorical against
// OneHotCategorical with the same number of categories). Integer-valued
// families can be mixed (Poisson against Binomial, Bernoulli against
// Categorical: the values are the same integers).
//
// The value is Σ_k (p_k + q_k)/2 · h((p_k - q_k)/(p_k + q_k)) with
// h(t) = ((1+t) log(1+t) + (1-t) log(1-t))/2 (special.JSBinary): every term is
// non-negative, 0 log 0 = 0, and JS(p, p) = 0 exactly. Finite supports are
// summed in full. Countable ones are summed until the bound on the rest,
// (log 2)/2 · (tail_p + tail_q) with the rigorous tail bounds of
// MassPoint.Tail (each term is at most (p_k + q_k)/2 · log 2), falls below
// 1e-16 of the sum so far; an error is returned if that takes more than
// 2^26 points.
//
// The result is a free constant: no gradient flows to the parameters.
// Other pairs give an error wrapping ErrNoClosedForm; invalid parameters
// give their Validate error.
func JensenShannon(p, q Distribution) (ad.Var, error) {
	p, q = deref(p), deref(q)
	if err := p.Validate(); err != nil {
		return ad.Var{}, err
	}
	if err := q.Validate(); err != nil {
		return ad.Var{}, err
	}
	tp, tq := reflect.TypeOf(p), reflect.TypeOf(q)
	pe, okp := p.(Enumerable)
	qe, okq := q.(Enumerable)
	if !okp || !okq {
		return ad.Var{}, fmt.Errorf("dist: JensenShannon(%s, %s): %w (both must be Enumerable)", name(tp), name(tq), ErrNoClosedForm)
	}
	_, hp := p.(OneHotCategorical)
	_, hq := q.(OneHotCategorical)
	if hp != hq {
		return ad.Var{}, fmt.Errorf("dist: JensenShannon(%s, %s): %w (one-hot rows against integers)", name(tp), name(tq), ErrNoClosedForm)
	}
	_, cp := p.Shape()
	_, cq := q.Shape()
	if hp {
		if cp != cq {
			return ad.Var{}, fmt.Errorf("dist: JensenShannon(%s, %s): %d and %d categories", name(tp), name(tq), cp, cq)
		}
	} else if cp != 1 || cq != 1 {
		return ad.Var{}, fmt.Errorf("dist: JensenShannon(%s, %s): %w for event widths %d and %d (the divergence of a product over columns does not split; use one column)", name(tp), name(tq), ErrNoClosedForm, cp, cq)
	}
	bp, _ := p.Shape()
	bq, _ := q.Shape()
	b := batchOf(p, q)
	out := make([]float64, b)
	for i := range out {
		v, err := jsRow(pe.Enumerate(i%bp, 0), qe.Enumerate(i%bq, 0))
		if err != nil {
			return ad.Var{}, fmt.Errorf("dist: JensenShannon(%s, %s) row %d: %w", name(tp), name(tq), i, err)
		}
		out[i] = v
	}
	return ad.Const(b, 1, out), nil
}

// jsRow sums the Jensen-Shannon terms of two enumerations.
func jsRow(ps, qs iter.Seq[MassPoint]) (float64, error) {
	nextP, stopP := iter.Pull(ps)
	defer stopP()
	nextQ, stopQ := iter.Pull(qs)
	defer stopQ()
	var acc kahan
	doneP, doneQ := false, false
	for k := 0; ; k++ {
		var mp, mq MassPoint
		if !doneP {
			var ok bool
			if mp, ok = nextP(); !ok {
				doneP = true
				mp = MassPoint{}
			}
		}
		if !doneQ {
			var ok bool
			if mq, ok = nextQ(); !ok {
				doneQ = true
				mq = MassPoint{}
			}
		}
		if doneP && doneQ {
			break
		}
		acc.add(jsTerm(mp.Mass, mq.Mass))
		rest := 0.5 * math.Ln2 * (mp.Tail + mq.Tail)
		if rest == 0 || rest <= 1e-16*acc.sum() {
			break
		}
		if k >= jsMaxPoints {
			return 0, fmt.Errorf("the series did not converge within %d points (remaining mass bound %g)", jsMaxPoints, rest)
		}
	}
	return acc.sum(), nil
}

// jsTerm returns the Jensen-Shannon term (p+q)/2 · h((p-q)/(p+q)) of two
// masses: ½[p log(2p/(p+q)) + q log(2q/(p+q))] with 0 log 0 = 0.
func jsTerm(p, q float64) float64 {
	s := p + q
	if s == 0 {
		return 0
	}
	return s / 2 * special.JSBinary((p-q)/s)
}
