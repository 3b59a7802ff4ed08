package mixture

import "math"

// expBits is log2 of the size of expTable.
const (
	expBits = 8
	expN    = 1 << expBits
)

// expTable[j] = 2^(j/expN), j = 0..expN-1 (2 KB, in L1 during the E step).
var expTable = func() (t [expN]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / expN)
	}
	return t
}()

// expNonPos returns e^x for x <= 0 (the shifted log-responsibilities of
// the E step), within 2 ulp of math.Exp (TestExpNonPos). Below -708 (where
// the scale 2^k of expCore leaves the normal range) and for NaN it defers
// to math.Exp.
func expNonPos(x float64) float64 {
	if x < -708 || x != x {
		return math.Exp(x)
	}
	return expCore(x)
}

// expCore is e^x for -708 <= x <= 0 (Tang 1989, table-driven exponential):
// x = (256k + j) ln2/256 + r with |r| <= ln2/512, e^x = 2^k 2^(j/256) e^r,
// e^r - 1 by its degree-4 Taylor polynomial (truncation below
// (ln2/512)^5/120 = 4e-17 relative, a third of an ulp), added as t + t(e^r
// - 1) to save a rounding. n = 256k + j is rounded to the nearest integer
// by adding 1.5·2^52, whose low mantissa bits are then n in two's
// complement: no Floor and no float-to-int conversion. ln2hi has 32
// significant bits, so n·ln2hi is exact for |n| < 2^21 (here |n| < 2^18).
// eStep2 has an inlined copy (the compiler does not inline it).
func expCore(x float64) float64 {
	const (
		inv   = expN / math.Ln2
		magic = 0x1.8p52
		ln2hi = 6.93147180369123816490e-01 / expN // the high bits of ln2/expN
		ln2lo = 1.90821492927058770002e-10 / expN // ln2/expN - ln2hi
	)
	t := x*inv + magic
	n := t - magic
	b := math.Float64bits(t)
	r := (x - n*ln2hi) - n*ln2lo
	q := r * (1 + r*(1.0/2+r*(1.0/6+r*(1.0/24))))
	s := expTable[b&(expN-1)]
	// (b>>expBits)<<52 is k<<52: the bits of 1.5·2^52 shift out.
	return math.Float64frombits(math.Float64bits(s+s*q) + (b>>expBits)<<52)
}
