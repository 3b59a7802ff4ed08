package elbo

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// TestDetachParams: a declared family (Normal, through dist.Detach) and an
// undeclared wrapper (Independent, through the reflection fallback) keep
// their log-density values, and no gradient reaches their parameters
// while the value's gradient stays the live one, -(x-μ)/σ².
func TestDetachParams(t *testing.T) {
	tp := ad.NewTape()
	mu := tp.Input(1, 1, []float64{0.4})
	sigma := tp.Input(1, 1, []float64{1.5})
	x := tp.Input(1, 1, []float64{2})
	for name, d := range map[string]dist.Distribution{
		"declared":   dist.Normal{Loc: mu, Scale: sigma},
		"reflection": dist.Independent{Base: dist.Normal{Loc: mu, Scale: sigma}, ReinterpretedBatchNdims: 1},
	} {
		live := d.LogProb(x)
		det := detachParams(d).LogProb(x)
		require.Equal(t, live.Value(), det.Value(), name)
		g := tp.Gradient(det, mu, sigma, x)
		assert.Equal(t, 0.0, g[0][0], "%s: no gradient in μ", name)
		assert.Equal(t, 0.0, g[1][0], "%s: no gradient in σ", name)
		assert.InDelta(t, -(2-0.4)/(1.5*1.5), g[2][0], 1e-14, "%s: gradient in x", name)
	}
	_, ok := dist.Detach(dist.Normal{Loc: mu, Scale: sigma})
	assert.True(t, ok, "Normal is declared: the reflection path is not taken")
	_, ok = dist.Detach(dist.Independent{Base: dist.Normal{Loc: mu, Scale: sigma}, ReinterpretedBatchNdims: 1})
	assert.False(t, ok, "Independent is not declared: the reflection path is taken")
}

// TestDetachParamsMultivariate: the declared multivariate families go
// through dist.Detach too (no reflection): a MultivariateNormal built
// from a recorded covariance and a Dirichlet keep their log-densities,
// no gradient reaches loc, the covariance or the concentrations, and
// the value's gradient is the live one: -Σ⁻¹(x-μ) and (α-1)/x.
func TestDetachParamsMultivariate(t *testing.T) {
	tp := ad.NewTape()
	mu := tp.Input(1, 2, []float64{0.4, -0.2})
	cov := tp.Input(1, 4, []float64{2, 0.6, 0.6, 1})
	x := tp.Input(1, 2, []float64{1, 0.5})
	mvn, err := dist.MultivariateNormalCov(mu, cov)
	require.NoError(t, err)
	_, ok := dist.Detach(mvn)
	require.True(t, ok, "MultivariateNormal is declared")
	live, det := mvn.LogProb(x), detachParams(mvn).LogProb(x)
	require.Equal(t, live.Value(), det.Value())
	g := tp.Gradient(det, mu, cov, x)
	assert.Equal(t, []float64{0, 0}, g[0], "no gradient in loc")
	assert.Equal(t, []float64{0, 0, 0, 0}, g[1], "no gradient in the covariance")
	// Σ⁻¹ = [[1, -0.6], [-0.6, 2]] / (2 - 0.36); x - μ = (0.6, 0.7).
	det2 := 2 - 0.36
	want := []float64{-(1*0.6 - 0.6*0.7) / det2, -(-0.6*0.6 + 2*0.7) / det2}
	assert.InDelta(t, want[0], g[2][0], 1e-12, "gradient in x_1")
	assert.InDelta(t, want[1], g[2][1], 1e-12, "gradient in x_2")

	alpha := tp.Input(1, 3, []float64{1.5, 2, 3})
	y := tp.Input(1, 3, []float64{0.2, 0.3, 0.5})
	dir, err := dist.DirichletOf(alpha)
	require.NoError(t, err)
	_, ok = dist.Detach(dir)
	require.True(t, ok, "Dirichlet is declared")
	live, det = dir.LogProb(y), detachParams(dir).LogProb(y)
	require.Equal(t, live.Value(), det.Value())
	g = tp.Gradient(det, alpha, y)
	assert.Equal(t, []float64{0, 0, 0}, g[0], "no gradient in the concentrations")
	for k, a := range []float64{1.5, 2, 3} {
		assert.InDelta(t, (a-1)/[]float64{0.2, 0.3, 0.5}[k], g[1][k], 1e-12, "gradient in y_%d", k)
	}
}
