package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// OneHotCategorical is the categorical distribution over K categories with
// values written as one-hot rows: category k is the row e_k of width K.
// The parameter is as for Categorical: B x K Probs (rows normalized by
// their sums) or Logits (unnormalized, -Inf masks a category); exactly one
// is set.
//
// The value is discrete: LogProb carries no derivative with respect to it.
type OneHotCategorical struct{ Probs, Logits ad.Var }

// NewOneHotCategorical returns the one-hot categorical distribution with
// the given probabilities (normalized by their sum), or an error naming an
// invalid one.
func NewOneHotCategorical(probs ...float64) (OneHotCategorical, error) {
	return OneHotCategoricalOf(ad.Row(append([]float64(nil), probs...)))
}

// OneHotCategoricalLogits returns the one-hot categorical distribution with
// the given unnormalized log-probabilities, or an error naming an invalid
// one.
func OneHotCategoricalLogits(logits ...float64) (OneHotCategorical, error) {
	return OneHotCategoricalLogitsOf(ad.Row(append([]float64(nil), logits...)))
}

// OneHotCategoricalOf returns the one-hot categorical distribution with
// B x K probabilities given as an ad value, or an error naming the first
// invalid element.
func OneHotCategoricalOf(probs ad.Var) (OneHotCategorical, error) {
	return checked(OneHotCategorical{Probs: probs})
}

// OneHotCategoricalLogitsOf returns the one-hot categorical distribution
// with B x K logits given as an ad value, or an error naming the first
// invalid element.
func OneHotCategoricalLogitsOf(logits ad.Var) (OneHotCategorical, error) {
	return checked(OneHotCategorical{Logits: logits})
}

func (OneHotCategorical) jointEvent() {}

// Validate checks the parameter as Categorical.Validate does.
func (d OneHotCategorical) Validate() error {
	return validateDecl("OneHotCategorical", d.Probs, d.Logits)
}

// Shape returns the number of parameter rows and the number of categories.
func (d OneHotCategorical) Shape() (int, int) {
	th, _ := pickParam("OneHotCategorical", d.Probs, d.Logits)
	return th.Shape()
}

// Support returns the one-hot rows.
func (OneHotCategorical) Support() Support { return OneHot{} }

// oneHotIndex returns the position of the single 1 of a one-hot row, or -1.
func oneHotIndex(row []float64) int {
	at := -1
	for j, v := range row {
		switch {
		case v == 1 && at < 0:
			at = j
		case v != 0:
			return -1
		}
	}
	return at
}

// LogProb returns log p_k for each row e_k (-Inf for a row that is not
// one-hot), one fused node with partials δ_jk/P_k - 1/ΣP (probs) or
// δ_jk - p_j (logits).
func (d OneHotCategorical) LogProb(x ad.Var) ad.Var {
	cp, th := catParamOf("OneHotCategorical", d.Probs, d.Logits)
	b, k := th.Rows(), cp.k
	r := jointValueRows("OneHotCategorical", "LogProb", x, b, k)
	f := ad.NewFused(r, k, ad.ReduceCols, x, th)
	out, pt := f.Out(), f.Partial(1)
	tab := newCatTable(cp, b)
	xv := viewOf(x)
	for i := 0; i < r; i++ {
		o := xv.row(i)
		ci := oneHotIndex(xv.v[o : o+k])
		if ci < 0 {
			out[i] = math.Inf(-1)
			continue
		}
		lp := tab.lprow(i)[ci]
		out[i] = lp
		if pt == nil || math.IsInf(lp, -1) {
			continue
		}
		row, p, bi := pt[i*k:(i+1)*k], tab.prow(i), i%b
		if cp.logits {
			for j := range row {
				row[j] = -p[j]
			}
			row[ci]++
		} else {
			for j := range row {
				row[j] = -1 / tab.norm[bi]
			}
			row[ci] += 1 / cp.raw(bi, ci)
		}
	}
	return f.Var()
}

// Sample draws n one-hot rows per batch row (n*B x K, a free constant).
func (d OneHotCategorical) Sample(rng *rand.Rand, n int) ad.Var {
	cp, th := catParamOf("OneHotCategorical", d.Probs, d.Logits)
	b, k := th.Rows(), cp.k
	tab := newCatTable(cp, b)
	out := make([]float64, n*b*k)
	for s := 0; s < n; s++ {
		for bi := 0; bi < b; bi++ {
			out[(s*b+bi)*k+sampleCat(rng, tab.prow(bi))] = 1
		}
	}
	return ad.Const(n*b, k, out)
}

// Mean returns the normalized probabilities, B x K.
func (d OneHotCategorical) Mean() ad.Var {
	return catProbsVar("OneHotCategorical", d.Probs, d.Logits)
}

// Variance returns p(1-p) element-wise, B x K.
func (d OneHotCategorical) Variance() ad.Var {
	p := d.Mean()
	return ad.Mul(p, ad.Sub(scalar(1), p))
}

// Entropy returns -Σ_j p_j log p_j for each batch row.
func (d OneHotCategorical) Entropy() ad.Var {
	return catEntropy("OneHotCategorical", d.Probs, d.Logits)
}

// Enumerate lists the masses of the categories 0, ..., K-1 (the rows
// e_0, ..., e_{K-1}) of batch row b (j must be 0).
func (d OneHotCategorical) Enumerate(b, j int) iter.Seq[MassPoint] {
	return catEnumerate("OneHotCategorical", d.Probs, d.Logits, b, j)
}
