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
