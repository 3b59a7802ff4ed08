package reparam

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Concrete (Gumbel-softmax) relaxations of discrete variables: Maddison,
// Mnih and Teh, "The Concrete distribution: a continuous relaxation of
// discrete random variables", ICLR 2017; Jang, Gu and Poole, "Categorical
// reparameterization with Gumbel-softmax", ICLR 2017. A relaxed sample is
// a smooth function of the logits, the temperature and parameter-free
// noise, so its pathwise gradient exists; as the temperature goes to 0 it
// tends to a one-hot (or 0/1) sample of the discrete distribution.

// Smallest and largest values a relaxed Bernoulli sample is clamped to,
// so that its log-density stays finite (as torch's clamp_probs does).
const (
	relaxedTiny = 0x1p-1022
	relaxedHigh = 1 - 0x1p-53
)

// RelaxedBernoulli returns n pathwise draws per batch row from the binary
// Concrete distribution with the given logits and temperature (both
// broadcast, B x C): z = σ((logits + L)/τ) with L standard logistic, an
// n*B x C value laid out as Draw's (row k*B+b from batch row b). It is one
// fused node with ∂z/∂logits = z(1-z)/τ and ∂z/∂τ = -z(1-z)(logits+L)/τ².
// z is clamped to [2^-1022, 1-2^-53] (with zero derivative where clamped)
// so that it never reaches 0 or 1.
func RelaxedBernoulli(rng *rand.Rand, logits, temperature ad.Var, n int) ad.Var {
	return relaxedBernoulli(rng, logits, temperature, n, false)
}

// RelaxedBernoulliST is RelaxedBernoulli with the straight-through
// estimator: the value is the hard sample 1[z > 1/2] (that is,
// 1[logits + L > 0], an exact Bernoulli(σ(logits)) draw), while the
// backward pass uses the derivatives of the soft z of RelaxedBernoulli.
func RelaxedBernoulliST(rng *rand.Rand, logits, temperature ad.Var, n int) ad.Var {
	return relaxedBernoulli(rng, logits, temperature, n, true)
}

func relaxedBernoulli(rng *rand.Rand, logits, temperature ad.Var, n int, hard bool) ad.Var {
	eps, r, c := Draw(rng, StdLogistic, n, logits, temperature)
	f := ad.NewFused(r, c, ad.Elementwise, logits, temperature)
	out, pl, pt := f.Out(), f.Partial(0), f.Partial(1)
	lv, tv := logits.Value(), temperature.Value()
	lr, lc := logits.Shape()
	tr, tc := temperature.Shape()
	for i := 0; i < r; i++ {
		lo, to := (i%lr)*lc, (i%tr)*tc
		for j := 0; j < c; j++ {
			k := i*c + j
			l, tau := lv[lo+min(j, lc-1)], tv[to+min(j, tc-1)]
			s := (l + eps[k]) / tau
			z := sigmoid(s)
			dz := z * sigmoid(-s) // z(1-z) without cancellation
			switch {
			case z < relaxedTiny:
				z, dz = relaxedTiny, 0
			case z > relaxedHigh:
				z, dz = relaxedHigh, 0
			}
			if hard {
				out[k] = 0
				if s > 0 {
					out[k] = 1
				}
			} else {
				out[k] = z
			}
			if pl != nil {
				pl[k] = dz / tau
			}
			if pt != nil {
				pt[k] = -dz * s / tau
			}
		}
	}
	return f.Var()
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// RelaxedOneHotCategorical returns n pathwise draws per batch row from the
// Concrete distribution with B x K logits (or 1 x K) and temperature τ
// (B x 1 or 1 x 1): z = softmax((logits + G)/τ) row-wise with G standard
// Gumbel, an n*B x K value laid out as Draw's. Entries are clamped below at
// 2^-1022 so that their logarithms stay finite. The backward pass is the
// softmax vector-Jacobian product: with s = (logits + G)/τ and output
// adjoint g, ∂/∂s_j = z_j (g_j - Σ_i g_i z_i), ∂/∂logits = ∂/∂s / τ and
// ∂/∂τ = -Σ_j ∂/∂s_j s_j / τ. It panics if temperature has more than one
// column or the rows do not broadcast.
func RelaxedOneHotCategorical(rng *rand.Rand, logits, temperature ad.Var, n int) ad.Var {
	return relaxedCategorical(rng, logits, temperature, n, false)
}

// RelaxedOneHotCategoricalST is RelaxedOneHotCategorical with the
// straight-through estimator: the value is the one-hot row of the argmax of
// logits + G (an exact categorical draw, the Gumbel-max trick), while the
// backward pass is that of the soft sample.
func RelaxedOneHotCategoricalST(rng *rand.Rand, logits, temperature ad.Var, n int) ad.Var {
	return relaxedCategorical(rng, logits, temperature, n, true)
}

func relaxedCategorical(rng *rand.Rand, logits, temperature ad.Var, n int, hard bool) ad.Var {
	lr, k := logits.Shape()
	tr, tc := temperature.Shape()
	if tc != 1 {
		panic(fmt.Sprintf("reparam: RelaxedOneHotCategorical: temperature is %dx%d, want one column", tr, tc))
	}
	if bd(lr, tr) < 0 {
		panic(fmt.Sprintf("reparam: RelaxedOneHotCategorical: logits have %d rows, temperature %d", lr, tr))
	}
	g, rows, _ := Draw(rng, StdGumbel, n, logits, temperature)
	t := tapeOf(logits, temperature)
	soft := t.Buffer(rows * k)
	lv, tv := logits.Value(), temperature.Value()
	var value []float64
	if hard {
		value = t.Buffer(rows * k)
		clear(value)
	}
	for i := 0; i < rows; i++ {
		l := lv[(i%lr)*k : (i%lr+1)*k]
		tau := tv[i%tr]
		s := g[i*k : (i+1)*k] // overwritten by the scores (l + G)/τ
		z := soft[i*k : (i+1)*k]
		m, at := math.Inf(-1), 0
		for j := range s {
			s[j] = (l[j] + s[j]) / tau
			if s[j] > m {
				m, at = s[j], j
			}
		}
		var sum float64
		for j := range s {
			z[j] = math.Exp(s[j] - m)
			sum += z[j]
		}
		for j := range z {
			z[j] = math.Max(z[j]/sum, relaxedTiny)
		}
		if hard {
			value[i*k+at] = 1
		}
	}
	if !hard {
		value = soft
	}
	vjp := func(gz []float64, in ad.Adjoints) {
		gl, gt := in.Of(0), in.Of(1)
		for i := 0; i < rows; i++ {
			z, s, gr := soft[i*k:(i+1)*k], g[i*k:(i+1)*k], gz[i*k:(i+1)*k]
			tau := tv[i%tr]
			var dot float64
			for j := range z {
				dot += gr[j] * z[j]
			}
			var dt float64
			lo := (i % lr) * k
			for j := range z {
				gs := z[j] * (gr[j] - dot)
				if gl != nil {
					gl[lo+j] += gs / tau
				}
				dt -= gs * s[j] / tau
			}
			if gt != nil {
				gt[i%tr] += dt
			}
		}
	}
	return ad.Custom(rows, k, value, vjp, logits, temperature)
}
