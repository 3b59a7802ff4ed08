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
// bound of the same draws. Every guide site must carry its distribution
// (Site.Dist), as hand-written guides and autoguide.Normal do.
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
	lse := logSumExp(w)
	for i := range w {
		w[i] = math.Exp(w[i] - lse)
	}
	stats.ELBO = lse - math.Log(float64(k))
	// log q at the detached draws, with live parameters.
	var lq ad.Var
	for _, s := range gt.Latents() {
		if s.Dist == nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKL: guide site %q carries no distribution", s.Name)
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
// out as the guide's values (one row per draw). StepStats.ELBO reports the
// mean log q of the draws (the negative cross-entropy).
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
	for _, s := range gt.Latents() {
		if s.Dist == nil {
			return ad.Var{}, stats, fmt.Errorf("elbo: ForwardKLSamples: guide site %q carries no distribution", s.Name)
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
