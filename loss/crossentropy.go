package loss

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// CEOptions are the options of CrossEntropy and CrossEntropySoft, as in
// torch.nn.functional.cross_entropy. The zero value is the mean over rows
// without label smoothing.
type CEOptions struct {
	// Reduction combines the per-row losses: BatchMean and Mean both give
	// the mean over rows (one term per row), Sum the sum, None the R x 1
	// column of per-row losses.
	Reduction Reduction
	// LabelSmoothing ε in [0, 1] replaces each target distribution t by
	// (1 − ε) t + ε/C (Szegedy et al. 2016), as torch's label_smoothing.
	LabelSmoothing float64
}

func (o CEOptions) fused(r, c int) (ad.Reduction, float64) {
	if !(o.LabelSmoothing >= 0 && o.LabelSmoothing <= 1) {
		panic(fmt.Sprintf("loss: label smoothing %g outside [0, 1]", o.LabelSmoothing))
	}
	if o.Reduction == None {
		return ad.ReduceCols, 1
	}
	if o.Reduction == Sum {
		return ad.ReduceAll, 1
	}
	return ad.ReduceAll, 1 / float64(r)
}

// CrossEntropy returns the cross-entropy of hard labels under the
// categorical distributions softmax(logits): per row
// −log softmax(logits_i)[labels[i]], or with label smoothing ε
// −(1 − ε) log q_y − (ε/C) Σ_j log q_j, reduced by opt. logits is R x C
// and labels has R entries in [0, C). One fused node; its gradient in the
// logits is softmax − t for the (smoothed) one-hot target t. It panics if
// len(labels) != R, a label is outside [0, C) or the smoothing is outside
// [0, 1].
func CrossEntropy(logits ad.Var, labels []int, opt CEOptions) ad.Var {
	r, c := logits.Shape()
	if len(labels) != r {
		panic(fmt.Sprintf("loss: CrossEntropy: %d labels for %d rows", len(labels), r))
	}
	for i, y := range labels {
		if y < 0 || y >= c {
			panic(fmt.Sprintf("loss: CrossEntropy: labels[%d] = %d outside [0, %d)", i, y, c))
		}
	}
	eps := opt.LabelSmoothing
	return crossEntropy(logits, ad.Var{}, opt, func(i, j int) float64 {
		t := eps / float64(c)
		if j == labels[i] {
			t += 1 - eps
		}
		return t
	})
}

// CrossEntropySoft returns the cross-entropy −Σ_j t_ij log softmax(logits_i)_j
// of soft targets t (R x C probability rows, differentiable too), reduced
// by opt; with label smoothing t becomes (1 − ε) t + ε/C. For probability
// rows t it equals H(t) + KL(t ‖ softmax(logits)) (see Entropy). One fused
// node: the gradient is softmax·Σt − t in the logits and −log softmax in
// the target. It panics if the shapes differ.
func CrossEntropySoft(logits, target ad.Var, opt CEOptions) ad.Var {
	r, c := logits.Shape()
	if rt, ct := target.Shape(); rt != r || ct != c {
		panic(fmt.Sprintf("loss: CrossEntropySoft: logits %dx%d and target %dx%d differ", r, c, rt, ct))
	}
	tv := target.Value()
	eps := opt.LabelSmoothing
	return crossEntropy(logits, target, opt, func(i, j int) float64 {
		return (1-eps)*tv[i*c+j] + eps/float64(c)
	})
}

// crossEntropy records −Σ_j t(i, j) log softmax(z_i)_j; target, when
// valid, is the differentiable soft target read by t (before smoothing).
func crossEntropy(logits, target ad.Var, opt CEOptions, t func(i, j int) float64) ad.Var {
	r, c := logits.Shape()
	red, s := opt.fused(r, c)
	var f ad.Fused
	if target == (ad.Var{}) {
		f = ad.NewFused(r, c, red, logits)
	} else {
		f = ad.NewFused(r, c, red, logits, target)
	}
	out, dz := f.Out(), f.Partial(0)
	var dt []float64
	if target != (ad.Var{}) {
		dt = f.Partial(1)
	}
	z := logits.Value()
	lq := make([]float64, c)
	var total float64
	for i := range r {
		logSoftmaxRow(lq, z[i*c:(i+1)*c])
		var row, tsum float64
		for j := range c {
			tj := t(i, j)
			tsum += tj
			if tj != 0 {
				row -= tj * lq[j]
			}
		}
		if red == ad.ReduceCols {
			out[i] = row
		} else {
			total += row
		}
		for j := range c {
			k := i*c + j
			if dz != nil {
				dz[k] = s * (math.Exp(lq[j])*tsum - t(i, j))
			}
			if dt != nil {
				dt[k] = -s * (1 - opt.LabelSmoothing) * lq[j]
			}
		}
	}
	if red == ad.ReduceAll {
		out[0] = s * total
	}
	return f.Var()
}

// CrossEntropyFloats is CrossEntropy on a plain row-major R x C slice of
// logits: the reduced loss (for None, the sum of the per-row losses).
func CrossEntropyFloats(logits []float64, cols int, labels []int, opt CEOptions) float64 {
	rows := checkCols("CrossEntropyFloats", len(logits), cols)
	v := CrossEntropy(ad.Const(rows, cols, logits), labels, opt)
	var s float64
	for _, x := range v.Value() {
		s += x
	}
	return s
}

// BCEWithLogits returns torch.nn.functional.binary_cross_entropy_with_logits:
// the terms max(x, 0) − x·y + log(1 + e^{−|x|}) = −[y log σ(x) + (1 − y)
// log(1 − σ(x))] for logits x and targets y in [0, 1] of the same shape,
// computed without overflow, reduced by red (Mean over every element is
// torch's default; BatchMean divides by the rows). One fused node; the
// gradient is σ(x) − y in x and −x in y. It panics if the shapes differ.
func BCEWithLogits(logits, target ad.Var, red Reduction) ad.Var {
	r, c := logits.Shape()
	if rt, ct := target.Shape(); rt != r || ct != c {
		panic(fmt.Sprintf("loss: BCEWithLogits: logits %dx%d and target %dx%d differ", r, c, rt, ct))
	}
	fr := ad.ReduceAll
	if red == None {
		fr = ad.Elementwise
	}
	s := red.scale(r, c)
	f := ad.NewFused(r, c, fr, logits, target)
	out, dx, dy := f.Out(), f.Partial(0), f.Partial(1)
	x, y := logits.Value(), target.Value()
	var total float64
	for k := range x {
		term := max(x[k], 0) - x[k]*y[k] + math.Log1p(math.Exp(-math.Abs(x[k])))
		if fr == ad.Elementwise {
			out[k] = term
		} else {
			total += term
		}
		if dx != nil {
			dx[k] = s * (sigmoid(x[k]) - y[k])
		}
		if dy != nil {
			dy[k] = -s * x[k]
		}
	}
	if fr != ad.Elementwise {
		out[0] = s * total
	}
	return f.Var()
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Entropy returns the entropy H(p) = −Σ_j p_j log p_j (nats) of each row
// of p = softmax(logits), R x 1, as one fused node with gradient
// −p_j (log p_j + H) in the logits.
func Entropy(logits ad.Var) ad.Var {
	r, c := logits.Shape()
	f := ad.NewFused(r, c, ad.ReduceCols, logits)
	out, dz := f.Out(), f.Partial(0)
	z := logits.Value()
	lp := make([]float64, c)
	for i := range r {
		logSoftmaxRow(lp, z[i*c:(i+1)*c])
		h := entropyLog(lp)
		out[i] = h
		if dz != nil {
			for j := range c {
				p := math.Exp(lp[j])
				if p > 0 {
					dz[i*c+j] = -p * (lp[j] + h)
				}
			}
		}
	}
	return f.Var()
}

// entropyLog returns −Σ p log p from log-probabilities, 0 log 0 = 0.
func entropyLog(lp []float64) float64 {
	var h float64
	for _, l := range lp {
		if !math.IsInf(l, -1) {
			h -= math.Exp(l) * l
		}
	}
	return h
}

// EntropyRow returns the entropy (nats) of softmax(logits) for one row of
// logits (log-probabilities are logits too).
func EntropyRow(logits []float64) float64 {
	lp := make([]float64, len(logits))
	logSoftmaxRow(lp, logits)
	return entropyLog(lp)
}

// CrossEntropyRow returns H(p, q) = −Σ_j p_j log q_j for p = softmax(zp),
// q = softmax(zq), one row of logits each: H(p) + KL(p ‖ q). It is +Inf
// when q_j = 0 < p_j.
func CrossEntropyRow(zp, zq []float64) float64 {
	if len(zp) != len(zq) {
		panic(fmt.Sprintf("loss: CrossEntropyRow: %d and %d categories", len(zp), len(zq)))
	}
	lp, lq := make([]float64, len(zp)), make([]float64, len(zq))
	logSoftmaxRow(lp, zp)
	logSoftmaxRow(lq, zq)
	var h float64
	for j := range lp {
		if !math.IsInf(lp[j], -1) {
			h -= math.Exp(lp[j]) * lq[j]
		}
	}
	return h
}
