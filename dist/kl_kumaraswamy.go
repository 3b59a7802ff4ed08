package dist

import (
	"math"
	"math/big"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

// KLKumaraswamyBeta returns KL(Kumaraswamy(a, b) || Beta(alpha, beta)) for
// each batch row (B x 1, summed over columns), differentiable with
// respect to a, b, alpha and beta, or an error naming an invalid
// parameter. alpha and beta are the Beta distribution's concentration1 and
// concentration0 and broadcast with p's parameters.
//
// The formula is that of Nalisnick & Smyth (2017, "Stick-breaking
// variational autoencoders", appendix):
//
//	KL = (a-α)/a (-γ - ψ(b) - 1/b) + log(ab) + log B(α, β) - (b-1)/b
//	     + (β-1) b S(a, b),
//	S(a, b) = Σ_{m>=1} B(m/a, b)/(m + ab) = -E[log(1 - X)]/b,
//
// with log B from log-gammas (no overflow). The series S converges like
// m^{-b-1}, hopelessly slowly for small b; it is summed to about 1e-15
// relative accuracy (see kumaSeries) and not truncated after a fixed
// number of terms as is common.
func KLKumaraswamyBeta(p Kumaraswamy, alpha, beta ad.Var) (ad.Var, error) {
	if err := firstErr(
		p.Validate(),
		checkShapes("Beta", []string{"concentration1", "concentration0"}, alpha, beta),
		checkPositive("Beta", "concentration1", alpha),
		checkPositive("Beta", "concentration0", beta),
	); err != nil {
		return ad.Var{}, err
	}
	return paramCellsPar("KL(Kumaraswamy || Beta)", ad.ReduceCols, divergenceRows, 64, []ad.Var{p.Concentration1, p.Concentration0, alpha, beta}, func(v, g *[4]float64, need *[4]bool) float64 {
		a, bb, al, be := v[0], v[1], v[2], v[3]
		s, dsa, dsb := kumaSeries(a, bb)
		psiB := special.Digamma(bb)
		e := -eulerGamma - psiB - 1/bb // E[log X^a], X^a ~ Beta(1, b)
		g[0] = al/(a*a)*e + 1/a + (be-1)*bb*dsa
		if need[1] {
			g[1] = -(a-al)/a*(special.Trigamma(bb)-1/(bb*bb)) + 1/bb - 1/(bb*bb) + (be-1)*(s+bb*dsb)
		}
		if need[2] || need[3] {
			psiAB := special.Digamma(al + be)
			g[2] = -e/a + special.Digamma(al) - psiAB
			g[3] = special.Digamma(be) - psiAB + bb*s
		}
		// Rounding can leave -1e-16 where the KL is 0 (Kumaraswamy(1, b)
		// is Beta(1, b)): clamp at 0.
		return math.Max(0, (a-al)/a*e+math.Log(a)+math.Log(bb)+special.Lbeta(al, be)-(bb-1)/bb+(be-1)*bb*s)
	}), nil
}

// Summation of S(a, b) = Σ_{m>=1} t_m, t_m = B(m/a, b)/(m + ab)
// = (Γ(b)/a) Γ(z)/Γ(z + b + 1) with z = m/a.
//
// For b > kumaDirectB the terms fall at least geometrically (by about
// (b+1)^{-1/a} per step while z < b, and like m^{-b-1} after), and they
// are summed directly until the remainder, bounded by
// t_m · max(m/b, 1/(1 - t_m/t_{m-1})), is below 1e-17 of the sum.
//
// Otherwise the first M - 1 terms are summed directly and the tail
// Σ_{m>=M} t_m is evaluated in closed form from two asymptotic
// expansions, both accurate to rounding once w = M/a + b/2 >= 24 + 2b and
// q = M + ab/2 >= 30:
//
//  1. Γ(z)/Γ(z+c) = w^{-c} exp(Σ_j e_j w^{-2j}) with c = b + 1,
//     w = z + b/2 and e_j = -2 B_{2j+1}(-b/2)/((2j+1)(2j)) (B_n(x) the
//     Bernoulli polynomials; from DLMF 5.11.8 for log Γ(w + h), whose odd
//     terms alone survive in the difference because the shifts -b/2 and
//     b/2 + 1 add up to 1), re-expanded as Σ_k C_k w^{-c-2k};
//  2. Σ_{m>=M} (m + ab/2)^{-p} = ζ(p, q) by the Euler-Maclaurin formula
//     ζ(p, q) = q^{1-p}/(p-1) + q^{-p}/2 + Σ_j B_{2j}/(2j)! (p)_{2j-1}
//     q^{-p-2j+1} (DLMF 25.11.5-type; (p)_n the rising factorial),
//
// so that, with w^{-p} = a^p (m + ab/2)^{-p},
// tail = (Γ(b)/a) Σ_k C_k w_M^{-p_k} [q/(p_k-1) + ½ + Σ_j B_{2j}/(2j)!
// (p_k)_{2j-1} q^{1-2j}], p_k = c + 2k. Ten terms of each expansion are
// used. The tail is evaluated in forward-mode dual numbers to get its
// derivatives with respect to a and b; the direct terms are
// differentiated term by term:
// ∂ log t_m/∂a = -1/a - (z/a)(ψ(z) - ψ(z + c)), ∂ log t_m/∂b = ψ(b) - ψ(z + c).
// The cost is about a(24 + 2b) terms (O(a) for large a).
const (
	kumaDirectB = 10
	kumaTermsC  = 10 // C_k, k <= 10
	kumaTermsEM = 10 // Euler-Maclaurin terms
)

// kumaSeries returns S(a, b) and its partial derivatives.
func kumaSeries(a, b float64) (s, dsa, dsb float64) {
	c := b + 1
	lgb, _ := math.Lgamma(b)
	psiB := special.Digamma(b)
	logA := math.Log(a)
	var comp float64 // Neumaier compensation
	add := func(t float64) {
		u := s + t
		if math.Abs(s) >= math.Abs(t) {
			comp += (s - u) + t
		} else {
			comp += (t - u) + s
		}
		s = u
	}
	term := func(m int) (t, ta, tb float64) {
		z := float64(m) / a
		var lt float64
		if b >= kumaDirectB {
			lz, _ := math.Lgamma(z)
			lt = lz - logA - kumaLgammaDiff(b, z+1)
		} else {
			lt = lgb - logA - kumaLgammaDiff(z, c)
		}
		t = math.Exp(lt)
		psiZC := special.Digamma(z + c)
		ta = t * (-1/a - z/a*(special.Digamma(z)-psiZC))
		tb = t * (psiB - psiZC)
		return t, ta, tb
	}
	if b > kumaDirectB {
		prev := math.Inf(1)
		for m := 1; ; m++ {
			t, ta, tb := term(m)
			add(t)
			dsa += ta
			dsb += tb
			r := t / prev
			prev = t
			bound := t * math.Max(float64(m)/b, 1/(1-math.Min(r, 1-1e-3)))
			if bound < 1e-17*s || t == 0 {
				break
			}
		}
		return s + comp, dsa, dsb
	}
	m0 := math.Max(30-a*b/2, a*(24+2*b-b/2))
	mm := int(math.Ceil(m0))
	if mm < 1 {
		mm = 1
	}
	for m := 1; m < mm; m++ {
		t, ta, tb := term(m)
		add(t)
		dsa += ta
		dsb += tb
	}
	tail := kumaTail(a, b, float64(mm), lgb, psiB)
	add(tail.v)
	return s + comp, dsa + tail.a, dsb + tail.b
}

// kumaDual is a forward-mode dual number carrying the partial derivatives
// with respect to a and b.
type kumaDual struct{ v, a, b float64 }

func (x kumaDual) add(y kumaDual) kumaDual { return kumaDual{x.v + y.v, x.a + y.a, x.b + y.b} }
func (x kumaDual) mul(y kumaDual) kumaDual {
	return kumaDual{x.v * y.v, x.a*y.v + x.v*y.a, x.b*y.v + x.v*y.b}
}
func (x kumaDual) scale(k float64) kumaDual { return kumaDual{k * x.v, k * x.a, k * x.b} }
func (x kumaDual) shift(k float64) kumaDual { return kumaDual{x.v + k, x.a, x.b} }
func (x kumaDual) inv() kumaDual {
	r := 1 / x.v
	return kumaDual{r, -x.a * r * r, -x.b * r * r}
}
func (x kumaDual) exp() kumaDual {
	e := math.Exp(x.v)
	return kumaDual{e, x.a * e, x.b * e}
}
func (x kumaDual) log() kumaDual { return kumaDual{math.Log(x.v), x.a / x.v, x.b / x.v} }

// kumaTail returns Σ_{m>=M} t_m with its partials (see the comment on
// kumaDirectB), given log Γ(b) and ψ(b).
func kumaTail(a, b, mm, lgb, psiB float64) kumaDual {
	da := kumaDual{a, 1, 0}
	db := kumaDual{b, 0, 1}
	// K = Γ(b)/a
	k := kumaDual{lgb - math.Log(a), -1 / a, psiB}.exp()
	c := db.shift(1)
	alpha := db.scale(-0.5)
	// e_j = -2 B_{2j+1}(α)/((2j+1)(2j)), j = 1..kumaTermsC.
	var e [kumaTermsC + 1]kumaDual
	for j := 1; j <= kumaTermsC; j++ {
		n := 2*j + 1
		// B_n(α) = Σ_i binom(n, i) B_i α^{n-i} by Horner in α.
		var bp kumaDual
		for i := 0; i <= n; i++ {
			bp = bp.mul(alpha).add(kumaDual{v: kumaBinom(n, i) * kumaBernoulli[i]})
		}
		e[j] = bp.scale(-2 / float64(n*(n-1)))
	}
	// C_k from exp(Σ e_j x^j): C_0 = 1, C_k = (1/k) Σ_{j=1..k} j e_j C_{k-j}.
	var cc [kumaTermsC + 1]kumaDual
	cc[0] = kumaDual{v: 1}
	for n := 1; n <= kumaTermsC; n++ {
		var acc kumaDual
		for j := 1; j <= n; j++ {
			acc = acc.add(e[j].mul(cc[n-j]).scale(float64(j)))
		}
		cc[n] = acc.scale(1 / float64(n))
	}
	q := da.mul(db).scale(0.5).shift(mm) // M + ab/2
	logW := q.mul(da.inv()).log()        // log(q/a)
	qinv := q.inv()
	qinv2 := qinv.mul(qinv)
	var sum kumaDual
	for n := 0; n <= kumaTermsC; n++ {
		p := c.shift(float64(2 * n))
		// Euler-Maclaurin bracket: q/(p-1) + ½ + Σ_j B_{2j}/(2j)! (p)_{2j-1} q^{1-2j}
		br := q.mul(p.shift(-1).inv()).shift(0.5)
		poch := p    // (p)_{2j-1}, starting at j = 1
		qpow := qinv // q^{1-2j}
		fact := 2.0  // (2j)!
		for j := 1; j <= kumaTermsEM; j++ {
			br = br.add(poch.mul(qpow).scale(kumaBernoulli[2*j] / fact))
			poch = poch.mul(p.shift(float64(2*j - 1))).mul(p.shift(float64(2 * j)))
			qpow = qpow.mul(qinv2)
			fact *= float64((2*j + 1) * (2*j + 2))
		}
		wp := p.mul(logW).scale(-1).exp() // w^{-p}
		sum = sum.add(cc[n].mul(wp).mul(br))
	}
	return k.mul(sum)
}

// kumaBernoulli holds the Bernoulli numbers B_0..B_{2·kumaTermsC+1} (with
// B_1 = -½), computed exactly with big.Rat by the Akiyama-Tanigawa
// algorithm and rounded once.
var kumaBernoulli = func() []float64 {
	const m = 2*kumaTermsC + 2
	a := make([]*big.Rat, m+1)
	out := make([]float64, m+1)
	for k := 0; k <= m; k++ {
		a[k] = big.NewRat(1, int64(k+1))
		for j := k; j >= 1; j-- {
			d := new(big.Rat).Sub(a[j-1], a[j])
			a[j-1] = d.Mul(d, big.NewRat(int64(j), 1))
		}
		out[k], _ = a[0].Float64()
	}
	out[1] = -out[1] // the algorithm gives B_1 = +½
	return out
}()

// kumaBinom returns the binomial coefficient C(n, k) for small n.
func kumaBinom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func init() {
	RegisterKL(func(p Kumaraswamy, q Beta) (ad.Var, error) {
		return KLKumaraswamyBeta(p, q.Concentration1, q.Concentration0)
	})
}
