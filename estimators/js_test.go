package estimators

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/dist"
)

// JS of two normals agrees with numerical integration (gonum quad) within
// 4 standard errors and lies in [0, log 2]; so do a Normal against a
// Student-t and a batch.
func TestJSAgreesWithQuadrature(t *testing.T) {
	cases := []struct {
		name string
		p, q dist.Distribution
	}{
		{"N(0,1), N(1.5,0.7)", normal1(0, 1), normal1(1.5, 0.7)},
		{"N(0,1), N(0.2,1.1)", normal1(0, 1), normal1(0.2, 1.1)},
		{"N(0,1), t3(1,1)", normal1(0, 1), estStudentT{df: 3, loc: 1, scale: 1}},
	}
	for _, c := range cases {
		want := quadJS(c.p, c.q, -150, 150)
		got, err := JS(newRNG(17), c.p, c.q, 50000)
		require.NoError(t, err)
		e := got[0]
		assert.Equal(t, 100000, e.N)
		assert.Greater(t, e.StdErr, 0.0)
		assert.InDelta(t, want, e.Value, 4*e.StdErr, "%s: quadrature %v, estimate %v ± %v", c.name, want, e.Value, e.StdErr)
		assert.GreaterOrEqual(t, e.Value, 0.0, c.name)
		assert.LessOrEqual(t, e.Value, math.Ln2, c.name)
	}
	// Batch: each row against its own quadrature value.
	pb := normal(t, 2, 1, []float64{0, 1}, []float64{1, 0.5})
	qb := normal1(0.5, 1)
	got, err := JS(newRNG(18), pb, qb, 40000)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i, p := range []dist.Distribution{normal1(0, 1), normal1(1, 0.5)} {
		want := quadJS(p, qb, -100, 100)
		assert.InDelta(t, want, got[i].Value, 4*got[i].StdErr, "batch row %d", i)
	}
}

// Disjoint supports give exactly log 2 (every term is log 2); identical
// distributions give 0 within 4 standard errors.
func TestJSExtremes(t *testing.T) {
	got, err := JS(newRNG(1), estUniform{0, 1}, estUniform{2, 3}, 1000)
	require.NoError(t, err)
	assert.InDelta(t, math.Ln2, got[0].Value, 1e-13)
	assert.InDelta(t, 0, got[0].StdErr, 1e-13)
	p := normal1(0.3, 2)
	got, err = JS(newRNG(2), p, p, 5000)
	require.NoError(t, err)
	assert.Equal(t, 0.0, got[0].Value, "JS(p, p): every term is log 2 - softplus(0) = 0")
	// Partial overlap: U(0, 1) and U(0.5, 1.5) share half their mass:
	// JS = ½(½ log 2 + ½ log 1)·2 = ½ log 2 exactly in expectation.
	got, err = JS(newRNG(3), estUniform{0, 1}, estUniform{0.5, 1.5}, 20000)
	require.NoError(t, err)
	assert.InDelta(t, math.Ln2/2, got[0].Value, 4*got[0].StdErr)
	_, err = JS(newRNG(3), p, p, 1)
	assert.Error(t, err)
}

// Symmetric KL agrees with the sum of the closed forms within 4 standard
// errors, and is +Inf (standard error 0) when one direction has a support
// mismatch.
func TestSymmetricKL(t *testing.T) {
	p, q := normal1(0, 1), normal1(0.8, 1.3)
	want := closedKL(t, p, q)[0] + closedKL(t, q, p)[0]
	for _, est := range []KLEstimator{K1, K3} {
		got, err := SymmetricKL(newRNG(4), p, q, 40000, est)
		require.NoError(t, err)
		assert.InDelta(t, want, got[0].Value, 4*got[0].StdErr, "%v", est)
		assert.Equal(t, 80000, got[0].N)
		// The standard error combines both directions: larger than either.
		one, err := KL(newRNG(4), p, q, 40000, est)
		require.NoError(t, err)
		assert.Greater(t, got[0].StdErr, one[0].StdErr)
	}
	got, err := SymmetricKL(newRNG(5), estUniform{-1, 1}, p, 1000, K1)
	require.NoError(t, err)
	assert.True(t, math.IsInf(got[0].Value, 1))
	assert.Equal(t, 0.0, got[0].StdErr)
}
