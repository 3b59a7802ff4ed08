package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// MixtureSameFamily is a batch of finite mixtures whose K components are
// members of one family (torch.distributions.MixtureSameFamily).
//
// Logits is B x K (or 1 x K, shared): unnormalized log mixing weights, the
// weights being softmax(Logits) row by row. Components is a Distribution
// whose batch has K rows, shared by all B mixtures, or B*K rows, where row
// b*K+k is component k of mixture b. The value's C columns are scored
// jointly by each component (a mixture does not factor over columns), so
// MixtureSameFamily is multivariate in the sense of the jointEvent marker:
// Expand broadcasts its batch only.
//
// LogProb is log Σ_k softmax(Logits)_k p_k(x) evaluated as a log-sum-exp of
// ad operations (ad.RepeatRows, ad.Reshape, ad.LogSoftmaxCols,
// ad.LogSumExpCols) on the components' own LogProb, so it is
// differentiable with respect to the value, the logits and the component
// parameters for every component family. It costs K component
// log-densities per row.
type MixtureSameFamily struct {
	Logits     ad.Var
	Components Distribution
}

// MixtureLogits returns the mixture with mixing logits logits (B x K or
// 1 x K) and components comps, or an error naming the invalid parameter.
func MixtureLogits(logits ad.Var, comps Distribution) (MixtureSameFamily, error) {
	d := MixtureSameFamily{Logits: logits, Components: comps}
	return d, d.Validate()
}

// MixtureProbs returns the mixture with mixing probabilities probs (B x K
// or 1 x K; non-negative, normalized row by row as torch's Categorical
// does) and components comps: Logits is log(probs), recorded when probs
// is. It returns a *ParamError naming probs for a negative or non-finite
// entry or a row summing to 0.
func MixtureProbs(probs ad.Var, comps Distribution) (MixtureSameFamily, error) {
	const fam = "MixtureSameFamily"
	if err := check(fam, "probs", probs, "a finite number >= 0", func(v float64) bool { return v >= 0 && finite(v) }); err != nil {
		return MixtureSameFamily{}, err
	}
	r, k := probs.Shape()
	pv := probs.Value()
	for i := range r {
		var s float64
		for _, v := range pv[i*k : (i+1)*k] {
			s += v
		}
		if !(s > 0) {
			return MixtureSameFamily{}, &ParamError{Family: fam, Param: "probs", Index: i * k, Value: s, Want: "rows with a positive sum"}
		}
	}
	return MixtureLogits(ad.Log(probs), comps)
}

func (MixtureSameFamily) jointEvent() {}

// layout returns the mixture batch B, the number of components K, the
// components' batch Kc (K or B*K) and event width C, or an error.
func (d MixtureSameFamily) layout() (b, k, kc, c int, err error) {
	lr, lk := d.Logits.Shape()
	kc, c = d.Components.Shape()
	k = lk
	switch {
	case k < 1:
		err = fmt.Errorf("dist: MixtureSameFamily: logits have no columns")
	case kc == k:
		b = lr
	case kc%k == 0 && (lr == 1 || lr == kc/k):
		b = kc / k
	default:
		err = fmt.Errorf("dist: MixtureSameFamily: logits are %dx%d but the components have batch %d (want %d or a multiple B*%d with B = %d)", lr, k, kc, k, k, lr)
	}
	return
}

// Validate checks the logits (no NaN or +Inf, a finite entry in every
// row), the components, and that the components' batch is K or B*K.
func (d MixtureSameFamily) Validate() error {
	const fam = "MixtureSameFamily"
	if d.Logits == (ad.Var{}) {
		return fmt.Errorf("dist: %s: parameter logits is missing", fam)
	}
	if deref(d.Components) == nil {
		return fmt.Errorf("dist: %s: components are missing", fam)
	}
	if err := check(fam, "logits", d.Logits, "a number < +Inf", func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 1) }); err != nil {
		return err
	}
	r, k := d.Logits.Shape()
	lv := d.Logits.Value()
	for i := range r {
		m := math.Inf(-1)
		for _, v := range lv[i*k : (i+1)*k] {
			m = math.Max(m, v)
		}
		if math.IsInf(m, -1) {
			return &ParamError{Family: fam, Param: "logits", Index: i * k, Value: m, Want: "a finite entry in every row"}
		}
	}
	if err := d.Components.Validate(); err != nil {
		return err
	}
	_, _, _, _, err := d.layout()
	return err
}

// Shape returns the mixture batch B and the components' event width.
func (d MixtureSameFamily) Shape() (int, int) {
	b, _, _, c, err := d.layout()
	if err != nil {
		panic(err.Error())
	}
	return b, c
}

// Support returns the components' support.
func (d MixtureSameFamily) Support() Support { return d.Components.Support() }

// logWeights returns log softmax(Logits) with rows tiled to r (a multiple
// of the logits' rows, or broadcast from one row).
func (d MixtureSameFamily) logWeights(r int) ad.Var {
	w := ad.LogSoftmaxCols(d.Logits)
	if lr := w.Rows(); lr > 1 && lr != r {
		w = ad.TileRows(w, r/lr)
	}
	return w
}

// LogProb returns log Σ_k w_k p_k(x_i) for each row, R x 1: the value's
// rows are repeated K times (row i*K+k scored by component k of mixture
// i mod B), the K log-densities reshaped to R x K, the log weights added
// and a log-sum-exp taken across.
func (d MixtureSameFamily) LogProb(x ad.Var) ad.Var {
	b, k, _, _, err := d.layout()
	if err != nil {
		panic(err.Error())
	}
	x = tileValueRows("MixtureSameFamily", x, b)
	r := x.Rows()
	lp := d.Components.LogProb(ad.RepeatRows(x, k))
	lp = ad.Reshape(lp, r, k)
	return ad.LogSumExpCols(ad.Add(lp, d.logWeights(r)))
}

// Sample draws n values per mixture (n*B x C; row s*B+b from mixture b):
// for each row a component index from the mixing weights, then a draw of
// that component. The components are sampled for every k and one draw is
// kept, so a call costs K times the draws it returns: cheap for the small
// K of typical mixtures, wasteful for large K.
func (d MixtureSameFamily) Sample(rng *rand.Rand, n int) ad.Var {
	b, k, kc, c, err := d.layout()
	if err != nil {
		panic(err.Error())
	}
	w := ad.SoftmaxCols(detach(d.Logits))
	wv, wr := w.Value(), w.Rows()
	// Draw u = n*B*K/Kc per component row: row t*K + k' for output row t.
	comp := d.Components.Sample(rng, n*b*k/kc).Value()
	out := make([]float64, n*b*c)
	for t := range n * b {
		bb := t % b
		probs := wv[(bb%wr)*k : (bb%wr+1)*k]
		u := rng.Float64()
		idx := k - 1
		var acc float64
		for j, p := range probs {
			acc += p
			if u < acc {
				idx = j
				break
			}
		}
		src := (t*k + idx) * c
		copy(out[t*c:(t+1)*c], comp[src:src+c])
	}
	return ad.Const(n*b, c, out)
}

// mixtureGroupSum sums each group of K consecutive rows of v (B*K x C), B x C, as
// a product with K stacked C x C identities (differentiable).
func mixtureGroupSum(v ad.Var, b, k, c int) ad.Var {
	s := make([]float64, k*c*c)
	for j := range k {
		for m := range c {
			s[(j*c+m)*c+m] = 1
		}
	}
	return ad.MatMul(ad.Reshape(v, b, k*c), ad.Const(k*c, c, s))
}

// componentMoments returns the weights as a B*K x 1 column and the
// components' means and variances with B*K rows (row b*K+k for component
// k of mixture b). It panics if the components have no moments.
func (d MixtureSameFamily) componentMoments() (w, mean, vari ad.Var, b, k, c int) {
	m, ok := deref(d.Components).(Moments)
	if !ok || !Provides[Moments](d.Components) {
		panic(fmt.Sprintf("dist: MixtureSameFamily: components %T have no Mean and Variance (check dist.Provides first)", deref(d.Components)))
	}
	b, k, kc, c, err := d.layout()
	if err != nil {
		panic(err.Error())
	}
	sw := ad.SoftmaxCols(d.Logits)
	if sw.Rows() != b {
		sw = expand(sw, b, k)
	}
	w = ad.Reshape(sw, b*k, 1)
	mean, vari = m.Mean(), m.Variance()
	if kc != b*k {
		mean, vari = ad.TileRows(mean, b), ad.TileRows(vari, b)
	}
	return w, mean, vari, b, k, c
}

// Mean returns Σ_k w_k μ_k, B x C. It panics if the components have no
// closed-form moments (see Provides).
func (d MixtureSameFamily) Mean() ad.Var {
	w, mean, _, b, k, c := d.componentMoments()
	return mixtureGroupSum(ad.Mul(w, mean), b, k, c)
}

// Variance returns the law of total variance Σ_k w_k (σ²_k + (μ_k - μ̄)²),
// B x C, in the centred form that does not cancel when the components are
// close. It panics if the components have no closed-form moments.
func (d MixtureSameFamily) Variance() ad.Var {
	w, mean, vari, b, k, c := d.componentMoments()
	mbar := mixtureGroupSum(ad.Mul(w, mean), b, k, c)
	dev := ad.Sub(mean, ad.RepeatRows(mbar, k))
	return mixtureGroupSum(ad.Mul(w, ad.Add(vari, ad.Square(dev))), b, k, c)
}

func (d MixtureSameFamily) provides(t reflect.Type) bool {
	return wrapperProvides(d, d.Components, t)
}

// expandTo broadcasts the mixture batch (the logits' rows); the components
// are shared when they have K rows and already have B*K rows otherwise.
func (d MixtureSameFamily) expandTo(batch, event int, build bool) (Distribution, error) {
	b, k, _, c, err := d.layout()
	if err != nil {
		return nil, err
	}
	if b != batch && b != 1 {
		return nil, fmt.Errorf("dist: Expand: MixtureSameFamily has batch %d, which does not broadcast to %d", b, batch)
	}
	if c != event {
		return nil, fmt.Errorf("dist: Expand: MixtureSameFamily has event width %d, which does not broadcast to %d", c, event)
	}
	if !build {
		return nil, nil
	}
	e := d
	if b != batch {
		e.Logits = expand(d.Logits, batch, k)
	}
	return e, nil
}
