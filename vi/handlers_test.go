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

// TestScale: Scale multiplies the scale of every site kind declared inside
// it, on top of an enclosing Scale, and leaves sites outside it alone;
// LogJoint sums the scaled log-densities.
func TestScale(t *testing.T) {
	inner := vi.Scale(func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 1)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, ad.Scalar(0.5))
		p.Factor("f", ad.Scalar(-1))
	}, 0.25)
	model := vi.Scale(func(p *vi.Program) {
		inner(p)
		p.Factor("g", ad.Scalar(-2))
	}, 2)
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 1)
	tr, err := env.RunPrior(model, 1)
	require.NoError(t, err)
	for name, want := range map[string]float64{"mu": 0.5, "y": 0.5, "f": 0.5, "g": 2} {
		assert.Equal(t, want, tr.Site(name).Scale, "scale of %s", name)
	}
	mu := tr.Site("mu").Value.Scalar()
	lp := func(x, m float64) float64 { return -0.5*(x-m)*(x-m) - 0.9189385332046727 }
	want := 0.5*lp(mu, 0) + 0.5*lp(0.5, mu) + 0.5*(-1) + 2*(-2)
	assert.InDelta(t, want, tr.LogJoint(1).Scalar(), 1e-13, "scaled log joint")
	assert.Panics(t, func() { vi.Scale(model, 0) }, "a zero factor is a programmer error")
}

// TestDrawHandler: Program.Drawing is true exactly in runs under Draw.
func TestDrawHandler(t *testing.T) {
	var seen []bool
	g := vi.GuideFunc(func(p *vi.Program) {
		seen = append(seen, p.Drawing())
		p.Sample("x", dist.Must(dist.NewNormal(0, 1)))
	})
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 1)
	_, err := env.RunGuide(g, 1)
	require.NoError(t, err)
	_, err = env.RunGuideWith(g, 1, vi.Draw())
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true}, seen)
}
