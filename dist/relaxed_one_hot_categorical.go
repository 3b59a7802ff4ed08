package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// RelaxedOneHotCategorical is the Concrete (Gumbel-softmax) distribution
// of Maddison, Mnih and Teh (2017) and Jang, Gu and Poole (2017), a
// continuous relaxation of OneHotCategorical on the simplex of K
// categories: X = softmax((log α + G)/τ) with G standard Gumbel and
// τ = Temperature > 0. The class weights α are given as B x K Probs
// (positive; normalized by their row sums) or Logits (finite, unnormalized
// log α); exactly one is set. Temperature is B x 1 or 1 x 1.
//
// Its density with respect to Lebesgue measure on the first K-1
// coordinates of the simplex is (Maddison et al. 2017, eq. 6)
//
//	f(x) = (K-1)! τ^(K-1) Π_k α_k x_k^(-τ-1) / (Σ_i α_i x_i^(-τ))^K,
//
// the same as torch's (an ExpRelaxedCategorical pushed through exp).
type RelaxedOneHotCategorical struct{ Temperature, Probs, Logits ad.Var }

// NewRelaxedOneHotCategorical returns the Concrete distribution with a
// scalar temperature and the given class probabilities (normalized by
// their sum), or an error naming the invalid parameter.
func NewRelaxedOneHotCategorical(temperature float64, probs ...float64) (RelaxedOneHotCategorical, error) {
	return RelaxedOneHotCategoricalOf(scalar(temperature), ad.Row(append([]float64(nil), probs...)))
}

// RelaxedOneHotCategoricalLogits returns the Concrete distribution with a
// scalar temperature and the given unnormalized log-probabilities, or an
// error naming the invalid parameter.
func RelaxedOneHotCategoricalLogits(temperature float64, logits ...float64) (RelaxedOneHotCategorical, error) {
	return RelaxedOneHotCategoricalLogitsOf(scalar(temperature), ad.Row(append([]float64(nil), logits...)))
}

// RelaxedOneHotCategoricalOf returns the Concrete distribution with
// ad-valued temperature (B x 1 or 1 x 1) and B x K probabilities, or an
// error naming the first invalid element.
func RelaxedOneHotCategoricalOf(temperature, probs ad.Var) (RelaxedOneHotCategorical, error) {
	return checked(RelaxedOneHotCategorical{Temperature: temperature, Probs: probs})
}

// RelaxedOneHotCategoricalLogitsOf returns the Concrete distribution with
// ad-valued temperature and B x K logits, or an error naming the first
// invalid element.
func RelaxedOneHotCategoricalLogitsOf(temperature, logits ad.Var) (RelaxedOneHotCategorical, error) {
	return checked(RelaxedOneHotCategorical{Temperature: temperature, Logits: logits})
}

func (RelaxedOneHotCategorical) jointEvent() {}

// Validate checks that exactly one of Probs and Logits is set, with Probs
// positive and finite or Logits finite, and that Temperature is a positive
// column whose rows broadcast with them.
func (d RelaxedOneHotCategorical) Validate() error {
	return validateDecl("RelaxedOneHotCategorical", d.Temperature, d.Probs, d.Logits)
}

// Shape returns the broadcast number of rows and the number of categories.
func (d RelaxedOneHotCategorical) Shape() (int, int) {
	th, _ := pickParam("RelaxedOneHotCategorical", d.Probs, d.Logits)
	return jointRows("RelaxedOneHotCategorical", th, d.Temperature), th.Cols()
}

// Support returns the simplex.
func (RelaxedOneHotCategorical) Support() Support { return Simplex{} }

// LogProb returns log f(x) for each row: with log α normalized and
// s_k = log α_k - τ log x_k,
//
//	log f = log (K-1)! + (K-1) log τ + Σ_k (log α_k - (τ+1) log x_k) - K logsumexp(s),
//
// -Inf for a row with an entry <= 0 or a sum further than 1e-6 from 1. It
// is one fused node; with w = softmax(s) the partials are
// ∂/∂x_k = (Kτ w_k - τ - 1)/x_k (the formula's derivative in all K
// coordinates), ∂/∂τ = (K-1)/τ - Σ_k log x_k + K Σ_k w_k log x_k and
// ∂/∂logits_k = 1 - K w_k (divided by P_k for probs).
func (d RelaxedOneHotCategorical) LogProb(x ad.Var) ad.Var {
	const fam = "RelaxedOneHotCategorical"
	cp, th := catParamOf(fam, d.Probs, d.Logits)
	b, k := d.Shape()
	r := jointValueRows(fam, "LogProb", x, b, k)
	f := ad.NewFused(r, k, ad.ReduceCols, x, d.Temperature, th)
	out, px, pt, pp := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	tab := newCatTable(cp, th.Rows())
	xv, tv := viewOf(x), viewOf(d.Temperature)
	kf := float64(k)
	logK1 := special.Lgamma(kf)
	s := make([]float64, k)
	lx := make([]float64, k)
	for i := 0; i < r; i++ {
		o := xv.row(i)
		row := xv.v[o : o+k]
		ok := true
		var sum float64
		for j, v := range row {
			ok = ok && v > 0
			sum += v
			lx[j] = math.Log(v)
		}
		if !ok || math.Abs(sum-1) > 1e-6 {
			out[i] = math.Inf(-1)
			continue
		}
		tau := tv.at(i, 0)
		la := tab.lprow(i)
		m := math.Inf(-1)
		var v, slx float64
		for j := range row {
			s[j] = la[j] - tau*lx[j]
			m = math.Max(m, s[j])
			v += la[j] - (tau+1)*lx[j]
			slx += lx[j]
		}
		var z float64
		for j := range s {
			s[j] = math.Exp(s[j] - m) // unnormalized weights
			z += s[j]
		}
		lse := m + math.Log(z)
		out[i] = logK1 + (kf-1)*math.Log(tau) + v - kf*lse
		var wlx float64
		for j := range s {
			s[j] /= z // w = softmax
			wlx += s[j] * lx[j]
		}
		if px != nil {
			for j := range row {
				px[i*k+j] = (kf*tau*s[j] - tau - 1) / row[j]
			}
		}
		if pt != nil {
			pt[i*k] = (kf-1)/tau - slx + kf*wlx
		}
		if pp != nil {
			bi := i % th.Rows()
			for j := range row {
				g := 1 - kf*s[j]
				if !cp.logits {
					g /= cp.raw(bi, j)
				}
				pp[i*k+j] = g
			}
		}
	}
	return f.Var()
}

// logitsVar returns log α as an ad value (the logits, or log of the
// probabilities; the normalization does not matter to the sampler).
func (d RelaxedOneHotCategorical) logitsVar() ad.Var {
	th, lg := pickParam("RelaxedOneHotCategorical", d.Probs, d.Logits)
	if lg {
		return th
	}
	return ad.Log(th)
}

// Sample draws n rows per batch row (n*B x K) as a free constant.
func (d RelaxedOneHotCategorical) Sample(rng *rand.Rand, n int) ad.Var {
	c := RelaxedOneHotCategorical{Temperature: detach(d.Temperature), Probs: detachSet(d.Probs), Logits: detachSet(d.Logits)}
	return reparam.RelaxedOneHotCategorical(rng, c.logitsVar(), c.Temperature, n)
}

// Rsample draws n rows per batch row with
// reparam.RelaxedOneHotCategorical, differentiable with respect to the
// class parameter and the temperature.
func (d RelaxedOneHotCategorical) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.RelaxedOneHotCategorical(rng, d.logitsVar(), d.Temperature, n)
}
