package special

import "math"

// Derivatives of the regularized incomplete gamma functions with respect to
// the shape, for implicit reparameterization gradients (Figurnov, Mohamed
// and Mnih, "Implicit Reparameterization Gradients", NeurIPS 2018): a
// Gamma(a, 1) draw x = F⁻¹(u; a) moves with a as
//
//	dx/da = -(∂P(a, x)/∂a) / (∂P(a, x)/∂x),
//
// where P(a, x) = γ(a, x)/Γ(a) is the regularized lower incomplete gamma
// function (the CDF) and ∂P/∂x = x^(a-1) e^(-x)/Γ(a) the density.
//
// ∂P/∂a is computed by differentiating the two classical expansions term
// by term (forward mode), the approach of Moore ("Algorithm AS 187:
// Derivatives of the incomplete gamma integral", Appl. Statist. 31, 1982)
// and of Figurnov et al.'s implementation:
//
//   - for x < a + 1 the power series (DLMF 8.7.1)
//     P(a, x) = x^a e^(-x)/Γ(a+1) · Σ_{n≥0} c_n,  c_0 = 1, c_n = c_{n-1} x/(a+n),
//     whose terms and a-derivatives each have one sign;
//   - for x >= a + 1 Legendre's continued fraction for Q = 1 - P
//     (DLMF 8.9.2, in the even contraction of Numerical Recipes 6.2.7)
//     Q(a, x) = x^a e^(-x)/Γ(a) · 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...))),
//     evaluated by the three-term recurrences of its convergents, which are
//     differentiated along with them;
//   - for a >= 20 and |x - a| <= 0.3a, where both need O(√a) terms,
//     Temme's uniform asymptotic expansion (gamma_temme.go).
//
// Both prefactors are handled in log space, so that the implicit gradient
// of log x (GammaLogXDa) never forms x^a, e^(-x) or the density, and stays
// finite when x underflows (tiny a).

// gammaSeriesTerm returns t = S (log x - ψ(a+1)) + dS/da for the power
// series S above (x = exp(logx) < a + 1), so that
// ∂P/∂a = x^a e^(-x)/Γ(a+1) · t.
func gammaSeriesTerm(a, x, logx float64) float64 {
	s, ds := 1.0, 0.0
	c, dc := 1.0, 0.0
	if x > 0 {
		for n := 1; n < 1_000_000; n++ {
			r := 1 / (a + float64(n))
			q := x * r
			// c_n = c_{n-1} q, dc_n = dc_{n-1} q - c_{n-1} q r.
			dc = q * (dc - c*r)
			c *= q
			s += c
			ds += dc
			if c <= 1e-17*s && math.Abs(dc) <= 1e-17*math.Abs(ds) {
				break
			}
		}
	}
	return s*(logx-Digamma(a+1)) + ds
}

// gammaCFTerm returns u = K (log x - ψ(a)) + dK/da for the continued
// fraction K above (x >= a + 1), so that ∂Q/∂a = x^a e^(-x)/Γ(a) · u.
func gammaCFTerm(a, x, logx float64) float64 {
	// Convergents A_n/B_n of K = a_1/(b_1 + a_2/(b_2 + ...)) with
	// a_1 = 1, a_{n+1} = -n(n-a), b_n = x + 2n - 1 - a:
	// A_n = b_n A_{n-1} + a_n A_{n-2} and likewise B_n, from A_{-1} = 1,
	// A_0 = 0, B_{-1} = 0, B_0 = 1. The derivatives follow with
	// b_n' = -1 and a_{n+1}' = n.
	am2, am1 := 1.0, 0.0 // A_{n-2}, A_{n-1}
	bm2, bm1 := 0.0, 1.0
	dam2, dam1, dbm2, dbm1 := 0.0, 0.0, 0.0, 0.0
	k, dk := 0.0, 0.0
	// Once converged the convergents wobble by an ulp per step; stop at
	// 1e-15 relative change, scaling dK's test by the size of the result.
	lpsi := logx - Digamma(a)
	const big = 1 << 100
	for n := 1; n < 1_000_000; n++ {
		fn := float64(n)
		bn := x + 2*fn - 1 - a
		an, dan := 1.0, 0.0
		if n > 1 {
			an = -(fn - 1) * (fn - 1 - a)
			dan = fn - 1
		}
		A := bn*am1 + an*am2
		B := bn*bm1 + an*bm2
		dA := bn*dam1 - am1 + an*dam2 + dan*am2
		dB := bn*dbm1 - bm1 + an*dbm2 + dan*bm2
		am2, am1, bm2, bm1 = am1, A, bm1, B
		dam2, dam1, dbm2, dbm1 = dam1, dA, dbm1, dB
		if B != 0 {
			kn := A / B
			dkn := (dA - kn*dB) / B
			done := n > 1 && math.Abs(kn-k) <= 1e-15*math.Abs(kn) &&
				math.Abs(dkn-dk) <= 1e-15*(math.Abs(dkn)+math.Abs(kn*lpsi))
			k, dk = kn, dkn
			if done {
				break
			}
		}
		if math.Abs(B) > big {
			const s = 1.0 / big
			am2, am1, bm2, bm1 = am2*s, am1*s, bm2*s, bm1*s
			dam2, dam1, dbm2, dbm1 = dam2*s, dam1*s, dbm2*s, dbm1*s
		}
	}
	return k*lpsi + dk
}

// GammaIncRegDa returns ∂P(a, x)/∂a, the derivative of the regularized
// lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) (gonum's
// mathext.GammaIncReg) with respect to the shape a, for a > 0 and x >= 0.
// It is <= 0, and 0 at x = 0 and x = +Inf. It returns NaN for a <= 0 or
// NaN arguments.
//
// It is -x f(x) · GammaLogXDa(a, log x), with x f(x) = x^a e^(-x)/Γ(a)
// formed in log space (logGammaPrefix).
func GammaIncRegDa(a, x float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(x) || a <= 0 || x < 0:
		return math.NaN()
	case x == 0 || math.IsInf(x, 1):
		return 0
	}
	logx := math.Log(x)
	return -math.Exp(logGammaPrefix(a, x, logx)) * gammaLogXDa(a, x, logx)
}

// LogXGammaPDF returns log(x f(x; a)) = a log x - x - log Γ(a), f the
// Gamma(a, 1) density, for a > 0 and x > 0. For a >= 10 it avoids the
// cancellation of the terms of size a log a (see logGammaPrefix), which
// in the direct form costs about log10(a log a) digits. Log-densities of
// the gamma family are this minus log x at x = rate·value.
func LogXGammaPDF(a, x float64) float64 { return logGammaPrefix(a, x, math.Log(x)) }

// logGammaPrefix returns a log x - x - log Γ(a), the log of the density
// times x. For a >= 10 it is evaluated as
// -a (λ - 1 - log λ) + ½ log(a/2π) - lgammaCorr(a) with λ = x/a (from
// Stirling's series for log Γ(a), DLMF 5.11.1), which avoids the
// cancellation of the terms of size a log a in the direct form.
func logGammaPrefix(a, x, logx float64) float64 {
	if a < 10 {
		return a*logx - x - Lgamma(a)
	}
	// log λ from the exact difference near λ = 1, from the ratio (or
	// log x) far from it, where 1 + (x-a)/a would lose the digits of a
	// small λ.
	var loglam float64
	if x >= a/2 && x <= 2*a {
		loglam = math.Log1p((x - a) / a)
	} else {
		loglam = logx - math.Log(a)
	}
	return -a*LogRatioM1(loglam) + 0.5*math.Log(a/(2*math.Pi)) - lgammaCorr(a)
}

// lgammaCorr returns log Γ(a) - ((a - ½) log a - a + ½ log 2π) for
// a >= 10, the remainder of Stirling's series
// Σ_k B_{2k}/(2k(2k-1) a^{2k-1}) (DLMF 5.11.1), to double precision.
func lgammaCorr(a float64) float64 {
	z := 1 / (a * a)
	// B2/2, B4/12, B6/30, B8/56, B10/90, B12/132, B14/182
	return (1.0/12 - z*(1.0/360-z*(1.0/1260-z*(1.0/1680-z*(1.0/1188-z*(691.0/360360-z/156)))))) / a
}

// GammaLogXDa returns the implicit reparameterization gradient of the log
// of a Gamma(a, 1) variate: for x = exp(logx),
//
//	∂ log x/∂a = -(∂P(a, x)/∂a) / (x · x^(a-1) e^(-x)/Γ(a)),
//
// the rate at which log x moves with a when its quantile P(a, x) is held
// fixed (Figurnov et al. 2018, eq. 5). The density and prefactors cancel
// analytically, so the result is accurate also when x underflows float64
// (logx < -745, which happens for a below about 0.01). Multiply by x for
// dx/da. It returns NaN for a <= 0 or NaN arguments.
func GammaLogXDa(a, logx float64) float64 {
	if math.IsNaN(a) || math.IsNaN(logx) || a <= 0 {
		return math.NaN()
	}
	return gammaLogXDa(a, math.Exp(logx), logx)
}

// gammaLogXDa chooses the expansion: Temme's near x = a for large a, the
// series below a + 1 and the continued fraction above.
func gammaLogXDa(a, x, logx float64) float64 {
	switch {
	case useTemme(a, x):
		return temmeLogXDa(a, x)
	case x < a+1:
		// x f(x) = a · x^a e^(-x)/Γ(a+1).
		return -gammaSeriesTerm(a, x, logx) / a
	}
	// x f(x) = x^a e^(-x)/Γ(a) and ∂P/∂a = -∂Q/∂a.
	return gammaCFTerm(a, x, logx)
}
