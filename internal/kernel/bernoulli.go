package kernel

import "math"

// BernoulliLogits returns the Bernoulli log-likelihood Σ_i y_i l_i -
// softplus(l_i) of labels y in {0, 1} with logits l, over i < len(l), and
// sets g[i] = y_i - σ(l_i), its derivative in l_i, when g is not nil. It
// is the hot loop of logistic regressions and of Bernoulli decoders. ok is
// false, and the results are unspecified, when a label is not 0 or 1 or a
// logit is not finite; callers then use the scalar formula. It panics if
// y or g is shorter than l.
//
// Each term is (y min(l, 0) - (1-y) max(l, 0)) - log1p(e), e = exp(-|l|)
// (exact rewriting of y l - max(l, 0) for y in {0, 1} and finite l;
// softplus as in Softplus), and σ(l) = 1/(1+e) for l >= 0, e/(1+e) for l <
// 0 (as in Sigmoid), so the terms carry Exp's and Log1p's accuracy; min,
// max and the numerator are selected by the sign bit, without branches.
// The sum is taken in 8 interleaved partial sums (term i into partial i
// mod 8, in order), added in order at the end, on every path: the result
// depends only on the input, not on how a caller splits its rows over
// goroutines. Blocks of fusedBlock values go through Exp (of -|l|, in one
// pass) and Log1p, then one loop (AVX-512, or bernoulliLogitsGo: the same operations, the same
// bits).
func BernoulliLogits(g, y, l []float64) (sum float64, ok bool) {
	checkLen("BernoulliLogits", len(l), y, g)
	var gb, work [2 * fusedBlock]float64
	if g == nil {
		return bernoulliLogits(nil, gb[:min(len(l), fusedBlock)], y, l, work[:])
	}
	return bernoulliLogits(g, nil, y, l, work[:])
}

// BernoulliLogitsWork is BernoulliLogits with a non-nil g and caller
// scratch work of at least 2 min(len(l), 512) values, for callers that
// call it on many short slices (the stack buffers of BernoulliLogits are
// zeroed at each call). It panics if y, g or work is too short.
func BernoulliLogitsWork(g, y, l, work []float64) (sum float64, ok bool) {
	checkLen("BernoulliLogitsWork", len(l), y, g)
	if g == nil || len(work) < 2*min(len(l), fusedBlock) {
		panic("kernel: BernoulliLogitsWork: nil g or short work")
	}
	return bernoulliLogits(g, nil, y, l, work)
}

// bernoulliLogits is BernoulliLogits with scratch: gb for the gradient of
// a block when g is nil, work for exp(-|l|) and log1p of it.
func bernoulliLogits(g, gb, y, l, work []float64) (sum float64, ok bool) {
	n := len(l)
	var acc [24]float64
	for lo := 0; lo < n; lo += fusedBlock {
		hi := min(lo+fusedBlock, n)
		var gs []float64
		if g != nil {
			gs = g[lo:hi]
		} else {
			gs = gb[:hi-lo]
		}
		ls, ys := l[lo:hi], y[lo:hi]
		es, sps := work[:len(ls)], work[len(ls):2*len(ls)]
		expNegAbs(es, ls)
		Log1p(sps, es)
		k := 0
		if vecLanes == 8 {
			// hi-lo is a multiple of 8 except at the end, so term i
			// goes to partial i mod 8 on both paths.
			k = len(ls) - len(ls)%8
			if k > 0 {
				bernoulliLogitsVec(&gs[0], &ys[0], &ls[0], &es[0], &sps[0], k, &acc)
			}
		}
		if k < len(ls) {
			bernoulliLogitsGo(gs[k:], ys[k:], ls[k:], es[k:], sps[k:], &acc, k)
		}
	}
	var chk, fin float64
	for i := range 8 {
		sum += acc[i]
		chk += acc[8+i]
		fin += acc[16+i]
	}
	return sum, chk == 0 && fin == 0
}

// bernoulliLogitsGo is BernoulliLogits's loop over a block, with e =
// exp(-|l|) and sp = log1p(e) given, term i going to partial (lane+i) mod
// 8 of acc (acc[8:16] gains |y(1-y)|, acc[16:24] l - l).
func bernoulliLogitsGo(g, y, l, e, sp []float64, acc *[24]float64, lane int) {
	one := math.Float64bits(1)
	for i, li := range l {
		yi := y[i]
		lb := math.Float64bits(li)
		mask := uint64(int64(lb) >> 63) // all ones where the sign bit is set
		neg := math.Float64frombits(lb & mask)
		pos := math.Float64frombits(lb &^ mask)
		om := 1 - yi
		j := (lane + i) & 7
		acc[j] += (yi*neg - pos*om) - sp[i]
		acc[8+j] += math.Abs(om * yi)
		acc[16+j] += li - li
		num := math.Float64frombits(math.Float64bits(e[i])&mask | one&^mask)
		g[i] = yi - num/(1+e[i])
	}
}
