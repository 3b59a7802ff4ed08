package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/reparam"
)

// Dirichlet is the Dirichlet distribution on the simplex of K components
// with concentrations Concentration (α), B x K (one row per batch member,
// or 1 x K shared): density Γ(α₀)/Π_k Γ(α_k) · Π_k x_k^(α_k-1) with
// α₀ = Σ_k α_k. A value row is one point of the simplex (K entries summing
// to 1), scored jointly.
type Dirichlet struct{ Concentration ad.Var }

// NewDirichlet returns Dirichlet(concentration) for one K-vector of
// concentrations, or an error if any is not a finite positive number.
func NewDirichlet(concentration ...float64) (Dirichlet, error) {
	return DirichletOf(ad.Row(append([]float64(nil), concentration...)))
}

// DirichletOf returns Dirichlet(concentration) for a B x K ad value
// (differentiable when recorded on a tape), or an error if it is invalid.
func DirichletOf(concentration ad.Var) (Dirichlet, error) {
	return checked(Dirichlet{Concentration: concentration})
}

// Validate checks that Concentration has at least one column and every
// entry is positive.
func (d Dirichlet) Validate() error {
	return validateDecl("Dirichlet", d.Concentration)
}

// Shape returns the batch size B and the event width K.
func (d Dirichlet) Shape() (int, int) { return paramShape("Dirichlet", d.Concentration) }

// Support returns the simplex.
func (Dirichlet) Support() Support { return Simplex{} }

func (Dirichlet) jointEvent() {}

// LogProb returns log Γ(α₀) - Σ_k log Γ(α_k) + Σ_k (α_k-1) log x_k for each
// row of x (R x K), as one fused node with the partials
// ∂/∂x_k = (α_k-1)/x_k and ∂/∂α_k = log x_k - ψ(α_k) + ψ(α₀). Like torch,
// it does not check that rows sum to 1 (the partials treat the entries as
// free coordinates); a negative entry gives -Inf. An entry 0 gives the
// limit of the density (0 log 0 = 0) and partials 0 for that row. It
// panics if x does not have K columns.
func (d Dirichlet) LogProb(x ad.Var) ad.Var {
	b, kk := d.Shape()
	if x.Cols() != kk {
		panic(fmt.Sprintf("dist: Dirichlet.LogProb: value has %d columns, distribution has %d", x.Cols(), kk))
	}
	r, _ := grid("Dirichlet", "LogProb", x, b, kk)
	f := ad.NewFused(r, kk, ad.ReduceCols, x, d.Concentration)
	out, px, pa := f.Out(), f.Partial(0), f.Partial(1)
	xv, av := viewOf(x), viewOf(d.Concentration)
	for i := 0; i < r; i++ {
		var a0, acc float64
		boundary := false
		for j := 0; j < kk; j++ {
			xx, a := xv.at(i, j), av.at(i, j)
			a0 += a
			if xx < 0 {
				acc = math.Inf(-1)
				boundary = true
				continue
			}
			if xx == 0 {
				boundary = true
			}
			acc += special.Xlogy(a-1, xx) - special.Lgamma(a)
		}
		out[i] = acc + special.Lgamma(a0)
		if boundary || (px == nil && pa == nil) {
			continue
		}
		var psi0 float64
		if pa != nil {
			psi0 = special.Digamma(a0)
		}
		for j := 0; j < kk; j++ {
			xx, a := xv.at(i, j), av.at(i, j)
			k := i*kk + j
			if px != nil {
				px[k] = (a - 1) / xx
			}
			if pa != nil {
				pa[k] = math.Log(xx) - special.Digamma(a) + psi0
			}
		}
	}
	return f.Var()
}

// Sample draws n rows per batch row as a free constant: normalized gamma
// variates formed in log space (reparam.Dirichlet; entries are at least
// the smallest normal float64).
func (d Dirichlet) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Dirichlet(rng, detach(d.Concentration), n)
}

// Rsample draws n rows per batch row, differentiable with respect to the
// concentrations through the implicit gamma gradients
// (reparam.Dirichlet).
func (d Dirichlet) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Dirichlet(rng, d.Concentration, n)
}

// Mean returns α_k/α₀, B x K.
func (d Dirichlet) Mean() ad.Var {
	return ad.Div(d.Concentration, ad.SumCols(d.Concentration))
}

// Variance returns the marginal variances α_k(α₀-α_k)/(α₀²(α₀+1)) =
// m_k(1-m_k)/(α₀+1) with m = Mean(), B x K.
func (d Dirichlet) Variance() ad.Var {
	a0 := ad.SumCols(d.Concentration)
	m := ad.Div(d.Concentration, a0)
	return ad.Div(ad.Mul(m, ad.Sub(scalar(1), m)), ad.Shift(a0, 1))
}

// Entropy returns log B(α) + (α₀-K)ψ(α₀) - Σ_k (α_k-1)ψ(α_k) for each batch
// row, with log B(α) = Σ_k log Γ(α_k) - log Γ(α₀).
func (d Dirichlet) Entropy() ad.Var {
	b, kk := d.Shape()
	f := ad.NewFused(b, kk, ad.ReduceCols, d.Concentration)
	out, pa := f.Out(), f.Partial(0)
	av := viewOf(d.Concentration)
	for i := 0; i < b; i++ {
		var a0, acc float64
		for j := 0; j < kk; j++ {
			a := av.at(i, j)
			a0 += a
			acc += special.Lgamma(a) - (a-1)*special.Digamma(a)
		}
		fk := float64(kk)
		out[i] = acc - special.Lgamma(a0) + (a0-fk)*special.Digamma(a0)
		if pa != nil {
			t0 := (a0 - fk) * special.Trigamma(a0)
			for j := 0; j < kk; j++ {
				a := av.at(i, j)
				pa[i*kk+j] = t0 - (a-1)*special.Trigamma(a)
			}
		}
	}
	return f.Var()
}
