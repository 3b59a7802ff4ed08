package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/reparam"
)

// MultivariateNormal is the multivariate normal distribution over rows of
// D values with mean Loc and covariance L Lᵀ, L = ScaleTril.
//
// Loc is B x D (or 1 x D, shared) and ScaleTril is B x D*D (or 1 x D*D):
// each row holds a D x D lower-triangular matrix, row-major, with a
// positive diagonal and a zero strictly upper part (Validate checks both;
// the kernels read only the lower triangle). The covariance and precision
// parameterizations of torch.distributions are constructors
// (MultivariateNormalCov, MultivariateNormalPrecision) that factor their
// matrix once, differentiably.
//
// The parameters' values must not be modified in place once the
// distribution is built: MultivariateNormalCov may keep its factorization
// in a second layout as well (see mvnFromCov).
type MultivariateNormal struct {
	Loc, ScaleTril ad.Var

	// groups, when it describes ScaleTril (groups.of), holds the factors
	// in the interleaved layout of the batched kernels; ScaleTril is then
	// known to be valid and its row-major values are written only on
	// demand.
	groups *trilGroups
}

func (MultivariateNormal) jointEvent() {}

const mvnFamily = "MultivariateNormal"

// NewMultivariateNormal returns the single (B = 1) multivariate normal with
// mean loc (D values) and covariance matrix cov (D*D values, row-major),
// or an error if loc is not finite or cov is not a symmetric
// positive-definite matrix. It panics if len(cov) != len(loc)².
func NewMultivariateNormal(loc, cov []float64) (MultivariateNormal, error) {
	d := len(loc)
	if len(cov) != d*d {
		panic(fmt.Sprintf("dist: NewMultivariateNormal: %d covariance values for D = %d", len(cov), d))
	}
	return MultivariateNormalCov(ad.Row(loc), ad.Row(cov))
}

// MultivariateNormalCov returns the multivariate normal with mean loc
// (B x D or 1 x D) and covariance matrices cov (B x D*D or 1 x D*D, one
// symmetric positive-definite matrix per row, row-major). ScaleTril is the
// Cholesky factor of cov, computed by ad.CholeskyRows, so the result is
// differentiable with respect to cov when cov is recorded on a tape.
//
// It returns a *ParamError naming covariance_matrix, the element, the batch
// row and what failed when a value is not finite, the matrix is not
// symmetric (|c_ij - c_ji| > 1e-8 max(|c_ij|, |c_ji|, √|c_ii c_jj|)) or not
// positive definite (the leading minor whose pivot is not positive).
func MultivariateNormalCov(loc, cov ad.Var) (MultivariateNormal, error) {
	return mvnFromCov(loc, cov)
}

// MultivariateNormalPrecision returns the multivariate normal with mean
// loc and precision (inverse covariance) matrices precision, given like
// the covariances of MultivariateNormalCov. ScaleTril is computed from the
// precision without inverting it (ad.InvCholeskyRows: a Cholesky
// factorization of the reversed matrix and a triangular inverse),
// differentiably. Errors are as for MultivariateNormalCov, naming
// precision_matrix.
func MultivariateNormalPrecision(loc, precision ad.Var) (MultivariateNormal, error) {
	return mvnFromMatrix(loc, precision, "precision_matrix", ad.InvCholeskyRows)
}

// MultivariateNormalScaleTril returns the multivariate normal with mean loc
// and lower-triangular scale scaleTril (covariance scaleTril scaleTrilᵀ),
// or an error naming the first invalid element (see Validate).
func MultivariateNormalScaleTril(loc, scaleTril ad.Var) (MultivariateNormal, error) {
	return checked(MultivariateNormal{Loc: loc, ScaleTril: scaleTril})
}

func mvnFromMatrix(loc, a ad.Var, param string, factor func(ad.Var, int) ad.Var) (MultivariateNormal, error) {
	if a == (ad.Var{}) {
		return MultivariateNormal{}, fmt.Errorf("dist: %s: parameter %s is missing", mvnFamily, param)
	}
	// The declaration checks the shapes, loc and the matrix's symmetry;
	// the factorization decides positive definiteness.
	ps := [4]ad.Var{loc}
	if param == "covariance_matrix" {
		ps[1] = a
	} else {
		ps[2] = a
	}
	if err := validateDecl(mvnFamily, ps[:]...); err != nil {
		return MultivariateNormal{}, err
	}
	d := loc.Cols()
	l := factor(a, d)
	if err := checkFactored(mvnFamily, param, a, l, d); err != nil {
		return MultivariateNormal{}, err
	}
	return MultivariateNormal{Loc: loc, ScaleTril: l}, nil
}

// checkSymmetricRows checks that every row of a holds a finite symmetric
// d x d matrix. Exactly equal pairs (the usual case) cost one comparison;
// rows are checked in parallel and the first failing row is reported.
func checkSymmetricRows(family, param string, a ad.Var, d int) error {
	av := a.Value()
	dd := d * d
	return firstBadRow(a.Rows(), d, func(b int) error {
		m := av[b*dd : (b+1)*dd]
		// Fast path without branches: Σ |x - y| is 0 for an exactly
		// symmetric finite matrix (Inf - Inf and NaN give NaN).
		var s float64
		for i := 0; i < d; i++ {
			row := m[i*d : i*d+i+1]
			for j, x := range row {
				s += math.Abs(x - m[j*d+i])
			}
		}
		if s == 0 {
			return nil
		}
		for i := 0; i < d; i++ {
			for j := 0; j <= i; j++ {
				x, y := m[i*d+j], m[j*d+i]
				if x == y && x-x == 0 { // equal and finite
					continue
				}
				if !finite(x) || !finite(y) {
					k, v := i*d+j, x
					if finite(x) {
						k, v = j*d+i, y
					}
					return &ParamError{Family: family, Param: param, Index: b*dd + k, Value: v,
						Want: fmt.Sprintf("a finite number (batch row %d, element (%d, %d))", b, k/d, k%d)}
				}
				scale := math.Max(math.Max(math.Abs(x), math.Abs(y)), math.Sqrt(math.Abs(m[i*d+i]*m[j*d+j])))
				if math.Abs(x-y) > 1e-8*scale {
					return &ParamError{Family: family, Param: param, Index: b*dd + i*d + j, Value: x,
						Want: fmt.Sprintf("a symmetric matrix (batch row %d: element (%d, %d) = %v but (%d, %d) = %v)", b, i, j, x, j, i, y)}
				}
			}
		}
		return nil
	})
}

// firstBadRow runs check on rows 0..n-1 of d x d matrices, in parallel
// for large batches, and returns the error of the first failing row.
func firstBadRow(n, d int, check func(b int) error) error {
	if n*d*d < 1<<14 {
		for b := 0; b < n; b++ {
			if err := check(b); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	par.For(n, 2, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			if errs[b] = check(b); errs[b] != nil {
				return
			}
		}
	})
	return firstErr(errs...)
}

// checkFactored turns the NaN rows that ad.CholeskyRows and
// ad.InvCholeskyRows return for matrices that are not positive definite
// into a ParamError naming the batch row and the leading minor that fails.
func checkFactored(family, param string, a, l ad.Var, d int) error {
	lv, av := l.Value(), a.Value()
	dd := d * d
	for b := 0; b < l.Rows(); b++ {
		if !math.IsNaN(lv[b*dd]) {
			continue
		}
		row := av[b*dd : (b+1)*dd]
		ok, k, piv := linalg.CholeskySym(make([]float64, dd), row, d)
		if ok {
			// Only the reversed factorization of a precision matrix can
			// fail where the plain one does not (a borderline matrix).
			return &ParamError{Family: family, Param: param, Index: b * dd, Value: row[0],
				Want: fmt.Sprintf("a positive-definite matrix (batch row %d is numerically singular)", b)}
		}
		return &ParamError{Family: family, Param: param, Index: b*dd + k*d + k, Value: row[k*d+k],
			Want: fmt.Sprintf("a positive-definite matrix (batch row %d: the leading minor of order %d is not positive, pivot %v)", b, k+1, piv)}
	}
	return nil
}

// Validate checks that the shapes fit (ScaleTril has D*D columns for D
// columns of Loc, rows broadcast), Loc is finite and every row of
// ScaleTril is lower triangular with a positive finite diagonal and finite
// entries. Errors name the parameter, the element, its batch row and
// position.
func (m MultivariateNormal) Validate() error {
	if m.groups.of(m.ScaleTril) {
		// The constructor computed ScaleTril and checked it: only the
		// shapes and Loc remain (and ScaleTril's values stay unwritten).
		return validateDeclExcept(mvnFamily, 3, m.Loc, ad.Var{}, ad.Var{}, m.ScaleTril)
	}
	return validateDecl(mvnFamily, m.Loc, ad.Var{}, ad.Var{}, m.ScaleTril)
}

// checkTrilRows checks that each row of l is a lower-triangular d x d
// matrix with finite entries and a positive diagonal. Valid rows cost one
// branch-free pass (kernel.TrilOK); the first invalid element is then
// described.
func checkTrilRows(family, param string, l ad.Var, d int) error {
	lv := l.Value()
	dd := d * d
	return firstBadRow(len(lv)/max(dd, 1), d, func(b int) error {
		if kernel.TrilOK(lv[b*dd:(b+1)*dd], d) {
			return nil
		}
		for i := 0; i < d; i++ {
			if err := trilError(family, param, lv, b, i, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// trilError describes the first invalid element of row i of batch row b.
func trilError(family, param string, lv []float64, b, i, d int) error {
	for j := 0; j < d; j++ {
		k := b*d*d + i*d + j
		v := lv[k]
		var want string
		switch {
		case j > i && v != 0:
			want = "0 above the diagonal"
		case j == i && !positive(v):
			want = "a finite number > 0 on the diagonal"
		case !finite(v):
			want = "a finite number"
		default:
			continue
		}
		return &ParamError{Family: family, Param: param, Index: k, Value: v,
			Want: fmt.Sprintf("%s (batch row %d, element (%d, %d) of a lower-triangular matrix)", want, b, i, j)}
	}
	return nil
}

// Shape returns the batch size (broadcast rows of Loc and ScaleTril) and
// the event width D. It panics if the shapes do not fit.
func (m MultivariateNormal) Shape() (int, int) {
	lr, d := m.Loc.Shape()
	sr, sc := m.ScaleTril.Shape()
	b, ok := bdim(lr, sr)
	if !ok || sc != d*d {
		panic(fmt.Sprintf("dist: %s: loc is %dx%d and scale_tril %dx%d; want D*D columns and broadcasting rows", mvnFamily, lr, d, sr, sc))
	}
	return b, d
}

// Support returns R^D.
func (MultivariateNormal) Support() Support { return RealVector{} }

// mvnParMin is the number of rows from which a loop over d-dimensional
// Gaussian rows goes parallel: enough rows for O(d³) work to pay for the
// goroutines.
func mvnParMin(d int) int { return max(2, (1<<15)/(d*d*d+d*d+1)) }

// rowOf returns row i mod rows of a row-major slice of rows x w.
func rowOf(v []float64, rows, w, i int) []float64 {
	k := i % rows
	return v[k*w : (k+1)*w]
}

// trilLogDet returns Σ log l_ii.
func trilLogDet(l []float64, d int) float64 {
	var s float64
	for i := 0; i < d; i++ {
		s += math.Log(l[i*d+i])
	}
	return s
}

// LogProb returns log N(x_i | loc, L Lᵀ) = -½|z|² - Σ log L_jj - D log √(2π)
// with z = L⁻¹(x_i - loc) for each row of x (R x D, tiled over the batch as
// in Distribution.LogProb), as one node. Backward, with w = L⁻ᵀ z:
// x̄ = -w, loc̄ = w, L̄ = tril(w zᵀ) - diag(1/L_jj), each times the output
// adjoint. It panics if x does not have D columns or its rows do not fit
// the batch.
func (m MultivariateNormal) LogProb(x ad.Var) ad.Var {
	b, d := m.Shape()
	xr, xc := x.Shape()
	if xc != d {
		panic(fmt.Sprintf("dist: %s.LogProb: value has %d columns, distribution has %d", mvnFamily, xc, d))
	}
	r, _ := grid(mvnFamily, "LogProb", x, b, d)
	lr, sr := m.Loc.Rows(), m.ScaleTril.Rows()
	xv, lv, sv := x.Value(), m.Loc.Value(), m.ScaleTril.Value()
	dd := d * d
	t := tapeOf(x, m.Loc, m.ScaleTril)
	logdet := t.Buffer(sr)
	for s := 0; s < sr; s++ {
		logdet[s] = trilLogDet(sv[s*dd:(s+1)*dd], d)
	}
	c := float64(d) * logSqrt2Pi
	out := t.Buffer(r)
	par.For(r, 8*mvnParMin(d), func(lo, hi int) {
		z := make([]float64, d)
		for i := lo; i < hi; i++ {
			xi, mi, li := rowOf(xv, xr, d, i), rowOf(lv, lr, d, i), rowOf(sv, sr, dd, i)
			for j := range z {
				z[j] = xi[j] - mi[j]
			}
			linalg.SolveLower(z, li, z, d)
			out[i] = -0.5*linalg.Dot(z, z) - logdet[i%sr] - c
		}
	})
	return ad.Custom(r, 1, out, func(g []float64, in ad.Adjoints) {
		dx, dl, ds := in.Of(0), in.Of(1), in.Of(2)
		// Per row: z (for L̄) and g_i w (for every input), in arena memory.
		zb := t.Buffer(r * d)
		wg := t.Buffer(r * d)
		par.For(r, 8*mvnParMin(d), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				xi, mi, li := rowOf(xv, xr, d, i), rowOf(lv, lr, d, i), rowOf(sv, sr, dd, i)
				z, w := zb[i*d:(i+1)*d], wg[i*d:(i+1)*d]
				for j := range z {
					z[j] = xi[j] - mi[j]
				}
				linalg.SolveLower(z, li, z, d)
				linalg.SolveLowerT(w, li, z, d)
				for j := range w {
					w[j] *= g[i]
				}
			}
		})
		// Rows of x and loc: serial sums in row order (O(R D)).
		for i := 0; i < r; i++ {
			w := wg[i*d : (i+1)*d]
			if dx != nil {
				linalg.Axpy(-1, w, rowOf(dx, xr, d, i))
			}
			if dl != nil {
				linalg.Axpy(1, w, rowOf(dl, lr, d, i))
			}
		}
		if ds == nil {
			return
		}
		// Rows of L: member s owns rows s, s+sr, ...; one goroutine each.
		par.For(sr, 2, func(lo, hi int) {
			for s := lo; s < hi; s++ {
				dst, ls := ds[s*dd:(s+1)*dd], sv[s*dd:(s+1)*dd]
				var gs float64
				for i := s; i < r; i += sr {
					gs += g[i]
					z, w := zb[i*d:(i+1)*d], wg[i*d:(i+1)*d]
					for p := 0; p < d; p++ {
						linalg.Axpy(w[p], z[:p+1], dst[p*d:p*d+p+1])
					}
				}
				for p := 0; p < d; p++ {
					dst[p*d+p] -= gs / ls[p*d+p]
				}
			}
		})
	}, x, m.Loc, m.ScaleTril)
}

// Sample draws n values per batch row as a free constant (loc + L ε).
func (m MultivariateNormal) Sample(rng *rand.Rand, n int) ad.Var {
	m.Shape()
	return reparam.MultivariateNormal(rng, detach(m.Loc), detach(m.ScaleTril), n)
}

// Rsample draws n values per batch row as loc + L ε, differentiable with
// respect to Loc and ScaleTril (reparam.MultivariateNormal).
func (m MultivariateNormal) Rsample(rng *rand.Rand, n int) ad.Var {
	m.Shape()
	return reparam.MultivariateNormal(rng, m.Loc, m.ScaleTril, n)
}

// Mean returns Loc broadcast to B x D.
func (m MultivariateNormal) Mean() ad.Var {
	b, d := m.Shape()
	return expand(m.Loc, b, d)
}

// Variance returns the diagonal of the covariance, Σ_{j<=i} L_ij², B x D.
func (m MultivariateNormal) Variance() ad.Var {
	b, d := m.Shape()
	sr := m.ScaleTril.Rows()
	sv := m.ScaleTril.Value()
	dd := d * d
	val := make([]float64, sr*d)
	for s := 0; s < sr; s++ {
		for i := 0; i < d; i++ {
			li := sv[s*dd+i*d : s*dd+i*d+i+1]
			val[s*d+i] = linalg.Dot(li, li)
		}
	}
	v := ad.Custom(sr, d, val, func(g []float64, in ad.Adjoints) {
		ds := in.Of(0)
		if ds == nil {
			return
		}
		for s := 0; s < sr; s++ {
			for i := 0; i < d; i++ {
				o := s*dd + i*d
				linalg.Axpy(2*g[s*d+i], sv[o:o+i+1], ds[o:o+i+1])
			}
		}
	}, m.ScaleTril)
	return expand(v, b, d)
}

// Covariance returns the covariance matrices L Lᵀ, B x D*D row-major.
// Backward: L̄ = tril((Ḡ + Ḡᵀ) L).
func (m MultivariateNormal) Covariance() ad.Var {
	b, d := m.Shape()
	return expand(trilOuter(m.ScaleTril, d), b, d*d)
}

// trilOuter returns L Lᵀ for each row of l (lower triangular d x d).
func trilOuter(l ad.Var, d int) ad.Var {
	sr := l.Rows()
	sv := l.Value()
	dd := d * d
	val := make([]float64, sr*dd)
	for s := 0; s < sr; s++ {
		ls, cs := sv[s*dd:(s+1)*dd], val[s*dd:(s+1)*dd]
		for i := 0; i < d; i++ {
			for j := 0; j <= i; j++ {
				v := linalg.Dot(ls[i*d:i*d+j+1], ls[j*d:j*d+j+1])
				cs[i*d+j], cs[j*d+i] = v, v
			}
		}
	}
	return ad.Custom(sr, dd, val, func(g []float64, in ad.Adjoints) {
		ds := in.Of(0)
		if ds == nil {
			return
		}
		for s := 0; s < sr; s++ {
			ls, gs, dst := sv[s*dd:(s+1)*dd], g[s*dd:(s+1)*dd], ds[s*dd:(s+1)*dd]
			// (Ḡ + Ḡᵀ) L, lower part: Σ_k (g_ik + g_ki) l_kj for k >= j.
			for i := 0; i < d; i++ {
				for k := 0; k < d; k++ {
					gik := gs[i*d+k] + gs[k*d+i]
					if gik == 0 {
						continue
					}
					lk := ls[k*d : k*d+min(k, i)+1]
					linalg.Axpy(gik, lk, dst[i*d:i*d+len(lk)])
				}
			}
		}
	}, l)
}

// Entropy returns ½ D (1 + log 2π) + Σ log L_jj for each batch row, B x 1.
func (m MultivariateNormal) Entropy() ad.Var {
	b, d := m.Shape()
	h := ad.Shift(ad.TriLogDetRows(m.ScaleTril, d), float64(d)*(0.5+logSqrt2Pi))
	return expand(h, b, 1)
}
