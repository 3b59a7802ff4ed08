package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/reparam"
)

// LowRankMultivariateNormal is the multivariate normal distribution over
// rows of D values with mean Loc and covariance W Wᵀ + diag(CovDiag),
// W = CovFactor: a low-rank-plus-diagonal covariance, as in
// torch.distributions.LowRankMultivariateNormal.
//
// Loc is B x D, CovFactor is B x D*K (each row a D x K matrix W,
// row-major) and CovDiag is B x D with positive entries; each may have one
// row, shared by the batch. Log-densities and entropies cost O(D K²) per
// row instead of O(D³): with the capacitance matrix C = I + Wᵀ D⁻¹ W
// (K x K) and its Cholesky factor L_C, the Woodbury identity gives
//
//	Σ⁻¹ = D⁻¹ - A Aᵀ,  A = D⁻¹ W L_C⁻ᵀ,  log det Σ = log det C + Σ log d_i
//
// (the matrix determinant lemma).
type LowRankMultivariateNormal struct{ Loc, CovFactor, CovDiag ad.Var }

func (LowRankMultivariateNormal) jointEvent() {}

const lowRankFamily = "LowRankMultivariateNormal"

// NewLowRankMultivariateNormal returns the single (B = 1) low-rank
// multivariate normal with mean loc (D values), covariance factor covFactor
// (D*K values, row-major D x K) and diagonal covDiag (D values), or an
// error naming the first invalid parameter.
func NewLowRankMultivariateNormal(loc, covFactor, covDiag []float64) (LowRankMultivariateNormal, error) {
	return LowRankMultivariateNormalOf(ad.Row(loc), ad.Row(covFactor), ad.Row(covDiag))
}

// LowRankMultivariateNormalOf returns the low-rank multivariate normal with
// parameters given as ad values (differentiable when recorded on a tape),
// or an error naming the first invalid parameter.
func LowRankMultivariateNormalOf(loc, covFactor, covDiag ad.Var) (LowRankMultivariateNormal, error) {
	return checked(LowRankMultivariateNormal{Loc: loc, CovFactor: covFactor, CovDiag: covDiag})
}

// Validate checks the shapes (CovFactor has a positive multiple of D
// columns, CovDiag D, rows broadcast), that Loc and CovFactor are finite
// and that CovDiag is positive.
func (m LowRankMultivariateNormal) Validate() error {
	return validateDecl(lowRankFamily, m.Loc, m.CovFactor, m.CovDiag)
}

// Shape returns the batch size (broadcast rows of the parameters) and the
// event width D. It panics if the shapes do not fit.
func (m LowRankMultivariateNormal) Shape() (int, int) {
	b, d, _ := m.dims()
	return b, d
}

// Rank returns K, the number of columns of each covariance factor.
func (m LowRankMultivariateNormal) Rank() int {
	_, _, k := m.dims()
	return k
}

func (m LowRankMultivariateNormal) dims() (b, d, k int) {
	lr, d := m.Loc.Shape()
	fr, fc := m.CovFactor.Shape()
	dr, dc := m.CovDiag.Shape()
	b1, ok1 := bdim(lr, fr)
	b, ok2 := bdim(b1, dr)
	if !ok1 || !ok2 || d == 0 || fc == 0 || fc%d != 0 || dc != d {
		panic(fmt.Sprintf("dist: %s: loc %dx%d, cov_factor %dx%d and cov_diag %dx%d do not fit", lowRankFamily, lr, d, fr, fc, dr, dc))
	}
	return b, d, fc / d
}

// Support returns R^D.
func (LowRankMultivariateNormal) Support() Support { return RealVector{} }

// lrFactor is the Woodbury factorization of one covariance
// Σ = W Wᵀ + diag(dg) (W is D x K): lc is the Cholesky factor of the
// capacitance C = I + Wᵀ D⁻¹ W (K x K), at = Aᵀ = L_C⁻¹ Wᵀ D⁻¹ (K x D),
// logdet = log det Σ (logdetC = log det C), and, when requested, yt = (Σ⁻¹W)ᵀ = L_C⁻ᵀ Aᵀ (K x D)
// and sinv = diag(Σ⁻¹) = 1/dg - column sums of squares of at (D).
type lrFactor struct {
	d, k       int
	w, dg      []float64
	lc, at, yt []float64
	sinv       []float64
	logdet     float64 // log det Σ
	logdetC    float64 // log det C
}

// factorLowRank computes the factor of covariance member c of m's
// parameters (rows c mod rows of CovFactor and CovDiag).
func factorLowRank(w, dg []float64, d, k int, grad bool) *lrFactor {
	f := &lrFactor{d: d, k: k, w: w, dg: dg}
	c := make([]float64, k*k)
	for i := 0; i < d; i++ {
		wi := w[i*k : (i+1)*k]
		inv := 1 / dg[i]
		for p, wp := range wi {
			linalg.Axpy(wp*inv, wi[:p+1], c[p*k:p*k+p+1])
		}
	}
	for p := 0; p < k; p++ {
		c[p*k+p]++
		for q := 0; q < p; q++ {
			c[q*k+p] = c[p*k+q]
		}
	}
	// C >= I is positive definite for finite parameters; non-finite ones
	// leave NaN in lc and so in every result.
	f.lc = make([]float64, k*k)
	if ok, _, _ := linalg.CholeskySym(f.lc, c, k); !ok {
		for i := range f.lc {
			f.lc[i] = math.NaN()
		}
	}
	// Aᵀ = L_C⁻¹ (Wᵀ D⁻¹).
	f.at = make([]float64, k*d)
	for i := 0; i < d; i++ {
		for p := 0; p < k; p++ {
			f.at[p*d+i] = w[i*k+p] / dg[i]
		}
	}
	linalg.SolveLowerMat(f.at, f.lc, f.at, k, d)
	for p := 0; p < k; p++ {
		f.logdetC += 2 * math.Log(f.lc[p*k+p])
	}
	f.logdet = f.logdetC
	for i := 0; i < d; i++ {
		f.logdet += math.Log(dg[i])
	}
	if grad {
		f.yt = make([]float64, k*d)
		linalg.SolveLowerTMat(f.yt, f.lc, f.at, k, d)
		f.sinv = make([]float64, d)
		for i := 0; i < d; i++ {
			f.sinv[i] = 1 / dg[i]
		}
		for p := 0; p < k; p++ {
			ap := f.at[p*d : (p+1)*d]
			for i, v := range ap {
				f.sinv[i] -= v * v
			}
		}
	}
	return f
}

// lowRankMembers returns the factors of the distinct covariances of m (the
// broadcast rows of CovFactor and CovDiag), computed in parallel.
func lowRankMembers(m LowRankMultivariateNormal, grad bool) []*lrFactor {
	_, d, k := m.dims()
	fr, dr := m.CovFactor.Rows(), m.CovDiag.Rows()
	bc, _ := bdim(fr, dr)
	wv, dv := m.CovFactor.Value(), m.CovDiag.Value()
	fs := make([]*lrFactor, bc)
	par.For(bc, 1+(1<<15)/(d*k*k+k*k*k+1), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			fs[c] = factorLowRank(rowOf(wv, fr, d*k, c), rowOf(dv, dr, d, c), d, k, grad)
		}
	})
	return fs
}

// mahalanobis returns δᵀ Σ⁻¹ δ = Σ δ_i²/d_i - |Aᵀδ|² and writes t = Aᵀδ.
func (f *lrFactor) mahalanobis(delta, t []float64) float64 {
	var s float64
	for i, v := range delta {
		s += v * v / f.dg[i]
	}
	for p := 0; p < f.k; p++ {
		t[p] = linalg.Dot(f.at[p*f.d:(p+1)*f.d], delta)
	}
	return s - linalg.Dot(t, t)
}

// solve writes Σ⁻¹δ = δ/d - A t (t = Aᵀδ) into a.
func (f *lrFactor) solve(a, delta, t []float64) {
	for i, v := range delta {
		a[i] = v / f.dg[i]
	}
	for p := 0; p < f.k; p++ {
		linalg.Axpy(-t[p], f.at[p*f.d:(p+1)*f.d], a)
	}
}

// LogProb returns log N(x_i | loc, W Wᵀ + diag) =
// -½ (D log 2π + log det Σ + δᵀΣ⁻¹δ) for each row of x (R x D, tiled over
// the batch), by the Woodbury identity in O(D K) per row after an
// O(D K² + K³) factorization per distinct covariance. Backward, with
// a = Σ⁻¹δ: x̄ = -a, loc̄ = a, W̄ = a (aᵀW) - Σ⁻¹W and
// diaḡ = ½ (a² - diag Σ⁻¹), each times the output adjoint. It panics if x
// does not fit.
func (m LowRankMultivariateNormal) LogProb(x ad.Var) ad.Var {
	b, d, k := m.dims()
	xr, xc := x.Shape()
	if xc != d {
		panic(fmt.Sprintf("dist: %s.LogProb: value has %d columns, distribution has %d", lowRankFamily, xc, d))
	}
	r, _ := grid(lowRankFamily, "LogProb", x, b, d)
	t := tapeOf(x, m.Loc, m.CovFactor, m.CovDiag)
	grad := t != nil
	fs := lowRankMembers(m, grad)
	bc := len(fs)
	lr := m.Loc.Rows()
	xv, lv := x.Value(), m.Loc.Value()
	c := float64(d) * 2 * logSqrt2Pi
	// residuals calls body for each row i of the grid, in parallel, with
	// its member's factor, δ = x_i - loc_i and a k-long scratch.
	residuals := func(body func(i int, f *lrFactor, delta, tt []float64)) {
		par.For(r, 1+(1<<14)/(d*(k+1)), func(lo, hi int) {
			buf := make([]float64, d+k)
			delta, tt := buf[:d], buf[d:]
			for i := lo; i < hi; i++ {
				xi, mi := rowOf(xv, xr, d, i), rowOf(lv, lr, d, i)
				for j := range delta {
					delta[j] = xi[j] - mi[j]
				}
				body(i, fs[i%bc], delta, tt)
			}
		})
	}
	out := t.Buffer(r)
	residuals(func(i int, f *lrFactor, delta, tt []float64) {
		out[i] = -0.5 * (c + f.logdet + f.mahalanobis(delta, tt))
	})
	fr, dr := m.CovFactor.Rows(), m.CovDiag.Rows()
	return ad.Custom(r, 1, out, func(g []float64, in ad.Adjoints) {
		dx, dl, dw, dd := in.Of(0), in.Of(1), in.Of(2), in.Of(3)
		// Per row: a = Σ⁻¹δ (times g) and aᵀW, in parallel.
		ab := t.Buffer(r * d)
		aw := t.Buffer(r * k)
		residuals(func(i int, f *lrFactor, delta, tt []float64) {
			f.mahalanobis(delta, tt)
			a := ab[i*d : (i+1)*d]
			f.solve(a, delta, tt)
			awi := aw[i*k : (i+1)*k]
			clear(awi)
			for j, aj := range a {
				linalg.Axpy(aj, f.w[j*k:(j+1)*k], awi)
			}
		})
		// Sums into the (possibly broadcast) parameters, serially in row
		// order.
		gc := make([]float64, bc)
		for i := 0; i < r; i++ {
			gi := g[i]
			a := ab[i*d : (i+1)*d]
			gc[i%bc] += gi
			if dx != nil {
				linalg.Axpy(-gi, a, rowOf(dx, xr, d, i))
			}
			if dl != nil {
				linalg.Axpy(gi, a, rowOf(dl, lr, d, i))
			}
			if dw != nil {
				dwi, awi := rowOf(dw, fr, d*k, i), aw[i*k:(i+1)*k]
				for j, aj := range a {
					linalg.Axpy(gi*aj, awi, dwi[j*k:(j+1)*k])
				}
			}
			if dd != nil {
				ddi := rowOf(dd, dr, d, i)
				for j, aj := range a {
					ddi[j] += 0.5 * gi * aj * aj
				}
			}
		}
		// Terms constant over a covariance member: -g Σ⁻¹W and -½ g diag Σ⁻¹.
		for ci, f := range fs {
			if dw != nil {
				addYt(rowOf(dw, fr, d*k, ci), f, -gc[ci])
			}
			if dd != nil {
				linalg.Axpy(-0.5*gc[ci], f.sinv, rowOf(dd, dr, d, ci))
			}
		}
	}, x, m.Loc, m.CovFactor, m.CovDiag)
}

// addYt adds s (Σ⁻¹W) (D x K, from its transpose yt) into dst.
func addYt(dst []float64, f *lrFactor, s float64) {
	d, k := f.d, f.k
	for p := 0; p < k; p++ {
		yp := f.yt[p*d : (p+1)*d]
		for i, v := range yp {
			dst[i*k+p] += s * v
		}
	}
}

// Sample draws n values per batch row as a free constant
// (reparam.LowRankMultivariateNormal).
func (m LowRankMultivariateNormal) Sample(rng *rand.Rand, n int) ad.Var {
	m.dims()
	return reparam.LowRankMultivariateNormal(rng, detach(m.Loc), detach(m.CovFactor), detach(m.CovDiag), n)
}

// Rsample draws n values per batch row as loc + W ε₁ + √diag ⊙ ε₂,
// differentiable with respect to every parameter, in O(D K) per draw.
func (m LowRankMultivariateNormal) Rsample(rng *rand.Rand, n int) ad.Var {
	m.dims()
	return reparam.LowRankMultivariateNormal(rng, m.Loc, m.CovFactor, m.CovDiag, n)
}

// Mean returns Loc broadcast to B x D.
func (m LowRankMultivariateNormal) Mean() ad.Var {
	b, d := m.Shape()
	return expand(m.Loc, b, d)
}

// covRows returns the rows of CovFactor and CovDiag broadcast to their
// common count bc.
func (m LowRankMultivariateNormal) covRows() (bc, fr, dr int) {
	fr, dr = m.CovFactor.Rows(), m.CovDiag.Rows()
	bc, _ = bdim(fr, dr)
	return bc, fr, dr
}

// Variance returns the diagonal of the covariance, Σ_k W_ik² + diag_i,
// B x D.
func (m LowRankMultivariateNormal) Variance() ad.Var {
	b, d, k := m.dims()
	bc, fr, dr := m.covRows()
	wv, dv := m.CovFactor.Value(), m.CovDiag.Value()
	val := make([]float64, bc*d)
	for c := 0; c < bc; c++ {
		w, dg := rowOf(wv, fr, d*k, c), rowOf(dv, dr, d, c)
		for i := 0; i < d; i++ {
			wi := w[i*k : (i+1)*k]
			val[c*d+i] = linalg.Dot(wi, wi) + dg[i]
		}
	}
	v := ad.Custom(bc, d, val, func(g []float64, in ad.Adjoints) {
		dw, dd := in.Of(0), in.Of(1)
		for c := 0; c < bc; c++ {
			gc := g[c*d : (c+1)*d]
			if dw != nil {
				w, dst := rowOf(wv, fr, d*k, c), rowOf(dw, fr, d*k, c)
				for i, gi := range gc {
					linalg.Axpy(2*gi, w[i*k:(i+1)*k], dst[i*k:(i+1)*k])
				}
			}
			if dd != nil {
				linalg.Axpy(1, gc, rowOf(dd, dr, d, c))
			}
		}
	}, m.CovFactor, m.CovDiag)
	return expand(v, b, d)
}

// Covariance returns the covariance matrices W Wᵀ + diag(CovDiag),
// B x D*D row-major. Backward: W̄ = (Ḡ + Ḡᵀ) W, diaḡ_i = Ḡ_ii.
func (m LowRankMultivariateNormal) Covariance() ad.Var {
	b, d, k := m.dims()
	bc, fr, dr := m.covRows()
	wv, dv := m.CovFactor.Value(), m.CovDiag.Value()
	dd := d * d
	val := make([]float64, bc*dd)
	par.For(bc, mvnParMin(d), func(lo, hi int) {
		for c := lo; c < hi; c++ {
			w, dg, s := rowOf(wv, fr, d*k, c), rowOf(dv, dr, d, c), val[c*dd:(c+1)*dd]
			for i := 0; i < d; i++ {
				for j := 0; j <= i; j++ {
					v := linalg.Dot(w[i*k:(i+1)*k], w[j*k:(j+1)*k])
					if i == j {
						v += dg[i]
					}
					s[i*d+j], s[j*d+i] = v, v
				}
			}
		}
	})
	v := ad.Custom(bc, dd, val, func(g []float64, in ad.Adjoints) {
		dw, ddg := in.Of(0), in.Of(1)
		for c := 0; c < bc; c++ {
			gc := g[c*dd : (c+1)*dd]
			if dw != nil {
				w, dst := rowOf(wv, fr, d*k, c), rowOf(dw, fr, d*k, c)
				for i := 0; i < d; i++ {
					for j := 0; j < d; j++ {
						if s := gc[i*d+j] + gc[j*d+i]; s != 0 {
							linalg.Axpy(s, w[j*k:(j+1)*k], dst[i*k:(i+1)*k])
						}
					}
				}
			}
			if ddg != nil {
				dst := rowOf(ddg, dr, d, c)
				for i := 0; i < d; i++ {
					dst[i] += gc[i*d+i]
				}
			}
		}
	}, m.CovFactor, m.CovDiag)
	return expand(v, b, dd)
}

// ScaleTril returns the lower Cholesky factors of the covariances, B x D*D
// (ad.CholeskyRows of Covariance; O(D³) per row), differentiable.
func (m LowRankMultivariateNormal) ScaleTril() ad.Var {
	_, d := m.Shape()
	return ad.CholeskyRows(m.Covariance(), d)
}

// Entropy returns ½ D (1 + log 2π) + ½ log det Σ for each batch row, B x 1,
// with log det Σ = log det C + Σ log diag_i. Backward: W̄ = Σ⁻¹W,
// diaḡ = ½ diag Σ⁻¹.
func (m LowRankMultivariateNormal) Entropy() ad.Var {
	b, d, k := m.dims()
	bc, fr, dr := m.covRows()
	grad := tapeOf(m.CovFactor, m.CovDiag) != nil
	fs := lowRankMembers(m, grad)
	val := make([]float64, bc)
	for c, f := range fs {
		val[c] = float64(d)*(0.5+logSqrt2Pi) + 0.5*f.logdet
	}
	h := ad.Custom(bc, 1, val, func(g []float64, in ad.Adjoints) {
		dw, dd := in.Of(0), in.Of(1)
		for c, f := range fs {
			if dw != nil {
				addYt(rowOf(dw, fr, d*k, c), f, g[c])
			}
			if dd != nil {
				linalg.Axpy(0.5*g[c], f.sinv, rowOf(dd, dr, d, c))
			}
		}
	}, m.CovFactor, m.CovDiag)
	return expand(h, b, 1)
}
