package elbo_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// A discrete latent: c ~ Categorical(prior), x_i ~ N(centers[c], 1) for
// three observations. The posterior over c is exact by Bayes' rule, and the
// guide family Categorical(softmax(φ)) contains it.
var (
	catPrior   = []float64{0.2, 0.5, 0.3}
	catCenters = []float64{-2, 0, 2.5}
	catData    = []float64{1.9, 2.8, 1.2}
)

func catModel(p *vi.Program) {
	c := p.Sample("c", dist.Must(dist.NewCategorical(catPrior...)))
	// One-hot of c (S x 3) times the centers: the mean of each particle.
	cv := c.Value()
	oh := p.Tape().Buffer(len(cv) * 3)
	clear(oh)
	for i, k := range cv {
		oh[i*3+int(k)] = 1
	}
	mu := ad.MatMul(p.Const(len(cv), 3, oh), ad.Col(catCenters))
	p.Observe("x", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, p.Const(1, 3, catData))
}

func catGuide(p *vi.Program) {
	phi := p.Param("phi", 1, 3, nil, nil)
	p.Sample("c", dist.Categorical{Logits: phi})
}

// catPosterior returns p(c | x) and log p(x).
func catPosterior() ([]float64, float64) {
	logj := make([]float64, 3)
	for k := range logj {
		logj[k] = math.Log(catPrior[k])
		for _, x := range catData {
			d := x - catCenters[k]
			logj[k] += -0.5*d*d - 0.5*math.Log(2*math.Pi)
		}
	}
	m := math.Max(logj[0], math.Max(logj[1], logj[2]))
	var z float64
	for _, v := range logj {
		z += math.Exp(v - m)
	}
	lz := m + math.Log(z)
	post := make([]float64, 3)
	for k, v := range logj {
		post[k] = math.Exp(v - lz)
	}
	return post, lz
}

func softmax3(v []float64) []float64 {
	m := math.Max(v[0], math.Max(v[1], v[2]))
	var z float64
	out := make([]float64, 3)
	for i, x := range v {
		out[i] = math.Exp(x - m)
		z += out[i]
	}
	for i := range out {
		out[i] /= z
	}
	return out
}

// TestEnumerationIsExact: summing the discrete site out gives the exact
// ELBO and its exact gradient; the fit reaches the exact posterior and the
// ELBO reaches log p(x).
func TestEnumerationIsExact(t *testing.T) {
	post, lz := catPosterior()
	res, err := vi.Fit(context.Background(), catModel, vi.GuideFunc(catGuide), elbo.TraceEnum{}, optim.NewAdam(0.05),
		vi.MaxSteps(2000), vi.Seed(1), vi.Draws(20000))
	require.NoError(t, err)
	phi, _ := res.Params.Value("phi")
	q := softmax3(phi.Data)
	for k := range q {
		assert.InDelta(t, post[k], q[k], 1e-3, "q(c=%d) = p(c=%d | x)", k, k)
	}
	// The enumerated ELBO has no Monte Carlo noise: it equals
	// log p(x) - KL(q || posterior) exactly at the fitted q.
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	env.Params = res.Params
	_, st0, err := elbo.TraceEnum{}.Loss(env, catModel, vi.GuideFunc(catGuide))
	require.NoError(t, err)
	var kl float64
	for k := range q {
		kl += q[k] * math.Log(q[k]/post[k])
	}
	assert.InDelta(t, lz-kl, st0.ELBO, 1e-12, "enumerated ELBO = log p(x) - KL(q || p(c|x))")
	assert.Less(t, kl, 5e-3, "q is close to the posterior")
	env = vi.NewEnv(rand.New(rand.NewPCG(2, 1)), 1)
	env.Params = res.Params
	_, st, err := elbo.TraceEnum{}.Loss(env, catModel, vi.GuideFunc(catGuide))
	require.NoError(t, err)
	assert.Equal(t, vi.PathEnumerated, st.Paths["c"])
}

// TestScoreFunctionDiscrete: the score-function path (trace ELBO, leave-
// one-out baselines) reaches the same posterior, within Monte Carlo noise.
func TestScoreFunctionDiscrete(t *testing.T) {
	post, _ := catPosterior()
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.05, 1.0/4000))
	res, err := vi.Fit(context.Background(), catModel, vi.GuideFunc(catGuide), elbo.Trace{Particles: 16}, opt,
		vi.MaxSteps(4000), vi.Seed(2), vi.Draws(0))
	require.NoError(t, err)
	phi, _ := res.Params.Value("phi")
	q := softmax3(phi.Data)
	for k := range q {
		assert.InDelta(t, post[k], q[k], 0.02, "q(c=%d) = p(c=%d | x) within the score-function noise", k, k)
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 1)), 1)
	env.Params = res.Params
	_, st, err := elbo.Trace{Particles: 4}.Loss(env, catModel, vi.GuideFunc(catGuide))
	require.NoError(t, err)
	assert.Equal(t, vi.PathScoreFunction, st.Paths["c"])
}
