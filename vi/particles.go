package vi

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
)

// ParticleLayout is the layout that S particles give every site of a
// trace: the particles share the row dimension, particle-major, so a site
// with B batch rows per particle has S*B rows (rows s*B..s*B+B-1 belong to
// particle s). It owns the reductions from site rows to one value per
// particle and from particles to the objective's average.
type ParticleLayout struct {
	// S is the number of particles (at least 1).
	S int
}

// Sum reduces a site's R x 1 log-density (or KL) to one value per
// particle, S x 1. siteRows is the number of rows of the site's value (0
// means R). R = S: the value is already per particle. R = siteRows, a
// multiple of S: the rows of each particle are summed. R = 1, or R*S =
// siteRows (a value that is the same for every particle, such as a KL
// between parameters that do not depend on the particles): the total is
// given to every particle. Any other R panics.
func (l ParticleLayout) Sum(v ad.Var, siteRows int) ad.Var {
	s, r := l.S, v.Rows()
	if siteRows == 0 {
		siteRows = r
	}
	switch {
	case r == s:
		return v
	case r == siteRows && r%s == 0:
		return ad.SumCols(ad.Reshape(v, s, r/s))
	case r == 1:
		return ad.TileRows(v, s)
	case r*s == siteRows:
		return ad.TileRows(ad.Sum(v), s)
	}
	panic(fmt.Sprintf("vi: %d log-density rows for %d particles of a site with %d rows", r, s, siteRows))
}

// Mean averages an S x 1 per-particle value to 1 x 1: the plain mean, or
// Σ_s w_s v_s when weights (S x 1, set by a guide with
// Program.SetParticleWeights) are given.
func (l ParticleLayout) Mean(v, weights ad.Var) ad.Var {
	if weights == (ad.Var{}) {
		return ad.Mean(v)
	}
	return ad.Sum(ad.Mul(weights, v))
}
