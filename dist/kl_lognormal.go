package dist

import "github.com/kldiv/kldiv/ad"

func init() {
	RegisterKL(klLogNormalLogNormal)
}

// klLogNormalLogNormal is KL(LogNormal(m1, s1) || LogNormal(m2, s2)),
// summed over columns. KL is invariant under the bijection log, so it is
// the normal divergence ½(r² - 1 - log r² + δ²) with r = s1/s2 and
// δ = (m1 - m2)/s2. r² - 1 - log r² is special.LogRatioM1(d) with
// d = 2 log1p((s1 - s2)/s2), which keeps full relative accuracy when
// s1 ≈ s2.
func klLogNormalLogNormal(p, q LogNormal) (ad.Var, error) {
	return klNormalNormal(Normal(p), Normal(q))
}
