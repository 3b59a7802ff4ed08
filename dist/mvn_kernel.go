package dist

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
)

// mvnFromCov is MultivariateNormalCov. For a covariance that is a free
// constant (no gradient wanted), the checks of mvnFromMatrix are fused
// into the factorization: linalg.CholeskyGroupPacked reports for
// each matrix whether it is exactly symmetric with finite entries and
// whether it is positive definite, so the matrices are read once. When
// every row passes, the factors are kept in the interleaved layout of the
// group kernels (trilGroups) and ScaleTril is a lazy constant written
// from them on first use, with the same bits as mvnFromMatrix's; otherwise
// (a failing row, or a matrix symmetric only up to the tolerance)
// mvnFromMatrix runs and names the failure exactly as before.
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
	g, ok := factorGroups(cov.Value(), cov.Rows(), d)
	if !ok {
		return mvnFromMatrix(loc, cov, param, ad.CholeskyRows)
	}
	if !keepInterleaved(d) {
		// The padded layout would hold more than twice the values of the
		// factors: write them row-major now and keep only those.
		l := make([]float64, g.rows*d*d)
		g.fill(l)
		return MultivariateNormal{Loc: loc, ScaleTril: ad.Const(g.rows, d*d, l)}, nil
	}
	g.tril = ad.Lazy(g.rows, d*d, g.fill)
	return MultivariateNormal{Loc: loc, ScaleTril: g.tril, groups: g}, nil
}

// keepInterleaved reports whether MultivariateNormalCov keeps factors of
// order d interleaved: when the packed layout (padded to a multiple of 4)
// takes at most twice the values of the factors, that is from d = 3 on.
func keepInterleaved(d int) bool {
	return linalg.PackedLen(d) <= 2*linalg.GroupLanes*d*d
}

// trilGroups holds the lower Cholesky factors of a batch of matrices in
// the packed interleaved layout of linalg.CholeskyGroupPacked, group k
// holding batch rows k*GroupLanes.. (a short last group repeats its first
// row in the remaining lanes). The KL kernels read them there directly;
// tril, the ScaleTril they are the factors of, is a lazy constant
// written from them (fill) only when its values are asked for. A
// MultivariateNormal's groups describe its ScaleTril only while that is
// still the Var tril (of).
type trilGroups struct {
	tril    ad.Var
	rows, d int
	bufs    [][]float64
}

// of reports whether g holds the factors of v (g may be nil).
func (g *trilGroups) of(v ad.Var) bool { return g != nil && g.tril == v }

// fill writes the factors row-major into dst (rows*d*d values, zero on
// entry), parallel over groups.
func (g *trilGroups) fill(dst []float64) {
	const w = linalg.GroupLanes
	dd := g.d * g.d
	par.ForFine(len(g.bufs), 2, func(lo, hi int) {
		work := cholGroupWork(g.d)
		for k := lo; k < hi; k++ {
			i0 := k * w
			n := min(w, g.rows-i0)
			linalg.DeinterleavePacked(dst[i0*dd:(i0+n)*dd], g.bufs[k], n, g.d, *work)
		}
		cholWork.Put(work)
	})
}

// cholWork holds the scratch of factorGroups and fill across calls.
var cholWork par.Pool[[]float64]

// cholGroupWork returns scratch for the group factorization of order d
// from cholWork (return it there).
func cholGroupWork(d int) *[]float64 {
	work := cholWork.Get()
	if n := linalg.CholeskyGroupWork(d); cap(*work) < n {
		*work = make([]float64, n)
	}
	return work
}

// factorGroups factors the r d x d matrices of a (one per row) into
// trilGroups and reports whether every matrix is exactly symmetric,
// finite and positive definite; parallel over groups (each factor has the
// same bits in any group and lane).
func factorGroups(a []float64, r, d int) (*trilGroups, bool) {
	const w = linalg.GroupLanes
	dd := d * d
	ng := (r + w - 1) / w
	gl := linalg.PackedLen(d)
	g := &trilGroups{rows: r, d: d, bufs: make([][]float64, ng)}
	mem := make([]float64, ng*gl)
	bad := make([]bool, ng)
	par.ForFine(ng, 2, func(lo, hi int) {
		work := cholGroupWork(d)
		var ok, sym [w]bool
		for k := lo; k < hi; k++ {
			i0 := k * w
			n := min(w, r-i0)
			buf := mem[k*gl : (k+1)*gl]
			linalg.CholeskyGroupPacked(buf, a[i0*dd:(i0+n)*dd], n, d, ok[:], sym[:], *work)
			g.bufs[k] = buf
			for m := 0; m < n; m++ {
				if !ok[m] || !sym[m] {
					bad[k] = true
				}
			}
		}
		cholWork.Put(work)
	})
	for _, b := range bad {
		if b {
			return nil, false
		}
	}
	return g, true
}
