package posteriordb

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// gpPoisRegr is gp_pois_regr, Poisson regression on a latent Gaussian
// process with the non-centered parameterization:
//
//	C_ij = α² exp(-(x_i - x_j)²/(2ρ²)) + 1e-10 [i = j],  L = chol(C),
//	f = L f̃,  f̃_n ~ N(0, 1),  k_n ~ Poisson(exp(f_n)),
//
// ρ ~ Gamma(25, rate 4), α ~ half-normal(0, 2). z = (log ρ, log α, f̃_1..f̃_N),
// log-Jacobian log ρ + log α. The reported f is the transformed parameter.
type gpPoisRegr struct {
	x  []float64
	k  ad.Var  // 1 x N counts
	lk float64 // Σ_n log k_n!
}

// gpJitter is the diagonal added to the covariance, as in the Stan program.
const gpJitter = 1e-10

func newGPPoisRegr(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	x, err := d.vector("x", n)
	if err != nil {
		return nil, err
	}
	k, err := d.vector("k", n)
	if err != nil {
		return nil, err
	}
	if err := check("k", k, isCount, "a non-negative integer"); err != nil {
		return nil, err
	}
	var lk float64
	for _, v := range k {
		l, _ := math.Lgamma(v + 1)
		lk += l
	}
	return &gpPoisRegr{x: x, k: ad.Row(k), lk: lk}, nil
}

func (m *gpPoisRegr) dim() int { return 2 + len(m.x) }

func (m *gpPoisRegr) constrain(z ad.Var) (c, logJac ad.Var) {
	pos, lj := expTransform(ad.SliceCols(z, 0, 2))
	return ad.ConcatCols(pos, ad.SliceCols(z, 2, m.dim())), ad.SumCols(lj)
}

// lgamma25 is log Γ(25).
var lgamma25, _ = math.Lgamma(25)

func (m *gpPoisRegr) logDensity(z, c ad.Var) ad.Var {
	logRho, rho, alpha := ad.ColOf(z, 0), ad.ColOf(c, 0), ad.ColOf(c, 1)
	ft := ad.SliceCols(c, 2, m.dim())
	f := m.latent(rho, alpha, ft)
	// Gamma(25, 4): 25 log 4 - log Γ(25) + 24 log ρ - 4ρ.
	gamma := ad.Shift(ad.Sub(ad.Scale(logRho, 24), ad.Scale(rho, 4)), 25*math.Log(4)-lgamma25)
	// Poisson with log-rate f: Σ_n k_n f_n - exp(f_n) - log k_n!.
	pois := ad.Shift(ad.SumCols(ad.Sub(ad.Mul(f, m.k), ad.Exp(f))), -m.lk)
	return addAll(gamma, halfNormalLP(alpha, 2), normalLP(ft, 0, 1), pois)
}

func (m *gpPoisRegr) report(c ad.Var) []site {
	return []site{
		{"rho", ad.ColOf(c, 0)},
		{"alpha", ad.ColOf(c, 1)},
		{"f", m.latent(ad.ColOf(c, 0), ad.ColOf(c, 1), ad.SliceCols(c, 2, m.dim()))},
	}
}

// latent returns f = L(ρ, α) f̃ (S x N) as one custom node. L is the
// Cholesky factor of C(ρ, α); its derivatives with respect to ρ and α are
// forward-mode tangents of the Cholesky–Banachiewicz recursion
//
//	L_jj = √(C_jj - Σ_{k<j} L_jk²),  L_ij = (C_ij - Σ_{k<j} L_ik L_jk)/L_jj,
//
// differentiated line by line (Murray 2016, "Differentiation of the
// Cholesky decomposition", §3), with ∂C/∂α = 2C₀/α and
// ∂C_ij/∂ρ = α² exp(-d²/(2ρ²)) d²/ρ³ (C₀ without jitter, d = x_i - x_j).
// The vector-Jacobian product is f̃̄ = Lᵀ ḡ, ρ̄ = ḡ · (∂L/∂ρ) f̃,
// ᾱ = ḡ · (∂L/∂α) f̃. A particle whose C is not numerically positive
// definite gets f = NaN.
func (m *gpPoisRegr) latent(rho, alpha, ft ad.Var) ad.Var {
	n := len(m.x)
	s := ft.Rows()
	rv, av, fv := rho.Value(), alpha.Value(), ft.Value()
	out := make([]float64, s*n)
	ls := make([]float64, s*n*n) // L per particle
	dfr := make([]float64, s*n)  // ∂f/∂ρ
	dfa := make([]float64, s*n)  // ∂f/∂α
	c := make([]float64, n*n)
	dcr := make([]float64, n*n)
	dca := make([]float64, n*n)
	dlr := make([]float64, n*n)
	dla := make([]float64, n*n)
	for p := 0; p < s; p++ {
		r, a := rv[p%len(rv)], av[p%len(av)]
		fr := fv[(p%ft.Rows())*n : (p%ft.Rows()+1)*n]
		for i := range n {
			for j := 0; j <= i; j++ {
				d := m.x[i] - m.x[j]
				e := math.Exp(-d * d / (2 * r * r))
				c[i*n+j] = a * a * e
				dca[i*n+j] = 2 * a * e
				dcr[i*n+j] = a * a * e * d * d / (r * r * r)
			}
			c[i*n+i] += gpJitter
		}
		l := ls[p*n*n : (p+1)*n*n]
		ok := true
		for i := 0; i < n && ok; i++ {
			for j := 0; j <= i; j++ {
				v, vr, va := c[i*n+j], dcr[i*n+j], dca[i*n+j]
				for k := 0; k < j; k++ {
					v -= l[i*n+k] * l[j*n+k]
					vr -= dlr[i*n+k]*l[j*n+k] + l[i*n+k]*dlr[j*n+k]
					va -= dla[i*n+k]*l[j*n+k] + l[i*n+k]*dla[j*n+k]
				}
				if i == j {
					if !(v > 0) {
						ok = false
						break
					}
					d := math.Sqrt(v)
					l[i*n+i], dlr[i*n+i], dla[i*n+i] = d, vr/(2*d), va/(2*d)
				} else {
					d := l[j*n+j]
					lij := v / d
					l[i*n+j] = lij
					dlr[i*n+j] = (vr - lij*dlr[j*n+j]) / d
					dla[i*n+j] = (va - lij*dla[j*n+j]) / d
				}
			}
		}
		o, orr, oa := out[p*n:(p+1)*n], dfr[p*n:(p+1)*n], dfa[p*n:(p+1)*n]
		for i := range n {
			var v, vr, va float64
			for j := 0; j <= i; j++ {
				v += l[i*n+j] * fr[j]
				vr += dlr[i*n+j] * fr[j]
				va += dla[i*n+j] * fr[j]
			}
			o[i], orr[i], oa[i] = v, vr, va
		}
		if !ok {
			for i := range n {
				o[i], orr[i], oa[i] = math.NaN(), math.NaN(), math.NaN()
			}
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		gr, ga, gf := in.Of(0), in.Of(1), in.Of(2)
		for p := 0; p < s; p++ {
			gp := g[p*n : (p+1)*n]
			l := ls[p*n*n : (p+1)*n*n]
			if gr != nil || ga != nil {
				var sr, sa float64
				for i, gi := range gp {
					sr += gi * dfr[p*n+i]
					sa += gi * dfa[p*n+i]
				}
				if gr != nil {
					gr[p%len(gr)] += sr
				}
				if ga != nil {
					ga[p%len(ga)] += sa
				}
			}
			if gf != nil {
				row := gf[(p%(len(gf)/n))*n:]
				for j := range n {
					var v float64
					for i := j; i < n; i++ {
						v += l[i*n+j] * gp[i]
					}
					row[j] += v
				}
			}
		}
	}
	return ad.Custom(s, n, out, vjp, rho, alpha, ft)
}
