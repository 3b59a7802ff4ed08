package elbo

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// IWAE is the importance-weighted bound of Burda, Grosse and
// Salakhutdinov (2016),
//
//	L_K = E[log (1/K) Σ_k p(x, z_k)/q(z_k)],  z_k ~ q,
//
// which rises with K towards log p(x). K defaults to 1 (the ELBO). When
// every site has K*B rows (K particles tiling a batch of B data points),
// the bound is taken per data point and summed; otherwise the K particles
// weight the whole model jointly. StepStats.ELBO reports L_K.
type IWAE struct {
	K int
}

// Loss implements vi.Objective.
func (o IWAE) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	return renyiLoss(e, model, guide, particles(o.K), 0)
}

// Renyi is the variational Rényi bound of Li and Turner (2016),
//
//	L_α = 1/(1-α) log E_q[(p(x, z)/q(z))^(1-α)],
//
// estimated with K particles (biased for finite K, as IWAE). α = 0 is IWAE,
// α → 1 the ELBO; α < 0 gives an upper bound in expectation as K grows.
// Alpha 1 is handled as the ELBO.
type Renyi struct {
	Alpha float64
	K     int
}

// Loss implements vi.Objective.
func (o Renyi) Loss(e *vi.Env, model vi.Model, guide vi.Guide) (ad.Var, vi.StepStats, error) {
	return renyiLoss(e, model, guide, particles(o.K), o.Alpha)
}

// logWeights runs guide and model with k particles and returns the log
// importance weights log p(x, z) - log q(z) as a K x B matrix (B = 1 for
// joint weighting) with the traces.
func logWeights(e *vi.Env, model vi.Model, guide vi.Guide, k int) (ad.Var, *vi.Trace, *vi.Trace, error) {
	e.Particles = k
	gt, err := e.RunGuide(guide, k)
	if err != nil {
		return ad.Var{}, nil, nil, err
	}
	mt, err := e.RunModel(model, gt)
	if err != nil {
		return ad.Var{}, nil, nil, err
	}
	lp, okp := mt.LogJointRows()
	lq, okq := gt.LogJointRows()
	if okp && okq && lp.Rows() == lq.Rows() && lp.Rows() > k && lp.Rows()%k == 0 {
		r := lp.Rows()
		return ad.Reshape(ad.Sub(lp, lq), k, r/k), gt, mt, nil
	}
	lw := ad.Sub(mt.LogJoint(k), gt.LogJoint(k))
	return lw, gt, mt, nil
}

func renyiLoss(e *vi.Env, model vi.Model, guide vi.Guide, k int, alpha float64) (ad.Var, vi.StepStats, error) {
	lw, gt, mt, err := logWeights(e, model, guide, k)
	if err != nil {
		return ad.Var{}, vi.StepStats{}, err
	}
	stats := vi.StepStats{KL: math.NaN(), BadSite: badSite(gt, mt), Paths: map[string]vi.Path{}}
	for _, s := range gt.Latents() {
		if !s.Reparameterized {
			return ad.Var{}, stats, fmt.Errorf("elbo: IWAE/Renyi need reparameterized guide sites; site %q is not", s.Name)
		}
		stats.Paths[s.Name] = vi.PathMonteCarlo
	}
	var bound ad.Var
	if alpha == 1 {
		bound = ad.Sum(ad.Scale(ad.SumRows(lw), 1/float64(k)))
	} else {
		// Σ_b [1/(1-α) (LSE_k((1-α) lw_kb) - log K)]
		a := 1 - alpha
		lse := ad.LogSumExpCols(ad.Transpose(ad.Scale(lw, a))) // B x 1
		bound = ad.Scale(ad.Sum(ad.Shift(lse, -math.Log(float64(k)))), 1/a)
	}
	stats.ELBO = bound.Scalar()
	return ad.Neg(bound), stats, nil
}
