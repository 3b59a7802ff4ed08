package dist

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// StudentT is Student's t distribution with Df degrees of freedom (ν),
// location Loc (μ) and scale Scale (σ), density
// Γ((ν+1)/2)/(Γ(ν/2)√(νπ) σ) (1 + z²/ν)^(-(ν+1)/2), z = (x-μ)/σ, applied
// independently to each column. The parameters broadcast: B x C, 1 x C,
// B x 1 or 1 x 1.
type StudentT struct{ Df, Loc, Scale ad.Var }

// NewStudentT returns StudentT(df, loc, scale) with scalar parameters, or
// an error if df or scale is not a finite positive number or loc is not
// finite.
func NewStudentT(df, loc, scale float64) (StudentT, error) {
	return StudentTOf(scalar(df), scalar(loc), scalar(scale))
}

// StudentTOf returns StudentT(df, loc, scale) with parameters given as ad
// values (differentiable when recorded on a tape), or an error naming the
// first invalid parameter.
func StudentTOf(df, loc, scale ad.Var) (StudentT, error) {
	d := StudentT{Df: df, Loc: loc, Scale: scale}
	return d, d.Validate()
}

// Validate checks that Df and Scale are positive, Loc is finite and the
// shapes broadcast.
func (d StudentT) Validate() error {
	return validateDecl("StudentT", d.Df, d.Loc, d.Scale)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d StudentT) Shape() (int, int) { return paramShape("StudentT", d.Df, d.Loc, d.Scale) }

// Support returns the real line.
func (StudentT) Support() Support { return Real{} }

// studentTLogNorm returns log Γ((ν+1)/2) - log Γ(ν/2) - ½ log(νπ).
func studentTLogNorm(nu float64) float64 {
	return lgammaHalfStep(nu/2) - 0.5*math.Log(nu*math.Pi)
}

// lgammaHalfStep returns log Γ(h+½) - log Γ(h) as D(h, h+½) + ψ(h)/2
// (D = special.LgammaBregman), which avoids the cancellation of two
// log Γ of size h log h: for ν = 1e9 the direct difference loses six
// digits.
func lgammaHalfStep(h float64) float64 {
	return special.LgammaBregman(h, h+0.5) + 0.5*special.Digamma(h)
}

// digammaHalfExcess returns ψ(h+½) - ψ(h) - 1/(2h), which is about
// 1/(8h²) for large h. For h >= 10 it uses the asymptotic series of ψ
// (DLMF 5.11.2) with u = 1/(2h):
//
//	ψ(h+½) - ψ(h) - 1/(2h) = u²/(1+u) - (u - log(1+u)) - Σ_k B_{2k}/(2k) ((h+½)^(-2k) - h^(-2k)),
//
// every piece small and accurate; below 10 the direct difference has no
// serious cancellation.
func digammaHalfExcess(h float64) float64 {
	if h < 10 {
		return special.Digamma(h+0.5) - special.Digamma(h) - 0.5/h
	}
	u := 0.5 / h
	s := u*u/(1+u) - special.LogRatioM1(math.Log1p(u))
	g := h + 0.5
	ig, ih := 1/(g*g), 1/(h*h)
	pg, ph := ig, ih
	for _, c := range [...]float64{1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12} {
		s -= c * (pg - ph)
		pg *= ig
		ph *= ih
	}
	return s
}

// LogProb returns Σ_j log t(x_ij | ν, μ, σ) for each row, as one fused node
// with the partials ∂/∂x = -(ν+1)z/(σ(ν+z²)) = -∂/∂μ,
// ∂/∂σ = ((ν+1)z²/(ν+z²) - 1)/σ and
// ∂/∂ν = ½(ψ((ν+1)/2) - ψ(ν/2) - 1/ν - log(1+z²/ν) + (ν+1)z²/(ν(ν+z²))),
// all written to stay accurate for large ν (see digammaHalfExcess).
// Infinite values give -Inf.
func (d StudentT) LogProb(x ad.Var) ad.Var {
	return fusedCells("StudentT", "LogProb", ad.ReduceCols, x, []ad.Var{d.Df, d.Loc, d.Scale}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		nu, s := v[1], v[3]
		z := (xv - v[2]) / s
		if math.IsInf(z, 0) {
			return math.Inf(-1) // ±Inf lies outside the real line
		}
		z2 := z * z
		l1 := math.Log1p(z2 / nu)
		w := (nu + 1) / (nu + z2) // (ν+1)/(ν+z²)
		g[0], g[2], g[3] = -w*z/s, w*z/s, (w*z2-1)/s
		if need[1] {
			// ψ((ν+1)/2) - ψ(ν/2) - 1/ν and -log(1+v) + v/(1+v) (v = z²/ν)
			// are each formed without cancellation; both are O(1/ν²)
			// for large ν.
			v := z2 / nu
			g[1] = 0.5 * (digammaHalfExcess(nu/2) - special.LogRatioM1(-l1) + v/(nu*(1+v)))
		}
		return studentTLogNorm(nu) - math.Log(s) - (nu+1)/2*l1
	})
}

// Sample draws n values per batch row as a free constant (see
// reparam.StudentT).
func (d StudentT) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.StudentT(rng, detach(d.Df), detach(d.Loc), detach(d.Scale), n)
}

// Rsample draws n values per batch row as loc + scale ε/√(G/ν),
// differentiable with respect to all three parameters (the df gradient
// through the implicit gamma gradient; reparam.StudentT).
func (d StudentT) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.StudentT(rng, d.Df, d.Loc, d.Scale, n)
}

// Mean returns Loc where ν > 1 and NaN elsewhere (as torch), B x C.
func (d StudentT) Mean() ad.Var {
	return paramCells("StudentT", ad.Elementwise, densityRows, []ad.Var{d.Df, d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		if v[0] <= 1 {
			return math.NaN()
		}
		g[1] = 1
		return v[1]
	})
}

// Variance returns σ²ν/(ν-2) where ν > 2, +Inf where 1 < ν <= 2 and NaN
// where ν <= 1 (as torch), B x C.
func (d StudentT) Variance() ad.Var {
	return paramCells("StudentT", ad.Elementwise, densityRows, []ad.Var{d.Df, d.Loc, d.Scale}, func(v, g *[4]float64, _ *[4]bool) float64 {
		nu, s := v[0], v[2]
		switch {
		case nu <= 1:
			return math.NaN()
		case nu <= 2:
			return math.Inf(1)
		}
		g[0], g[2] = -2*s*s/((nu-2)*(nu-2)), 2*s*nu/(nu-2)
		return s * s * nu / (nu - 2)
	})
}

// Entropy returns Σ_j (log σ + (ν+1)/2 (ψ((ν+1)/2) - ψ(ν/2)) + ½ log ν +
// log B(ν/2, ½)) for each batch row.
func (d StudentT) Entropy() ad.Var {
	return paramCells("StudentT", ad.ReduceCols, densityRows, []ad.Var{d.Df, d.Loc, d.Scale}, func(v, g *[4]float64, need *[4]bool) float64 {
		nu, s := v[0], v[2]
		h, h1 := nu/2, (nu+1)/2
		// ψ(h+½) - ψ(h) = 1/(2h) + excess, and
		// log B(h, ½) = log Γ(½) - (log Γ(h+½) - log Γ(h)): no
		// cancellation for large ν.
		dpsi := 0.5/h + digammaHalfExcess(h)
		if need[0] {
			g[0] = h1/2*(special.Trigamma(h1)-special.Trigamma(h)) + 0.5/nu
		}
		g[2] = 1 / s
		return math.Log(s) + h1*dpsi + 0.5*math.Log(nu) + 0.5*math.Log(math.Pi) - lgammaHalfStep(h)
	})
}

// CDF returns P(X <= x) element-wise through the regularized incomplete
// beta function: with z = (x-μ)/σ, ½ I_{ν/(ν+z²)}(ν/2, ½) for z < 0 and
// its complement for z >= 0, written with I_{z²/(ν+z²)}(½, ν/2) where
// z² < ν so that neither argument is formed as 1 minus a small number.
// Partials: the density for x (its negative for μ, times -z for σ), and
// for ν by the chain rule through special.RegIncBetaDab.
func (d StudentT) CDF(x ad.Var) ad.Var {
	return fusedCells("StudentT", "CDF", ad.Elementwise, x, []ad.Var{d.Df, d.Loc, d.Scale}, func(v, g *[4]float64, need *[4]bool) float64 {
		xv := v[0]
		nu, s := v[1], v[3]
		z := (xv - v[2]) / s
		if math.IsInf(z, 0) {
			if z > 0 {
				return 1
			}
			return 0
		}
		z2 := z * z
		// tail = P(T <= -|z|) = ½ I_{ν/(ν+z²)}(ν/2, ½); dtail = ∂tail/∂ν.
		var tail, dtail float64
		if z2 < nu {
			y := z2 / (nu + z2)
			jy := mathext.RegIncBeta(0.5, nu/2, y)
			tail = 0.5 * (1 - jy)
			if need[1] && z2 > 0 {
				_, db := special.RegIncBetaDab(0.5, nu/2, y)
				dens := math.Exp(-0.5*math.Log(y) + (nu/2-1)*math.Log1p(-y) - special.Lbeta(0.5, nu/2))
				dy := -z2 / ((nu + z2) * (nu + z2))
				dtail = -0.5 * (0.5*db + dens*dy)
			}
		} else {
			xb := nu / (nu + z2)
			tail = 0.5 * mathext.RegIncBeta(nu/2, 0.5, xb)
			if need[1] {
				da, _ := special.RegIncBetaDab(nu/2, 0.5, xb)
				dens := math.Exp((nu/2-1)*math.Log(xb) - 0.5*math.Log1p(-xb) - special.Lbeta(nu/2, 0.5))
				dx := z2 / ((nu + z2) * (nu + z2))
				dtail = 0.5 * (0.5*da + dens*dx)
			}
		}
		cdf := tail
		if z >= 0 {
			cdf, dtail = 1-tail, -dtail
		}
		pdf := math.Exp(studentTLogNorm(nu)-(nu+1)/2*math.Log1p(z2/nu)) / s
		g[0], g[1], g[2], g[3] = pdf, dtail, -pdf, -pdf*z
		return cdf
	})
}
