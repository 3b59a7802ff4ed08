package dist

import "github.com/kldiv/kldiv/ad"

func init() {
	RegisterKL(klHalfNormalHalfNormal)
}

// klHalfNormalHalfNormal is KL(HalfNormal(s1) || HalfNormal(s2)), summed
// over columns. Both are folds of normal distributions symmetric about 0,
// so it equals KL(N(0, s1) || N(0, s2)) = ½(r² - 1 - log r²), r = s1/s2,
// evaluated as ½ special.LogRatioM1(2 log1p((s1 - s2)/s2)) for full
// relative accuracy near p = q.
func klHalfNormalHalfNormal(p, q HalfNormal) (ad.Var, error) {
	zero := scalar(0)
	return klNormalNormal(Normal{Loc: zero, Scale: p.Scale}, Normal{Loc: zero, Scale: q.Scale})
}
