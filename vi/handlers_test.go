package vi_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// TestNonCenteredLocScale: x ~ N(mu, 2) under NonCentered is the
// deterministic mu + 2 z with z = x_decentered ~ N(0, 1) a latent site;
// replayed from a guide trace, the model scores z against N(0, 1) and
// records x exactly; a site that is not a Normal fails the run by name.
func TestNonCenteredLocScale(t *testing.T) {
	model := vi.NonCentered(func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(1, 1)))
		p.Sample("x", dist.Normal{Loc: mu, Scale: ad.Scalar(2)})
	}, "x")
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 3)
	gt, err := env.RunPrior(model, 3)
	require.NoError(t, err)
	require.Len(t, gt.Sites, 3)
	assert.Equal(t, "x_decentered", gt.Sites[1].Name)
	assert.Equal(t, vi.Latent, gt.Sites[1].Kind)
	assert.Equal(t, vi.Deterministic, gt.Site("x").Kind)
	mu, z, x := gt.Site("mu").Value.Value(), gt.Site("x_decentered").Value.Value(), gt.Site("x").Value.Value()
	for i := range x {
		assert.InDelta(t, mu[i]+2*z[i], x[i], 1e-15, "x = mu + 2 z, particle %d", i)
	}
	mt, err := env.RunModel(model, gt)
	require.NoError(t, err)
	lp := mt.Site("x_decentered").LogProb.Value()
	for i := range z {
		assert.InDelta(t, -0.5*z[i]*z[i]-0.9189385332046727, lp[i], 1e-14, "log N(z; 0, 1), particle %d", i)
	}
	assert.Equal(t, x, mt.Site("x").Value.Value(), "the model recomputes x from the replayed z")

	bad := vi.NonCentered(func(p *vi.Program) { p.Sample("g", dist.Must(dist.NewGamma(2, 1))) }, "g")
	_, err = env.RunPrior(bad, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `LocScale reparam of site "g": want a Normal`)
}

// TestSubstitute: a substituted site keeps its name and kind, takes the
// given row for every particle, is scored there and marked Forced.
func TestSubstitute(t *testing.T) {
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 4)
	g := vi.GuideFunc(func(p *vi.Program) { p.Sample("k", dist.Must(dist.NewPoisson(3))) })
	tr, err := env.RunGuideWith(g, 4, vi.Substitute(map[string]ad.Matrix{"k": {Rows: 1, Cols: 1, Data: []float64{2}}}))
	require.NoError(t, err)
	s := tr.Site("k")
	assert.True(t, s.Forced)
	assert.Equal(t, []float64{2, 2, 2, 2}, s.Value.Value())
	for _, v := range s.LogProb.Value() {
		assert.InDelta(t, 2*1.0986122886681098-3-0.6931471805599453, v, 1e-14, "log Poisson(2; 3)")
	}
}
