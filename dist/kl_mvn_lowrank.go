package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klLowRankLowRank)
	RegisterKL(klMVNLowRank)
	RegisterKL(klLowRankMVN)
}

// lowRankCancel is the relative size below which the Woodbury value of a
// low-rank KL is recomputed by the dense accurate form: 2 KL must exceed
// lowRankCancel times the sum of the magnitudes of the terms that cancel,
// which bounds the rounding error of the Woodbury value by about
// 1e3 ε relative.
const lowRankCancel = 1e-3

// klLowRankLowRank is KL(p || q) between low-rank-plus-diagonal normals,
// Σ = W Wᵀ + D. In O(D K²) per row, by the Woodbury identity
// Σ_q⁻¹ = D_q⁻¹ - A_q A_qᵀ (see LowRankMultivariateNormal):
//
//	2 KL = Σ_i (r_i - 1 - log r_i)                    r_i = d_p,i / d_q,i
//	     - Σ_i d_p,i |A_q,i|² + Σ_ik W_p,ik²/d_q,i - |A_qᵀ W_p|²
//	     + log det C_q - log det C_p + δᵀ Σ_q⁻¹ δ,
//
// the diagonal part of tr(Σ_q⁻¹Σ_p) - D - log det(Σ_q⁻¹Σ_p) taken out
// exactly (special.LogRatioM1), the rest by the Woodbury identity and the
// matrix determinant lemma. The remaining terms cancel near p = q; where
// 2 KL falls below lowRankCancel times their magnitudes, the row is
// recomputed in the accurate form of klMVNMVN from dense Cholesky factors
// of both covariances (O(D³)), so the value keeps its relative accuracy
// when p ≈ q. Gradients always use the Woodbury forms of
//
//	∂KL/∂Σ_p = ½(Σ_q⁻¹ - Σ_p⁻¹),  ∂KL/∂Σ_q = ½(Σ_q⁻¹ - Σ_q⁻¹(Σ_p + δδᵀ)Σ_q⁻¹),
//
// with W̄ = 2 Σ̄ W, diaḡ = diag Σ̄ and m̄_p = -m̄_q = Σ_q⁻¹ δ.
func klLowRankLowRank(p, q LowRankMultivariateNormal) (ad.Var, error) {
	_, d, kp := p.dims()
	_, dq, kq := q.dims()
	if d != dq {
		return ad.Var{}, fmt.Errorf("dist: KL(LowRankMultivariateNormal || LowRankMultivariateNormal): dimensions %d and %d differ", d, dq)
	}
	b := batchOf(p, q)
	ins := []ad.Var{p.Loc, p.CovFactor, p.CovDiag, q.Loc, q.CovFactor, q.CovDiag}
	t := tapeOf(ins...)
	grad := t != nil
	fp, fq := lowRankMembers(p, grad), lowRankMembers(q, grad)
	lpr, lqr := p.Loc.Rows(), q.Loc.Rows()
	lpv, lqv := p.Loc.Value(), q.Loc.Value()
	out := t.Buffer(b)
	par.For(b, 1+(1<<14)/(d*(kp+1)*(kq+1)), func(lo, hi int) {
		ws := make([]float64, d+kq+kq*kp)
		for i := lo; i < hi; i++ {
			out[i] = klLowRankValue(rowOf(lpv, lpr, d, i), fp[i%len(fp)], rowOf(lqv, lqr, d, i), fq[i%len(fq)], ws)
		}
	})
	return ad.Custom(b, 1, out, func(g []float64, in ad.Adjoints) {
		sk := [6]*gradSink{
			newGradSink(in.Of(0), lpr, d, b, d),
			newGradSink(in.Of(1), p.CovFactor.Rows(), d*kp, b, d*kp),
			newGradSink(in.Of(2), p.CovDiag.Rows(), d, b, d),
			newGradSink(in.Of(3), lqr, d, b, d),
			newGradSink(in.Of(4), q.CovFactor.Rows(), d*kq, b, d*kq),
			newGradSink(in.Of(5), q.CovDiag.Rows(), d, b, d),
		}
		par.For(b, 1+(1<<14)/(d*(kp+1)*(kq+1)), func(lo, hi int) {
			ws := make([]float64, lowRankGradWork(d, kp, kq))
			for i := lo; i < hi; i++ {
				var rows [6][]float64
				for k, s := range sk {
					rows[k] = s.row(i)
				}
				klLowRankGrad(g[i], rowOf(lpv, lpr, d, i), fp[i%len(fp)], rowOf(lqv, lqr, d, i), fq[i%len(fq)], rows, ws)
			}
		})
		for _, s := range sk {
			s.flush()
		}
	}, ins...), nil
}

// klLowRankValue returns KL(p || q) for one row (see klLowRankLowRank).
// ws must hold d + kq + kq*kp values.
func klLowRankValue(mp []float64, p *lrFactor, mq []float64, q *lrFactor, ws []float64) float64 {
	d, kp, kq := p.d, p.k, q.k
	delta, tq, z := ws[:d], ws[d:d+kq], ws[d+kq:d+kq+kq*kp]
	var fdiag, t1, t2 float64
	for i := 0; i < d; i++ {
		fdiag += special.LogRatioM1(math.Log(p.dg[i] / q.dg[i]))
		var a2 float64
		for k := 0; k < kq; k++ {
			v := q.at[k*d+i]
			a2 += v * v
		}
		t1 += p.dg[i] * a2
		wi := p.w[i*kp : (i+1)*kp]
		t2 += linalg.Dot(wi, wi) / q.dg[i]
		delta[i] = mp[i] - mq[i]
	}
	// Z = A_qᵀ W_p (kq x kp).
	clear(z)
	for k := 0; k < kq; k++ {
		ak, zk := q.at[k*d:(k+1)*d], z[k*kp:(k+1)*kp]
		for i, v := range ak {
			linalg.Axpy(v, p.w[i*kp:(i+1)*kp], zk)
		}
	}
	t3 := linalg.Dot(z, z)
	ldq, ldp := q.logdetC, p.logdetC
	var s2 float64
	for i, v := range delta {
		s2 += v * v / q.dg[i]
	}
	for k := 0; k < kq; k++ {
		tq[k] = linalg.Dot(q.at[k*d:(k+1)*d], delta)
	}
	t4 := linalg.Dot(tq, tq)
	total := fdiag - t1 + t2 - t3 + ldq - ldp + s2 - t4
	scale := t1 + t2 + t3 + math.Abs(ldq) + math.Abs(ldp) + s2 + t4
	if total >= lowRankCancel*scale || math.IsNaN(total) {
		return 0.5 * total
	}
	if v, ok := klLowRankDense(mp, p, mq, q); ok {
		return v
	}
	return 0.5 * total
}

// klLowRankDense returns KL(p || q) for one row in the accurate form of
// klTrilValue, from dense Cholesky factors of both covariances.
func klLowRankDense(mp []float64, p *lrFactor, mq []float64, q *lrFactor) (float64, bool) {
	d := p.d
	ws := make([]float64, 5*d*d+d)
	sp, sq, lp, lq, rest := ws[:d*d], ws[d*d:2*d*d], ws[2*d*d:3*d*d], ws[3*d*d:4*d*d], ws[4*d*d:]
	denseLowRank(sp, p)
	denseLowRank(sq, q)
	if ok, _, _ := linalg.CholeskySym(lp, sp, d); !ok {
		return 0, false
	}
	if ok, _, _ := linalg.CholeskySym(lq, sq, d); !ok {
		return 0, false
	}
	return klTrilValue(mp, lp, mq, lq, d, rest), true
}

// denseLowRank writes W Wᵀ + diag(dg) into s (d x d).
func denseLowRank(s []float64, f *lrFactor) {
	d, k := f.d, f.k
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			v := linalg.Dot(f.w[i*k:(i+1)*k], f.w[j*k:(j+1)*k])
			if i == j {
				v += f.dg[i]
			}
			s[i*d+j], s[j*d+i] = v, v
		}
	}
}

func lowRankGradWork(d, kp, kq int) int {
	return 2*d + 4*kq + d*kp + 2*kq*kp + 2*d*kq + 2*kq*kq
}

// klLowRankGrad adds g times the gradient of KL(p || q) for one row into
// rows (loc, cov_factor, cov_diag of p, then of q; nil entries are
// skipped). See klLowRankLowRank for the formulas; every product is
// O(D K²).
func klLowRankGrad(g float64, mp []float64, p *lrFactor, mq []float64, q *lrFactor, rows [6][]float64, ws []float64) {
	d, kp, kq := p.d, p.k, q.k
	take := func(n int) []float64 { s := ws[:n]; ws = ws[n:]; clear(s); return s }
	delta, v, tq := take(d), take(d), take(kq)
	for i := range delta {
		delta[i] = mp[i] - mq[i]
	}
	q.mahalanobis(delta, tq)
	q.solve(v, delta, tq) // v = Σ_q⁻¹ δ
	if rows[0] != nil {
		linalg.Axpy(g, v, rows[0])
	}
	if rows[3] != nil {
		linalg.Axpy(-g, v, rows[3])
	}
	if rows[1] == nil && rows[2] == nil && rows[4] == nil && rows[5] == nil {
		return
	}
	// S = Σ_q⁻¹ W_p = W_p/d_q - A_q (A_qᵀ W_p)  (d x kp).
	z := take(kq * kp)
	for k := 0; k < kq; k++ {
		ak, zk := q.at[k*d:(k+1)*d], z[k*kp:(k+1)*kp]
		for i, a := range ak {
			linalg.Axpy(a, p.w[i*kp:(i+1)*kp], zk)
		}
	}
	sw := take(d * kp)
	for i := 0; i < d; i++ {
		si := sw[i*kp : (i+1)*kp]
		linalg.Axpy(1/q.dg[i], p.w[i*kp:(i+1)*kp], si)
		for k := 0; k < kq; k++ {
			linalg.Axpy(-q.at[k*d+i], z[k*kp:(k+1)*kp], si)
		}
	}
	if dw := rows[1]; dw != nil {
		// W̄_p = Σ_q⁻¹W_p - Σ_p⁻¹W_p.
		linalg.Axpy(g, sw, dw)
		addYt(dw, p, -g)
	}
	if dd := rows[2]; dd != nil {
		for i := 0; i < d; i++ {
			dd[i] += 0.5 * g * (q.sinv[i] - p.sinv[i])
		}
	}
	if rows[4] == nil && rows[5] == nil {
		return
	}
	// Y = Σ_q⁻¹ W_q (d x kq, from yt); X = W_p (W_pᵀ Y) + D_p Y + δ (δᵀ Y).
	// wyt = (W_pᵀ Y)ᵀ (kq x kp).
	wyt := take(kq * kp)
	for k := 0; k < kq; k++ {
		yk, wk := q.yt[k*d:(k+1)*d], wyt[k*kp:(k+1)*kp]
		for i, y := range yk {
			linalg.Axpy(y, p.w[i*kp:(i+1)*kp], wk)
		}
	}
	dy := take(kq)
	for k := 0; k < kq; k++ {
		dy[k] = linalg.Dot(delta, q.yt[k*d:(k+1)*d])
	}
	// xt = Xᵀ (kq x d), then Σ_q⁻¹X by Woodbury: Xᵀ/d_q - (Xᵀ A_q) A_qᵀ.
	xt := take(2 * d * kq)
	xt, sxt := xt[:d*kq], xt[d*kq:]
	for k := 0; k < kq; k++ {
		xk := xt[k*d : (k+1)*d]
		yk := q.yt[k*d : (k+1)*d]
		for i := 0; i < d; i++ {
			xk[i] = linalg.Dot(p.w[i*kp:(i+1)*kp], wyt[k*kp:(k+1)*kp]) + p.dg[i]*yk[i] + delta[i]*dy[k]
		}
	}
	xa := take(kq * kq) // (Xᵀ A_q)_{k,m} = Σ_i X_ik A_q,im
	for k := 0; k < kq; k++ {
		for m := 0; m < kq; m++ {
			xa[k*kq+m] = linalg.Dot(xt[k*d:(k+1)*d], q.at[m*d:(m+1)*d])
		}
	}
	for k := 0; k < kq; k++ {
		sk := sxt[k*d : (k+1)*d]
		for i := 0; i < d; i++ {
			sk[i] = xt[k*d+i] / q.dg[i]
		}
		for m := 0; m < kq; m++ {
			linalg.Axpy(-xa[k*kq+m], q.at[m*d:(m+1)*d], sk)
		}
	}
	if dw := rows[4]; dw != nil {
		// W̄_q = Y - Σ_q⁻¹ X.
		for k := 0; k < kq; k++ {
			yk, sk := q.yt[k*d:(k+1)*d], sxt[k*d:(k+1)*d]
			for i := 0; i < d; i++ {
				dw[i*kq+k] += g * (yk[i] - sk[i])
			}
		}
	}
	if dd := rows[5]; dd != nil {
		// diag(Σ_q⁻¹Σ_pΣ_q⁻¹)_i = |S_i|² + d_p,i/d_q,i² - 2 (d_p,i/d_q,i)|A_q,i|²
		// + A_q,iᵀ P A_q,i with P = Σ_j d_p,j A_q,j A_q,jᵀ.
		pm := take(kq * kq)
		ai := take(kq)
		for j := 0; j < d; j++ {
			for k := 0; k < kq; k++ {
				ai[k] = q.at[k*d+j]
			}
			for k := 0; k < kq; k++ {
				linalg.Axpy(p.dg[j]*ai[k], ai, pm[k*kq:(k+1)*kq])
			}
		}
		for i := 0; i < d; i++ {
			var a2, apa float64
			for k := 0; k < kq; k++ {
				ai[k] = q.at[k*d+i]
				a2 += ai[k] * ai[k]
			}
			for k := 0; k < kq; k++ {
				apa += ai[k] * linalg.Dot(pm[k*kq:(k+1)*kq], ai)
			}
			si := sw[i*kp : (i+1)*kp]
			r := p.dg[i] / q.dg[i]
			qd := linalg.Dot(si, si) + r/q.dg[i] - 2*r*a2 + apa
			dd[i] += 0.5 * g * (q.sinv[i] - qd - v[i]*v[i])
		}
	}
}

// lowRankAsMVN returns the MultivariateNormal with q's mean and the dense
// Cholesky factor of q's covariance (differentiable), or an error when the
// dense covariance is not numerically positive definite.
func lowRankAsMVN(q LowRankMultivariateNormal) (MultivariateNormal, error) {
	l := q.ScaleTril()
	lv := l.Value()
	_, d := q.Shape()
	for b := 0; b*d*d < len(lv); b++ {
		if math.IsNaN(lv[b*d*d]) {
			return MultivariateNormal{}, fmt.Errorf("dist: %s: the covariance of batch row %d is not numerically positive definite", lowRankFamily, b)
		}
	}
	return MultivariateNormal{Loc: q.Loc, ScaleTril: l}, nil
}

// klMVNLowRank is KL(MultivariateNormal || LowRankMultivariateNormal): the
// accurate form of klMVNMVN with q's dense Cholesky factor (O(D³), as the
// full covariance of p needs anyway), differentiable with respect to every
// parameter through ad.CholeskyRows.
func klMVNLowRank(p MultivariateNormal, q LowRankMultivariateNormal) (ad.Var, error) {
	qm, err := lowRankAsMVN(q)
	if err != nil {
		return ad.Var{}, err
	}
	return klMVNMVN(p, qm)
}

// klLowRankMVN is KL(LowRankMultivariateNormal || MultivariateNormal), as
// klMVNLowRank with p's dense Cholesky factor.
func klLowRankMVN(p LowRankMultivariateNormal, q MultivariateNormal) (ad.Var, error) {
	pm, err := lowRankAsMVN(p)
	if err != nil {
		return ad.Var{}, err
	}
	return klMVNMVN(pm, q)
}
