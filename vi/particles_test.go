package vi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// TestParticleLayoutSum: every reduction of ParticleLayout.Sum against
// sums written out by hand, for S = 3 particles.
func TestParticleLayoutSum(t *testing.T) {
	l := vi.ParticleLayout{S: 3}
	// Already per particle.
	assert.Equal(t, []float64{1, 2, 3}, l.Sum(ad.Const(3, 1, []float64{1, 2, 3}), 0).Value())
	// Two batch rows per particle, particle-major: rows (0,1), (2,3), (4,5).
	v := ad.Const(6, 1, []float64{1, 2, 10, 20, 100, 200})
	assert.Equal(t, []float64{3, 30, 300}, l.Sum(v, 6).Value(), "rows of each particle summed")
	assert.Equal(t, []float64{3, 30, 300}, l.Sum(v, 0).Value(), "siteRows 0 means the value's rows")
	// One value for every particle.
	assert.Equal(t, []float64{7, 7, 7}, l.Sum(ad.Scalar(7), 6).Value(), "1x1 broadcast")
	// A per-batch-row value shared by the particles of a 2-row site: its
	// total goes to every particle.
	assert.Equal(t, []float64{5, 5, 5}, l.Sum(ad.Const(2, 1, []float64{1, 4}), 6).Value(), "B rows of a S*B-row site")
	assert.Panics(t, func() { l.Sum(ad.Const(4, 1, make([]float64, 4)), 6) }, "4 rows fit no layout of 3 particles and 6 site rows")
}

// TestParticleLayoutMean: the plain mean, and the weighted sum when a
// guide sets particle weights.
func TestParticleLayoutMean(t *testing.T) {
	l := vi.ParticleLayout{S: 3}
	v := ad.Const(3, 1, []float64{1, 2, 6})
	assert.InDelta(t, 3, l.Mean(v, ad.Var{}).Scalar(), 1e-15, "mean")
	w := ad.Const(3, 1, []float64{0.5, 0.25, 0.25})
	assert.InDelta(t, 0.5+0.5+1.5, l.Mean(v, w).Scalar(), 1e-15, "Σ w v")
}
