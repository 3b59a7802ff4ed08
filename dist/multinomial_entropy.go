package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// Entropy returns the entropy (nats) of each batch row,
//
//	H = -log n! - n Σ_j p_j log p_j + Σ_j E[log x_j!],  x_j ~ Binomial(n, p_j),
//
// (the marginals of a multinomial are binomial), with each expectation an
// exact series over the k that carry the mass (see entropySeries; O(K√n)
// terms in all). To keep the relative accuracy for large n, where log n!
// and the E[log x_j!] are of size n log n but H only of size K log n, it
// is evaluated in Loader's (2000) saddle-point form (see entropySeries):
// with Binet's function μ and bd0(x, m) = x log(x/m) + m - x,
//
//	H = -μ(n) - ½ log 2πn + Σ_j E[μ(x_j) + ½ log 2πx_j + bd0(x_j, n p_j)]
//
// (the bracket read as n p_j at x_j = 0), with the leading term folded
// into the bracket of the most probable category (see
// binomialLogFactorialTerm), so that every term is of the size of the
// result; the binomial masses are computed the same way.
// The partial with respect to p_j on the simplex is
// G_j = E[g_j(x_j) (x_j - n p_j)]/(p_j (1-p_j)), projected onto the
// simplex through the parameterization: (G_i - Σ_j p_j G_j)/ΣP for Probs
// (+Inf where p_i = 0), p_i (G_i - Σ_j p_j G_j) for Logits. TotalCount
// has partial 0.
func (d Multinomial) Entropy() ad.Var {
	cp, th := catParamOf("Multinomial", d.Probs, d.Logits)
	b, k := d.Shape()
	f := ad.NewFused(b, k, ad.ReduceCols, d.TotalCount, th)
	out, pt := f.Out(), f.Partial(1)
	tab := newCatTable(cp, th.Rows())
	nv := viewOf(d.TotalCount)
	q := make([]float64, k)
	g := make([]float64, k)
	for i := 0; i < b; i++ {
		n := nv.at(i, 0)
		p := tab.prow(i)
		complements(q, p)
		top := 0
		for j := range p {
			if p[j] > p[top] {
				top = j
			}
		}
		h := 0.0
		for j := range p {
			e, grad := binomialLogFactorialTerm(n, p[j], q[j], j == top)
			h += e
			g[j] = grad
		}
		out[i] = h
		if pt == nil {
			continue
		}
		var mean float64
		for j := range p {
			if p[j] > 0 {
				mean += p[j] * g[j]
			}
		}
		row := pt[i*k : (i+1)*k]
		for j := range row {
			switch {
			case cp.logits && p[j] == 0:
				row[j] = 0
			case cp.logits:
				row[j] = p[j] * (g[j] - mean)
			case p[j] == 0 && n > 0:
				row[j] = math.Inf(1)
			default:
				row[j] = (g[j] - mean) / tab.norm[i%th.Rows()]
			}
		}
	}
	return f.Var()
}

// complements sets q_j = Σ_{i≠j} p_i by prefix and suffix sums, which keeps
// the relative accuracy of 1 - p_j when p_j is close to 1.
func complements(q, p []float64) {
	var acc float64
	for j := range p {
		q[j] = acc
		acc += p[j]
	}
	acc = 0
	for j := len(p) - 1; j >= 0; j-- {
		q[j] += acc
		acc += p[j]
	}
}

// binomialLogFactorialTerm returns E[g(x)] and E[g(x)(x - np)]/(pq) for
// x ~ Binomial(n, p), g(x) = μ(x) + ½ log 2πx + bd0(x, np), g(0) = np
// (q = 1 - p is passed for its accuracy near p = 1). With top set, g also
// carries the leading term -μ(n) - ½ log 2πn of the entropy, written as
// μ(x) - μ(n) + ½ log(x/n) + bd0(x, np): when p is close to 1, x is close
// to n and the two nearly cancel, which this form does exactly. A point
// mass (p = 0, p = 1 or n = 0) has gradient term 0.
func binomialLogFactorialTerm(n, p, q float64, top bool) (e, grad float64) {
	if n == 0 || p == 0 {
		return 0, 0
	}
	if q == 0 {
		if top {
			return 0, 0
		}
		return special.Binet(n) + 0.5*math.Log(2*math.Pi*n), 0
	}
	np := n * p
	lo, up := seriesWindow(np, math.Sqrt(np*q), n)
	lp, lq := math.Log(p), math.Log(q)
	var de float64
	for x := lo; x <= up; x++ {
		lpmf := binomialLogPMFSaddle(x, n, p, q, lp, lq)
		gx := np
		if x > 0 {
			gx = special.Binet(x) + 0.5*math.Log(2*math.Pi*x) + bd0(x, np)
		}
		if top {
			if x == 0 {
				gx -= special.Binet(n) + 0.5*math.Log(2*math.Pi*n)
			} else {
				gx = special.Binet(x) - special.Binet(n) + 0.5*math.Log1p(-(n-x)/n) + bd0(x, np)
			}
		}
		w := math.Exp(lpmf)
		e += w * gx
		de += w * gx * (x - np)
	}
	return e, de / (p * q)
}
