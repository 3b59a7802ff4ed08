package mixture

import "math"

// expTable[j] = 2^(j/32), j = 0..31.
var expTable = func() (t [32]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 32)
	}
	return t
}()

// expNonPos returns e^x for x <= 0 (the shifted log-responsibilities of
// the E step), within 2 ulp of math.Exp (TestExpNonPos): x = (32k + j)
// ln2/32 + r with |r| <= ln2/64, e^x = 2^k 2^(j/32) e^r, e^r by its
// degree-6 Taylor polynomial, added as t + t(e^r - 1) to save a rounding (truncation below 4e-18 relative; Tang 1989,
// table-driven exponential). Below -708 (where 2^k leaves the normal
// range) it defers to math.Exp.
func expNonPos(x float64) float64 {
	if x < -708 || x != x {
		return math.Exp(x)
	}
	const (
		inv   = 32 / math.Ln2
		ln2hi = 6.93147180369123816490e-01 / 32 // the high bits of ln2/32
		ln2lo = 1.90821492927058770002e-10 / 32 // ln2/32 - ln2hi
	)
	n := math.Floor(x*inv + 0.5)
	r := (x - n*ln2hi) - n*ln2lo
	ni := int64(n)
	j := ni & 31
	k := ni >> 5 // floor division
	q := r * (1 + r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	t := expTable[j]
	return math.Float64frombits(math.Float64bits(t+t*q) + uint64(k)<<52)
}
