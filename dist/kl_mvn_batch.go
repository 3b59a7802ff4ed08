package dist

import (
	"math"
	"runtime"

	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
)

// Batched values of the Gaussian KL (klTrilValue's formula, the same
// accurate form): groups of kernel.Lanes pairs are read in an interleaved
// layout (one SIMD lane per pair; the factors packed by block rows as
// linalg.CholeskyGroupPacked leaves them) and solved together by the
// 4 x 4 block kernels kernel.TrsmLowerSub and kernel.TrsmLower:
// E = L₂⁻¹(L₁ - L₂) block row by block row into a square buffer, with
// u = L₂⁻¹(m₁ - m₂) as an extra block of columns. The order is padded to a
// multiple of 4 with identity rows (E and u are zero there) and a short
// group repeats its first pair; every pair's value has the same bits
// whatever its group and lane.

// klBatchMin is the batch size from which klGaussTril uses klTrilBatch.
const klBatchMin = 4

// klBatchWork holds klTrilBatch's buffers across calls.
var klBatchWork par.Pool[[]float64]

// klTrilBatch writes KL(p_i || q_i) for the b batch rows into out. A
// MultivariateNormal side whose factors are kept packed (trilGroups, one
// row per batch row) is read there in place; other sides are interleaved
// from their row-major factors and packed into scratch.
func klTrilBatch(out []float64, b, d int, p, q *gaussSide) {
	const w = kernel.Lanes
	dp := (d + 3) &^ 3
	s := (dp + 4) * w
	ng := (b + w - 1) / w
	pg, qg := p.groupsFor(b), q.groupsFor(b)
	if pg == nil {
		p.load()
	}
	if qg == nil {
		q.load()
	}
	pl := linalg.PackedLen(d)
	par.ForFine(ng, max(2, mvnParMin(d)/w), func(lo, hi int) {
		need := 2*dp*s + 2*pl + 2*dp*w + w*(p.bufLen()+q.bufLen())
		work := klBatchWork.Get()
		if cap(*work) < need {
			*work = make([]float64, need)
		}
		ws := (*work)[:need]
		full, e, ws := ws[:dp*s], ws[dp*s:2*dp*s], ws[2*dp*s:]
		l1w, l2w, ws := ws[:pl], ws[pl:2*pl], ws[2*pl:]
		inv, lg, ws := ws[:dp*w], ws[dp*w:2*dp*w], ws[2*dp*w:]
		pb, qb := ws[:w*p.bufLen()], ws[w*p.bufLen():]
		for g := lo; g < hi; g++ {
			i0 := g * w
			n := min(w, b-i0)
			var m1, m2 [w][]float64
			l1 := p.groupFactors(pg, g, i0, n, full, l1w, pb, &m1)
			l2 := q.groupFactors(qg, g, i0, n, full, l2w, qb, &m2)
			klTrilGroup(out[i0:i0+n], d, dp, s, l1, e, l2, &m1, &m2, inv, lg)
		}
		klBatchWork.Put(work)
	})
	runtime.KeepAlive(pg)
	runtime.KeepAlive(qg)
}

// groupFactors returns the packed factors of group g (batch rows
// i0..i0+n-1) and sets m to their means: the kept factors of kept in
// place, or else the side's factors interleaved through full (dp x s
// scratch) and packed into packed; buf is groupRows' scratch.
func (s *gaussSide) groupFactors(kept *trilGroups, g, i0, n int, full, packed, buf []float64, m *[kernel.Lanes][]float64) []float64 {
	if kept != nil {
		s.groupMeans(i0, n, m)
		return kept.bufs[g]
	}
	dp := (s.d + 3) &^ 3
	st := (dp + 4) * kernel.Lanes
	f, o := s.groupRows(i0, n, buf, m)
	interleaveTril(full, f, &o, s.d, dp, st)
	packTril(packed, full, dp, st)
	return packed
}

// groupsFor returns the side's interleaved factors when they cover the b
// batch rows one to one, or nil.
func (s *gaussSide) groupsFor(b int) *trilGroups {
	if s.groups == nil || s.sr != b {
		return nil
	}
	return s.groups
}

// groupMeans sets m to the means of batch rows i0..i0+n-1, lanes from n
// on repeating row i0 (as in the side's groups).
func (s *gaussSide) groupMeans(i0, n int, m *[kernel.Lanes][]float64) {
	for l := range m {
		i := i0 + l
		if l >= n {
			i = i0
		}
		m[l] = rowOf(s.lv, s.lr, s.d, i)
	}
}

// groupRows returns where the dense factors of batch rows i0..i0+n-1 are
// (a slice and one offset per lane, lanes from n on repeating row i0) and
// their means in m; buf (Lanes*bufLen values) holds the dense factors of
// a diagonal side.
func (s *gaussSide) groupRows(i0, n int, buf []float64, m *[kernel.Lanes][]float64) ([]float64, [kernel.Lanes]int) {
	d, bl := s.d, s.bufLen()
	var off [kernel.Lanes]int
	for l := range off {
		i := i0 + l
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

// interleaveTril copies the lanes' lower factors at offsets o of f into
// buf (dp x s) interleaved as far as the kernels read it: the strictly
// upper parts of the diagonal 4 x 4 blocks zero, the block of columns
// from dp zero, identity rows from d (packTril then packs it).
func interleaveTril(buf, f []float64, o *[kernel.Lanes]int, d, dp, s int) {
	const w = kernel.Lanes
	kernel.InterleaveLower(buf, f, o, d, d, s)
	for i := 0; i < dp; i++ {
		// The kernels read the strictly upper parts of the diagonal 4 x 4
		// blocks (which must be zero) and nothing to their right but the
		// u block (column dp, zero beyond it); identity rows below d.
		lo, hi := (i+1)*w, (i|3+1)*w
		if i >= d {
			lo = 0
		}
		clear(buf[i*s+lo : i*s+hi])
		clear(buf[i*s+dp*w : i*s+s])
		if i >= d {
			for l := 0; l < w; l++ {
				buf[i*s+i*w+l] = 1
			}
		}
	}
}

// packTril copies the block rows of buf (dp x s, from interleaveTril)
// into dst in the packed layout of linalg.CholeskyGroupPacked.
func packTril(dst, buf []float64, dp, s int) {
	for i := 0; i < dp; i++ {
		off, st := linalg.PackedRow(i / 4)
		o := off + (i%4)*st
		copy(dst[o:o+st], buf[i*s:i*s+st])
	}
}

// klTrilGroup computes the values of one group from l1 and l2, L1 and L2
// interleaved in the packed layout of linalg.CholeskyGroupPacked (read
// only); e (dp x s) receives E, and its block of columns from dp the
// solve for u; m1 and m2 are the lanes' means and inv and lg (dp*Lanes
// values each) scratch.
func klTrilGroup(out []float64, d, dp, s int, l1, e, l2 []float64, m1, m2 *[kernel.Lanes][]float64, inv, lg []float64) {
	const w = kernel.Lanes
	for i := 0; i < dp; i++ {
		off, st := linalg.PackedRow(i / 4)
		o := off + (i%4)*st + i*w
		for l, v := range l2[o : o+w] {
			inv[i*w+l] = 1 / v
		}
		u := e[i*s+dp*w : i*s+dp*w+w]
		if i >= d {
			clear(u)
			continue
		}
		for l := range u {
			u[l] = m1[l][i] - m2[l][i]
		}
	}
	for i0 := 0; i0 < dp; i0 += 4 {
		off, sa := linalg.PackedRow(i0 / 4)
		a, f := l2[off:], l1[off:]
		for j0 := 0; j0 <= i0; j0 += 4 {
			// E_IJ = L2_II⁻¹ (L1_IJ - L2_IJ - L2_IK E_KJ), K = J..I-1: every
			// block of E on and below the diagonal, read from L1.
			kernel.TrsmLowerSub(i0-j0, a[j0*w:], sa, e[j0*s+j0*w:], f[j0*w:], e[i0*s+j0*w:], s, inv[i0*w:])
		}
		kernel.TrsmLower(i0, a, sa, e[dp*w:], e[i0*s+dp*w:], s, inv[i0*w:])
	}
	var off [w]float64
	kernel.SumSqLower(&off, e, d, s)
	// The diagonal terms of all lanes at once (inv is free now).
	ev := inv[:d*w]
	for i := 0; i < d; i++ {
		copy(ev[i*w:i*w+w], e[i*s+i*w:i*s+i*w+w])
	}
	diagTermsMVN(ev, ev, lg[:d*w])
	for l := range out {
		var diag, uu float64
		for i := 0; i < d; i++ {
			diag += ev[i*w+l]
			u := e[i*s+dp*w+l]
			uu += u * u
		}
		out[l] = 0.5 * (off[l] + diag + uu)
	}
}

// diagTermsMVN sets dst[i] = diagTermMVN(e[i]) up to rounding (dst may
// alias e; work holds len(e) values): the logarithms of the large terms by
// the vector kernel.Log1p (at most 2 ulp), the series of the small ones
// (|e| < 0.1) in Horner form, (1+e)² - 1 - 2 log1p(e) =
// e² (2 - (2/3)e + (2/4)e² - ... + 2(-e)^(K-2)/K), K = 22 (the first
// dropped term is below 1e-22 of the sum; the e² of (1+e)² makes the
// leading coefficient 2 instead of 1).
func diagTermsMVN(dst, e, work []float64) {
	lg := kernel.Log1p(work[:len(e)], e)
	for i, x := range e {
		if math.Abs(x) >= 0.1 {
			dst[i] = x*(2+x) - 2*lg[i]
			continue
		}
		p := diagSeries[len(diagSeries)-1]
		for k := len(diagSeries) - 2; k >= 0; k-- {
			p = p*x + diagSeries[k]
		}
		dst[i] = x * x * p
	}
}

// diagSeries[k] = 2(-1)^k/(k+2) for k >= 1 and 2 for k = 0, the
// coefficients of diagTermsMVN's series.
var diagSeries = func() [21]float64 {
	var c [21]float64
	for k := range c {
		c[k] = 2 / float64(k+2)
		if k%2 == 1 {
			c[k] = -c[k]
		}
	}
	c[0] = 2
	return c
}()
