package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
	"github.com/kldiv/kldiv/internal/par"
)

func init() {
	RegisterKL(klMVNMVN)
	RegisterKL(klMVNNormal)
	RegisterKL(klNormalMVN)
}

// Closed-form KL divergences between Gaussians given by lower-triangular
// scale factors: KL(N(m₁, L₁L₁ᵀ) || N(m₂, L₂L₂ᵀ)). With M = L₂⁻¹L₁ (lower
// triangular) and u = L₂⁻¹(m₁ - m₂),
//
//	2 KL = tr(Σ₂⁻¹Σ₁) - D - log det(Σ₂⁻¹Σ₁) + |u|²
//	     = Σ_{i>j} M_ij² + Σ_i (M_ii² - 1 - log M_ii²) + |u|².
//
// The trace and log-determinant of the first line are each O(D) and cancel
// to O(|Σ₁ - Σ₂|²) near p = q, so they are never formed: the second line
// is a sum of non-negative terms. The off-diagonal entries come from
// E = L₂⁻¹(L₁ - L₂) (E and M agree below the diagonal), which keeps their
// relative accuracy when L₁ ≈ L₂; the diagonal M_ii = 1 + e_ii with
// e_ii = (L₁ii - L₂ii)/L₂ii exactly, and M_ii² - 1 - log M_ii² is
// evaluated from e_ii by diagTermMVN. Cost per pair: one triangular solve
// with a triangular right-hand side (D³/6 multiply-adds) and one
// triangular solve with a vector.

// diagTermMVN returns (1+e)² - 1 - 2 log1p(e) = r - 1 - log r for
// r = (1+e)², e > -1: the series 2e² - (2/3)e³ + (2/4)e⁴ - ... (that is
// e² + Σ_{k>=2} 2(-e)^k/k) for |e| < 0.1, where the two forms cancel, and
// e(2+e) - 2 log1p(e) otherwise (cancellation costs at most a factor 10
// there). Same value as special.LogRatioM1(2 log1p(e)) without its expm1.
func diagTermMVN(e float64) float64 {
	if math.Abs(e) >= 0.1 {
		return e*(2+e) - 2*math.Log1p(e)
	}
	// Σ_{k>=2} 2(-1)^k e^k/k, plus e² (from e(2+e) - 2e).
	s := e * e
	p := e * e
	for k := 2; k < 40; k++ {
		t := 2 * p / float64(k)
		if k%2 == 1 {
			t = -t
		}
		s += t
		if math.Abs(t) <= 1e-17*s {
			break
		}
		p *= e
	}
	return s
}

// klTrilValue returns KL(N(m1, L1 L1ᵀ) || N(m2, L2 L2ᵀ)) for one pair of
// dense d x d lower factors (strictly upper parts ignored). ws must hold
// d*d + d values.
func klTrilValue(m1, l1, m2, l2 []float64, d int, ws []float64) float64 {
	e, u := ws[:d*d], ws[d*d:d*d+d]
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			e[i*d+j] = l1[i*d+j] - l2[i*d+j]
		}
	}
	linalg.SolveLowerTri(e, l2, e, d)
	var off, diag float64
	for i := 0; i < d; i++ {
		ei := e[i*d : i*d+i]
		off += linalg.Dot(ei, ei)
		diag += diagTermMVN(e[i*d+i])
	}
	for i := range u {
		u[i] = m1[i] - m2[i]
	}
	linalg.SolveLower(u, l2, u, d)
	return 0.5 * (off + diag + linalg.Dot(u, u))
}

// klTrilGrad adds g times the gradient of klTrilValue with respect to m1,
// L1, m2 and L2 into dm1, dl1, dm2, dl2 (lower triangles; each may be nil).
// With u = L₂⁻¹δ, v = L₂⁻ᵀu, M = L₂⁻¹L₁ and N = L₂⁻ᵀM:
//
//	m̄₁ = v, m̄₂ = -v, L̄₁ = tril(N) - diag(1/L₁ii),
//	L̄₂ = -tril(N Mᵀ + v uᵀ) + diag(1/L₂ii).
//
// ws must hold 2*d*d + 2*d values.
func klTrilGrad(g float64, m1, l1, m2, l2 []float64, d int, dm1, dl1, dm2, dl2, ws []float64) {
	dd := d * d
	mm, nn, u, v := ws[:dd], ws[dd:2*dd], ws[2*dd:2*dd+d], ws[2*dd+d:2*dd+2*d]
	for i := range u {
		u[i] = m1[i] - m2[i]
	}
	linalg.SolveLower(u, l2, u, d)
	linalg.SolveLowerT(v, l2, u, d)
	if dm1 != nil {
		linalg.Axpy(g, v, dm1)
	}
	if dm2 != nil {
		linalg.Axpy(-g, v, dm2)
	}
	if dl1 == nil && dl2 == nil {
		return
	}
	linalg.SolveLowerTri(mm, l2, l1, d)
	linalg.SolveLowerTMat(nn, l2, mm, d, d)
	if dl1 != nil {
		for i := 0; i < d; i++ {
			linalg.Axpy(g, nn[i*d:i*d+i+1], dl1[i*d:i*d+i+1])
			dl1[i*d+i] -= g / l1[i*d+i]
		}
	}
	if dl2 != nil {
		for i := 0; i < d; i++ {
			ni, row := nn[i*d:(i+1)*d], dl2[i*d:i*d+i+1]
			for j := range row {
				// (N Mᵀ)_ij = Σ_{k<=j} N_ik M_jk.
				row[j] -= g * (linalg.Dot(mm[j*d:j*d+j+1], ni) + v[i]*u[j])
			}
			row[i] += g / l2[i*d+i]
		}
	}
}

// gradSink collects per-batch-row gradient contributions for a parameter
// broadcast over b rows (and, for univariate parameters, over columns).
// Rows the parameter owns are written in place (by one goroutine each);
// broadcast rows go to a buffer that flush adds into the adjoint serially,
// in row order, so results do not depend on the number of goroutines.
type gradSink struct {
	adj        []float64
	rows, cols int // the parameter's shape
	w          int // width of a contribution row
	buf        []float64
}

// newGradSink returns a sink for adjoint adj of a rows x cols parameter
// read by b batch rows of w values each; cols is w or 1. A nil adj gives a
// nil sink.
func newGradSink(adj []float64, rows, cols, b, w int) *gradSink {
	if adj == nil {
		return nil
	}
	s := &gradSink{adj: adj, rows: rows, cols: cols, w: w}
	if rows != b || cols != w {
		s.buf = make([]float64, b*w)
	}
	return s
}

// row returns the contribution row of batch row i (nil for a nil sink).
func (s *gradSink) row(i int) []float64 {
	if s == nil {
		return nil
	}
	if s.buf == nil {
		return s.adj[i*s.w : (i+1)*s.w]
	}
	return s.buf[i*s.w : (i+1)*s.w]
}

// flush adds buffered contributions into the adjoint.
func (s *gradSink) flush() {
	if s == nil || s.buf == nil {
		return
	}
	for i := 0; i*s.w < len(s.buf); i++ {
		o := (i % s.rows) * s.cols
		src := s.buf[i*s.w : (i+1)*s.w]
		if s.cols == 1 {
			var t float64
			for _, v := range src {
				t += v
			}
			s.adj[o] += t
			continue
		}
		linalg.Axpy(1, src, s.adj[o:o+s.cols])
	}
}

// gaussSide reads one side of a Gaussian KL row by row as a mean and a
// dense lower factor: a MultivariateNormal (its rows as they are) or a
// diagonal Normal (its scales on the diagonal of a dense factor).
type gaussSide struct {
	d          int
	diag       bool
	loc, scale ad.Var
	lv, sv     []float64 // sv is nil until load when groups is set
	lr, sr     int
	lc, sc     int         // columns of a Normal's parameters (d or 1)
	groups     *trilGroups // a MultivariateNormal's interleaved factors, or nil
}

func mvnSideOf(m MultivariateNormal) *gaussSide {
	d := m.Loc.Cols()
	s := &gaussSide{d: d, loc: m.Loc, scale: m.ScaleTril, lv: m.Loc.Value(),
		lr: m.Loc.Rows(), sr: m.ScaleTril.Rows(), lc: d, sc: d * d}
	if m.groups.of(m.ScaleTril) {
		s.groups = m.groups
	} else {
		s.sv = m.ScaleTril.Value()
	}
	return s
}

// load reads the side's row-major factor values if they are not read yet
// (a side with interleaved factors defers it until a path needs rows).
func (s *gaussSide) load() {
	if s.sv == nil && !s.diag {
		s.sv = s.scale.Value()
	}
}

func normalSideOf(n Normal, d int) *gaussSide {
	return &gaussSide{d: d, diag: true, loc: n.Loc, scale: n.Scale, lv: n.Loc.Value(), sv: n.Scale.Value(),
		lr: n.Loc.Rows(), sr: n.Scale.Rows(), lc: n.Loc.Cols(), sc: n.Scale.Cols()}
}

// bufLen is the scratch a side needs per row: mean and factor.
func (s *gaussSide) bufLen() int {
	if s.diag {
		return s.d + s.d*s.d
	}
	return 0
}

// row returns batch row i's mean and dense factor, using buf (bufLen
// values) for a diagonal side.
func (s *gaussSide) row(i int, buf []float64) (m, l []float64) {
	d := s.d
	if !s.diag {
		return rowOf(s.lv, s.lr, d, i), rowOf(s.sv, s.sr, d*d, i)
	}
	m, l = buf[:d], buf[d:d+d*d]
	lo, so := (i%s.lr)*s.lc, (i%s.sr)*s.sc
	clear(l)
	for j := 0; j < d; j++ {
		m[j] = s.lv[lo+min(j, s.lc-1)]
		l[j*d+j] = s.sv[so+min(j, s.sc-1)]
	}
	return m, l
}

// sinks returns the gradient sinks of the side's two parameters.
func (s *gaussSide) sinks(b int, adjLoc, adjScale []float64) [2]*gradSink {
	d := s.d
	if !s.diag {
		return [2]*gradSink{newGradSink(adjLoc, s.lr, d, b, d), newGradSink(adjScale, s.sr, d*d, b, d*d)}
	}
	return [2]*gradSink{newGradSink(adjLoc, s.lr, s.lc, b, d), newGradSink(adjScale, s.sr, s.sc, b, d)}
}

// gradRows returns where batch row i's dense gradient goes: the sinks' rows
// for a MultivariateNormal, a zeroed dense scratch factor for a diagonal
// side (moved into the sink by finish).
func (s *gaussSide) gradRows(i int, k [2]*gradSink, scratch []float64) (dm, dl []float64) {
	dm = k[0].row(i)
	if !s.diag {
		return dm, k[1].row(i)
	}
	if k[1] == nil {
		return dm, nil
	}
	dl = scratch[:s.d*s.d]
	clear(dl)
	return dm, dl
}

func (s *gaussSide) finish(i int, k [2]*gradSink, dl []float64) {
	if !s.diag || k[1] == nil {
		return
	}
	dst := k[1].row(i)
	for j := 0; j < s.d; j++ {
		dst[j] += dl[j*s.d+j]
	}
}

// klGaussTril records KL(p || q) for two sides given by dense lower
// factors over b batch rows as one node with inputs p.loc, p.scale, q.loc,
// q.scale.
func klGaussTril(b, d int, p, q *gaussSide) ad.Var {
	dd := d * d
	t := tapeOf(p.loc, p.scale, q.loc, q.scale)
	out := t.Buffer(b)
	if b >= klBatchMin && d <= linalg.GroupMaxOrder && linalg.GroupFast() {
		klTrilBatch(out, b, d, p, q)
	} else {
		klTrilRows(out, b, d, p, q)
	}
	return ad.Custom(b, 1, out, func(g []float64, in ad.Adjoints) {
		p.load()
		q.load()
		ps := p.sinks(b, in.Of(0), in.Of(1))
		qs := q.sinks(b, in.Of(2), in.Of(3))
		par.For(b, mvnParMin(d), func(lo, hi int) {
			ws := make([]float64, 4*dd+2*d+p.bufLen()+q.bufLen())
			gw, rest := ws[:2*dd+2*d], ws[2*dd+2*d:]
			pd, qd := rest[:dd], rest[dd:2*dd]
			pb, qb := rest[2*dd:2*dd+p.bufLen()], rest[2*dd+p.bufLen():]
			for i := lo; i < hi; i++ {
				m1, l1 := p.row(i, pb)
				m2, l2 := q.row(i, qb)
				dm1, dl1 := p.gradRows(i, ps, pd)
				dm2, dl2 := q.gradRows(i, qs, qd)
				klTrilGrad(g[i], m1, l1, m2, l2, d, dm1, dl1, dm2, dl2, gw)
				p.finish(i, ps, dl1)
				q.finish(i, qs, dl2)
			}
		})
		for _, s := range [4]*gradSink{ps[0], ps[1], qs[0], qs[1]} {
			s.flush()
		}
	}, p.loc, p.scale, q.loc, q.scale)
}

// klTrilRows writes KL(p_i || q_i) for the b batch rows into out, one
// pair at a time (klTrilValue).
func klTrilRows(out []float64, b, d int, p, q *gaussSide) {
	dd := d * d
	p.load()
	q.load()
	par.For(b, mvnParMin(d), func(lo, hi int) {
		ws := make([]float64, dd+d+p.bufLen()+q.bufLen())
		pb, qb := ws[dd+d:dd+d+p.bufLen()], ws[dd+d+p.bufLen():]
		for i := lo; i < hi; i++ {
			m1, l1 := p.row(i, pb)
			m2, l2 := q.row(i, qb)
			out[i] = klTrilValue(m1, l1, m2, l2, d, ws)
		}
	})
}

// klMVNMVN is KL(MultivariateNormal || MultivariateNormal) in the
// accurate form above, as one node with gradients for both locs and scale
// factors, parallel over batch rows.
func klMVNMVN(p, q MultivariateNormal) (ad.Var, error) {
	_, dp := p.Shape()
	_, dq := q.Shape()
	if dp != dq {
		return ad.Var{}, fmt.Errorf("dist: KL(MultivariateNormal || MultivariateNormal): dimensions %d and %d differ", dp, dq)
	}
	return klGaussTril(batchOf(p, q), dp, mvnSideOf(p), mvnSideOf(q)), nil
}

// normalWidth checks that a Normal's columns (its event width) fit a
// D-dimensional MultivariateNormal: D, or 1 (shared across columns).
func normalWidth(pair string, n Normal, d int) error {
	_, c := n.Shape()
	if c != d && c != 1 {
		return fmt.Errorf("dist: %s: the Normal has %d columns, the MultivariateNormal %d", pair, c, d)
	}
	return nil
}

// klMVNNormal is KL(MultivariateNormal || Normal), the Normal being the
// diagonal Gaussian over D columns (1 x D, B x D, or one column shared):
// the formula of klMVNMVN with L₂ = diag(scale).
func klMVNNormal(p MultivariateNormal, q Normal) (ad.Var, error) {
	_, d := p.Shape()
	if err := normalWidth("KL(MultivariateNormal || Normal)", q, d); err != nil {
		return ad.Var{}, err
	}
	return klGaussTril(batchOf(p, q), d, mvnSideOf(p), normalSideOf(q, d)), nil
}

// klNormalMVN is KL(Normal || MultivariateNormal) with the Normal a
// diagonal Gaussian over D columns: the formula of klMVNMVN with
// L₁ = diag(scale).
func klNormalMVN(p Normal, q MultivariateNormal) (ad.Var, error) {
	_, d := q.Shape()
	if err := normalWidth("KL(Normal || MultivariateNormal)", p, d); err != nil {
		return ad.Var{}, err
	}
	return klGaussTril(batchOf(p, q), d, normalSideOf(p, d), mvnSideOf(q)), nil
}
