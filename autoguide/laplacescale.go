package autoguide

import (
	"math"

	"github.com/kldiv/kldiv/vi"
)

// WithLaplaceScales makes Normal start every coordinate's scale at
// the conditional sd of the Laplace approximation at its initial point,
// 1/√(-H_ii) with H the Hessian of the log-density in unconstrained
// space (central differences of the gradient), instead of the init
// scale. Combined with InitToMAP this is the optimum of the mean-field
// family for a Gaussian posterior (KL(q || p) for a mean-field q is
// minimized by the conditional variances, MacKay 2003, §33.1), so the
// fit starts at the answer there and near it for near-Gaussian ones.
// Coordinates where -H_ii is not positive keep the init scale.
func WithLaplaceScales() Option { return func(c *config) { c.laplaceScales = true } }

// laplaceScales returns the conditional Laplace sds at u, or the init
// scale where the curvature is not negative.
func laplaceScales(s *vi.Setup, l layout, u []float64, fallback float64) ([]float64, error) {
	h, err := hessian(newDensity(s, l), u)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(u))
	for i := range out {
		out[i] = fallback
		if c := -h.At(i, i); c > 0 && !math.IsInf(c, 0) {
			out[i] = 1 / math.Sqrt(c)
		}
	}
	return out, nil
}
