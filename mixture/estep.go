package mixture

import (
	"math"

	"github.com/kldiv/kldiv/internal/kernel"
)

// The E step of one chunk of points. For each point p the log
// responsibilities l_pk = c_k - |U_k^T (x_p - m_k)|²/2 are shifted by
// their maximum, t_pk = l_pk - max_k l_pk <= 0, and
//
//	e_pk = exp(t_pk),  s_p = Σ_k e_pk,  a_p = Σ_k e_pk t_pk
//
// are kept: the responsibilities are r_pk = e_pk / s_p (the division is
// folded into the accumulation of the statistics) and the point's
// Σ_k r_pk log r_pk = a_p / s_p - log s_p, with the chunk's log s_p
// computed in one call of kernel.Log.

// e2Stride is the number of values per component in Mixture.e2.
const e2Stride = 6

// packE2 fills m.e2 for d = 2: per component m0, m1, U00, U01, U11, c_k,
// contiguous, so that the E step's inner loop reads one short array.
func (m *Mixture) packE2() {
	if len(m.e2) != e2Stride*m.K {
		m.e2 = make([]float64, e2Stride*m.K)
	}
	for j := range m.K {
		mu, u := m.Means[j], m.PrecisionsCholesky[j]
		p := m.e2[e2Stride*j : e2Stride*(j+1) : e2Stride*(j+1)]
		p[0], p[1], p[2], p[3], p[4], p[5] = mu[0], mu[1], u[0], u[1], u[3], m.logConst[j]
	}
}

// eStep2 writes e_pk into r (np x k, row-major), s_p into s and a_p into
// a for the np = len(s) 2-D points xs (row-major) under the packed
// parameters par (Mixture.e2). The exponential is expCore inlined.
func eStep2(par, xs, r, s, a []float64, k int) {
	const (
		inv   = expN / math.Ln2
		magic = 0x1.8p52
		ln2hi = 6.93147180369123816490e-01 / expN
		ln2lo = 1.90821492927058770002e-10 / expN
	)
	par = par[:e2Stride*k]
	for p := range s {
		x0, x1 := xs[2*p], xs[2*p+1]
		rp := r[p*k : (p+1)*k : (p+1)*k]
		// Pass 1: l_pk into rp, and the maximum.
		mx := math.Inf(-1)
		for j := range rp {
			c := par[e2Stride*j : e2Stride*j+e2Stride : e2Stride*j+e2Stride]
			y0, y1 := x0-c[0], x1-c[1]
			u, v := c[2]*y0, c[3]*y0+c[4]*y1
			l := c[5] - 0.5*(u*u+v*v)
			rp[j] = l
			if l > mx {
				mx = l
			}
		}
		if math.IsInf(mx, -1) || mx != mx {
			// Every component has zero density here (cannot happen for
			// finite data and parameters): spread the point evenly.
			for j := range rp {
				rp[j] = 1
			}
			s[p], a[p] = float64(k), 0
			continue
		}
		// Pass 2: e_pk = exp(l_pk - max), s_p and a_p.
		var sp, ap float64
		for j, l := range rp {
			x := l - mx
			var e float64
			if x >= -708 {
				t := x*inv + magic
				n := t - magic
				b := math.Float64bits(t)
				q := (x - n*ln2hi) - n*ln2lo
				q = q * (1 + q*(1.0/2+q*(1.0/6+q*(1.0/24))))
				tb := expTable[b&(expN-1)]
				e = math.Float64frombits(math.Float64bits(tb+tb*q) + (b>>expBits)<<52)
				ap += e * x
			} else {
				e = math.Exp(x) // 0 or subnormal; e·x is below rounding
			}
			rp[j] = e
			sp += e
		}
		s[p], a[p] = sp, ap
	}
}

// eStepGeneral is eStep2 for any d, through Mixture.mahalanobis; y is
// scratch of length d.
func (m *Mixture) eStepGeneral(xs, r, s, a, y []float64) {
	d, k := m.D, m.K
	for p := range s {
		rp := r[p*k : (p+1)*k : (p+1)*k]
		mx := m.logRhoGeneral(rp, xs[p*d:(p+1)*d], y)
		if math.IsInf(mx, -1) || mx != mx {
			for j := range rp {
				rp[j] = 1
			}
			s[p], a[p] = float64(k), 0
			continue
		}
		var sp, ap float64
		for j, l := range rp {
			x := l - mx
			e := expNonPos(x)
			if x >= -708 {
				ap += e * x
			}
			rp[j] = e
			sp += e
		}
		s[p], a[p] = sp, ap
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
