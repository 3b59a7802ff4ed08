package loss

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Policy KL for reinforcement learning. The direction matters and is in
// every name: PPO's penalty and its early stopping use KL(π_old ‖ π_new),
// the divergence of the updated policy from the one that collected the
// data, estimated on actions sampled from π_old (Schulman et al. 2017).

// PolicyKLOldNew returns KL(π_old ‖ π_new) per row (R x 1) for categorical
// policies given by their logits (R x C each), differentiable in both; it
// is KL(oldLogits, newLogits) under its RL name.
func PolicyKLOldNew(oldLogits, newLogits ad.Var) ad.Var { return KL(oldLogits, newLogits) }

// GaussianPolicyKLOldNew returns KL(π_old ‖ π_new) per row (R x 1) for
// diagonal-Gaussian policies N(mu, exp(logStd)²) over D action dimensions
// (each argument R x D, or broadcasting to it):
//
//	Σ_d log σ_new/σ_old + (σ_old² + (μ_old − μ_new)²)/(2 σ_new²) − 1/2.
func GaussianPolicyKLOldNew(muOld, logStdOld, muNew, logStdNew ad.Var) ad.Var {
	varOld := ad.Exp(ad.Scale(logStdOld, 2))
	varNew := ad.Exp(ad.Scale(logStdNew, 2))
	d := ad.Sub(muOld, muNew)
	terms := ad.Add(ad.Sub(logStdNew, logStdOld), ad.Div(ad.Add(varOld, ad.Square(d)), ad.Scale(varNew, 2)))
	return ad.Shift(ad.SumCols(terms), -0.5*float64(terms.Cols()))
}

// Estimator is one of Schulman's (2020, "Approximating KL divergence")
// estimators of KL(q ‖ p) from samples x ~ q and the log-ratio
// log r = log p(x) − log q(x).
type Estimator uint8

const (
	// K1 = −log r: unbiased, high variance, and negative on many samples.
	K1 Estimator = iota
	// K2 = (log r)²/2: biased (its bias is third order in the divergence
	// between q and p), low variance, never negative.
	K2
	// K3 = (r − 1) − log r: unbiased (E_q[r − 1] = 0), never negative,
	// and of low variance when p and q are close; the estimator PPO
	// implementations use.
	K3
)

// String returns "k1", "k2" or "k3".
func (e Estimator) String() string {
	switch e {
	case K1:
		return "k1"
	case K2:
		return "k2"
	case K3:
		return "k3"
	}
	return fmt.Sprintf("Estimator(%d)", e)
}

func (e Estimator) term(lr float64) float64 {
	switch e {
	case K2:
		return 0.5 * lr * lr
	case K3:
		return math.Expm1(lr) - lr
	}
	return -lr
}

// SampledKL is a Monte Carlo estimate with its standard error.
type SampledKL struct {
	Value, StdErr float64
	N             int
}

// SampledKLOldNew estimates KL(π_old ‖ π_new) from actions sampled from
// π_old, given their log-probabilities under both policies, with
// estimator est; the standard error is the sample standard deviation of
// the terms over sqrt(n). When π_new gives a sampled action probability 0
// (log π_new = −Inf) or a term overflows, Value and StdErr are +Inf. It
// returns an error for mismatched or empty inputs, for NaN or infinite
// log π_old, +Inf or NaN log π_new, and for log-ratios that overflow.
func SampledKLOldNew(logOld, logNew []float64, est Estimator) (SampledKL, error) {
	if len(logOld) != len(logNew) {
		return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: %d old and %d new log-probabilities", len(logOld), len(logNew))
	}
	n := len(logOld)
	if n == 0 {
		return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: no samples")
	}
	if est > K3 {
		return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: unknown estimator %d", est)
	}
	var mean, m2 float64
	infinite := false
	for i := range n {
		if math.IsNaN(logOld[i]) || math.IsNaN(logNew[i]) || math.IsInf(logOld[i], 0) || math.IsInf(logNew[i], 1) {
			return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: sample %d: log π_old = %v, log π_new = %v", i, logOld[i], logNew[i])
		}
		lr := logNew[i] - logOld[i]
		if math.IsInf(lr, 1) {
			return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: sample %d: log-ratio %v − (%v) overflows", i, logNew[i], logOld[i])
		}
		v := est.term(lr)
		if math.IsInf(v, 1) {
			// π_new gives the sampled action probability 0 (or the term
			// overflows): the estimate is +Inf.
			infinite = true
			continue
		}
		d := v - mean
		mean += d / float64(i+1)
		m2 += d * (v - mean)
	}
	if infinite {
		return SampledKL{Value: math.Inf(1), StdErr: math.Inf(1), N: n}, nil
	}
	se := 0.0
	if n > 1 {
		se = math.Sqrt(m2 / float64(n-1) / float64(n))
	}
	if math.IsNaN(mean) || math.IsNaN(se) {
		return SampledKL{}, fmt.Errorf("loss: SampledKLOldNew: the %v terms overflow float64", est)
	}
	return SampledKL{Value: mean, StdErr: se, N: n}, nil
}

// SampledKLOldNewVar is the mean of est's terms over the R x 1 (or 1 x R)
// log-probabilities of sampled actions, differentiable in logNew (and
// logOld): a KL penalty for a policy-gradient loss.
func SampledKLOldNewVar(logOld, logNew ad.Var, est Estimator) ad.Var {
	lr := ad.Sub(logNew, logOld)
	var terms ad.Var
	switch est {
	case K2:
		terms = ad.Scale(ad.Square(lr), 0.5)
	case K3:
		terms = ad.Sub(ad.Expm1(lr), lr)
	default:
		terms = ad.Neg(lr)
	}
	return ad.Mean(terms)
}

// AdaptiveKL is PPO's adaptive KL-penalty coefficient (Schulman et al.
// 2017, §4): after each policy update with measured d = KL(π_old ‖ π_new),
// β doubles when d > 1.5·Target and halves when d < Target/1.5.
type AdaptiveKL struct {
	Beta, Target float64
}

// NewAdaptiveKL returns the rule with initial coefficient beta and target
// KL target; it panics (a programmer error) unless both are positive.
func NewAdaptiveKL(beta, target float64) *AdaptiveKL {
	if !(beta > 0) || !(target > 0) {
		panic(fmt.Sprintf("loss: NewAdaptiveKL(%v, %v): want positive beta and target", beta, target))
	}
	return &AdaptiveKL{Beta: beta, Target: target}
}

// Update applies the rule for the measured KL(π_old ‖ π_new) and returns
// the new β. A NaN measurement leaves β unchanged.
func (a *AdaptiveKL) Update(klOldNew float64) float64 {
	switch {
	case klOldNew > 1.5*a.Target:
		a.Beta *= 2
	case klOldNew < a.Target/1.5:
		a.Beta /= 2
	}
	return a.Beta
}

// KLStop is a target-KL early-stopping monitor for the epochs of one
// policy update (as in OpenAI Spinning Up's PPO): Stop reports true once
// the measured KL(π_old ‖ π_new) exceeds Factor·Target (Factor 0: 1.5).
type KLStop struct {
	Target, Factor float64
}

// Stop reports whether the update should stop at this KL(π_old ‖ π_new).
func (s KLStop) Stop(klOldNew float64) bool {
	f := s.Factor
	if f == 0 {
		f = 1.5
	}
	return klOldNew > f*s.Target
}
