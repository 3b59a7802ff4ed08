package loss

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// KLDivOptions are the options of KLDiv, as in
// torch.nn.functional.kl_div. The zero value is reduction BatchMean with
// target probabilities.
type KLDivOptions struct {
	// Reduction combines the pointwise terms; BatchMean (the zero value)
	// gives the mean KL divergence per row.
	Reduction Reduction
	// LogTarget says the target holds log-probabilities (torch's
	// log_target=True).
	LogTarget bool
}

// KLDiv returns torch.nn.functional.kl_div(input, target): the pointwise
// terms
//
//	target · (log target − input)          (probabilities as target)
//	exp(target) · (target − input)          (LogTarget)
//
// reduced by opt.Reduction. input holds log-probabilities log q (one
// distribution per row), target the probabilities p (or log p), so that
// with BatchMean the result is the mean over rows of KL(p ‖ q) =
// Σ_j p_j (log p_j − log q_j). Note the argument order: the model's
// log-probabilities come first, the reference distribution second, and the
// divergence is KL(target ‖ input).
//
// 0 · log 0 = 0: a term with target 0 (exp(target) = 0 in log-target mode)
// is 0 whatever the input, also for input −Inf, where torch gives NaN. A
// negative target gives NaN, as torch's xlogy does. Mean divides by every
// element (rows × columns) as torch does, which is not a KL divergence;
// BatchMean is the default because it is.
//
// input and target broadcast (ad.BroadcastShape). The result is 1 x 1, or
// the broadcast shape with None, and is one fused node differentiable in
// both arguments: ∂/∂input = −p, ∂/∂target = log p + 1 − input (taken as 0
// where p = 0), and exp(t)(t − input + 1) in log-target mode. Passing
// probabilities as input is the common mistake; KLDivChecked reports it
// and KLDivLogits cannot be misused. It panics if the shapes do not
// broadcast.
func KLDiv(input, target ad.Var, opt KLDivOptions) ad.Var {
	ri, ci := input.Shape()
	rt, ct := target.Shape()
	r, c, ok := ad.BroadcastShape(ri, ci, rt, ct)
	if !ok {
		panic(fmt.Sprintf("loss: KLDiv: input %dx%d and target %dx%d do not broadcast", ri, ci, rt, ct))
	}
	red := ad.ReduceAll
	if opt.Reduction == None {
		red = ad.Elementwise
	}
	s := opt.Reduction.scale(r, c)
	f := ad.NewFused(r, c, red, input, target)
	out, dx, dt := f.Out(), f.Partial(0), f.Partial(1)
	x, t := input.Value(), target.Value()
	var total float64
	for i := range r {
		for j := range c {
			xv := x[(i%ri)*ci+j%ci]
			tv := t[(i%rt)*ct+j%ct]
			term, gx, gt := kldivTerm(xv, tv, opt.LogTarget)
			k := i*c + j
			if red == ad.Elementwise {
				out[k] = term
			} else {
				total += term
			}
			if dx != nil {
				dx[k] = s * gx
			}
			if dt != nil {
				dt[k] = s * gt
			}
		}
	}
	if red != ad.Elementwise {
		out[0] = s * total
	}
	return f.Var()
}

// kldivTerm returns one pointwise term of kl_div and its partial
// derivatives in the input and the target.
func kldivTerm(x, t float64, logTarget bool) (term, dx, dt float64) {
	if logTarget {
		e := math.Exp(t)
		if e == 0 {
			return 0, 0, 0
		}
		return e * (t - x), -e, e * (t - x + 1)
	}
	switch {
	case t == 0:
		return 0, 0, 0
	case t > 0:
		lt := math.Log(t)
		return t * (lt - x), -t, lt + 1 - x
	}
	return math.NaN(), math.NaN(), math.NaN()
}

// KLDivFloats is KLDiv on plain row-major slices of equal length: the
// pointwise terms (unscaled) go into dst when dst is not nil, and the
// reduced value is returned (for None, the sum of the terms). cols is the
// number of columns, used by BatchMean. It panics if the lengths differ
// or do not form rows of cols.
func KLDivFloats(dst, input, target []float64, cols int, opt KLDivOptions) float64 {
	if len(input) != len(target) || dst != nil && len(dst) != len(input) {
		panic(fmt.Sprintf("loss: KLDivFloats: lengths %d (dst), %d (input), %d (target) differ", len(dst), len(input), len(target)))
	}
	rows := checkCols("KLDivFloats", len(input), cols)
	var total float64
	for k := range input {
		term, _, _ := kldivTerm(input[k], target[k], opt.LogTarget)
		if dst != nil {
			dst[k] = term
		}
		total += term
	}
	return opt.Reduction.scale(rows, cols) * total
}

// KLDivLogits returns KLDiv(log_softmax(input), log_softmax(target),
// LogTarget) with opt.Reduction (opt.LogTarget is ignored): the KL
// divergence KL(softmax(target) ‖ softmax(input)) per row, reduced, from
// logits on both sides, so that nothing can be passed in the wrong form.
// input and target are R x C. Except with None it is one fused node; each
// row's divergence is summed as Σ_j q_j φ(p_j/q_j), φ(t) = t log t − t + 1,
// whose terms are non-negative, so it keeps its relative accuracy as
// p → q. Gradients: q − p in the input logits, p_j (log p_j − log q_j −
// KL) in the target logits. It panics if the shapes differ.
func KLDivLogits(input, target ad.Var, opt KLDivOptions) ad.Var {
	r, c := input.Shape()
	if rt, ct := target.Shape(); rt != r || ct != c {
		panic(fmt.Sprintf("loss: KLDivLogits: input %dx%d and target %dx%d differ", r, c, rt, ct))
	}
	if opt.Reduction == None {
		return KLDiv(ad.LogSoftmaxCols(input), ad.LogSoftmaxCols(target), KLDivOptions{Reduction: None, LogTarget: true})
	}
	s := opt.Reduction.scale(r, c)
	f := ad.NewFused(r, c, ad.ReduceAll, input, target)
	out, dx, dt := f.Out(), f.Partial(0), f.Partial(1)
	x, t := input.Value(), target.Value()
	lq, lp := make([]float64, c), make([]float64, c)
	var total float64
	for i := range r {
		kl := klLogitsRow(lp, lq, t[i*c:(i+1)*c], x[i*c:(i+1)*c])
		total += kl
		for j := range c {
			k := i*c + j
			p := math.Exp(lp[j])
			if dx != nil {
				dx[k] = s * (math.Exp(lq[j]) - p)
			}
			if dt != nil && p > 0 {
				dt[k] = s * p * (lp[j] - lq[j] - kl)
			}
		}
	}
	out[0] = s * total
	return f.Var()
}

// klLogitsRow writes the log-softmax of the logits zp and zq into lp and
// lq and returns KL(softmax(zp) ‖ softmax(zq)) = Σ_j q_j φ(p_j/q_j),
// a sum of non-negative terms (+Inf where q_j = 0 < p_j).
func klLogitsRow(lp, lq, zp, zq []float64) float64 {
	logSoftmaxRow(lp, zp)
	logSoftmaxRow(lq, zq)
	return klLogRow(lp, lq)
}

// klLogRow returns KL(p ‖ q) from log-probabilities, as Σ q_j φ(p_j/q_j).
func klLogRow(lp, lq []float64) float64 {
	var kl float64
	for j := range lp {
		switch {
		case math.IsInf(lp[j], -1):
			kl += math.Exp(lq[j]) // p_j = 0: the term is q_j
		case math.IsInf(lq[j], -1):
			return math.Inf(1)
		default:
			kl += math.Exp(lq[j]) * special.KLRatio(lp[j]-lq[j])
		}
	}
	return kl
}

// InputError reports an argument of a checked loss that is not what the
// loss needs: Arg names the argument ("input", "target"), Row and Col the
// element (Col −1 for a whole row), Value the offending value (the row sum
// for a row) and Reason what is wrong.
type InputError struct {
	Func, Arg string
	Row, Col  int
	Value     float64
	Reason    string
}

// Error returns the message, naming the function, argument, element and
// value.
func (e *InputError) Error() string {
	if e.Col < 0 {
		return fmt.Sprintf("loss: %s: %s row %d: %s (got %g)", e.Func, e.Arg, e.Row, e.Reason, e.Value)
	}
	return fmt.Sprintf("loss: %s: %s[%d, %d] = %g: %s", e.Func, e.Arg, e.Row, e.Col, e.Value, e.Reason)
}

// NormTol is the tolerance of the checks of KLDivChecked and
// CheckLogProbs: a row of probabilities must sum to 1 within NormTol·C
// for C columns, and a log-probability may exceed 0 by at most NormTol.
const NormTol = 1e-6

// CheckLogProbs returns an *InputError when x (row-major, cols columns)
// is not a matrix of log-probability rows: an entry above 0 (probabilities
// or logits passed by mistake), NaN, or a row whose exponentials do not sum
// to 1. arg names the argument in the message.
func CheckLogProbs(arg string, x []float64, cols int) error {
	return checkRows("CheckLogProbs", arg, x, cols, true)
}

// CheckProbs returns an *InputError when x is not a matrix of probability
// rows: a negative or NaN entry, or a row not summing to 1.
func CheckProbs(arg string, x []float64, cols int) error {
	return checkRows("CheckProbs", arg, x, cols, false)
}

func checkRows(fn, arg string, x []float64, cols int, logs bool) error {
	rows := checkCols(fn, len(x), cols)
	for i := range rows {
		row := x[i*cols : (i+1)*cols]
		var s float64
		for j, v := range row {
			switch {
			case math.IsNaN(v):
				return &InputError{Func: fn, Arg: arg, Row: i, Col: j, Value: v, Reason: "not a number"}
			case logs && v > NormTol:
				return &InputError{Func: fn, Arg: arg, Row: i, Col: j, Value: v, Reason: "positive, so not a log-probability: pass log-probabilities (ad.LogSoftmaxCols of the logits, or ad.Log of probabilities), or use KLDivLogits"}
			case !logs && v < 0:
				return &InputError{Func: fn, Arg: arg, Row: i, Col: j, Value: v, Reason: "negative, so not a probability (log-probabilities need LogTarget)"}
			}
			if logs {
				s += math.Exp(v)
			} else {
				s += v
			}
		}
		if math.Abs(s-1) > NormTol*float64(cols) {
			what := "the probabilities"
			if logs {
				what = "the exponentials of the log-probabilities"
			}
			return &InputError{Func: fn, Arg: arg, Row: i, Col: -1, Value: s, Reason: what + " do not sum to 1"}
		}
	}
	return nil
}

// KLDivChecked is KLDiv after checking that input holds rows of
// log-probabilities and target rows of probabilities (log-probabilities
// with LogTarget), as CheckLogProbs and CheckProbs do. The shapes must be
// equal. It returns an *InputError naming the first element or row that
// is wrong, which catches probabilities (or logits) passed as input.
func KLDivChecked(input, target ad.Var, opt KLDivOptions) (ad.Var, error) {
	r, c := input.Shape()
	if rt, ct := target.Shape(); rt != r || ct != c {
		return ad.Var{}, fmt.Errorf("loss: KLDivChecked: input %dx%d and target %dx%d differ", r, c, rt, ct)
	}
	if err := checkRows("KLDivChecked", "input", input.Value(), c, true); err != nil {
		return ad.Var{}, err
	}
	if err := checkRows("KLDivChecked", "target", target.Value(), c, opt.LogTarget); err != nil {
		return ad.Var{}, err
	}
	return KLDiv(input, target, opt), nil
}
