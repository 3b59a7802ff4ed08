package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Poisson is the Poisson distribution with mean Rate (>= 0, as in torch;
// rate 0 is the point mass at 0), applied independently to each column:
// P(X = k) = rate^k e^(-rate) / k!.
//
// The value is discrete: LogProb and CDF carry no derivative with respect
// to it (its partial is 0).
type Poisson struct{ Rate ad.Var }

// NewPoisson returns Poisson(rate) with a scalar rate, or an error if rate
// is negative or not finite.
func NewPoisson(rate float64) (Poisson, error) { return PoissonOf(scalar(rate)) }

// PoissonOf returns Poisson(rate) with the rate given as an ad value, or
// an error naming the first invalid element.
func PoissonOf(rate ad.Var) (Poisson, error) {
	d := Poisson{Rate: rate}
	return d, d.Validate()
}

func nonNegative(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// Validate checks that Rate is finite and non-negative.
func (d Poisson) Validate() error {
	return validateDecl("Poisson", d.Rate)
}

// Shape returns the batch size and event width of Rate.
func (d Poisson) Shape() (int, int) { return paramShape("Poisson", d.Rate) }

// Support returns {0, 1, 2, ...}.
func (Poisson) Support() Support { return NonNegativeInteger() }

// poissonLogPMF returns k log λ - λ - log k! with 0 log 0 = 0.
func poissonLogPMF(k, lam float64) float64 {
	var v float64
	if k != 0 {
		v = k * math.Log(lam)
	}
	return v - lam - special.Lgamma(k+1)
}

// LogProb returns Σ_j [k log rate - rate - log k!] for each row (-Inf for
// a value that is not a non-negative integer), one fused node with partial
// k/rate - 1.
func (d Poisson) LogProb(x ad.Var) ad.Var {
	rv := viewOf(d.Rate)
	return fusedTerms("Poisson", "LogProb", ad.ReduceCols, x, []ad.Var{d.Rate}, func(i, j int, k float64, g []float64, _ []bool) float64 {
		if !isCount(k) {
			return math.Inf(-1)
		}
		lam := rv.at(i, j)
		v := poissonLogPMF(k, lam)
		if !math.IsInf(v, -1) {
			g[1] = -1
			if k != 0 {
				g[1] += k / lam
			}
		}
		return v
	})
}

// Sample draws n values per batch row as a free constant: by summing
// exponential inter-arrival times for rate < 10, and otherwise by the
// transformed rejection method PTRS of Hörmann, "The transformed rejection
// method for generating Poisson random variables", Insurance: Mathematics
// and Economics 12 (1993) 39-45.
func (d Poisson) Sample(rng *rand.Rand, n int) ad.Var {
	b, c := d.Shape()
	rv := viewOf(d.Rate)
	return sampleGrid(b, c, n, func(bi, j int) float64 { return samplePoisson(rng, rv.at(bi, j)) })
}

func samplePoisson(rng *rand.Rand, lam float64) float64 {
	if lam < 10 {
		var k, t float64
		for {
			t += rng.ExpFloat64()
			if t >= lam {
				return k
			}
			k++
		}
	}
	// PTRS (Hörmann 1993, algorithm PTRS, steps 1-3).
	slam, llam := math.Sqrt(lam), math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || us < 0.013 && v > us {
			continue
		}
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -lam+k*llam-special.Lgamma(k+1) {
			return k
		}
	}
}

// Mean returns Rate broadcast to B x C.
func (d Poisson) Mean() ad.Var {
	b, c := d.Shape()
	return expand(d.Rate, b, c)
}

// Variance returns Rate broadcast to B x C.
func (d Poisson) Variance() ad.Var { return d.Mean() }

// CDF returns P(X <= x) = Q(k+1, rate) for k = floor(x) element-wise (the
// regularized upper incomplete gamma function; 0 below 0), with partial
// -P(X = k) with respect to the rate.
func (d Poisson) CDF(x ad.Var) ad.Var {
	rv := viewOf(d.Rate)
	return fusedTerms("Poisson", "CDF", ad.Elementwise, x, []ad.Var{d.Rate}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		if xv < 0 {
			return 0
		}
		k, lam := math.Floor(xv), rv.at(i, j)
		g[1] = -math.Exp(poissonLogPMF(k, lam))
		if lam == 0 {
			return 1
		}
		return mathext.GammaIncRegComp(k+1, lam)
	})
}

// Enumerate lists the masses of k = 0, 1, 2, ... for component j of batch
// row b. Once k + 2 > rate the tail bound is
// P(X = k) · (rate/(k+1)) / (1 - rate/(k+2)), from the ratio
// P(X = i+1)/P(X = i) = rate/(i+1) <= rate/(k+2) for i > k; before that
// it is 1. The enumeration ends when the bound is 0 (rate 0, or underflow).
func (d Poisson) Enumerate(b, j int) iter.Seq[MassPoint] {
	bb, c := d.Shape()
	checkComponent("Poisson", b, j, bb, c)
	lam := viewOf(d.Rate).at(b, j)
	return func(yield func(MassPoint) bool) {
		for k := 0; ; k++ {
			kf := float64(k)
			m := math.Exp(poissonLogPMF(kf, lam))
			tail := 1.0
			if lam < kf+2 {
				tail = m * (lam / (kf + 1)) / (1 - lam/(kf+2))
			}
			if !yield(MassPoint{K: k, Mass: m, Tail: tail}) || tail == 0 {
				return
			}
		}
	}
}

// Entropy returns Σ_j H(Poisson(rate)) for each batch row, by the exact
// series -Σ_k p_k log p_k over the k that carry the mass (see
// entropySeries; O(√rate) terms), with partial -Σ_k p_k log p_k (k/rate - 1).
// The masses are in the saddle-point form, so the relative accuracy stays
// near 1e-15 for large rates (checked to rate 1e6).
func (d Poisson) Entropy() ad.Var {
	rv := viewOf(d.Rate)
	return klGrid("Poisson", []ad.Var{d.Rate}, func(i, j int, g []float64, _ []bool) float64 {
		lam := rv.at(i, j)
		if lam == 0 {
			return 0
		}
		lo, up := seriesWindow(lam, math.Sqrt(lam), math.Inf(1))
		h, dh := entropySeries(lo, up, func(k float64) (float64, float64) {
			return poissonLogPMFSaddle(k, lam), k/lam - 1
		})
		g[0] = dh
		return h
	})
}
