package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Categorical is the categorical distribution over the categories
// 0, ..., K-1. Its parameter has one row of K entries per batch member:
// Probs (non-negative, each row divided by its sum, as torch does, so any
// row with a positive finite sum is accepted) or Logits (unnormalized
// log-probabilities, -Inf allowed to mask a category); exactly one of the
// two is set. A value is an R x 1 column of 0-based category indices (as
// float64), so Shape reports event width 1.
//
// The value is discrete: LogProb carries no derivative with respect to it.
// Derivatives with respect to Probs are those of the normalized
// probabilities P/ΣP.
type Categorical struct{ Probs, Logits ad.Var }

// NewCategorical returns the categorical distribution with the given
// probabilities (normalized by their sum), or an error if one is negative
// or not finite or they sum to 0.
func NewCategorical(probs ...float64) (Categorical, error) {
	return CategoricalOf(ad.Row(append([]float64(nil), probs...)))
}

// CategoricalLogits returns the categorical distribution with the given
// unnormalized log-probabilities, or an error if one is NaN or +Inf or all
// are -Inf.
func CategoricalLogits(logits ...float64) (Categorical, error) {
	return CategoricalLogitsOf(ad.Row(append([]float64(nil), logits...)))
}

// CategoricalOf returns the categorical distribution with B x K
// probabilities given as an ad value, or an error naming the first invalid
// element.
func CategoricalOf(probs ad.Var) (Categorical, error) {
	return checked(Categorical{Probs: probs})
}

// CategoricalLogitsOf returns the categorical distribution with B x K
// logits given as an ad value, or an error naming the first invalid
// element.
func CategoricalLogitsOf(logits ad.Var) (Categorical, error) {
	return checked(Categorical{Logits: logits})
}

func (Categorical) jointEvent() {}

// Validate checks that exactly one of Probs and Logits is set, that Probs
// rows are finite, non-negative and have a positive sum, and that Logits
// has no NaN or +Inf and a finite entry in each row.
func (d Categorical) Validate() error {
	return validateDecl("Categorical", d.Probs, d.Logits)
}

// Shape returns the number of parameter rows and event width 1.
func (d Categorical) Shape() (int, int) {
	th, _ := pickParam("Categorical", d.Probs, d.Logits)
	return th.Rows(), 1
}

// Support returns {0, ..., K-1}.
func (d Categorical) Support() Support {
	th, _ := pickParam("Categorical", d.Probs, d.Logits)
	return IntegerInterval{Lower: scalar(0), Upper: scalar(float64(th.Cols() - 1))}
}

// catTable holds the normalized probabilities, their logs and the row
// normalizers of a categorical parameter, B x K.
type catTable struct {
	p, lp, norm []float64
	b, k        int
}

func newCatTable(cp catParam, b int) catTable {
	t := catTable{p: make([]float64, b*cp.k), lp: make([]float64, b*cp.k), norm: make([]float64, b), b: b, k: cp.k}
	for i := 0; i < b; i++ {
		t.norm[i] = cp.row(i, t.p[i*cp.k:(i+1)*cp.k], t.lp[i*cp.k:(i+1)*cp.k])
	}
	return t
}

func (t catTable) prow(i int) []float64  { i %= t.b; return t.p[i*t.k : (i+1)*t.k] }
func (t catTable) lprow(i int) []float64 { i %= t.b; return t.lp[i*t.k : (i+1)*t.k] }

// sampleCat draws a category from the normalized row p by inversion.
func sampleCat(rng *rand.Rand, p []float64) int {
	u := rng.Float64()
	var c float64
	last := 0
	for j, pj := range p {
		if pj > 0 {
			last = j
		}
		c += pj
		if u < c {
			return j
		}
	}
	return last // rounding left u above the total: the last possible category
}

// LogProb returns log p_k for each row's category k (-Inf for a value that
// is not an integer in [0, K)), one fused node with partials
// δ_jk/P_k - 1/ΣP (probs) or δ_jk - p_j (logits).
func (d Categorical) LogProb(x ad.Var) ad.Var {
	cp, th := catParamOf("Categorical", d.Probs, d.Logits)
	b, k := th.Rows(), cp.k
	r := jointValueRows("Categorical", "LogProb", x, b, 1)
	f := ad.NewFused(r, k, ad.ReduceCols, x, th)
	out, pt := f.Out(), f.Partial(1)
	tab := newCatTable(cp, b)
	xv := viewOf(x)
	for i := 0; i < r; i++ {
		c := xv.at(i, 0)
		if !isCount(c) || c >= float64(k) {
			out[i] = math.Inf(-1)
			continue
		}
		ci := int(c)
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

// Sample draws n category indices per batch row (n*B x 1, a free
// constant) by inversion.
func (d Categorical) Sample(rng *rand.Rand, n int) ad.Var {
	cp, th := catParamOf("Categorical", d.Probs, d.Logits)
	tab := newCatTable(cp, th.Rows())
	return sampleGrid(th.Rows(), 1, n, func(bi, _ int) float64 { return float64(sampleCat(rng, tab.prow(bi))) })
}

// Entropy returns -Σ_j p_j log p_j for each batch row (0 log 0 = 0).
func (d Categorical) Entropy() ad.Var { return catEntropy("Categorical", d.Probs, d.Logits) }

// catEntropy is the entropy of a categorical parameter as one fused node
// with partials -(log p_i + H)/ΣP (probs; +Inf where p_i = 0) or
// -p_i (log p_i + H) (logits).
func catEntropy(family string, probs, logits ad.Var) ad.Var {
	cp, th := catParamOf(family, probs, logits)
	b, k := th.Rows(), cp.k
	f := ad.NewFused(b, k, ad.ReduceCols, th)
	out, pt := f.Out(), f.Partial(0)
	tab := newCatTable(cp, b)
	for i := 0; i < b; i++ {
		p, lp := tab.prow(i), tab.lprow(i)
		var h kahan
		for j := range p {
			if p[j] > 0 {
				h.add(-p[j] * lp[j])
			}
		}
		out[i] = h.sum()
		if pt == nil {
			continue
		}
		row := pt[i*k : (i+1)*k]
		for j := range row {
			switch {
			case cp.logits && p[j] == 0:
				row[j] = 0
			case cp.logits:
				row[j] = -p[j] * (lp[j] + out[i])
			default:
				row[j] = -(lp[j] + out[i]) / tab.norm[i]
			}
		}
	}
	return f.Var()
}

// Enumerate lists the masses of the categories 0, ..., K-1 of batch row b
// (j must be 0).
func (d Categorical) Enumerate(b, j int) iter.Seq[MassPoint] {
	return catEnumerate("Categorical", d.Probs, d.Logits, b, j)
}

func catEnumerate(family string, probs, logits ad.Var, b, j int) iter.Seq[MassPoint] {
	cp, th := catParamOf(family, probs, logits)
	checkComponent(family, b, j, th.Rows(), 1)
	p, lp := make([]float64, cp.k), make([]float64, cp.k)
	cp.row(b, p, lp)
	return func(yield func(MassPoint) bool) {
		for c, m := range p {
			tail := 1.0
			if c == len(p)-1 {
				tail = 0
			}
			if !yield(MassPoint{K: c, Mass: m, Tail: tail}) {
				return
			}
		}
	}
}
