package reparam

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Gamma-based pathwise samplers with implicit reparameterization gradients
// (Figurnov, Mohamed and Mnih, "Implicit Reparameterization Gradients",
// NeurIPS 2018). A Gamma(α, 1) draw z is the quantile F⁻¹(u; α) of a
// uniform u, so at fixed u it moves with α as
//
//	dz/dα = -(∂F(z; α)/∂α) / f(z; α),
//
// F the regularized lower incomplete gamma function and f the density; the
// draw itself need not come from the inverse CDF, so it is made by
// Marsaglia and Tsang's method. Everything is done on log z: for α below
// about 0.01 a sizeable fraction of Gamma(α, 1) draws lies below the
// smallest float64 (log z < -745), and log z and d log z/dα
// (special.GammaLogXDa) stay exact there. Samplers that return z itself
// clamp it to the smallest normal float64 (as torch does), so no sample is
// 0 and log-densities stay finite; the Log variants return the unclamped
// log z.
//
// Every sampler returns n draws per batch row as an n*B x C value, row
// k*B+b drawn from batch row b (rows of a shared 1-row parameter
// broadcast), recorded as one node with the partial derivatives for each
// parameter. Parameters must be valid (positive concentrations and rates,
// as package dist checks); the samplers panic otherwise.

// tinyPositive is the smallest normal float64, the floor of samples on
// (0, ∞) and (0, 1).
const tinyPositive = 0x1p-1022

// oneBelow is the largest float64 below 1, the ceiling of samples on (0, 1).
const oneBelow = 1 - 0x1p-53

// StdGammaLog draws log z for z ~ Gamma(alpha, 1) by Marsaglia and Tsang's
// method ("A simple method for generating gamma variables", ACM TOMS 26,
// 2000): for alpha >= 1, z = d v with d = alpha - 1/3, v = (1 + c x)³,
// c = 1/√(9d), x standard normal, accepted by their squeeze and then
// log test. For alpha < 1 it uses their boost z = z' U^(1/alpha) with
// z' ~ Gamma(alpha+1, 1) and U uniform on (0, 1], in log space:
// log z = log z' + log(U)/alpha, which is finite however small alpha is.
// It panics unless 0 < alpha < +Inf.
func StdGammaLog(rng *rand.Rand, alpha float64) float64 {
	if !(alpha > 0) || math.IsInf(alpha, 1) {
		panic(fmt.Sprintf("reparam: Gamma concentration %v, want a finite number > 0", alpha))
	}
	var boost float64
	if alpha < 1 {
		boost = math.Log(1-rng.Float64()) / alpha
		alpha++
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		cx := c * x
		if cx <= -1 {
			continue
		}
		logv := 3 * math.Log1p(cx) // log v, v = (1 + cx)³
		u := rng.Float64()
		x2 := x * x
		// Squeeze u < 1 - 0.0331 x⁴, then the exact test
		// log u < x²/2 + d(1 - v + log v), with 1 - v + log v formed
		// without cancellation as -(v - 1 - log v).
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2-d*special.LogRatioM1(logv) {
			return math.Log(d) + logv + boost
		}
	}
}

// StdGammaLogGrad returns the implicit reparameterization gradient
// d log z/dα of a Gamma(alpha, 1) draw with log z = logz, at fixed
// quantile (see special.GammaLogXDa). Multiply by z for dz/dα.
func StdGammaLogGrad(alpha, logz float64) float64 { return special.GammaLogXDa(alpha, logz) }

// gammaView reads a parameter broadcast over a grid: element (i, j) is
// v[(i mod rows)*cols + j] (j = 0 for one column).
type gammaView struct {
	v          []float64
	rows, cols int
}

func gammaViewOf(p ad.Var) gammaView {
	r, c := p.Shape()
	return gammaView{v: p.Value(), rows: r, cols: c}
}

func (w gammaView) at(i, j int) float64 {
	return w.v[(i%w.rows)*w.cols+min(j, w.cols-1)]
}

// gammaGrid returns the n*B x C grid of a sampler's output.
func gammaGrid(n int, ps ...ad.Var) (int, int) {
	if n < 0 {
		panic(fmt.Sprintf("reparam: %d samples", n))
	}
	b, c := Shape(ps...)
	return n * b, c
}

// Gamma returns n pathwise draws from Gamma(concentration, rate) (density
// rate^α z^(α-1) e^(-rate z)/Γ(α)) per batch row: z = z₁/rate with
// z₁ ~ Gamma(α, 1), ∂z/∂α = z d log z₁/dα (implicit) and
// ∂z/∂rate = -z/rate. Draws are at least the smallest normal float64.
func Gamma(rng *rand.Rand, concentration, rate ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, concentration, rate)
	f := ad.NewFused(r, c, ad.Elementwise, concentration, rate)
	out, pa, pr := f.Out(), f.Partial(0), f.Partial(1)
	av, rv := gammaViewOf(concentration), gammaViewOf(rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a, rt := av.at(i, j), rv.at(i, j)
			lz := StdGammaLog(rng, a)
			z := math.Exp(lz - math.Log(rt))
			k := i*c + j
			if z < tinyPositive {
				out[k] = tinyPositive // clamped: constant, partials stay 0
				continue
			}
			out[k] = z
			if pa != nil {
				pa[k] = z * special.GammaLogXDa(a, lz)
			}
			if pr != nil {
				pr[k] = -z / rt
			}
		}
	}
	return f.Var()
}

// GammaLog returns log z for n pathwise draws z from
// Gamma(concentration, rate) per batch row, without clamping:
// log z = log z₁ - log rate, ∂/∂α = d log z₁/dα, ∂/∂rate = -1/rate. Use it
// where draws may lie below the float64 range (concentration below about
// 0.01) or when log z is what is needed.
func GammaLog(rng *rand.Rand, concentration, rate ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, concentration, rate)
	f := ad.NewFused(r, c, ad.Elementwise, concentration, rate)
	out, pa, pr := f.Out(), f.Partial(0), f.Partial(1)
	av, rv := gammaViewOf(concentration), gammaViewOf(rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a, rt := av.at(i, j), rv.at(i, j)
			lz := StdGammaLog(rng, a)
			k := i*c + j
			out[k] = lz - math.Log(rt)
			if pa != nil {
				pa[k] = special.GammaLogXDa(a, lz)
			}
			if pr != nil {
				pr[k] = -1 / rt
			}
		}
	}
	return f.Var()
}

// Chi2 returns n pathwise draws from the chi-squared distribution with df
// degrees of freedom per batch row, Gamma(df/2, rate 1/2): z = 2 z₁ with
// z₁ ~ Gamma(df/2, 1), ∂z/∂df = z · ½ d log z₁/dα. Draws are at least the
// smallest normal float64.
func Chi2(rng *rand.Rand, df ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, df)
	f := ad.NewFused(r, c, ad.Elementwise, df)
	out, pd := f.Out(), f.Partial(0)
	dv := gammaViewOf(df)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a := dv.at(i, j) / 2
			lz := StdGammaLog(rng, a)
			z := 2 * math.Exp(lz)
			k := i*c + j
			if z < tinyPositive {
				out[k] = tinyPositive
				continue
			}
			out[k] = z
			if pd != nil {
				pd[k] = z * 0.5 * special.GammaLogXDa(a, lz)
			}
		}
	}
	return f.Var()
}

// InverseGamma returns n pathwise draws from InverseGamma(concentration,
// rate) (density rate^α w^(-α-1) e^(-rate/w)/Γ(α)) per batch row:
// w = rate/z₁ with z₁ ~ Gamma(α, 1), ∂w/∂α = -w d log z₁/dα and
// ∂w/∂rate = w/rate. Draws are clamped to [smallest normal, MaxFloat64]:
// for concentration below about 0.01, rate/z₁ can exceed the float64
// range.
func InverseGamma(rng *rand.Rand, concentration, rate ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, concentration, rate)
	f := ad.NewFused(r, c, ad.Elementwise, concentration, rate)
	out, pa, pr := f.Out(), f.Partial(0), f.Partial(1)
	av, rv := gammaViewOf(concentration), gammaViewOf(rate)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a, rt := av.at(i, j), rv.at(i, j)
			lz := StdGammaLog(rng, a)
			w := math.Exp(math.Log(rt) - lz)
			k := i*c + j
			switch {
			case w < tinyPositive:
				out[k] = tinyPositive
				continue
			case w > math.MaxFloat64:
				out[k] = math.MaxFloat64
				continue
			}
			out[k] = w
			if pa != nil {
				pa[k] = -w * special.GammaLogXDa(a, lz)
			}
			if pr != nil {
				pr[k] = w / rt
			}
		}
	}
	return f.Var()
}

// betaDraw returns the log-odds d = log x - log(1-x) of a
// Beta(a, b) draw x = X/(X+Y), X ~ Gamma(a, 1), Y ~ Gamma(b, 1), and
// ∂d/∂a, ∂d/∂b when grad is set. Working with log X and log Y keeps x
// meaningful when X or Y is below the float64 range.
func betaDraw(rng *rand.Rand, a, b float64, grad bool) (d, da, db float64) {
	lx := StdGammaLog(rng, a)
	ly := StdGammaLog(rng, b)
	if grad {
		da = special.GammaLogXDa(a, lx)
		db = -special.GammaLogXDa(b, ly)
	}
	return lx - ly, da, db
}

// Beta returns n pathwise draws from Beta(concentration1, concentration0)
// (density x^(α-1) (1-x)^(β-1)/B(α, β), torch's parameter names) per batch
// row, as x = X/(X+Y) = σ(log X - log Y) with X ~ Gamma(α, 1) and
// Y ~ Gamma(β, 1), so ∂x/∂α = x(1-x) d log X/dα and
// ∂x/∂β = -x(1-x) d log Y/dβ. This is the pathwise gradient of the
// gamma representation (Figurnov et al. 2018, sec. 3.3). Draws are clamped
// to [smallest normal, largest float64 below 1].
func Beta(rng *rand.Rand, concentration1, concentration0 ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, concentration1, concentration0)
	f := ad.NewFused(r, c, ad.Elementwise, concentration1, concentration0)
	out, pa, pb := f.Out(), f.Partial(0), f.Partial(1)
	grad := pa != nil || pb != nil
	av, bv := gammaViewOf(concentration1), gammaViewOf(concentration0)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d, da, db := betaDraw(rng, av.at(i, j), bv.at(i, j), grad)
			x := special.Sigmoid(d)
			k := i*c + j
			switch {
			case x < tinyPositive:
				out[k] = tinyPositive
				continue
			case x > oneBelow:
				out[k] = oneBelow
				continue
			}
			out[k] = x
			// x(1-x) = σ(d)σ(-d), formed in log space.
			w := math.Exp(special.LogSigmoid(d) + special.LogSigmoid(-d))
			if pa != nil {
				pa[k] = w * da
			}
			if pb != nil {
				pb[k] = w * db
			}
		}
	}
	return f.Var()
}

// BetaLog returns log x for n pathwise draws x from
// Beta(concentration1, concentration0) per batch row, without clamping:
// log x = log σ(log X - log Y) (see Beta), ∂/∂α = (1-x) d log X/dα,
// ∂/∂β = -(1-x) d log Y/dβ. It is finite also where x is below the
// float64 range, and where 1 - x is below float64 resolution its value
// is -(1-x) rather than 0.
func BetaLog(rng *rand.Rand, concentration1, concentration0 ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, concentration1, concentration0)
	f := ad.NewFused(r, c, ad.Elementwise, concentration1, concentration0)
	out, pa, pb := f.Out(), f.Partial(0), f.Partial(1)
	grad := pa != nil || pb != nil
	av, bv := gammaViewOf(concentration1), gammaViewOf(concentration0)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d, da, db := betaDraw(rng, av.at(i, j), bv.at(i, j), grad)
			k := i*c + j
			out[k] = special.LogSigmoid(d)
			if grad {
				w := special.Sigmoid(-d) // 1 - x
				if pa != nil {
					pa[k] = w * da
				}
				if pb != nil {
					pb[k] = w * db
				}
			}
		}
	}
	return f.Var()
}

// Dirichlet returns n pathwise draws from Dirichlet(concentration) per
// batch row: concentration is B x K (or 1 x K, shared), the result
// n*B x K, each row a point of the simplex, row k*B+b drawn from batch row
// b. A row is x_j = z_j/Σ_k z_k for independent z_j ~ Gamma(α_j, 1),
// normalized in log space (log x_j = log z_j - logsumexp(log z)), so
// ∂x_k/∂α_j = x_k(δ_kj - x_j) d log z_j/dα_j (Figurnov et al. 2018,
// sec. 3.3). Entries are at least the smallest normal float64. The result
// is one node whose backward pass applies that Jacobian row by row.
func Dirichlet(rng *rand.Rand, concentration ad.Var, n int) ad.Var {
	if n < 0 {
		panic(fmt.Sprintf("reparam: %d samples", n))
	}
	b, kk := concentration.Shape()
	r := n * b
	grad := !concentration.IsConst()
	t := concentration.Tape()
	x := t.Buffer(r * kk)
	var dl []float64 // d log z/dα per element, when a gradient is needed
	if grad {
		dl = t.Buffer(r * kk)
	}
	av := concentration.Value()
	lz := make([]float64, kk)
	for i := 0; i < r; i++ {
		ar := av[(i%b)*kk : (i%b+1)*kk]
		for j, a := range ar {
			lz[j] = StdGammaLog(rng, a)
			if grad {
				dl[i*kk+j] = special.GammaLogXDa(a, lz[j])
			}
		}
		lse := special.LogSumExp(lz)
		for j := range lz {
			x[i*kk+j] = max(math.Exp(lz[j]-lse), tinyPositive)
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		ga := in.Of(0)
		if ga == nil {
			return
		}
		for i := 0; i < r; i++ {
			xr, gr, dr := x[i*kk:(i+1)*kk], g[i*kk:(i+1)*kk], dl[i*kk:(i+1)*kk]
			var gx float64
			for j := range xr {
				gx += gr[j] * xr[j]
			}
			gar := ga[(i%b)*kk : (i%b+1)*kk]
			for j := range xr {
				gar[j] += xr[j] * dr[j] * (gr[j] - gx)
			}
		}
	}
	return ad.Custom(r, kk, x, vjp, concentration)
}

// StudentT returns n pathwise draws from Student's t distribution with df
// degrees of freedom, location loc and scale per batch row:
// t = loc + scale ε/√(G/df) with ε standard normal and G ~ χ²(df), that is
// G/df = z₁/α for z₁ ~ Gamma(α = df/2, 1). With w = ε √(α/z₁),
// ∂t/∂loc = 1, ∂t/∂scale = w and
// ∂t/∂df = -scale w (d log z₁/dα - 1/α)/4 through the implicit gamma
// gradient.
func StudentT(rng *rand.Rand, df, loc, scale ad.Var, n int) ad.Var {
	r, c := gammaGrid(n, df, loc, scale)
	f := ad.NewFused(r, c, ad.Elementwise, df, loc, scale)
	out, pd, pl, ps := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	dv, lv, sv := gammaViewOf(df), gammaViewOf(loc), gammaViewOf(scale)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a := dv.at(i, j) / 2
			s := sv.at(i, j)
			eps := rng.NormFloat64()
			lz := StdGammaLog(rng, a)
			w := eps * math.Exp(0.5*(math.Log(a)-lz))
			k := i*c + j
			out[k] = lv.at(i, j) + s*w
			if pd != nil {
				pd[k] = -s * w * (special.GammaLogXDa(a, lz) - 1/a) / 4
			}
			if pl != nil {
				pl[k] = 1
			}
			if ps != nil {
				ps[k] = w
			}
		}
	}
	return f.Var()
}
