package dist

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gmat "gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers of the multivariate normal families. References are
// independent of the package's kernels: gonum mat (inverse, Cholesky,
// log-determinant) and distmv, math/big for exact values, Monte Carlo
// within stated standard errors.

// randSPDMVN returns a random symmetric positive-definite d x d matrix
// G Gᵀ/d + ridge I (row-major).
func randSPDMVN(rng *rand.Rand, d int, ridge float64) []float64 {
	g := gmat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var a gmat.Dense
	a.Mul(g, g.T())
	a.Scale(1/float64(d), &a)
	out := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			out[i*d+j] = a.At(i, j)
			if i == j {
				out[i*d+j] += ridge
			}
		}
	}
	// Exactly symmetric.
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			out[j*d+i] = out[i*d+j]
		}
	}
	return out
}

// randVecMVN returns n standard normal values times s.
func randVecMVN(rng *rand.Rand, n int, s float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = s * rng.NormFloat64()
	}
	return x
}

// symMVN returns a as a gonum symmetric matrix.
func symMVN(a []float64, d int) *gmat.SymDense {
	s := gmat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, a[i*d+j])
		}
	}
	return s
}

// cholMVN returns gonum's lower Cholesky factor of a, row-major.
func cholMVN(t *testing.T, a []float64, d int) []float64 {
	t.Helper()
	var ch gmat.Cholesky
	require.True(t, ch.Factorize(symMVN(a, d)), "positive definite")
	var l gmat.TriDense
	ch.LTo(&l)
	out := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			out[i*d+j] = l.At(i, j)
		}
	}
	return out
}

// outerMVN returns L Lᵀ for a row-major d x d matrix l.
func outerMVN(l []float64, d int) []float64 {
	lm := gmat.NewDense(d, d, append([]float64(nil), l...))
	var c gmat.Dense
	c.Mul(lm, lm.T())
	return append([]float64(nil), c.RawMatrix().Data...)
}

// gonumNormalMVN returns gonum's multivariate normal with the given mean
// and covariance.
func gonumNormalMVN(t *testing.T, loc, cov []float64, seed uint64) *distmv.Normal {
	t.Helper()
	n, ok := distmv.NewNormal(loc, symMVN(cov, len(loc)), newRNG(seed))
	require.True(t, ok, "gonum accepts the covariance")
	return n
}

// denseKLMVN returns KL(N(m1, s1) || N(m2, s2)) by the textbook formula
// ½[tr(S₂⁻¹S₁) + δᵀS₂⁻¹δ - D + log det S₂ - log det S₁] with gonum's
// dense inverse and log-determinants.
func denseKLMVN(t *testing.T, m1, s1, m2, s2 []float64) float64 {
	t.Helper()
	d := len(m1)
	a1 := gmat.NewDense(d, d, append([]float64(nil), s1...))
	a2 := gmat.NewDense(d, d, append([]float64(nil), s2...))
	var inv gmat.Dense
	require.NoError(t, inv.Inverse(a2))
	var prod gmat.Dense
	prod.Mul(&inv, a1)
	tr := gmat.Trace(&prod)
	delta := gmat.NewVecDense(d, nil)
	for i := 0; i < d; i++ {
		delta.SetVec(i, m1[i]-m2[i])
	}
	maha := gmat.Inner(delta, &inv, delta)
	ld1, sign1 := gmat.LogDet(a1)
	ld2, sign2 := gmat.LogDet(a2)
	require.Equal(t, 1.0, sign1)
	require.Equal(t, 1.0, sign2)
	return 0.5 * (tr + maha - float64(d) + ld2 - ld1)
}

// bigPrecMVN is the precision of exact references.
const bigPrecMVN = 300

func bigFMVN(x float64) *big.Float { return new(big.Float).SetPrec(bigPrecMVN).SetFloat64(x) }

// bigLog1pMVN returns log(1 + y) for |y| < 1/2 in big arithmetic by
// log(1+y) = 2 atanh(y / (2 + y)) = 2 Σ z^(2k+1)/(2k+1).
func bigLog1pMVN(y *big.Float) *big.Float {
	two := bigFMVN(2)
	z := new(big.Float).SetPrec(bigPrecMVN).Quo(y, new(big.Float).SetPrec(bigPrecMVN).Add(two, y))
	z2 := new(big.Float).SetPrec(bigPrecMVN).Mul(z, z)
	sum := new(big.Float).SetPrec(bigPrecMVN)
	term := new(big.Float).SetPrec(bigPrecMVN).Set(z)
	for k := 0; k < 400; k++ {
		t := new(big.Float).SetPrec(bigPrecMVN).Quo(term, bigFMVN(float64(2*k+1)))
		sum.Add(sum, t)
		term.Mul(term, z2)
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -bigPrecMVN {
			break
		}
	}
	return sum.Mul(sum, two)
}

// bigKLTrilMVN returns KL(N(m1, L1L1ᵀ) || N(m2, L2L2ᵀ)) for float64 lower
// factors, exactly up to rounding at bigPrecMVN bits (see bigKLFactorsMVN).
func bigKLTrilMVN(m1, l1, m2, l2 []float64, d int) float64 {
	return bigKLFactorsMVN(m1, bigMatMVN(l1, d), m2, bigMatMVN(l2, d))
}

// bigMatMVN converts a row-major d x d matrix to big floats.
func bigMatMVN(a []float64, d int) [][]*big.Float {
	m := make([][]*big.Float, d)
	for i := range m {
		m[i] = make([]*big.Float, d)
		for j := range m[i] {
			m[i][j] = bigFMVN(a[i*d+j])
		}
	}
	return m
}

// bigLowRankCovMVN returns W Wᵀ + diag(dg) exactly (W row-major d x k).
func bigLowRankCovMVN(w, dg []float64, d, k int) [][]*big.Float {
	s := make([][]*big.Float, d)
	for i := range s {
		s[i] = make([]*big.Float, d)
		for j := range s[i] {
			v := new(big.Float).SetPrec(bigPrecMVN)
			for l := 0; l < k; l++ {
				v.Add(v, new(big.Float).SetPrec(bigPrecMVN).Mul(bigFMVN(w[i*k+l]), bigFMVN(w[j*k+l])))
			}
			if i == j {
				v.Add(v, bigFMVN(dg[i]))
			}
			s[i][j] = v
		}
	}
	return s
}

// bigCholMVN returns the lower Cholesky factor of a big symmetric
// positive-definite matrix.
func bigCholMVN(a [][]*big.Float) [][]*big.Float {
	d := len(a)
	l := make([][]*big.Float, d)
	for i := range l {
		l[i] = make([]*big.Float, d)
		for j := range l[i] {
			l[i][j] = new(big.Float).SetPrec(bigPrecMVN)
		}
	}
	for j := 0; j < d; j++ {
		s := new(big.Float).SetPrec(bigPrecMVN).Set(a[j][j])
		for k := 0; k < j; k++ {
			s.Sub(s, new(big.Float).SetPrec(bigPrecMVN).Mul(l[j][k], l[j][k]))
		}
		l[j][j].Sqrt(s)
		for i := j + 1; i < d; i++ {
			t := new(big.Float).SetPrec(bigPrecMVN).Set(a[i][j])
			for k := 0; k < j; k++ {
				t.Sub(t, new(big.Float).SetPrec(bigPrecMVN).Mul(l[i][k], l[j][k]))
			}
			l[i][j].Quo(t, l[j][j])
		}
	}
	return l
}

// bigKLFactorsMVN returns KL(N(m1, L1L1ᵀ) || N(m2, L2L2ᵀ)) for big lower
// factors at bigPrecMVN bits: M = L₂⁻¹L₁ and u = L₂⁻¹δ by forward
// substitution, then ½[Σ_ij M_ij² - D - 2 Σ log M_ii + |u|²] with
// log M_ii = log1p(M_ii - 1). The diagonal of M must be within (1/2, 3/2).
func bigKLFactorsMVN(m1 []float64, l1 [][]*big.Float, m2 []float64, l2 [][]*big.Float) float64 {
	d := len(m1)
	m := make([][]*big.Float, d)
	for i := range m {
		m[i] = make([]*big.Float, d)
	}
	for j := 0; j < d; j++ {
		for i := 0; i < d; i++ {
			s := new(big.Float).SetPrec(bigPrecMVN)
			if i >= j {
				s.Set(l1[i][j])
			}
			for k := 0; k < i; k++ {
				s.Sub(s, new(big.Float).SetPrec(bigPrecMVN).Mul(l2[i][k], m[k][j]))
			}
			m[i][j] = s.Quo(s, l2[i][i])
		}
	}
	u := make([]*big.Float, d)
	for i := 0; i < d; i++ {
		s := new(big.Float).SetPrec(bigPrecMVN).Sub(bigFMVN(m1[i]), bigFMVN(m2[i]))
		for k := 0; k < i; k++ {
			s.Sub(s, new(big.Float).SetPrec(bigPrecMVN).Mul(l2[i][k], u[k]))
		}
		u[i] = s.Quo(s, l2[i][i])
	}
	sum := new(big.Float).SetPrec(bigPrecMVN).SetFloat64(-float64(d))
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			sum.Add(sum, new(big.Float).SetPrec(bigPrecMVN).Mul(m[i][j], m[i][j]))
		}
		sum.Add(sum, new(big.Float).SetPrec(bigPrecMVN).Mul(u[i], u[i]))
		y := new(big.Float).SetPrec(bigPrecMVN).Sub(m[i][i], bigFMVN(1))
		lg := bigLog1pMVN(y)
		sum.Sub(sum, lg.Mul(lg, bigFMVN(2)))
	}
	v, _ := sum.Mul(sum, bigFMVN(0.5)).Float64()
	return v
}

// checkSampleMomentsMVN asserts that n draws per batch row (Sample's
// layout, b batch rows of d columns) have sample means and covariances
// within z standard errors of mean (b x d) and cov (b x d*d). The standard
// error of a Gaussian sample covariance s_jk is √((σ_jj σ_kk + σ_jk²)/n).
func checkSampleMomentsMVN(t *testing.T, xs []float64, n, b, d int, mean, cov []float64, z float64) {
	t.Helper()
	require.Len(t, xs, n*b*d)
	for m := 0; m < b; m++ {
		mu := make([]float64, d)
		for k := 0; k < n; k++ {
			for j := 0; j < d; j++ {
				mu[j] += xs[(k*b+m)*d+j]
			}
		}
		for j := range mu {
			mu[j] /= float64(n)
		}
		c := cov[m*d*d : (m+1)*d*d]
		for j := 0; j < d; j++ {
			assert.InDelta(t, mean[m*d+j], mu[j], z*math.Sqrt(c[j*d+j]/float64(n)), "batch %d mean[%d]", m, j)
		}
		for j := 0; j < d; j++ {
			for l := 0; l <= j; l++ {
				var s float64
				for k := 0; k < n; k++ {
					r := xs[(k*b+m)*d:]
					s += (r[j] - mu[j]) * (r[l] - mu[l])
				}
				s /= float64(n - 1)
				se := math.Sqrt((c[j*d+j]*c[l*d+l] + c[j*d+l]*c[j*d+l]) / float64(n))
				assert.InDelta(t, c[j*d+l], s, z*se, "batch %d cov[%d,%d]", m, j, l)
			}
		}
	}
}

// mcKLGonumMVN estimates KL(p || q) by the mean of log p(x) - log q(x)
// over n draws from p, with gonum's samplers and densities, and returns
// the estimate and its standard error.
func mcKLGonumMVN(p, q *distmv.Normal, n int) (float64, float64) {
	x := make([]float64, p.Dim())
	var m, m2 float64
	for range n {
		p.Rand(x)
		v := p.LogProb(x) - q.LogProb(x)
		m += v
		m2 += v * v
	}
	m /= float64(n)
	return m, math.Sqrt((m2/float64(n) - m*m) / float64(n))
}

// trilMVN zeroes the strictly upper part of each row of v (rows of d x d
// matrices) by an element-wise mask, so that finite differences of the
// upper entries leave a valid scale_tril (and give zero derivatives).
func trilMVN(v ad.Var, d int) ad.Var {
	mask := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			mask[i*d+j] = 1
		}
	}
	return ad.Mul(v, ad.Row(mask))
}

// denseLowRankMVN returns W Wᵀ + diag(dg) in float64 (W row-major d x k).
func denseLowRankMVN(w, dg []float64, d, k int) []float64 {
	s := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			var v float64
			for l := 0; l < k; l++ {
				v += w[i*k+l] * w[j*k+l]
			}
			if i == j {
				v += dg[i]
			}
			s[i*d+j] = v
		}
	}
	return s
}

// randPosMVN returns n values uniform in [lo, lo+1).
func randPosMVN(rng *rand.Rand, n int, lo float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + rng.Float64()
	}
	return x
}
