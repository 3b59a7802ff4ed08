package elbo

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// Trace is the evidence lower bound
//
//	ELBO = E_q[log p(x, z) - log q(z)]
//
// estimated with Particles draws from the guide (default 1). Latent sites
// whose guide distribution is reparameterized contribute pathwise
// gradients; the others contribute score-function terms
// (f_s - b_s) ∇log q(z_s) with f = log p - log q and the leave-one-out
// baseline b_s = mean of f over the other particles (Kool, van Hoof and
// Welling 2019; no baseline with one particle).
//
// Beta weights the KL part: the loss is -(E[log p(x|z)] - Beta·KL), with
// KL = E_q[log q(z) - log p(z)], rising linearly from 0 over the first
// WarmUp steps when WarmUp > 0 (Bowman et al. 2016). Beta 0 means 1. STL
// uses sticking-the-landing gradients (Roeder, Wu and Duvenaud 2017): the
// guide's log-density is evaluated with its parameters held constant, which
// removes the score term whose expectation is zero.
type Trace struct {
	Particles int
	Beta      float64
	WarmUp    int
	STL       bool
}

// Loss implements vi.Objective.
func (o Trace) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	return traceLoss(e, model, guide, traceConfig{particles: o.Particles, beta: o.Beta, warmUp: o.WarmUp, stl: o.STL, latentKL: monteCarloKL{}})
}

// MeanField is Trace with the closed-form KL(q || p) of every latent site
// whose (guide distribution, prior) pair is registered in package dist
// (per particle, conditional on the other latents' draws, which keeps the
// estimate unbiased), and the Monte Carlo term log q - log p otherwise.
// StepStats.Paths reports which path each site took. The closed form
// removes the Monte Carlo noise of the KL part, so its gradients have lower
// variance.
type MeanField struct {
	Particles int
	Beta      float64
	WarmUp    int
	STL       bool
}

// Loss implements vi.Objective.
func (o MeanField) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	return traceLoss(e, model, guide, traceConfig{particles: o.Particles, beta: o.Beta, warmUp: o.WarmUp, stl: o.STL, latentKL: closedFormKL{}})
}

// traceConfig is what Trace and MeanField share: the number of particles,
// the KL weight and its warm-up, sticking-the-landing, and the rule for a
// latent site's KL term.
type traceConfig struct {
	particles int
	beta      float64
	warmUp    int
	stl       bool
	latentKL  latentKL
}

// latentKL computes the KL part of one latent site, per particle (S x 1,
// before the site's scale), when it has a rule for the pair; ok false
// leaves the site to the Monte Carlo term log q - log p.
type latentKL interface {
	kl(guide, model *vi.Site, l vi.ParticleLayout) (v ad.Var, ok bool)
}

// monteCarloKL has no rule: every latent site takes log q - log p at its
// draws (Trace).
type monteCarloKL struct{}

func (monteCarloKL) kl(*vi.Site, *vi.Site, vi.ParticleLayout) (ad.Var, bool) { return ad.Var{}, false }

// closedFormKL uses the closed-form KL(q || p) of every reparameterized
// site whose (guide distribution, prior) pair is registered in package
// dist (MeanField).
type closedFormKL struct{}

func (closedFormKL) kl(gs, ms *vi.Site, l vi.ParticleLayout) (ad.Var, bool) {
	if !gs.Reparameterized || gs.Dist == nil || ms.Dist == nil || !dist.HasKL(gs.Dist, ms.Dist) {
		return ad.Var{}, false
	}
	klv, err := dist.KL(gs.Dist, ms.Dist)
	if err != nil {
		return ad.Var{}, false
	}
	return l.Sum(klv, gs.Value.Rows()), true
}

func traceLoss(e *vi.Env, model vi.Model, guide vi.Guide, c traceConfig) (ad.Var, vi.StepStats, error) {
	s := particles(c.particles)
	pl := vi.ParticleLayout{S: s}
	e.Particles = s
	gt, err := e.RunGuide(guide, s)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	mt, err := e.RunModel(model, gt)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	stats := vi.StepStats{Paths: map[string]vi.Path{}, BadSite: badSite(gt, mt)}
	b := betaAt(c.beta, c.warmUp, e.Step)
	t := e.Tape

	var like, kl, klTrue ad.Var // S x 1: log-likelihood part, KL part (for the loss), KL part (true values)
	add := func(acc *ad.Var, v ad.Var) {
		if *acc == (ad.Var{}) {
			*acc = v
		} else {
			*acc = ad.Add(*acc, v)
		}
	}
	var nonReparam []*vi.Site
	for i := range mt.Sites {
		ms := &mt.Sites[i]
		switch ms.Kind {
		case vi.Deterministic:
			continue
		case vi.Observed, vi.Factor:
			add(&like, pl.Sum(ms.ScaledLogProb(), ms.LogProb.Rows()))
			continue
		}
		gs := gt.Site(ms.Name)
		rows := gs.Value.Rows()
		if !gs.Reparameterized {
			nonReparam = append(nonReparam, gs)
		}
		if v, ok := c.latentKL.kl(gs, ms, pl); ok {
			if ms.Scale != 1 {
				v = ad.Scale(v, ms.Scale)
			}
			add(&kl, v)
			stats.Paths[ms.Name] = vi.PathAnalytic
			continue
		}
		lq := pl.Sum(siteLogQ(gs, c.stl), rows)
		lp := pl.Sum(ms.LogProb, rows)
		term := ad.Sub(lq, lp)
		if ms.Scale != 1 {
			term = ad.Scale(term, ms.Scale)
		}
		add(&kl, term)
		if gs.Reparameterized {
			stats.Paths[ms.Name] = vi.PathMonteCarlo
		} else {
			stats.Paths[ms.Name] = vi.PathScoreFunction
		}
	}
	// Guide factors (the joint log-density of full-rank autoguides) belong
	// to log q.
	for i := range gt.Sites {
		gs := &gt.Sites[i]
		if gs.Kind == vi.Factor {
			add(&kl, pl.Sum(siteLogQ(gs, c.stl), gs.LogProb.Rows()))
		}
	}
	klTrue = kl
	if like == (ad.Var{}) {
		like = t.Full(s, 1, 0)
	}
	if kl == (ad.Var{}) {
		kl = t.Full(s, 1, 0)
		klTrue = kl
	}
	elboVec := ad.Sub(like, klTrue)
	obj := elboVec
	if b != 1 {
		obj = ad.Sub(like, ad.Scale(kl, b))
	}
	if gt.Weights != (ad.Var{}) && len(nonReparam) > 0 {
		return ad.Var{}, stats, fmt.Errorf("elbo: a guide with particle weights cannot have sites that are not reparameterized (%q)", nonReparam[0].Name)
	}
	avg := func(v ad.Var) ad.Var { return pl.Mean(v, gt.Weights) }
	loss := ad.Neg(avg(obj))
	if len(nonReparam) > 0 {
		loss = ad.Add(loss, scoreSurrogate(t, nonReparam, ad.Detach(obj), s))
	}
	stats.ELBO = avg(elboVec).Scalar()
	stats.KL = avg(klTrue).Scalar()
	if math.IsNaN(stats.KL) && stats.BadSite == "" {
		stats.BadSite = badSite(gt, mt)
	}
	return loss, stats, nil
}

// scoreSurrogate returns -(1/S) Σ_s (f_s - b_s) Σ_k log q_k(z_s) over the
// non-reparameterized sites k, with f detached and the leave-one-out
// baseline b_s = (Σ f - f_s)/(S-1) (0 when S = 1). Its gradient is the
// score-function estimator of ∇E_q[f].
func scoreSurrogate(t *ad.Tape, sites []*vi.Site, f ad.Var, s int) ad.Var {
	fv := f.Value()
	adv := t.Buffer(s)
	var sum float64
	for _, v := range fv {
		sum += v
	}
	for i, v := range fv {
		bl := 0.0
		if s > 1 {
			bl = (sum - v) / float64(s-1)
		}
		adv[i] = v - bl
	}
	w := t.Const(s, 1, adv)
	var lq ad.Var
	for _, gs := range sites {
		v := vi.ParticleLayout{S: s}.Sum(gs.LogProb, gs.Value.Rows())
		if lq == (ad.Var{}) {
			lq = v
		} else {
			lq = ad.Add(lq, v)
		}
	}
	return ad.Neg(ad.Mean(ad.Mul(w, lq)))
}
