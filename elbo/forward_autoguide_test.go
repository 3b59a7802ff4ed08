package elbo_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/testmodel"
	"github.com/kldiv/kldiv/vi"
)

// The correlated Gaussian target N(μ, Σ) on R², Σ = L Lᵀ with sds 1 and
// 0.5 and correlation 0.8, as a flat-prior model with the normalized
// log-density as a factor (log Z = 0).
var (
	fwdMu = [2]float64{1, -0.5}
	fwdL  = [4]float64{1, 0, 0.4, 0.3} // row-major lower factor
)

func fwdModel(p *vi.Program) {
	z := p.Sample("z", vi.Flat{Cols: 2})
	p.Factor("target", dist.MultivariateNormal{Loc: ad.Row(fwdMu[:]), ScaleTril: ad.Row(fwdL[:])}.LogProb(z))
}

func fwdSample(rng *rand.Rand, n int) map[string]ad.Matrix {
	z := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		e0, e1 := rng.NormFloat64(), rng.NormFloat64()
		z[2*i] = fwdMu[0] + fwdL[0]*e0
		z[2*i+1] = fwdMu[1] + fwdL[2]*e0 + fwdL[3]*e1
	}
	return map[string]ad.Matrix{"z": {Rows: n, Cols: 2, Data: z}}
}

// TestForwardKLAutoguides: autoguides that record their density as a
// joint factor are fitted by the forward KL through vi.GuideDensity, to
// the closed-form optima of KL(p || q) for a Gaussian p: a one-component
// Mixture (mean-field normal) matches the marginal means and sds, 1 and
// 0.5 (not the reverse-KL conditional sds √(1-ρ²)·sd = 0.6, 0.3), and a
// MultivariateNormal matches the full covariance, from target draws
// (ForwardKLSamples) and from its own draws by self-normalized importance
// sampling (ForwardKL). The tolerances hold the optimizer's residual
// noise (a decaying step size, iterates averaged by vi.Average).
func TestForwardKLAutoguides(t *testing.T) {
	if testing.Short() {
		t.Skip("fits; TestForwardKLStratified covers the objective in -short")
	}
	const steps = 8000
	sd := [2]float64{1, 0.5}
	fit := func(g vi.Guide, obj vi.Objective) *vi.Result {
		res, err := vi.Fit(context.Background(), fwdModel, g, obj, testmodel.DecayingAdam(0.05, steps),
			vi.MaxSteps(steps), vi.Seed(3), vi.Draws(0), vi.Average(0.3))
		require.NoError(t, err)
		return res
	}
	for _, obj := range []struct {
		name string
		o    vi.Objective
	}{{"ForwardKLSamples", elbo.ForwardKLSamples{N: 256, Sample: fwdSample}}, {"ForwardKL", elbo.ForwardKL{K: 256}}} {
		res := fit(autoguide.Mixture(1, autoguide.WithPrefix("m")), obj.o)
		locs, _ := res.Params.Value("m.locs")
		raw, _ := res.Params.Value("m.scales")
		for j := 0; j < 2; j++ {
			assert.InDelta(t, fwdMu[j], locs.Data[j], 0.03, "%s, Mixture(1): mean %d", obj.name, j)
			assert.InDelta(t, sd[j], testmodel.Softplus(raw.Data[j]), 0.03*sd[j], "%s, Mixture(1): marginal sd %d", obj.name, j)
		}

		res = fit(autoguide.MultivariateNormal(autoguide.WithPrefix("f")), obj.o)
		loc, _ := res.Params.Value("f.loc")
		tril, _ := res.Params.Value("f.scale_tril")
		cov := testmodel.FullCovFromTril(tril.Data, 2)
		want := [2][2]float64{{1, 0.4}, {0.4, 0.25}}
		for i := 0; i < 2; i++ {
			assert.InDelta(t, fwdMu[i], loc.Data[i], 0.03, "%s, MultivariateNormal: mean %d", obj.name, i)
			for j := 0; j < 2; j++ {
				assert.InDelta(t, want[i][j], cov.At(i, j), 0.03, "%s, MultivariateNormal: covariance (%d, %d)", obj.name, i, j)
			}
		}
	}
}

// TestForwardKLStratified: with a Mixture guide's stratified particle
// weights W_k, ForwardKL's reported bound is log Σ_k W_k p(x, z_k)/q(z_k),
// an estimate of log Z = 0 for the normalized target (within 4 standard
// errors of the mean importance weight over 4096 draws), and its loss is
// -Σ_k w̄_k log q(z_k) with w̄ ∝ W_k p/q, recomputed here from the traces.
func TestForwardKLStratified(t *testing.T) {
	env := vi.NewEnv(rand.New(rand.NewPCG(11, 12)), 1)
	proto, err := env.RunPrior(fwdModel, 1)
	require.NoError(t, err)
	g := autoguide.Mixture(2, autoguide.WithInitScale(1))
	require.NoError(t, g.Setup(&vi.Setup{Model: fwdModel, Proto: proto, Params: env.Params, Rand: env.Rand}))
	const k = 4096
	loss, stats, err := elbo.ForwardKL{K: k}.Loss(env, fwdModel, g)
	require.NoError(t, err)

	// The same draws again: the guide and model runs from the same state.
	env2 := vi.NewEnv(rand.New(rand.NewPCG(11, 12)), 1)
	_, err = env2.RunPrior(fwdModel, 1)
	require.NoError(t, err)
	g2 := autoguide.Mixture(2, autoguide.WithInitScale(1))
	require.NoError(t, g2.Setup(&vi.Setup{Model: fwdModel, Proto: proto, Params: env2.Params, Rand: env2.Rand}))
	env2.Particles = k
	gt, err := env2.RunGuide(g2, k)
	require.NoError(t, err)
	mt, err := env2.RunModel(fwdModel, gt)
	require.NoError(t, err)
	lq := gt.LogJoint(k).Value()
	lp := mt.LogJoint(k).Value()
	wts := gt.Weights.Value()
	var s, s2, m float64
	r := make([]float64, k)
	for i := range r {
		r[i] = wts[i] * math.Exp(lp[i]-lq[i])
		s += r[i]
	}
	for i := range r {
		m += r[i] * lq[i] / s
		x := float64(k) * r[i]
		s2 += (x - s) * (x - s)
	}
	se := math.Sqrt(s2/float64(k-1)/float64(k)) / s
	assert.InDelta(t, math.Log(s), stats.ELBO, 1e-9, "log Σ W p/q")
	assert.InDelta(t, 0, stats.ELBO, 4*se, "the stratified estimate of log Z = 0")
	assert.InDelta(t, -m, loss.Scalar(), 1e-9*(1+math.Abs(m)), "loss -Σ w̄ log q")
}
