// Package estimators provides Monte Carlo estimators with honest error
// bars: KL divergence estimators with standard errors, Jensen-Shannon and
// symmetric KL divergences, stable log-mean-exp, self-normalized importance
// sampling with effective sample size, Pareto-smoothed importance sampling
// with its k-hat diagnostic, and score-function gradients with baselines.
//
// # KL divergences without a closed form
//
// KL(rng, p, q, n, est) estimates KL(p || q) from n draws of p for each
// batch row, with one of Schulman's estimators: K1 (log p - log q,
// unbiased, high variance), K2 ((log r)²/2, biased, low variance) or K3
// ((r - 1) - log r, unbiased, non-negative terms, low variance when p ≈ q).
// It is the fallback of the kldiv command for pairs that dist.KL does not
// know; its Estimate carries Value, StdErr, N and Method "monte-carlo". JS
// and SymmetricKL estimate the Jensen-Shannon and Jeffreys divergences the
// same way. A support mismatch gives +Inf (standard error 0), never NaN.
//
// # Determinism and parallelism
//
// The samplers draw in blocks (Blocks) of BlockSize rows; block i has its
// own PCG stream BlockRNG(seed, i), where the seed is one value taken from
// the *rand.Rand passed in. Blocks run on GOMAXPROCS goroutines and their
// results are combined in block order, so a seed gives bit-identical
// estimates whatever GOMAXPROCS is.
//
// # Importance sampling
//
// LogWeights, NormalizedWeights, ESS and SNIS implement self-normalized
// importance sampling with a delta-method standard error; LogMeanExp of
// the log weights is the log of the importance-sampling estimate of a
// normalizing constant. PSIS smooths the largest weights with a fitted
// generalized Pareto tail and returns k-hat: compare it with
// KhatThreshold(n) (at most 0.7) before trusting an estimate.
//
// # Score-function gradients
//
// ScoreSurrogate and ScoreSurrogateLOO build, on an ad.Tape, a surrogate
// loss whose gradient is the REINFORCE estimate of ∇ E_q[f(x)] for
// distributions that cannot be reparameterized, with a constant or
// moving-average baseline (MovingAverage) or the leave-one-out baseline of
// Kool, van Hoof and Welling (2019).
package estimators
