package elbo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// ForwardKL minimizes the inclusive divergence KL(p(z|x) || q(z)), which
// makes q cover all the mass of the posterior (mode covering), by
// self-normalized importance sampling with K draws from the guide (the
// wake-phase update of reweighted wake-sleep, Bornschein and Bengio 2015):
//
//	∇ KL(p || q) ≈ -Σ_k w̄_k ∇ log q(z_k),  w̄ = softmax(log p(x, z) - log q(z)),
//
// with the draws and weights held constant. Its estimate is biased for
// finite K and degrades when q misses mass of p (check the effective
// sample size, StepStats in the progress). StepStats.ELBO reports the IWAE
// bound of the same draws. log q at the draws comes from every guide
// site's distribution (Site.Dist) when each carries one (hand-written
// guides, autoguide.Normal), and otherwise from the guide's
// vi.GuideDensity (the automatic guides that record their density as a
// joint factor: Mixture, MultivariateNormal, LowRank, Laplace, Flow).
// A guide with particle weights (autoguide.Mixture's stratified draws)
// enters through its weights: w̄ ∝ W_k p(x, z_k)/q(z_k) and the bound
// log Σ_k W_k p(x, z_k)/q(z_k).
type ForwardKL struct {
	K int
}

// Loss implements vi.Objective.
func (o ForwardKL) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	k := particles(o.K)
	e.Particles = k
	gt, err := e.RunGuide(guide, k)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	mt, err := e.RunModel(model, gt)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	stats := vi.StepStats{KL: math.NaN(), BadSite: badSite(gt, mt), Paths: map[string]vi.Path{}}
	lw := ad.Sub(mt.LogJoint(k), gt.LogJoint(k)).Value()
	w := e.Tape.Buffer(k)
	copy(w, lw)
	shift := -math.Log(float64(k))
	if gt.Weights != (ad.Var{}) {
		// Stratified draws: the average over q is Σ_k W_k f(z_k).
		shift = 0
		for i, v := range gt.Weights.Value() {
			w[i] += math.Log(v)
		}
	}
	lse := logSumExp(w)
	for i := range w {
		w[i] = math.Exp(w[i] - lse)
	}
	stats.ELBO = lse + shift
	// log q at the detached draws, with live parameters.
	if gd, ok := guide.(vi.GuideDensity); ok && !allCarryDist(gt) {
		values := map[string]ad.Var{}
		for _, s := range gt.Latents() {
			values[s.Name] = ad.Detach(s.Value)
			stats.Paths[s.Name] = vi.PathMonteCarlo
		}
		lq, err := gd.LogDensity(e.Tape, values)
		if err != nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKL: %w", err)
		}
		return ad.Neg(ad.Sum(ad.Mul(e.Tape.Const(k, 1, w), lq))), stats, nil
	}
	var lq ad.Var
	for _, s := range gt.Latents() {
		if s.Dist == nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKL: guide site %q carries no distribution and the guide (%T) does not implement vi.GuideDensity", s.Name, guide)
		}
		v := vi.ParticleLayout{S: k}.Sum(s.Dist.LogProb(ad.Detach(s.Value)), s.Value.Rows())
		if lq == (ad.Var{}) {
			lq = v
		} else {
			lq = ad.Add(lq, v)
		}
		stats.Paths[s.Name] = vi.PathMonteCarlo
	}
	if lq == (ad.Var{}) {
		return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKL: the guide has no latent sites")
	}
	loss := ad.Neg(ad.Sum(ad.Mul(e.Tape.Const(k, 1, w), lq)))
	return loss, stats, nil
}

// ForwardKLSamples minimizes KL(p || q) = const - E_p[log q(z)] with draws
// from the target: the loss is -(1/N) Σ_j log q(z_j), z_j ~ p, for targets
// that can be sampled (moment matching for exponential families). Sample
// returns N draws per latent site of the guide, keyed by site name, laid
// out as the guide's values (one row per draw; N*B rows for a site with
// batch B). StepStats.ELBO reports the mean log q of the draws (the
// negative cross-entropy). log q comes from every guide site's
// distribution (Site.Dist) when each carries one, and otherwise from the
// guide's vi.GuideDensity (as for ForwardKL). Scored site by site, a site
// whose distribution depends on another site's value is scored at the
// guide's own draw of that value, not at the target's: give a guide with
// dependent sites a GuideDensity, or write them as one joint site.
type ForwardKLSamples struct {
	N      int
	Sample func(rng *rand.Rand, n int) map[string]ad.Matrix
}

// Loss implements vi.Objective.
func (o ForwardKLSamples) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	n := particles(o.N)
	if o.Sample == nil {
		return ad.Var{}, vi.StepStats{}, fmt.Errorf("elbo: ForwardKLSamples needs a Sample function")
	}
	e.Particles = 1
	gt, err := e.RunGuide(guide, 1)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	draws := o.Sample(e.Rand, n)
	stats := vi.StepStats{KL: math.NaN(), Paths: map[string]vi.Path{}}
	var total ad.Var
	if gd, ok := guide.(vi.GuideDensity); ok && !allCarryDist(gt) {
		values := map[string]ad.Var{}
		for _, s := range gt.Latents() {
			x, ok := draws[s.Name]
			if !ok {
				return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: no target draws for site %q", s.Name)
			}
			values[s.Name] = e.Tape.Const(x.Rows, x.Cols, x.Data)
			stats.Paths[s.Name] = vi.PathMonteCarlo
		}
		lq, err := gd.LogDensity(e.Tape, values)
		if err != nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: %w", err)
		}
		if lq.Rows() != n {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: %d target draws scored, want %d", lq.Rows(), n)
		}
		total = ad.Sum(lq)
	}
	for _, s := range gt.Latents() {
		if _, done := stats.Paths[s.Name]; done {
			continue // scored by the GuideDensity
		}
		if s.Dist == nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: guide site %q carries no distribution and the guide (%T) does not implement vi.GuideDensity", s.Name, guide)
		}
		x, ok := draws[s.Name]
		if !ok {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: no target draws for site %q", s.Name)
		}
		lq := ad.Sum(s.Dist.LogProb(e.Tape.Const(x.Rows, x.Cols, x.Data)))
		if total == (ad.Var{}) {
			total = lq
		} else {
			total = ad.Add(total, lq)
		}
		stats.Paths[s.Name] = vi.PathMonteCarlo
	}
	if total == (ad.Var{}) {
		return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: the guide has no latent sites")
	}
	mean := ad.Scale(total, 1/float64(n))
	stats.ELBO = mean.Scalar()
	if math.IsNaN(stats.ELBO) || math.IsInf(stats.ELBO, 0) {
		stats.BadSite = badSite(gt)
	}
	return ad.Neg(mean), stats, nil
}

// allCarryDist reports whether every latent site of the guide trace
// carries its distribution: the forward-KL objectives then score values
// site by site (hand-written guides, autoguide.Normal), and through the
// guide's vi.GuideDensity otherwise.
func allCarryDist(gt *vi.Trace) bool {
	for _, s := range gt.Latents() {
		if s.Dist == nil {
			return false
		}
	}
	return true
}

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
