package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Multinomial is the multinomial distribution of the category counts of
// TotalCount independent draws from a categorical distribution with K
// categories. The parameter is as for Categorical: B x K Probs (rows
// normalized by their sums) or Logits (unnormalized, -Inf masks a
// category); exactly one is set. TotalCount is a column of non-negative
// integers, B x 1 or 1 x 1. A value row holds K non-negative integer
// counts summing to TotalCount.
//
// TotalCount and the value are integer-valued: LogProb and KL carry no
// derivative with respect to them (their partials are 0).
type Multinomial struct{ TotalCount, Probs, Logits ad.Var }

// NewMultinomial returns Multinomial(totalCount, probs) for one
// distribution, or an error naming an invalid parameter.
func NewMultinomial(totalCount float64, probs ...float64) (Multinomial, error) {
	return MultinomialOf(scalar(totalCount), ad.Row(append([]float64(nil), probs...)))
}

// MultinomialLogits returns the multinomial distribution with the given
// total count and unnormalized log-probabilities, or an error naming an
// invalid parameter.
func MultinomialLogits(totalCount float64, logits ...float64) (Multinomial, error) {
	return MultinomialLogitsOf(scalar(totalCount), ad.Row(append([]float64(nil), logits...)))
}

// MultinomialOf returns the multinomial distribution with ad-valued total
// counts (B x 1 or 1 x 1) and B x K probabilities, or an error naming the
// first invalid element.
func MultinomialOf(totalCount, probs ad.Var) (Multinomial, error) {
	return checked(Multinomial{TotalCount: totalCount, Probs: probs})
}

// MultinomialLogitsOf returns the multinomial distribution with ad-valued
// total counts and B x K logits, or an error naming the first invalid
// element.
func MultinomialLogitsOf(totalCount, logits ad.Var) (Multinomial, error) {
	return checked(Multinomial{TotalCount: totalCount, Logits: logits})
}

func (Multinomial) jointEvent() {}

// Validate checks the probability parameter as Categorical.Validate does
// and that TotalCount is a column of non-negative integers whose rows
// broadcast with it.
func (d Multinomial) Validate() error {
	return validateDecl("Multinomial", d.TotalCount, d.Probs, d.Logits)
}

// Shape returns the broadcast number of rows and the number of categories.
func (d Multinomial) Shape() (int, int) {
	th, _ := pickParam("Multinomial", d.Probs, d.Logits)
	return jointRows("Multinomial", th, d.TotalCount), th.Cols()
}

// Support returns the count rows summing to TotalCount.
func (d Multinomial) Support() Support { return MultinomialSupport{Total: d.TotalCount} }

// LogProb returns log n! - Σ_j log x_j! + Σ_j x_j log p_j for each row (-Inf
// for a row that is not non-negative integers summing to n), one fused
// node with partials x_j/P_j - n/ΣP (probs) or x_j - n p_j (logits).
func (d Multinomial) LogProb(x ad.Var) ad.Var {
	cp, th := catParamOf("Multinomial", d.Probs, d.Logits)
	b, k := d.Shape()
	r := jointValueRows("Multinomial", "LogProb", x, b, k)
	f := ad.NewFused(r, k, ad.ReduceCols, x, d.TotalCount, th)
	out, pt := f.Out(), f.Partial(2)
	tab := newCatTable(cp, th.Rows())
	xv, nv := viewOf(x), viewOf(d.TotalCount)
	for i := 0; i < r; i++ {
		o := xv.row(i)
		row := xv.v[o : o+k]
		n := nv.at(i, 0)
		var sum float64
		ok := true
		for _, c := range row {
			ok = ok && isCount(c)
			sum += c
		}
		if !ok || sum != n {
			out[i] = math.Inf(-1)
			continue
		}
		lp := tab.lprow(i)
		v := special.Lgamma(n + 1)
		for j, c := range row {
			if c != 0 {
				v += c*lp[j] - special.Lgamma(c+1)
			}
		}
		out[i] = v
		if pt == nil || math.IsInf(v, -1) {
			continue
		}
		cp.gradLin(i%th.Rows(), pt[i*k:(i+1)*k], row, n, tab.norm[i%th.Rows()], tab.prow(i))
	}
	return f.Var()
}

// Sample draws n count rows per batch row (n*B x K, a free constant) by
// conditional binomials: x_j ~ Binomial(n - Σ_{i<j} x_i, p_j / Σ_{i>=j} p_i).
func (d Multinomial) Sample(rng *rand.Rand, n int) ad.Var {
	cp, th := catParamOf("Multinomial", d.Probs, d.Logits)
	b, k := d.Shape()
	tab := newCatTable(cp, th.Rows())
	nv := viewOf(d.TotalCount)
	// rest[bi*k+j] = Σ_{i>=j} p_i, summed from the end.
	rest := make([]float64, b*k)
	for bi := 0; bi < b; bi++ {
		p := tab.prow(bi)
		var s float64
		for j := k - 1; j >= 0; j-- {
			s += p[j]
			rest[bi*k+j] = s
		}
	}
	out := make([]float64, n*b*k)
	for s := 0; s < n; s++ {
		for bi := 0; bi < b; bi++ {
			p := tab.prow(bi)
			dst := out[(s*b+bi)*k : (s*b+bi+1)*k]
			left := nv.at(bi, 0)
			for j := 0; j < k && left > 0; j++ {
				r := rest[bi*k+j]
				if j == k-1 || r <= p[j] {
					dst[j] = left
					break
				}
				x := distuv.Binomial{N: left, P: p[j] / r, Src: rng}.Rand()
				dst[j] = x
				left -= x
			}
		}
	}
	return ad.Const(n*b, k, out)
}

// Mean returns n p, B x K.
func (d Multinomial) Mean() ad.Var {
	return ad.Mul(d.TotalCount, catProbsVar("Multinomial", d.Probs, d.Logits))
}

// Variance returns n p (1-p) element-wise, B x K.
func (d Multinomial) Variance() ad.Var {
	p := catProbsVar("Multinomial", d.Probs, d.Logits)
	return ad.Mul(d.TotalCount, ad.Mul(p, ad.Sub(scalar(1), p)))
}
