package kernel

import "math"

// Scalar ports of the vector kernels' exp and expm1 (see Exp and Expm1),
// the pure-Go path: the same operations in the same order, so that they
// give the vector kernels' bits. They replace math.Exp and math.Expm1,
// which overflow to +Inf too early on amd64 (math.Exp(709.7413196120001)
// and math.Expm1(709.782712893384) give +Inf; the values are 1.7248e308
// and 1.7977e308).

// expmTaylor holds 1/n! for n = 2..13 (the generator's constants).
var expmTaylor = func() [12]float64 {
	var c [12]float64
	f := 1.0
	for n := 2; n <= 13; n++ {
		f *= float64(n)
		c[n-2] = 1 / f
	}
	return c
}()

const (
	expMagic = 0x1.8p52
	ln2Hi    = 6.93147180369123816490e-01
	ln2Lo    = 1.90821492927058770002e-10
)

// roundMagic rounds |v| < 2^51 to an integer, ties to even.
func roundMagic(v float64) float64 { return float64(v+expMagic) - expMagic }

// reduceGo returns k = round(x/ln2) and expm1(r), r = x - k ln2 (Cody-Waite).
func reduceGo(x float64) (k, em float64) {
	k = roundMagic(float64(math.Log2E * x))
	r := math.FMA(-k, ln2Hi, x)
	r = math.FMA(-k, ln2Lo, r)
	p := expmTaylor[len(expmTaylor)-1]
	for i := len(expmTaylor) - 2; i >= 0; i-- {
		p = math.FMA(p, r, expmTaylor[i])
	}
	return k, math.FMA(p, float64(r*r), r)
}

// pow2 returns 2^k for integral k in [-1022, 1023].
func pow2(k float64) float64 { return math.Float64frombits(uint64(int64(k)+1023) << 52) }

func expGo(x float64) float64 {
	if x != x {
		return x
	}
	k, em := reduceGo(max(min(x, 710), -746))
	y := 1 + em
	k1 := roundMagic(0.5 * k)
	return float64(y*pow2(k1)) * pow2(k-k1)
}

func expm1Go(x float64) float64 {
	if x != x || math.Abs(x) < 0x1p-54 {
		return x
	}
	k, em := reduceGo(max(min(x, 710), -40))
	t := pow2(k - 1)
	t = math.FMA(t, em, t-0.5)
	return t + t
}
