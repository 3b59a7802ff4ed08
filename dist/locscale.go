package dist

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
)

// Helpers shared by the location/scale families (Laplace, Gumbel, Cauchy,
// HalfCauchy, LogNormal, HalfNormal, Uniform, Exponential, Pareto,
// Weibull) and their KL pairs.

// checkLess returns a ParamError naming hiName for the first element of
// the broadcast grid where lo >= hi. Shapes must already broadcast.
func checkLess(family, loName, hiName string, lo, hi ad.Var) error {
	b, c := paramShape(family, lo, hi)
	lv, hv := viewOf(lo), viewOf(hi)
	hr, hc := hi.Shape()
	for i := 0; i < b; i++ {
		for j := 0; j < c; j++ {
			if l, h := lv.at(i, j), hv.at(i, j); !(l < h) {
				return &ParamError{Family: family, Param: hiName, Index: (i%hr)*hc + min(j, hc-1), Value: h,
					Want: fmt.Sprintf("> %s (%v)", loName, l)}
			}
		}
	}
	return nil
}

// constLike returns a free b x c constant with every element x (no
// gradient), for moments that are constants such as a Cauchy mean.
func constLike(b, c int, x float64) ad.Var { return ad.Full(b, c, x) }

// signum returns -1, 0 or 1 as x is negative, zero or positive.
func signum(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// Constants of the location/scale families.
const (
	logPi         = 1.1447298858494001741434273513530587 // log π
	log2Pi        = 1.8378770664093454835606594728112353 // log 2π
	log4Pi        = 2.5310242469692907929778915942694118 // log 4π
	halfLogHalfPi = 0.2257913526447274323630976149474411 // ½ log(π/2)
	sqrt2OverPi   = 0.7978845608028653558798921198687637 // √(2/π)
)
