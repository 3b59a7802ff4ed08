package reparam

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// StdUniform draws a uniform variate on the open interval (0, 1): one of
// the 2⁵² midpoints (k + 1/2)/2⁵², all exactly representable, so that
// logarithms and tangents of it and of 1 - it are always finite.
func StdUniform(rng *rand.Rand) float64 {
	return (float64(rng.Uint64()>>12) + 0.5) * (1.0 / (1 << 52))
}

// StdExponential draws an Exp(1) variate (ziggurat, rand.ExpFloat64).
func StdExponential(rng *rand.Rand) float64 { return rng.ExpFloat64() }

// StdLaplace draws a standard Laplace variate (density e^{-|x|}/2): an
// Exp(1) variate with a random sign.
func StdLaplace(rng *rand.Rand) float64 {
	e := rng.ExpFloat64()
	if rng.Uint64()&1 == 0 {
		return -e
	}
	return e
}

// StdGumbel draws a standard Gumbel (maximum) variate,
// -log E for E ~ Exp(1), whose CDF is exp(-e^{-x}).
func StdGumbel(rng *rand.Rand) float64 { return -math.Log(-math.Log(StdUniform(rng))) }

// StdCauchy draws a standard Cauchy variate tan(π(U - 1/2)).
func StdCauchy(rng *rand.Rand) float64 { return math.Tan(math.Pi * (StdUniform(rng) - 0.5)) }

// StdLogistic draws a standard logistic variate log(U/(1-U)), whose CDF
// is 1/(1 + e^{-x}).
func StdLogistic(rng *rand.Rand) float64 {
	u := StdUniform(rng)
	return math.Log(u) - math.Log1p(-u)
}

// Laplace returns n pathwise draws per batch row from Laplace(loc, scale)
// as loc + scale*ε with standard Laplace ε (see LocScale).
func Laplace(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	return LocScale(rng, loc, scale, n, StdLaplace)
}

// Gumbel returns n pathwise draws per batch row from Gumbel(loc, scale)
// as loc + scale*ε with standard Gumbel ε (see LocScale).
func Gumbel(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	return LocScale(rng, loc, scale, n, StdGumbel)
}

// Cauchy returns n pathwise draws per batch row from Cauchy(loc, scale)
// as loc + scale*ε with standard Cauchy ε (see LocScale).
func Cauchy(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	return LocScale(rng, loc, scale, n, StdCauchy)
}

// Logistic returns n pathwise draws per batch row from Logistic(loc,
// scale) as loc + scale*ε with standard logistic ε (see LocScale).
func Logistic(rng *rand.Rand, loc, scale ad.Var, n int) ad.Var {
	return LocScale(rng, loc, scale, n, StdLogistic)
}
