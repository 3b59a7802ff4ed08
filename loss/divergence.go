package loss

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// The divergences between categorical rows in this file take logits (any
// real rows; log-probabilities are logits too) and work in log space:
// each row is normalized by a log-sum-exp, and sums are of non-negative
// terms q φ(p/q), φ(t) = t log t − t + 1, so there is no overflow and no
// cancellation near p = q. They are the row-wise counterparts of
// dist.KL, dist.JensenShannon and dist.SymmetricKL for Categorical
// distributions, for rows of a network's output.

type rowDiv uint8

const (
	divKL rowDiv = iota
	divJS
	divSym
)

// KL returns KL(softmax(zp) ‖ softmax(zq)) for each row, R x 1 (nats), one
// fused node differentiable in both: p_j (log p_j/q_j − KL) in zp and
// q_j − p_j in zq. It is +Inf in a row where q_j = 0 < p_j (logit −Inf).
// It panics if the shapes differ.
func KL(zp, zq ad.Var) ad.Var { return rowDivergence("KL", divKL, zp, zq) }

// JS returns the Jensen-Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m),
// m = (p + q)/2, of p = softmax(zp) and q = softmax(zq) for each row,
// R x 1, in nats (at most log 2), finite whatever the supports. log m is
// formed as logaddexp(log p, log q) − log 2. Gradient: p_j (½ log(p_j/m_j)
// − ½ KL(p ‖ m)) in zp, and likewise in zq.
func JS(zp, zq ad.Var) ad.Var { return rowDivergence("JS", divJS, zp, zq) }

// SymmetricKL returns KL(p ‖ q) + KL(q ‖ p) (Jeffreys' divergence) of
// p = softmax(zp) and q = softmax(zq) for each row, R x 1.
func SymmetricKL(zp, zq ad.Var) ad.Var { return rowDivergence("SymmetricKL", divSym, zp, zq) }

func rowDivergence(name string, kind rowDiv, zp, zq ad.Var) ad.Var {
	r, c := zp.Shape()
	if rq, cq := zq.Shape(); rq != r || cq != c {
		panic(fmt.Sprintf("loss: %s: %dx%d and %dx%d differ", name, r, c, rq, cq))
	}
	f := ad.NewFused(r, c, ad.ReduceCols, zp, zq)
	out, dp, dq := f.Out(), f.Partial(0), f.Partial(1)
	a, b := zp.Value(), zq.Value()
	lp, lq, lm := make([]float64, c), make([]float64, c), make([]float64, c)
	for i := range r {
		logSoftmaxRow(lp, a[i*c:(i+1)*c])
		logSoftmaxRow(lq, b[i*c:(i+1)*c])
		var v float64
		switch kind {
		case divKL:
			v = klLogRow(lp, lq)
		case divSym:
			v = klLogRow(lp, lq) + klLogRow(lq, lp)
		case divJS:
			v = jsLogRow(lm, lp, lq)
		}
		out[i] = v
		if dp == nil && dq == nil || math.IsInf(v, 1) {
			continue
		}
		var klpq, klqp, klpm, klqm float64
		switch kind {
		case divKL:
			klpq = v
		case divSym:
			klpq, klqp = klLogRow(lp, lq), klLogRow(lq, lp)
		case divJS:
			klpm, klqm = klLogRow(lp, lm), klLogRow(lq, lm)
		}
		for j := range c {
			k := i*c + j
			p, q := math.Exp(lp[j]), math.Exp(lq[j])
			var gp, gq float64
			switch kind {
			case divKL:
				if p > 0 {
					gp = p * (lp[j] - lq[j] - klpq)
				}
				gq = q - p
			case divSym:
				if p > 0 {
					gp = p * (lp[j] - lq[j] - klpq)
				}
				if q > 0 {
					gq = q * (lq[j] - lp[j] - klqp)
				}
				gp += p - q
				gq += q - p
			case divJS:
				if p > 0 {
					gp = p * 0.5 * (lp[j] - lm[j] - klpm)
				}
				if q > 0 {
					gq = q * 0.5 * (lq[j] - lm[j] - klqm)
				}
			}
			if dp != nil {
				dp[k] = gp
			}
			if dq != nil {
				dq[k] = gq
			}
		}
	}
	return f.Var()
}

// jsLogRow writes log m = log((p + q)/2) into lm and returns the
// Jensen-Shannon divergence of the log-probability rows lp and lq.
func jsLogRow(lm, lp, lq []float64) float64 {
	for j := range lp {
		lm[j] = special.LogAddExp(lp[j], lq[j]) - math.Ln2
	}
	return 0.5*klLogRow(lp, lm) + 0.5*klLogRow(lq, lm)
}

func rowLogs(name string, zp, zq []float64) (lp, lq []float64) {
	if len(zp) != len(zq) {
		panic(fmt.Sprintf("loss: %s: %d and %d categories", name, len(zp), len(zq)))
	}
	lp, lq = make([]float64, len(zp)), make([]float64, len(zq))
	logSoftmaxRow(lp, zp)
	logSoftmaxRow(lq, zq)
	return lp, lq
}

// KLRow returns KL(softmax(zp) ‖ softmax(zq)) for one row of logits each
// (log-probabilities are logits). It panics if the lengths differ.
func KLRow(zp, zq []float64) float64 {
	lp, lq := rowLogs("KLRow", zp, zq)
	return klLogRow(lp, lq)
}

// JSRow returns the Jensen-Shannon divergence of softmax(zp) and
// softmax(zq) for one row of logits each.
func JSRow(zp, zq []float64) float64 {
	lp, lq := rowLogs("JSRow", zp, zq)
	return jsLogRow(make([]float64, len(lp)), lp, lq)
}

// SymmetricKLRow returns KL(p ‖ q) + KL(q ‖ p) for p = softmax(zp),
// q = softmax(zq), one row of logits each.
func SymmetricKLRow(zp, zq []float64) float64 {
	lp, lq := rowLogs("SymmetricKLRow", zp, zq)
	return klLogRow(lp, lq) + klLogRow(lq, lp)
}

// KLProbs returns KL(p ‖ q) = Σ_j p_j log(p_j/q_j) for probability rows p
// and q (0 log 0 = 0; +Inf when q_j = 0 < p_j: q misses part of p's
// support). It panics if the lengths differ.
func KLProbs(p, q []float64) float64 {
	if len(p) != len(q) {
		panic(fmt.Sprintf("loss: KLProbs: %d and %d categories", len(p), len(q)))
	}
	lp, lq := make([]float64, len(p)), make([]float64, len(q))
	for j := range p {
		lp[j], lq[j] = math.Log(p[j]), math.Log(q[j])
	}
	return klLogRow(lp, lq)
}
