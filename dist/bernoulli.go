package dist

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/par"
)

// Bernoulli is the Bernoulli distribution on {0, 1}, applied independently
// to each column: P(X = 1) = p, given either as Probs (p in [0, 1]) or as
// Logits (log-odds log(p/(1-p)), finite); exactly one of the two is set.
// The parameter is B x C, 1 x C, B x 1 or 1 x 1.
//
// Computations use log p and log(1-p) from log-sigmoid of the logits, so
// extreme logits keep their accuracy. The value is discrete: LogProb and
// CDF give no derivative with respect to it (its partial is 0).
type Bernoulli struct{ Probs, Logits ad.Var }

// NewBernoulli returns Bernoulli(probs) with a scalar probability, or an
// error if probs is not in [0, 1].
func NewBernoulli(probs float64) (Bernoulli, error) { return BernoulliOf(scalar(probs)) }

// BernoulliLogits returns the Bernoulli distribution with scalar log-odds,
// or an error if logits is not finite.
func BernoulliLogits(logits float64) (Bernoulli, error) { return BernoulliLogitsOf(scalar(logits)) }

// BernoulliOf returns Bernoulli(probs) with probabilities given as an ad
// value, or an error naming the first invalid element.
func BernoulliOf(probs ad.Var) (Bernoulli, error) {
	return checked(Bernoulli{Probs: probs})
}

// BernoulliLogitsOf returns the Bernoulli distribution with log-odds given
// as an ad value, or an error naming the first invalid element.
func BernoulliLogitsOf(logits ad.Var) (Bernoulli, error) {
	return checked(Bernoulli{Logits: logits})
}

// Validate checks that exactly one of Probs and Logits is set, that Probs
// lies in [0, 1] and that Logits is finite.
func (d Bernoulli) Validate() error {
	return validateDecl("Bernoulli", d.Probs, d.Logits)
}

func (d Bernoulli) param() (ad.Var, bool) { return pickParam("Bernoulli", d.Probs, d.Logits) }

// Shape returns the batch size and event width of the parameter.
func (d Bernoulli) Shape() (int, int) {
	th, _ := d.param()
	return paramShape("Bernoulli", th)
}

// Support returns {0, 1}.
func (Bernoulli) Support() Support { return Boolean() }

// LogProb returns Σ_j (x log p + (1-x) log(1-p)) for each row (-Inf where a
// value is not 0 or 1), one fused node with partials x/p - (1-x)/(1-p)
// (probs) or x - p (logits).
func (d Bernoulli) LogProb(x ad.Var) ad.Var {
	th, lg := d.param()
	if lg {
		return bernoulliLogitsLogProb(x, th)
	}
	tv := viewOf(th)
	return fusedTerms("Bernoulli", "LogProb", ad.ReduceCols, x, []ad.Var{th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		if xv != 0 && xv != 1 {
			return math.Inf(-1)
		}
		b := prob2Of(tv.at(i, j), lg)
		v := b.lin(xv, 1-xv)
		if !math.IsInf(v, -1) {
			g[1] = b.grad(lg, xv, 1-xv)
		}
		return v
	})
}

// Sample draws n values per batch row as a free constant: 1 when a uniform
// variate falls below p.
func (d Bernoulli) Sample(rng *rand.Rand, n int) ad.Var {
	th, lg := d.param()
	b, c := d.Shape()
	tv := viewOf(th)
	return sampleGrid(b, c, n, func(bi, j int) float64 {
		if rng.Float64() < prob2Of(tv.at(bi, j), lg).p {
			return 1
		}
		return 0
	})
}

// Mean returns p broadcast to B x C.
func (d Bernoulli) Mean() ad.Var {
	b, c := d.Shape()
	return expand(probsVar("Bernoulli", d.Probs, d.Logits), b, c)
}

// Variance returns p(1-p) broadcast to B x C.
func (d Bernoulli) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Mul(probsVar("Bernoulli", d.Probs, d.Logits), complVar("Bernoulli", d.Probs, d.Logits)), b, c)
}

// Entropy returns -Σ_j (p log p + (1-p) log(1-p)) for each batch row, with
// 0 log 0 = 0. Its partial is log((1-p)/p) (probs; infinite at p = 0 or 1)
// or -p(1-p) logit (logits).
func (d Bernoulli) Entropy() ad.Var {
	th, lg := d.param()
	tv := viewOf(th)
	return klGrid("Bernoulli", []ad.Var{th}, func(i, j int, g []float64, _ []bool) float64 {
		b := prob2Of(tv.at(i, j), lg)
		g[0] = -b.dParam(lg, b.lp-b.lq)
		return -b.lin(b.p, b.q)
	})
}

// CDF returns P(X <= x) element-wise: 0 below 0, 1-p on [0, 1), 1 from 1,
// with partial -1 (probs) or -p(1-p) (logits) on [0, 1).
func (d Bernoulli) CDF(x ad.Var) ad.Var {
	th, lg := d.param()
	tv := viewOf(th)
	return fusedTerms("Bernoulli", "CDF", ad.Elementwise, x, []ad.Var{th}, func(i, j int, xv float64, g []float64, _ []bool) float64 {
		switch {
		case xv < 0:
			return 0
		case xv >= 1:
			return 1
		}
		b := prob2Of(tv.at(i, j), lg)
		g[1] = b.dParam(lg, -1)
		return b.q
	})
}

// Enumerate lists the masses 1-p and p of the points 0 and 1 of component
// j of batch row b.
func (d Bernoulli) Enumerate(b, j int) iter.Seq[MassPoint] {
	th, lg := d.param()
	bb, c := d.Shape()
	checkComponent("Bernoulli", b, j, bb, c)
	pr := prob2Of(viewOf(th).at(b, j), lg)
	return func(yield func(MassPoint) bool) {
		if yield(MassPoint{K: 0, Mass: pr.q, Tail: pr.p}) {
			yield(MassPoint{K: 1, Mass: pr.p, Tail: 0})
		}
	}
}

// bernoulliLogitsLogProb is the log-likelihood Σ_j x log σ(l) + (1-x)
// log σ(-l) = Σ_j x l - softplus(l) of logits l, the hot loop of logistic
// regressions and Bernoulli decoders, as one fused node with a direct loop
// (the vector exp and log1p per element, bernoulliLogitsRow; ∂/∂l = x -
// σ(l)), parallel over rows
// for large grids (internal/par: each row is computed by one worker, so the
// result does not depend on the number of workers). Values other than 0
// and 1 give -Inf.
func bernoulliLogitsLogProb(x, logits ad.Var) ad.Var {
	b, c := paramShape("Bernoulli", logits)
	r, c := grid("Bernoulli", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, logits)
	j := bernoulliJobs.Get()
	j.out, j.pl, j.c = f.Out(), f.Partial(1), c
	j.xv, j.lv = viewOf(x), viewOf(logits)
	par.For(r, max(1, (1<<14)/max(c, 1)), j.fn)
	*j = bernoulliJob{fn: j.fn}
	bernoulliJobs.Put(j)
	return f.Var()
}

// bernoulliJob holds the operands of one bernoulliLogitsLogProb call; jobs
// are pooled, with the row loop bound once as fn, so that the parallel
// loop allocates nothing per call.
type bernoulliJob struct {
	xv, lv  view
	out, pl []float64
	c       int
	fn      func(lo, hi int)
}

var bernoulliJobs = par.Pool[bernoulliJob]{New: func() *bernoulliJob {
	j := new(bernoulliJob)
	j.fn = j.rows
	return j
}}

func (k *bernoulliJob) rows(lo, hi int) {
	for i := lo; i < hi; i++ {
		k.out[i] = bernoulliLogitsRow(k.pl, k.xv, k.lv, k.c, i)
	}
}

// bernoulliLogitsRow returns Σ_j x l - softplus(l) over row i of the grid
// (-Inf if a value is not 0 or 1) and writes x - σ(l) into pl if it is not
// nil (zeros for a row that is -Inf or NaN). Contiguous rows go to
// kernel.BernoulliLogits (one fused pass, the sum in 8 interleaved
// partials). Other rows, and rows with a label other than 0 or 1 or a
// non-finite logit, go in blocks of 512 columns on the stack: exp(-|l|)
// by kernel.Exp, then log1p of it by kernel.Log1p (softplus(l) = max(l,
// 0) + log1p(exp(-|l|))), then one branch-free loop
// (bernoulliLogitsBlock), the sum in order.
func bernoulliLogitsRow(pl []float64, xv, lv view, c, i int) float64 {
	xo, lo2 := xv.row(i), lv.row(i)
	if xv.cs == 1 && lv.cs == 1 {
		// Contiguous rows: one pass of the fused kernel; labels other
		// than 0 and 1 and non-finite logits take the loop below.
		var g []float64
		if pl != nil {
			g = pl[i*c : (i+1)*c]
		}
		if s, ok := kernel.BernoulliLogits(g, xv.v[xo:xo+c], lv.v[lo2:lo2+c]); ok {
			return s
		}
	}
	var eb, sb, yb, lb [512]float64
	var acc float64
	bad := false
	for j0 := 0; j0 < c; j0 += len(eb) {
		j1 := min(j0+len(eb), c)
		e, sps := eb[:j1-j0], sb[:j1-j0]
		ys, ls := yb[:j1-j0], lb[:j1-j0]
		if xv.cs == 1 {
			ys = xv.v[xo+j0 : xo+j1]
		} else {
			for j := range ys {
				ys[j] = xv.v[xo+(j0+j)*xv.cs]
			}
		}
		if lv.cs == 1 {
			ls = lv.v[lo2+j0 : lo2+j1]
		} else {
			for j := range ls {
				ls[j] = lv.v[lo2+(j0+j)*lv.cs]
			}
		}
		for j, l := range ls {
			e[j] = -math.Abs(l)
		}
		kernel.Exp(e, e)
		kernel.Log1p(sps, e)
		var g []float64
		if pl != nil {
			g = pl[i*c+j0 : i*c+j1]
		}
		a, ok := bernoulliLogitsBlock(g, ys, ls, e, sps, acc)
		acc = a
		bad = bad || !ok
	}
	if bad || math.IsNaN(acc) {
		if bad {
			acc = math.Inf(-1)
		}
		if pl != nil {
			clear(pl[i*c : (i+1)*c])
		}
	}
	return acc
}

// bernoulliLogitsBlock adds y l - softplus(l) = min(l, 0) - sp (y = 1) or
// -max(l, 0) - sp (y = 0) for each element of the block to acc, in order,
// with e = exp(-|l|) and sp = log1p(e), and sets g[j] = y - σ(l), σ(l) =
// 1/(1+e) (l >= 0) or e/(1+e) (l < 0), if g is not nil. It reports false
// if a label is not 0 or 1. The loop has no data-dependent branch (labels
// and the signs of logits are random in a regression, so branches would
// mispredict half the time): min(l, 0), max(l, 0) and the numerator of σ
// are selected by the sign bit, and y l - max(l, 0) is written y min(l,
// 0) - (1-y) max(l, 0), which is exact for y in {0, 1} and finite l; a
// block with a non-finite logit takes bernoulliLogitsSlow, the same terms
// by branches.
func bernoulliLogitsBlock(g, ys, ls, e, sps []float64, acc float64) (float64, bool) {
	acc0 := acc
	var chk, fin float64
	for j, l := range ls {
		y := ys[j]
		lb := math.Float64bits(l)
		mask := uint64(int64(lb) >> 63) // all ones where l < 0 (or -0)
		neg := math.Float64frombits(lb & mask)
		pos := math.Float64frombits(lb &^ mask)
		acc += (y*neg - (1-y)*pos) - sps[j]
		chk += math.Abs(y * (1 - y))
		fin += l - l
		if g != nil {
			num := math.Float64frombits(math.Float64bits(e[j])&mask | math.Float64bits(1)&^mask)
			g[j] = y - num/(1+e[j])
		}
	}
	if fin != 0 || chk != 0 {
		// A non-finite logit, or a label not in {0, 1} (chk is then
		// nonzero or NaN): redo the block by branches.
		return bernoulliLogitsSlow(g, ys, ls, e, sps, acc0)
	}
	return acc, true
}

// bernoulliLogitsSlow is bernoulliLogitsBlock by branches, for blocks with
// a non-finite logit or an invalid label.
func bernoulliLogitsSlow(g, ys, ls, e, sps []float64, acc float64) (float64, bool) {
	ok := true
	for j, l := range ls {
		y, ej, sp := ys[j], e[j], sps[j]
		switch y {
		case 1:
			acc += min(l, 0) - sp
		case 0:
			acc -= max(l, 0) + sp
		default:
			ok = false
		}
		if g != nil {
			sig := 1 / (1 + ej) // σ(|l|)
			if l < 0 {
				sig = ej / (1 + ej)
			}
			g[j] = y - sig
		}
	}
	return acc, ok
}
