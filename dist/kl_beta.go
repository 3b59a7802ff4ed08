package dist

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klBetaBeta)
	RegisterKL(klDirichletDirichlet)
}

// klBetaBeta is KL(Beta(a₁, b₁) || Beta(a₂, b₂)) summed over columns,
//
//	KL = log B(a₂, b₂) - log B(a₁, b₁) + (a₁-a₂)ψ(a₁) + (b₁-b₂)ψ(b₁) + (a₂-a₁+b₂-b₁)ψ(a₁+b₁)
//	   = D(a₁, a₂) + D(b₁, b₂) - D(s₁, s₂),   s = a + b,
//
// with D(a, b) = log Γ(b) - log Γ(a) - (b-a)ψ(a) (special.LgammaBregman),
// each term accurate to full relative precision as p → q; s₂ - s₁ is
// formed as (a₂-a₁) + (b₂-b₁), since the rounding of the sums would
// otherwise dominate a small difference. Partials:
// ∂/∂a₁ = (a₁-a₂)ψ₁(a₁) - (s₁-s₂)ψ₁(s₁),
// ∂/∂a₂ = ψ(a₂) - ψ(a₁) - ψ(s₂) + ψ(s₁), and likewise for b.
func klBetaBeta(p, q Beta) (ad.Var, error) {
	return paramCellsPar("KL(Beta || Beta)", ad.ReduceCols, divergenceRows, 1<<11, []ad.Var{p.Concentration1, p.Concentration0, q.Concentration1, q.Concentration0}, func(v, g *[4]float64, need *[4]bool) float64 {
		a1, b1, a2, b2 := v[0], v[1], v[2], v[3]
		// s₂ - s₁ from the exact differences, not from the rounded sums.
		s1, s2, ds := a1+b1, a2+b2, (a2-a1)+(b2-b1)
		if need[0] || need[1] {
			ts := -ds * special.Trigamma(s1)
			g[0] = (a1-a2)*special.Trigamma(a1) - ts
			g[1] = (b1-b2)*special.Trigamma(b1) - ts
		}
		if need[2] || need[3] {
			ps := special.Digamma(s1) - special.Digamma(s2)
			g[2] = special.Digamma(a2) - special.Digamma(a1) + ps
			g[3] = special.Digamma(b2) - special.Digamma(b1) + ps
		}
		return special.LgammaBregman(a1, a2) + special.LgammaBregman(b1, b2) - special.LgammaBregmanD(s1, ds)
	}), nil
}

// klDirichletDirichlet is KL(Dir(α) || Dir(β)) per row,
//
//	KL = log Γ(α₀) - Σ log Γ(α_k) - log Γ(β₀) + Σ log Γ(β_k) + Σ (α_k-β_k)(ψ(α_k) - ψ(α₀))
//	   = Σ_k D(α_k, β_k) - D(α₀, β₀),
//
// with D as in klBetaBeta (Beta is the case K = 2). Partials:
// ∂/∂α_k = (α_k-β_k)ψ₁(α_k) - (α₀-β₀)ψ₁(α₀),
// ∂/∂β_k = ψ(β_k) - ψ(α_k) - ψ(β₀) + ψ(α₀). A one-column side is a
// symmetric Dirichlet broadcast over the other side's K columns.
func klDirichletDirichlet(p, q Dirichlet) (ad.Var, error) {
	b, kk := paramShape("KL(Dirichlet || Dirichlet)", p.Concentration, q.Concentration)
	f := ad.NewFused(b, kk, ad.ReduceCols, p.Concentration, q.Concentration)
	out, pa, pb := f.Out(), f.Partial(0), f.Partial(1)
	A, B := viewOf(p.Concentration), viewOf(q.Concentration)
	par.For(b, 1<<10, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			// β₀ - α₀ is summed from the exact differences β_k - α_k.
			var a0, b0, d0, acc float64
			for j := 0; j < kk; j++ {
				a, bb := A.at(i, j), B.at(i, j)
				a0 += a
				b0 += bb
				d0 += bb - a
				acc += special.LgammaBregman(a, bb)
			}
			out[i] = acc - special.LgammaBregmanD(a0, d0)
			if pa != nil {
				t0 := -d0 * special.Trigamma(a0)
				for j := 0; j < kk; j++ {
					a, bb := A.at(i, j), B.at(i, j)
					pa[i*kk+j] = (a-bb)*special.Trigamma(a) - t0
				}
			}
			if pb != nil {
				p0 := special.Digamma(a0) - special.Digamma(b0)
				for j := 0; j < kk; j++ {
					pb[i*kk+j] = special.Digamma(B.at(i, j)) - special.Digamma(A.at(i, j)) + p0
				}
			}
		}
	})
	return f.Var(), nil
}
