package mixture

import (
	"math"

	"github.com/kldiv/kldiv/internal/kernel"
)

// The E step of one chunk of points. For each point p the log
// responsibilities l_pk = c_k - |U_k^T (x_p - m_k)|²/2 are shifted by a
// constant S_p, t_pk = l_pk - S_p, and
//
//	e_pk = exp(t_pk),  s_p = Σ_k e_pk,  a_p = Σ_k e_pk t_pk
//
// are kept. The general path shifts by the maximum over k; the 2-D path
// shifts every point by C = max_k c_k >= max_k l_pk, which needs no
// per-point maximum, and redoes with the maximum the rare points whose
// s_p falls below 2^-960 (farther than about 36 standard deviations from
// every component), where subnormal e_pk would lose precision. Either way
// t_pk <= 0, so nothing overflows. Then` the responsibilities are r_pk = e_pk / s_p (the division is
// folded into the accumulation of the statistics) and the point's
// Σ_k r_pk log r_pk = a_p / s_p - log s_p, with the chunk's log s_p
// computed in one call of kernel.Log.

// e2Stride is the number of values per component in Mixture.e2.
const e2Stride = 6

// packE2 fills m.e2 for d = 2: per component m0, m1, U00, U01, U11,
// c_k - C with C = max_k c_k, contiguous, so that the E step's inner loop
// reads one short array.
func (m *Mixture) packE2() {
	if len(m.e2) != e2Stride*m.K {
		m.e2 = make([]float64, e2Stride*m.K)
	}
	c := math.Inf(-1)
	for _, v := range m.logConst {
		c = max(c, v)
	}
	for j := range m.K {
		mu, u := m.Means[j], m.PrecisionsCholesky[j]
		p := m.e2[e2Stride*j : e2Stride*(j+1) : e2Stride*(j+1)]
		p[0], p[1], p[2], p[3], p[4], p[5] = mu[0], mu[1], u[0], u[1], u[3], m.logConst[j]-c
	}
}

// sMin is the smallest s_p of the 2-D path's fixed shift that is kept:
// below it the point is redone with its maximum.
const sMin = 0x1p-960

// The chunk's e_pk and t_pk are stored component-major (k x np: row j
// holds component j for every point of the chunk), so that the loops over
// points keep one component's parameters in registers and read and write
// contiguous memory.

// eStep2 writes e_pk into r (k x np), s_p into s and a_p into a for the
// np = len(s) 2-D points xs (row-major) under the packed parameters par
// (Mixture.e2); t (k x np) is scratch for t_pk. The exponentials of the
// whole chunk are one call of kernel.Exp (8 at a time with AVX-512).
func eStep2(par, xs, r, s, a, t []float64, k int) {
	par = par[:e2Stride*k]
	np := len(s)
	xs = xs[:2*np]
	for j := range k {
		c := par[e2Stride*j : e2Stride*j+e2Stride : e2Stride*j+e2Stride]
		m0, m1, u00, u01, u11, cj := c[0], c[1], c[2], c[3], c[4], c[5]
		tj := t[j*np : (j+1)*np : (j+1)*np]
		for p := range tj {
			y0, y1 := xs[2*p]-m0, xs[2*p+1]-m1
			u, v := u00*y0, u01*y0+u11*y1
			tj[p] = cj - 0.5*(u*u+v*v)
		}
	}
	kernel.Exp(r, t[:k*np])
	sumExp(r, s, a, t, k)
	for p, sp := range s {
		if !(sp >= sMin) {
			redo(r, s, a, t, k, p)
		}
	}
}

// redo shifts point p of a chunk by its maximum instead (scalar
// exponentials) and recomputes its s_p and a_p.
func redo(r, s, a, t []float64, k, p int) {
	np := len(s)
	mx := math.Inf(-1)
	for j := range k {
		mx = max(mx, t[j*np+p])
	}
	if math.IsInf(mx, -1) || mx != mx {
		mx = 0
		for j := range k {
			t[j*np+p] = 0 // zero density everywhere: spread evenly
		}
	}
	var sp, ap float64
	for j := range k {
		i := j*np + p
		t[i] -= mx
		e := math.Exp(t[i])
		r[i] = e
		sp += e
		if e != 0 {
			ap += e * t[i]
		}
	}
	s[p], a[p] = sp, ap
}

// eStepGeneral is eStep2 for any d, through Mixture.mahalanobis; y (d) and
// lp (k) are scratch.
func (m *Mixture) eStepGeneral(xs, r, s, a, t, mx, y, lp []float64) {
	d, k := m.D, m.K
	np := len(s)
	for p := range np {
		mx[p] = m.logRhoGeneral(lp, xs[p*d:(p+1)*d], y)
		for j, l := range lp[:k] {
			t[j*np+p] = l
		}
	}
	shiftExpSum(r, s, a, t, mx, k)
}

// shiftExpSum sets t_pk -= mx_p, r = exp(t), s_p = Σ_k r_pk and a_p =
// Σ_k r_pk t_pk, in component order.
func shiftExpSum(r, s, a, t, mx []float64, k int) {
	np := len(s)
	mx = mx[:np]
	for p, v := range mx {
		if math.IsInf(v, -1) {
			// Every component has zero density here (cannot happen for
			// finite data and parameters): spread the point evenly.
			mx[p] = 0
			for j := range k {
				t[j*np+p] = 0
			}
		}
	}
	t = t[:k*np]
	for j := range k {
		tj := t[j*np : (j+1)*np : (j+1)*np]
		for p, v := range mx {
			tj[p] -= v
		}
	}
	kernel.Exp(r, t)
	sumExp(r, s, a, t, k)
}

// sumExp sets s_p = Σ_k r_pk and a_p = Σ_k r_pk t_pk, in component order.
func sumExp(r, s, a, t []float64, k int) {
	np := len(s)
	a = a[:np]
	r, t = r[:k*np], t[:k*np]
	for p := range s {
		// Point by point (strided over the k rows), the sums in registers.
		var sp, ap float64
		for i := p; i < k*np; i += np {
			e := r[i]
			sp += e
			ap += e * t[i]
		}
		s[p], a[p] = sp, ap
	}
	for p, v := range a {
		if v != v {
			// 0·(-Inf) from an overflowed distance (data near the largest
			// floats): that component contributes 0.
			v = 0
			for j := range k {
				if e := r[j*np+p]; e != 0 {
					v += e * t[j*np+p]
				}
			}
			a[p] = v
		}
	}
}

// finishE turns s_p into 1/s_p (the factor of the responsibilities) and
// returns the chunk's Σ_p Σ_k r_pk log r_pk; lg is scratch of len(s).
func finishE(s, a, lg []float64) float64 {
	kernel.Log(lg, s)
	var ent float64
	for p, sp := range s {
		inv := 1 / sp
		s[p] = inv
		ent += a[p]*inv - lg[p]
	}
	return ent
}
