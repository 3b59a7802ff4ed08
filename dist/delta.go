package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Delta is the point mass at V (torch/pyro Delta with event_dim = 0): a
// degenerate distribution, used for MAP guides and for data that is
// known exactly. V is B x C (or broadcasts: 1 x C, B x 1, 1 x 1).
//
// LogDensity, optional (the zero ad.Var means 0), is the log-density
// assigned to each component at the point, as pyro's log_density: it
// broadcasts with V like a univariate parameter, and a row's log-density
// is the sum over its columns, the way every univariate family in kldiv
// sums its columns. A 1-column LogDensity over C columns therefore counts
// C times; to give a whole row the log-density ℓ, use a 1 x C row with ℓ
// in one column.
//
// LogProb is that sum where a row of the value equals V's row exactly and
// -Inf elsewhere. Mean is V, Variance is 0 and Entropy is 0: the entropy
// of a point mass taken with respect to counting measure (its differential
// entropy would be -Inf); keep this in mind when combining it with
// continuous entropies (CrossEntropy(Delta, q) = Σ LogDensity - log q(V)
// follows the same convention as KL).
type Delta struct{ V, LogDensity ad.Var }

// NewDelta returns the point mass at the scalar v, or an error if v is not
// finite.
func NewDelta(v float64) (Delta, error) { return DeltaOf(scalar(v), ad.Var{}) }

// DeltaOf returns the point mass at v with the given per-component
// log-density (the zero ad.Var for 0), or an error naming the first
// invalid parameter.
func DeltaOf(v, logDensity ad.Var) (Delta, error) {
	return checked(Delta{V: v, LogDensity: logDensity})
}

func (d Delta) params() []ad.Var {
	if d.LogDensity == (ad.Var{}) {
		return []ad.Var{d.V}
	}
	return []ad.Var{d.V, d.LogDensity}
}

// Validate checks that V is finite, LogDensity (when given) is not NaN
// or +Inf, and their shapes broadcast.
func (d Delta) Validate() error {
	return validateDecl("Delta", d.V, d.LogDensity)
}

// Shape returns the broadcast shape of V and LogDensity.
func (d Delta) Shape() (int, int) { return paramShape("Delta", d.params()...) }

// Support returns the real line: the point can be anywhere.
func (Delta) Support() Support { return Real{} }

// LogProb returns Σ_j LogDensity_j where row i of x equals row i of V
// (batch row i mod B) in every column, and -Inf elsewhere, as one fused
// node. Its derivative is 1 with respect to LogDensity at the point and 0
// with respect to x and V (the density is a step).
func (d Delta) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Delta", "LogProb", x, b, c)
	inputs := append([]ad.Var{x}, d.params()...)
	f := ad.NewFused(r, c, ad.ReduceCols, inputs...)
	out := f.Out()
	var pld []float64
	if len(inputs) == 3 {
		pld = f.Partial(2)
	}
	xv, vv := viewOf(x), viewOf(d.V)
	var lv view
	if d.LogDensity != (ad.Var{}) {
		lv = viewOf(d.LogDensity)
	}
	for i := 0; i < r; i++ {
		eq := true
		for j := 0; j < c; j++ {
			if xv.at(i, j) != vv.at(i, j) {
				eq = false
				break
			}
		}
		if !eq {
			out[i] = math.Inf(-1)
			continue
		}
		var acc float64
		if lv.v != nil {
			for j := 0; j < c; j++ {
				acc += lv.at(i, j)
				if pld != nil {
					pld[i*c+j] = 1
				}
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// Sample returns V repeated n times (n*B x C, row k*B+b is V's row b) as a
// free constant.
func (d Delta) Sample(_ *rand.Rand, n int) ad.Var {
	return detach(d.Rsample(nil, n))
}

// Rsample returns V repeated n times, differentiable with respect to V
// (the identity map of V for each draw).
func (d Delta) Rsample(_ *rand.Rand, n int) ad.Var {
	b, c := d.Shape()
	if n == 0 {
		return zerosLike(d.V, 0, c)
	}
	return ad.TileRows(expand(d.V, b, c), n)
}

// Mean returns V broadcast to B x C.
func (d Delta) Mean() ad.Var {
	b, c := d.Shape()
	return expand(d.V, b, c)
}

// Variance returns zeros, B x C.
func (d Delta) Variance() ad.Var {
	b, c := d.Shape()
	return zerosLike(d.V, b, c)
}

// Entropy returns zeros, B x 1: the entropy of a point mass with respect
// to counting measure (see the type's documentation).
func (d Delta) Entropy() ad.Var {
	b, _ := d.Shape()
	return zerosLike(d.V, b, 1)
}
