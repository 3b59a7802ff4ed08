package dist

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
)

// mvnFromCov is MultivariateNormalCov. For a covariance that is a free
// constant (no gradient wanted), the checks of mvnFromMatrix are fused
// into the factorization: linalg.CholeskyGroup reports for each matrix
// whether it is exactly symmetric with finite entries and whether it is
// positive definite, so the matrices are read once. When every row
// passes, the result is the same as mvnFromMatrix's; otherwise (a failing
// row, or a matrix symmetric only up to the tolerance) mvnFromMatrix runs
// and names the failure exactly as before.
func mvnFromCov(loc, cov ad.Var) (MultivariateNormal, error) {
	const param = "covariance_matrix"
	if loc == (ad.Var{}) || cov == (ad.Var{}) || cov.Tape() != nil {
		return mvnFromMatrix(loc, cov, param, ad.CholeskyRows)
	}
	d := loc.Cols()
	if d > linalg.GroupMaxOrder || cov.Rows() < linalg.GroupMinRows || !linalg.GroupFast() {
		return mvnFromMatrix(loc, cov, param, ad.CholeskyRows)
	}
	if _, rowsOK := bdim(loc.Rows(), cov.Rows()); d == 0 || cov.Cols() != d*d || !rowsOK || checkReal(mvnFamily, "loc", loc) != nil {
		return mvnFromMatrix(loc, cov, param, ad.CholeskyRows)
	}
	r := cov.Rows()
	l, ok := choleskyChecked(cov.Value(), r, d)
	if !ok {
		return mvnFromMatrix(loc, cov, param, ad.CholeskyRows)
	}
	return MultivariateNormal{Loc: loc, ScaleTril: ad.Const(r, d*d, l)}, nil
}

// cholCheckWork holds choleskyChecked's interleaved buffers across calls.
var cholCheckWork par.Pool[[]float64]

// choleskyChecked returns the lower Cholesky factors of the r d x d
// matrices of a (one per row) and whether every matrix is exactly
// symmetric, finite and positive definite; parallel over groups of
// linalg.GroupLanes matrices (each factor has the same bits in any group).
func choleskyChecked(a []float64, r, d int) ([]float64, bool) {
	const w = linalg.GroupLanes
	dd := d * d
	l := make([]float64, r*dd)
	ng := (r + w - 1) / w
	bad := make([]bool, ng)
	par.For(ng, 2, func(lo, hi int) {
		work := cholCheckWork.Get()
		if n := linalg.CholeskyGroupWork(d); cap(*work) < n {
			*work = make([]float64, n)
		}
		var ok, sym [w]bool
		for g := lo; g < hi; g++ {
			i0 := g * w
			n := min(w, r-i0)
			linalg.CholeskyGroup(l[i0*dd:(i0+n)*dd], a[i0*dd:(i0+n)*dd], n, d, ok[:], sym[:], *work, true)
			for m := 0; m < n; m++ {
				if !ok[m] || !sym[m] {
					bad[g] = true
				}
			}
		}
		cholCheckWork.Put(work)
	})
	for _, b := range bad {
		if b {
			return nil, false
		}
	}
	return l, true
}
