package elbo

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// TraceEnum is the evidence lower bound with the guide's discrete latent
// sites summed out exactly instead of sampled:
//
//	ELBO = Σ_d q(d) E_{q(c|d)}[log p(x, d, c) - log q(c|d) - log q(d)],
//
// over every combination d of the values of the enumerable sites (guide
// sites whose distribution is not reparameterized, implements
// dist.Enumerable, and has one batch row with a scalar value, or is a
// OneHotCategorical with one batch row), with the continuous sites c drawn
// with Particles reparameterized particles per combination. The sum has no
// Monte Carlo noise in d, so its gradients have far lower variance than
// score-function estimates. MaxCombinations (default 1024) bounds the
// product of the support sizes; larger products return an error.
//
// Model latent sites declared inside a plate that have no counterpart in
// the guide and a scalar enumerable distribution (one discrete variable
// per plate element, conditionally independent given the globals: mixture
// assignments) are enumerated in parallel instead: the model sees all K
// values at once, broadcast over the plate (vi.Site.Enumerated), and each
// plate element's K terms are summed out with a log-sum-exp,
//
//	log p(x_i | globals) = log Σ_k p(z_i = k | globals) p(x_i | z_i = k, globals),
//
// so the cost is K times one plate pass, not K^N (Pyro's parallel
// enumeration; Obermeyer et al. 2019, "Tensor variable elimination for
// plated factor graphs"). Subsampled plates are scaled by N/M after the
// sum. Every site whose log-density depends on the enumerated value must
// be in the same plate; one enumerated site per plate is supported.
type TraceEnum struct {
	Particles       int
	MaxCombinations int
}

// enumSite is an enumerable guide site and its support.
type enumSite struct {
	name   string
	values []ad.Matrix
}

// Loss implements vi.Objective.
func (o TraceEnum) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	s := particles(o.Particles)
	maxComb := o.MaxCombinations
	if maxComb <= 0 {
		maxComb = 1024
	}
	// Probe the guide once to find the enumerable sites.
	e.Particles = 1
	probe, err := e.RunGuide(guide, 1)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	var sites []enumSite
	combos := 1
	for _, gs := range probe.Latents() {
		if gs.Reparameterized || gs.Dist == nil {
			continue
		}
		vals, err := supportValues(gs.Name, gs.Dist, maxComb)
		if err != nil {
			return ad.Var{}, vi.StepStats{}, err
		}
		combos *= len(vals)
		if combos > maxComb {
			return ad.Var{}, vi.StepStats{}, fmt.Errorf("elbo: TraceEnum: more than %d combinations of discrete values (site %q)", maxComb, gs.Name)
		}
		sites = append(sites, enumSite{name: gs.Name, values: vals})
	}
	stats := vi.StepStats{Paths: map[string]vi.Path{}, KL: math.NaN()}
	idx := make([]int, len(sites))
	var total ad.Var
	force := map[string]ad.Matrix{}
	sub := vi.Substitute(force)
	for c := 0; c < combos; c++ {
		for i, st := range sites {
			force[st.name] = st.values[idx[i]]
		}
		e.Particles = s
		gt, err := e.RunGuideWith(guide, s, sub)
		if err != nil {
			return ad.Var{}, stats, err
		}
		mt, err := e.RunModelWith(model, gt, vi.Enumerate())
		if err != nil {
			return ad.Var{}, stats, err
		}
		var logqd ad.Var
		for _, gs := range gt.Latents() {
			switch {
			case gs.Forced:
				v := vi.ParticleLayout{S: s}.Sum(gs.LogProb, gs.Value.Rows())
				if logqd == (ad.Var{}) {
					logqd = v
				} else {
					logqd = ad.Add(logqd, v)
				}
				stats.Paths[gs.Name] = vi.PathEnumerated
			case !gs.Reparameterized:
				return ad.Var{}, stats, fmt.Errorf("elbo: TraceEnum: site %q is neither reparameterized nor enumerable", gs.Name)
			default:
				stats.Paths[gs.Name] = vi.PathMonteCarlo
			}
		}
		mlj, mbad, err := plateLogJoint(mt, s)
		if err != nil {
			return ad.Var{}, stats, err
		}
		f := ad.Sub(mlj, gt.LogJoint(s))
		var term ad.Var
		if logqd == (ad.Var{}) {
			term = ad.Mean(f)
		} else {
			// Σ_d q(d) f: a zero-mass combination contributes nothing
			// (0 · -Inf is taken as 0).
			w := ad.Exp(logqd)
			if allZero(w.Value()) {
				nextCombination(idx, sites)
				continue
			}
			term = ad.Mean(ad.Mul(w, f))
		}
		if bad := badSite(gt); bad != "" && stats.BadSite == "" {
			stats.BadSite = bad
		}
		if mbad != "" && stats.BadSite == "" {
			stats.BadSite = mbad
		}
		if total == (ad.Var{}) {
			total = term
		} else {
			total = ad.Add(total, term)
		}
		nextCombination(idx, sites)
	}
	if total == (ad.Var{}) {
		return ad.Var{}, stats, fmt.Errorf("elbo: TraceEnum: every combination has zero mass under the guide")
	}
	stats.ELBO = total.Scalar()
	return ad.Neg(total), stats, nil
}

// nextCombination advances idx to the next combination of site values
// (an odometer, last site fastest).
func nextCombination(idx []int, sites []enumSite) {
	for i := len(idx) - 1; i >= 0; i-- {
		idx[i]++
		if idx[i] < len(sites[i].values) {
			return
		}
		idx[i] = 0
	}
}

func allZero(x []float64) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

// supportValues lists the values of an enumerable site (one batch row,
// scalar values; or a one-hot row), at most max of them.
func supportValues(name string, d dist.Distribution, max int) ([]ad.Matrix, error) {
	en, ok := d.(dist.Enumerable)
	if !ok {
		return nil, fmt.Errorf("elbo: TraceEnum: site %q (%T) is not reparameterized and not enumerable", name, d)
	}
	b, c := d.Shape()
	_, oneHot := d.(dist.OneHotCategorical)
	if b != 1 || (c != 1 && !oneHot) {
		return nil, fmt.Errorf("elbo: TraceEnum: site %q has batch %d and %d columns; enumeration takes one scalar (or one-hot) value per particle", name, b, c)
	}
	var out []ad.Matrix
	for mp := range en.Enumerate(0, 0) {
		if len(out) >= max {
			return nil, fmt.Errorf("elbo: TraceEnum: site %q has more than %d values", name, max)
		}
		if oneHot {
			row := make([]float64, c)
			row[mp.K] = 1
			out = append(out, ad.Matrix{Rows: 1, Cols: c, Data: row})
		} else {
			out = append(out, ad.Matrix{Rows: 1, Cols: 1, Data: []float64{float64(mp.K)}})
		}
	}
	return out, nil
}
