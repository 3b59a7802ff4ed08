package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Shared machinery of the discrete families (Bernoulli, Binomial,
// Geometric, Poisson, NegativeBinomial, Categorical, OneHotCategorical,
// Multinomial) and of the relaxed ones.
//
// Families parameterized by a probability take it either as Probs or as
// Logits (log-odds, or unnormalized log-probabilities for the categorical
// families); exactly one is set. Every computation goes through log p and
// log(1-p) (log-sigmoid of the logits, or log-softmax for rows), never
// through a probability recomputed from the logits and logged again.

// prob2 is a probability with its complement and both logarithms,
// computed from whichever parameterization is set.
type prob2 struct{ p, q, lp, lq float64 }

// prob2Of returns p, 1-p, log p, log(1-p) for a probability v (logits
// false) or for log-odds v (logits true, through log-sigmoid).
func prob2Of(v float64, logits bool) prob2 {
	if logits {
		// One exp and one log1p: with e = exp(-|v|) and s = log1p(e),
		// σ(|v|) = 1/(1+e), σ(-|v|) = e/(1+e), log σ(|v|) = -s and
		// log σ(-|v|) = -|v| - s.
		a := math.Abs(v)
		e := math.Exp(-a)
		sp := math.Log1p(e)
		hi, lo := 1/(1+e), e/(1+e)
		if math.IsNaN(v) {
			return prob2{v, v, v, v}
		}
		if v >= 0 {
			return prob2{hi, lo, -sp, -a - sp}
		}
		return prob2{lo, hi, -a - sp, -sp}
	}
	return prob2{v, 1 - v, math.Log(v), math.Log1p(-v)}
}

// lin returns A log p + B log(1-p) with 0 log 0 = 0.
func (b prob2) lin(A, B float64) float64 {
	var s float64
	if A != 0 {
		s += A * b.lp
	}
	if B != 0 {
		s += B * b.lq
	}
	return s
}

// grad returns the derivative of A log p + B log(1-p) (A, B held fixed)
// with respect to the parameter: probs (A/p - B/(1-p), dropping a term
// whose coefficient is 0) or logits (A(1-p) - Bp).
func (b prob2) grad(logits bool, A, B float64) float64 {
	if logits {
		return A*b.q - B*b.p
	}
	var g float64
	if A != 0 {
		g += A / b.p
	}
	if B != 0 {
		g -= B / b.q
	}
	return g
}

// dParam converts a derivative with respect to p into one with respect to
// the parameter: unchanged for probs, times p(1-p) for logits.
func (b prob2) dParam(logits bool, dp float64) float64 {
	if logits {
		return dp * b.p * b.q
	}
	return dp
}

// probDiff returns a.p - b.p accurately. For two logits it uses
// σ(x) - σ(y) = -σ(x)σ(-y) expm1(y - x), which keeps full relative
// accuracy when x ≈ y. Otherwise it subtracts the probabilities, or their
// complements when both exceed 1/2 (the complements of logits carry the
// digits there; for probabilities both subtractions are exact).
func probDiff(a, b prob2, av, bv float64, la, lb bool) float64 {
	if la && lb {
		return -a.p * b.q * math.Expm1(bv-av)
	}
	if a.p > 0.5 && b.p > 0.5 {
		return b.q - a.q
	}
	return a.p - b.p
}

// logRatio returns log(p/q) for p, q > 0, given delta = p - q computed
// accurately: log1p(delta/q) when p and q are close, else the log of the
// quotient (or the difference of logs if the quotient leaves the normal
// range).
func logRatio(p, q, delta float64) float64 {
	if math.Abs(delta) < 0.5*q {
		return math.Log1p(delta / q)
	}
	r := p / q
	if r == 0 || math.IsInf(r, 0) || r < 0x1p-1022 {
		return math.Log(p) - math.Log(q)
	}
	return math.Log(r)
}

// klTerm returns q φ(p/q) = p log(p/q) - p + q ≥ 0 given rho = log(p/q),
// with the conventions 0 φ(·) = 0 when both are 0, q when p = 0, +Inf
// when q = 0 < p. Summed over the support of q it is KL(p || q) with no
// cancellation between terms (see special.KLRatio).
func klTerm(p, q, rho float64) float64 {
	switch {
	case q == 0:
		if p == 0 {
			return 0
		}
		return math.Inf(1)
	case p == 0:
		return q
	}
	if math.Abs(rho) < 0.5 {
		return q * special.KLRatio(rho)
	}
	return p*rho - p + q
}

// isCount reports whether x is a non-negative integer.
func isCount(x float64) bool { return x >= 0 && x == math.Floor(x) && !math.IsInf(x, 1) }

// kahan is a Neumaier compensated sum.
type kahan struct{ s, c float64 }

func (k *kahan) add(x float64) {
	if math.IsInf(x, 0) || math.IsInf(k.s, 0) {
		k.s += x
		k.c = 0
		return
	}
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *kahan) scale(f float64) { k.s *= f; k.c *= f }

func (k kahan) sum() float64 { return k.s + k.c }

// pickParam returns whichever of probs and logits is set and whether it
// is logits. It panics (a struct literal with both or neither set is a
// programmer error; Validate reports it as an error).
func pickParam(family string, probs, logits ad.Var) (ad.Var, bool) {
	hp, hl := probs != (ad.Var{}), logits != (ad.Var{})
	switch {
	case hp && !hl:
		return probs, false
	case hl && !hp:
		return logits, true
	}
	panic(fmt.Sprintf("dist: %s: exactly one of Probs and Logits must be set", family))
}

// probsVar returns the probabilities of a binary family as an ad value:
// Probs itself or sigmoid(Logits).
func probsVar(family string, probs, logits ad.Var) ad.Var {
	th, lg := pickParam(family, probs, logits)
	if lg {
		return ad.Sigmoid(th)
	}
	return th
}

// complVar returns 1 - p as an ad value, as sigmoid(-logits) for logits.
func complVar(family string, probs, logits ad.Var) ad.Var {
	th, lg := pickParam(family, probs, logits)
	if lg {
		return ad.Sigmoid(ad.Neg(th))
	}
	return ad.Sub(scalar(1), th)
}

// detachSet returns detach(v), or the zero Var when v is not set.
func detachSet(v ad.Var) ad.Var {
	if v == (ad.Var{}) {
		return v
	}
	return detach(v)
}

// sampleGrid returns an n*B x C free constant whose row k*B+b, column j is
// draw(b, j).
func sampleGrid(b, c, n int, draw func(bi, j int) float64) ad.Var {
	if n < 0 {
		panic(fmt.Sprintf("dist: %d samples", n))
	}
	out := make([]float64, n*b*c)
	for k := 0; k < n; k++ {
		for bi := 0; bi < b; bi++ {
			o := (k*b + bi) * c
			for j := 0; j < c; j++ {
				out[o+j] = draw(bi, j)
			}
		}
	}
	return ad.Const(n*b, c, out)
}

// jointRows returns the batch size of a multivariate family's parameters
// (row counts broadcast: equal or 1) and panics naming the family if they
// do not.
func jointRows(family string, ps ...ad.Var) int {
	b := 1
	for _, p := range ps {
		nb, ok := bdim(b, p.Rows())
		if !ok {
			panic(fmt.Sprintf("dist: %s: parameter rows do not broadcast (%d with %d)", family, b, p.Rows()))
		}
		b = nb
	}
	return b
}

// jointValueRows returns the rows R on which a value x of a multivariate
// family is scored against a batch of b rows: x's rows if b divides them,
// or b if x has one row. It panics naming the family and method if x does
// not have width cols or its rows do not fit.
func jointValueRows(family, method string, x ad.Var, b, cols int) int {
	r, c := x.Shape()
	if c != cols {
		panic(fmt.Sprintf("dist: %s.%s: value has %d columns, want %d", family, method, c, cols))
	}
	if r < b {
		if r != 1 {
			panic(fmt.Sprintf("dist: %s.%s: value has %d rows, batch has %d", family, method, r, b))
		}
		return b
	}
	if r%b != 0 {
		panic(fmt.Sprintf("dist: %s.%s: value has %d rows, not a multiple of the batch %d", family, method, r, b))
	}
	return r
}

// catParam reads the rows of a categorical parameter (probs, normalized by
// their row sums as torch does, or unnormalized logits).
type catParam struct {
	v      view
	k      int
	logits bool
}

func catParamOf(family string, probs, logits ad.Var) (catParam, ad.Var) {
	th, lg := pickParam(family, probs, logits)
	return catParam{v: viewOf(th), k: th.Cols(), logits: lg}, th
}

// row fills p and lp (length K) with the normalized probabilities and
// their logarithms of batch row i, and returns the normalizer: the row sum
// S of the probs, or the log-sum-exp of the logits.
func (c catParam) row(i int, p, lp []float64) float64 {
	src := c.v.v[c.v.row(i) : c.v.row(i)+c.k]
	if c.logits {
		m := math.Inf(-1)
		for _, x := range src {
			m = math.Max(m, x)
		}
		var s float64
		for _, x := range src {
			s += math.Exp(x - m)
		}
		lse := m + math.Log(s)
		for j, x := range src {
			lp[j] = x - lse
			p[j] = math.Exp(lp[j])
		}
		return lse
	}
	var s float64
	for _, x := range src {
		s += x
	}
	ls := math.Log(s)
	for j, x := range src {
		p[j] = x / s
		lp[j] = math.Log(x) - ls
	}
	return s
}

// raw returns the parameter element (i, j) as stored (unnormalized).
func (c catParam) raw(i, j int) float64 { return c.v.v[c.v.row(i)+j] }

// gradLin writes into dst the derivative of Σ_j A_j log p_j (A fixed,
// sumA = Σ A_j) with respect to the parameter row: A_j/P_j - sumA/S for
// probs (dropping the first term where A_j = 0), A_j - sumA p_j for
// logits.
func (c catParam) gradLin(i int, dst, A []float64, sumA, norm float64, p []float64) {
	if c.logits {
		for j := range dst {
			dst[j] = A[j] - sumA*p[j]
		}
		return
	}
	for j := range dst {
		g := -sumA / norm
		if A[j] != 0 {
			g += A[j] / c.raw(i, j)
		}
		dst[j] = g
	}
}

// catProbsVar returns the normalized probabilities of a categorical
// parameter as an ad value (rows divided by their sums, or softmax of
// logits).
func catProbsVar(family string, probs, logits ad.Var) ad.Var {
	th, lg := pickParam(family, probs, logits)
	if lg {
		return ad.SoftmaxCols(th)
	}
	return ad.Div(th, ad.SumCols(th))
}
