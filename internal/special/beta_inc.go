package special

import "math"

// RegIncBetaDab returns the derivatives ∂I_x(a, b)/∂a and ∂I_x(a, b)/∂b of
// the regularized incomplete beta function I_x(a, b) (gonum's
// mathext.RegIncBeta, the Beta(a, b) CDF) for a, b > 0 and 0 <= x <= 1.
// Both are 0 at x = 0 and x = 1; ∂/∂a <= 0 <= ∂/∂b.
//
// Method: the hypergeometric series (DLMF 8.17.8)
//
//	I_x(a, b) = x^a (1-x)^b/(a B(a, b)) · Σ_{n≥0} t_n,
//	t_0 = 1, t_{n+1} = t_n x(a+b+n)/(a+1+n),
//
// whose terms are positive, differentiated term by term in a and b
// (forward mode) together with the log of the prefactor,
// ∂/∂a = log x - 1/a - ψ(a) + ψ(a+b) and ∂/∂b = log(1-x) - ψ(b) + ψ(a+b).
// For x > (a+1)/(a+b+2) it uses I_x(a, b) = 1 - I_{1-x}(b, a) (DLMF
// 8.17.4), so the series ratio stays below max(x, (a+b)/(a+b+2)) < 1. The
// number of terms grows like 1/(1-x) or √(a+b) in the worst case. It
// returns NaNs for arguments outside the domain.
func RegIncBetaDab(a, b, x float64) (da, db float64) {
	switch {
	case !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || math.IsInf(a, 1) || math.IsInf(b, 1):
		return math.NaN(), math.NaN()
	case x == 0 || x == 1:
		return 0, 0
	}
	if x > (a+1)/(a+b+2) {
		pb, pa := betaIncSeriesDab(b, a, 1-x, math.Log1p(-x), math.Log(x))
		return -pa, -pb
	}
	return betaIncSeriesDab(a, b, x, math.Log(x), math.Log1p(-x))
}

// betaIncSeriesDab evaluates the derivatives of the series above, given
// log x and log(1-x) computed accurately by the caller.
func betaIncSeriesDab(a, b, x, lx, l1x float64) (da, db float64) {
	s := a + b
	var sum, dsa, dsb float64
	t, ta, tb := 1.0, 0.0, 0.0
	for n := 0; n < 10_000_000; n++ {
		sum += t
		dsa += ta
		dsb += tb
		fn := float64(n)
		den := 1 / (a + 1 + fn)
		rho := x * (s + fn) * den
		// ∂ρ/∂a = x(1-b)/(a+1+n)², ∂ρ/∂b = x/(a+1+n).
		ta = ta*rho + t*x*(1-b)*den*den
		tb = tb*rho + t*x*den
		t *= rho
		if t <= 1e-17*sum && math.Abs(ta) <= 1e-17*math.Abs(dsa) && math.Abs(tb) <= 1e-17*math.Abs(dsb) {
			break
		}
	}
	psiS := Digamma(s)
	pre := math.Exp(a*lx + b*l1x - math.Log(a) - Lbeta(a, b))
	da = pre * (sum*(lx-1/a-Digamma(a)+psiS) + dsa)
	db = pre * (sum*(l1x-Digamma(b)+psiS) + dsb)
	return da, db
}
