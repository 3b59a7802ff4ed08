package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/par"
)

// BernoulliLinear is the Bernoulli distribution whose logits are the
// linear predictor l = W Xᵀ: the likelihood of a logistic regression (a
// generalized linear model with the logit link) for R weight vectors at
// once. Weights W is R x D (one row per particle or batch member), Design
// X a fixed N x D matrix (one row per observation); the distribution is
// R x N, with P(Y_rn = 1) = σ(w_r · x_n). It is Bernoulli{Logits: W Xᵀ},
// computed without the R x N logits in memory.
//
// LogProb of labels shared by the R rows (1 x N) or given per row (R x N)
// is one fused node that goes through X once, in blocks of rows small
// enough for the cache: per block, the logits by one matrix product, the
// log-likelihood terms and their derivative y - σ(l) by
// kernel.BernoulliLogits, and the block's share of the gradient with
// respect to W, (y - σ(l)) X, by a second product while the block is
// still in cache. The unfused form reads X twice (the product and, in the
// backward pass, the gradient) and stores the logits and their partials.
// Blocks are fixed by N, and their sums are added in order, so the result
// does not depend on GOMAXPROCS; it differs from Bernoulli{Logits: W Xᵀ}
// by the rounding of the sums. Other label shapes, labels other than 0
// and 1, and non-finite logits take the unfused form.
//
// Validate checks the shapes and that W is finite; X is not scanned at
// each call (check it once, as models.LogisticRegression.Validate does): a
// non-finite X gives non-finite log-probabilities.
type BernoulliLinear struct {
	Weights ad.Var
	Design  ad.Matrix
}

// Validate checks that Weights has as many columns as Design, that Design
// holds Rows*Cols values, and that Weights is finite.
func (d BernoulliLinear) Validate() error {
	if d.Weights == (ad.Var{}) {
		return fmt.Errorf("dist: BernoulliLinear: Weights not set")
	}
	r, c := d.Weights.Shape()
	x := d.Design
	if x.Rows < 1 || x.Cols != c || len(x.Data) != x.Rows*x.Cols {
		return fmt.Errorf("dist: BernoulliLinear: Weights is %dx%d, Design %dx%d with %d values; want Design N x %d", r, c, x.Rows, x.Cols, len(x.Data), c)
	}
	for i, v := range d.Weights.Value() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dist: BernoulliLinear: Weights[%d][%d] = %v, want finite", i/c, i%c, v)
		}
	}
	return nil
}

// Shape returns R (the rows of Weights) and N (the rows of Design).
func (d BernoulliLinear) Shape() (int, int) { return d.Weights.Rows(), d.Design.Rows }

// Support returns {0, 1}.
func (BernoulliLinear) Support() Support { return Boolean() }

// Logits returns the R x N logits W Xᵀ as an ad value.
func (d BernoulliLinear) Logits() ad.Var {
	x := d.Design
	return ad.MatMulTrans(d.Weights, false, ad.Const(x.Rows, x.Cols, x.Data), true)
}

// Sample draws n values per row as a free constant, as Bernoulli with
// the logits W Xᵀ.
func (d BernoulliLinear) Sample(rng *rand.Rand, n int) ad.Var {
	return Bernoulli{Logits: ad.Detach(d.Logits())}.Sample(rng, n)
}

// bernoulliLinearBlock is the number of rows of the design per block of
// BernoulliLinear's fused log-likelihood: 128 rows of 50 features (W3's
// shape) are 50 KB, about L1.
const bernoulliLinearBlock = 128

// LogProb returns Σ_n y_rn l_rn - softplus(l_rn) for each row r (R x 1),
// l = W Xᵀ, -Inf where a label is not 0 or 1; see the type's comment.
func (d BernoulliLinear) LogProb(x ad.Var) ad.Var {
	r, n := d.Shape()
	xr, xc := x.Shape()
	if xc != n || (xr != 1 && xr != r) {
		return Bernoulli{Logits: d.Logits()}.LogProb(x)
	}
	w, des := d.Weights, d.Design
	dd := des.Cols
	blocks := (n + bernoulliLinearBlock - 1) / bernoulliLinearBlock
	t := tapeOfVars(w, x)
	j := bernoulliLinearJobs.Get()
	defer bernoulliLinearJobs.Put(j)
	j.w, j.x, j.y, j.r, j.n, j.d = w.Value(), des.Data, x.Value(), r, n, dd
	j.ystride = 0
	if xr == r && r > 1 {
		j.ystride = n
	}
	j.vals = t.Buffer(blocks * r)
	j.parts = t.Buffer(blocks * r * dd)
	j.bad.Store(false)
	par.For(blocks, 2, j.fn)
	if j.bad.Load() {
		return Bernoulli{Logits: d.Logits()}.LogProb(x)
	}
	val := t.Buffer(r)
	clear(val)
	grad := t.Buffer(r * dd)
	clear(grad)
	for b := range blocks {
		for i := range r {
			val[i] += j.vals[b*r+i]
		}
		for i, v := range j.parts[b*r*dd : (b+1)*r*dd] {
			grad[i] += v
		}
	}
	j.w, j.x, j.y, j.vals, j.parts = nil, nil, nil, nil, nil
	return ad.Custom(r, 1, val, func(g []float64, in ad.Adjoints) {
		aw := in.Of(0)
		if aw == nil {
			return
		}
		for i := range r {
			gi := g[i]
			row, dst := grad[i*dd:(i+1)*dd], aw[i*dd:(i+1)*dd]
			for k, v := range row {
				dst[k] += gi * v
			}
		}
	}, w, x)
}

// tapeOfVars returns the tape of the first value on one, or nil.
func tapeOfVars(vs ...ad.Var) *ad.Tape {
	for _, v := range vs {
		if t := v.Tape(); t != nil {
			return t
		}
	}
	return nil
}

// bernoulliLinearJob holds the operands of one BernoulliLinear.LogProb
// call: per block b, vals[b*r+i] is block b's log-likelihood of row i and
// parts[b*r*d:] its r x d share of the gradient.
type bernoulliLinearJob struct {
	w, x, y     []float64
	r, n, d     int
	ystride     int
	vals, parts []float64
	bad         atomic.Bool
	fn          func(lo, hi int)
	scratch     par.Pool[[]float64]
}

var bernoulliLinearJobs = par.Pool[bernoulliLinearJob]{New: func() *bernoulliLinearJob {
	j := new(bernoulliLinearJob)
	j.fn = j.blocks
	return j
}}

// blocks computes blocks [lo, hi): the logits L = W X_bᵀ (r x nb), the
// terms and G = y - σ(L) by kernel.BernoulliLogits row by row, and G X_b.
func (j *bernoulliLinearJob) blocks(lo, hi int) {
	bs := bernoulliLinearBlock
	sp := j.scratch.Get()
	if len(*sp) < 2*j.r*bs+2*bs {
		*sp = make([]float64, 2*j.r*bs+2*bs)
	}
	lg, gr, work := (*sp)[:j.r*bs], (*sp)[j.r*bs:2*j.r*bs], (*sp)[2*j.r*bs:]
	for b := lo; b < hi; b++ {
		n0 := b * bs
		nb := min(bs, j.n-n0)
		xb := j.x[n0*j.d : (n0+nb)*j.d]
		kernel.Dgemm(false, true, j.r, nb, j.d, 1, j.w, j.d, xb, j.d, 0, lg, nb)
		for i := range j.r {
			yo := i*j.ystride + n0
			s, ok := kernel.BernoulliLogitsWork(gr[i*nb:(i+1)*nb], j.y[yo:yo+nb], lg[i*nb:(i+1)*nb], work)
			if !ok {
				j.bad.Store(true)
				s = 0
			}
			j.vals[b*j.r+i] = s
		}
		kernel.Dgemm(false, false, j.r, j.d, nb, 1, gr, nb, xb, j.d, 0, j.parts[b*j.r*j.d:(b+1)*j.r*j.d], j.d)
	}
	j.scratch.Put(sp)
}
