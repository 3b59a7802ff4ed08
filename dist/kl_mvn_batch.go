package dist

import (
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/par"
)

// Batched values of the Gaussian KL (klTrilValue's formula, the same
// accurate form): groups of kernel.Lanes pairs are copied into an
// interleaved layout (one SIMD lane per pair) and solved together by the
// 4 x 4 block kernel kernel.TrsmLower: E = L₂⁻¹(L₁ - L₂) block row by
// block row, with u = L₂⁻¹(m₁ - m₂) as an extra block of columns. The
// order is padded to a multiple of 4 with identity rows (E and u are zero
// there) and a short group repeats its first pair; every pair's value has
// the same bits whatever its group and lane.

// klBatchMin is the batch size from which klGaussTril uses klTrilBatch.
const klBatchMin = 4

// klBatchWork holds klTrilBatch's buffers across calls.
var klBatchWork par.Pool[[]float64]

// klTrilBatch writes KL(p_i || q_i) for the b batch rows into out.
func klTrilBatch(out []float64, b, d int, p, q *gaussSide) {
	const w = kernel.Lanes
	dp := (d + 3) &^ 3
	s := (dp + 4) * w
	ng := (b + w - 1) / w
	par.For(ng, max(2, mvnParMin(d)/w), func(lo, hi int) {
		need := 2*dp*s + dp*w + w*(p.bufLen()+q.bufLen())
		work := klBatchWork.Get()
		if cap(*work) < need {
			*work = make([]float64, need)
		}
		ws := (*work)[:need]
		l2, e, inv := ws[:dp*s], ws[dp*s:2*dp*s], ws[2*dp*s:2*dp*s+dp*w]
		pb, qb := ws[2*dp*s+dp*w:2*dp*s+dp*w+w*p.bufLen()], ws[2*dp*s+dp*w+w*p.bufLen():]
		for g := lo; g < hi; g++ {
			i0 := g * w
			n := min(w, b-i0)
			var m1, m2 [w][]float64
			b1, o1 := p.groupRows(i0, n, pb, &m1)
			b2, o2 := q.groupRows(i0, n, qb, &m2)
			klTrilGroup(out[i0:i0+n], d, dp, s, b1, &o1, b2, &o2, &m1, &m2, l2, e, inv)
		}
		klBatchWork.Put(work)
	})
}

// groupRows returns where the dense factors of batch rows i0..i0+n-1 are
// (a slice and one offset per lane, lanes from n on repeating row i0) and
// their means in m; buf (Lanes*bufLen values) holds the dense factors of
// a diagonal side.
func (s *gaussSide) groupRows(i0, n int, buf []float64, m *[kernel.Lanes][]float64) ([]float64, [kernel.Lanes]int) {
	d, bl := s.d, s.bufLen()
	var off [kernel.Lanes]int
	for l := range off {
		i := i0 + min(l, n-1)
		if l >= n {
			i = i0
		}
		if !s.diag {
			m[l] = rowOf(s.lv, s.lr, d, i)
			off[l] = (i % s.sr) * d * d
			continue
		}
		mi, _ := s.row(i, buf[l*bl:(l+1)*bl])
		m[l] = mi
		off[l] = l*bl + d
	}
	if s.diag {
		return buf, off
	}
	return s.sv, off
}

// klTrilGroup computes the values of one group: L1 and L2 are the lanes'
// factors at offsets o1, o2 of f1, f2; l2, e (dp x s) and inv (dp*Lanes)
// are scratch.
func klTrilGroup(out []float64, d, dp, s int, f1 []float64, o1 *[kernel.Lanes]int, f2 []float64, o2 *[kernel.Lanes]int,
	m1, m2 *[kernel.Lanes][]float64, l2, e, inv []float64) {
	const w = kernel.Lanes
	kernel.InterleaveLower(e, f1, o1, d, d, s)
	kernel.InterleaveLower(l2, f2, o2, d, d, s)
	for i := 0; i < dp; i++ {
		// Strictly upper parts read as zero; identity rows below d.
		lo := min(i+1, d) * w
		if i >= d {
			lo = 0
		}
		clear(e[i*s+lo : i*s+s])
		clear(l2[i*s+lo : i*s+dp*w])
		if i >= d {
			for l := 0; l < w; l++ {
				e[i*s+i*w+l] = 1
				l2[i*s+i*w+l] = 1
			}
		}
	}
	kernel.Sub(e[:dp*s], e[:dp*s], l2[:dp*s]) // F = L1 - L2
	for i := 0; i < dp; i++ {
		row := l2[i*s+i*w : i*s+i*w+w]
		for l, v := range row {
			inv[i*w+l] = 1 / v
		}
		if i < d {
			u := e[i*s+dp*w : i*s+dp*w+w]
			for l := range u {
				u[l] = m1[l][i] - m2[l][i]
			}
		}
	}
	for i0 := 0; i0 < dp; i0 += 4 {
		for j0 := 0; j0 <= i0; j0 += 4 {
			kernel.TrsmLower(i0-j0, l2[i0*s+j0*w:], e[j0*s+j0*w:], e[i0*s+j0*w:], s, inv[i0*w:])
		}
		kernel.TrsmLower(i0, l2[i0*s:], e[dp*w:], e[i0*s+dp*w:], s, inv[i0*w:])
	}
	var off [w]float64
	kernel.SumSqLower(&off, e, d, s)
	for l := range out {
		var diag, uu float64
		for i := 0; i < d; i++ {
			diag += diagTermMVN(e[i*s+i*w+l])
			u := e[i*s+dp*w+l]
			uu += u * u
		}
		out[l] = 0.5 * (off[l] + diag + uu)
	}
}
