package mixture

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkSize is the number of points of one unit of work. The partition
// into chunks depends on n alone and chunk results are summed in chunk
// order, so the bits of a fit do not depend on the number of goroutines.
const chunkSize = 1024

// engine runs the passes over the data of one fit: a pool of goroutines
// that lives as long as the fit, per-chunk accumulators, and per-worker
// scratch. After the first pass nothing is allocated.
type engine struct {
	x       []float64
	n, d, k int
	shift   []float64 // statistics are accumulated about this point

	chunks []chunkStats
	// The job of the current pass.
	m    *Mixture
	resp func(i int, r []float64) // nil: the E step under m
	job  func(c int, w *scratch)  // the work of one chunk in this pass
	// statsJob is e.chunk as a func value, made once.
	statsJob func(c int, w *scratch)
	kmJob    func(c int, w *scratch) // e.kmChunk
	km       kmState
	next     atomic.Int64

	workers int
	start   []chan struct{}
	wg      sync.WaitGroup
	quit    atomic.Bool

	// Reduced statistics.
	nk, xk, sk []float64
	// chol is scratch for one Cholesky factor.
	chol []float64
}

// chunkStats are the weighted sums of one chunk: R_k = Σ r, M_k = Σ r y,
// Q_k = Σ r y y^T with y = x - shift, and Σ r log r.
type chunkStats struct {
	r, m, q []float64
	ent     float64
	pot     float64 // k-means++: the chunk's potential
	changed int     // k-means: labels changed in the chunk
}

func newEngine(x []float64, n, d, k int, ct CovarianceType) *engine {
	e := &engine{x: x, n: n, d: d, k: k}
	e.shift = make([]float64, d)
	for i := range n {
		for j := range d {
			e.shift[j] += x[i*d+j]
		}
	}
	for j := range d {
		e.shift[j] /= float64(n)
	}
	nc := (n + chunkSize - 1) / chunkSize
	e.chunks = make([]chunkStats, nc)
	// One slab per chunk, padded by a cache line on each side, so that two
	// workers never write to the same line (false sharing halved the speed
	// of two cores).
	const pad = 8
	for c := range e.chunks {
		slab := make([]float64, pad+k+pad+k*d+pad+k*d*d+pad)
		o := pad
		st := chunkStats{r: slab[o : o+k : o+k]}
		o += k + pad
		st.m = slab[o : o+k*d : o+k*d]
		o += k*d + pad
		st.q = slab[o : o+k*d*d : o+k*d*d]
		e.chunks[c] = st
	}
	e.nk, e.xk = make([]float64, k), make([]float64, k*d)
	e.chol = make([]float64, d*d)
	switch ct {
	case Full:
		e.sk = make([]float64, k*d*d)
	case Tied:
		e.sk = make([]float64, d*d)
	case Diag:
		e.sk = make([]float64, k*d)
	case Spherical:
		e.sk = make([]float64, k)
	}
	e.statsJob, e.kmJob = e.chunk, e.kmChunk
	e.job = e.statsJob
	e.workers = min(runtime.GOMAXPROCS(0), nc)
	e.start = make([]chan struct{}, e.workers)
	for w := range e.workers {
		e.start[w] = make(chan struct{})
		go e.work(w)
	}
	return e
}

// close stops the pool.
func (e *engine) close() {
	e.quit.Store(true)
	for _, c := range e.start {
		close(c)
	}
}

// scratch is one worker's buffers.
type scratch struct {
	y    []float64 // d
	r    []float64 // K x chunkSize: e_pk, or given responsibilities
	t    []float64 // K x chunkSize: t_pk of the E step
	s, a []float64 // chunkSize: s_p (then 1/s_p) and a_p of the E step
	lg   []float64 // chunkSize: log s_p
	mx   []float64 // chunkSize: max_k l_pk
	lp   []float64 // K
}

// work is one goroutine of the pool: it waits for a pass, takes chunks
// until none is left, and reports.
func (e *engine) work(id int) {
	w := &scratch{
		y:  make([]float64, e.d),
		r:  make([]float64, chunkSize*e.k),
		t:  make([]float64, chunkSize*e.k),
		s:  make([]float64, chunkSize),
		a:  make([]float64, chunkSize),
		lg: make([]float64, chunkSize),
		lp: make([]float64, e.k),
		mx: make([]float64, chunkSize),
	}
	for range e.start[id] {
		if e.quit.Load() {
			return
		}
		for {
			c := int(e.next.Add(1)) - 1
			if c >= len(e.chunks) {
				break
			}
			e.job(c, w)
		}
		e.wg.Done()
	}
}

// run executes one pass over every chunk.
func (e *engine) run() {
	e.next.Store(0)
	e.wg.Add(e.workers)
	for _, c := range e.start {
		c <- struct{}{}
	}
	e.wg.Wait()
}

// chunk accumulates the statistics of chunk c: the E step under e.m (or
// the responsibilities e.resp gives) and the weighted sums, in one pass
// over the chunk's points while they are in cache.
func (e *engine) chunk(c int, w *scratch) {
	st := &e.chunks[c]
	clear(st.r)
	clear(st.m)
	clear(st.q)
	d, k := e.d, e.k
	lo, hi := c*chunkSize, min((c+1)*chunkSize, e.n)
	np := hi - lo
	rbuf, inv := w.r[:np*k], w.s[:np]
	xs := e.x[d*lo : d*hi]
	// First the (unnormalized) responsibilities of every point of the
	// chunk (rbuf, component-major: r_pk at k*np + p) with their factors
	// 1/s_p, then the sums per component over the points, in registers.
	switch {
	case e.resp != nil:
		for p := range np {
			e.resp(lo+p, w.lp)
			for j, v := range w.lp {
				rbuf[j*np+p] = v
			}
			inv[p] = 1
		}
		st.ent = 0
	case d == 2:
		eStep2(e.m.e2, xs, rbuf, inv, w.a[:np], w.t, k)
		st.ent = finishE(inv, w.a[:np], w.lg[:np])
	default:
		e.m.eStepGeneral(xs, rbuf, inv, w.a[:np], w.t, w.mx, w.y, w.lp)
		st.ent = finishE(inv, w.a[:np], w.lg[:np])
	}
	if d == 2 {
		s0, s1 := e.shift[0], e.shift[1]
		for j := range k {
			var sr, m0, m1, q00, q01, q11 float64
			rj := rbuf[j*np : (j+1)*np : (j+1)*np]
			for p, ip := range inv {
				rj := rj[p] * ip
				y0, y1 := xs[2*p]-s0, xs[2*p+1]-s1
				r0, r1 := rj*y0, rj*y1
				sr += rj
				m0 += r0
				m1 += r1
				q00 += r0 * y0
				q01 += r0 * y1
				q11 += r1 * y1
			}
			st.r[j], st.m[2*j], st.m[2*j+1] = sr, m0, m1
			st.q[4*j], st.q[4*j+1], st.q[4*j+3] = q00, q01, q11
		}
		return
	}
	y := w.y
	for p, ip := range inv {
		x := xs[p*d : (p+1)*d]
		for a := range d {
			y[a] = x[a] - e.shift[a]
		}
		for j := range k {
			r := rbuf[j*np+p] * ip
			if r == 0 {
				continue
			}
			st.r[j] += r
			mj := st.m[j*d : (j+1)*d]
			qj := st.q[j*d*d : (j+1)*d*d]
			for a, ya := range y {
				ry := r * ya
				mj[a] += ry
				row := qj[a*d : (a+1)*d]
				for b := a; b < d; b++ {
					row[b] += ry * y[b]
				}
			}
		}
	}
}

// pass runs the E step under m over all points and accumulates the
// statistics; it returns Σ r log r.
func (e *engine) pass(m *Mixture) float64 {
	e.m, e.resp, e.job = m, nil, e.statsJob
	e.run()
	var ent float64
	for c := range e.chunks {
		ent += e.chunks[c].ent
	}
	return ent
}

// passResp accumulates the statistics of given responsibilities: resp
// fills r (length K) for point i.
func (e *engine) passResp(resp func(i int, r []float64)) {
	e.m, e.resp, e.job = nil, resp, e.statsJob
	e.run()
	e.resp = nil
}

// gaussianStats reduces the chunk statistics in chunk order and returns
// scikit-learn's _estimate_gaussian_parameters: N_k (plus 10 machine
// epsilons), the weighted means x̄_k and the weighted covariances S_k (plus
// reg on the diagonal) in the shape of the covariance type: K d x d (Full),
// one d x d (Tied), K x d (Diag), K (Spherical).
func (e *engine) gaussianStats(ct CovarianceType, reg float64) (nk, xk, sk []float64) {
	d, k := e.d, e.k
	nk, xk = e.nk, e.xk
	clear(nk)
	clear(xk)
	q := e.chunks[0].q // reduced into chunk 0's buffers, after its own values
	for c := 1; c < len(e.chunks); c++ {
		st := &e.chunks[c]
		for j := range k {
			e.chunks[0].r[j] += st.r[j]
		}
		for i := range st.m {
			e.chunks[0].m[i] += st.m[i]
		}
		for i := range st.q {
			q[i] += st.q[i]
		}
	}
	r0, m0 := e.chunks[0].r, e.chunks[0].m
	const eps10 = 10 * 2.220446049250313e-16
	for j := range k {
		nk[j] = r0[j] + eps10
		for a := range d {
			xk[j*d+a] = m0[j*d+a] / nk[j] // about shift
		}
	}
	// Central second moments per component: Q_k/N_k - ȳ_k ȳ_k^T.
	cov := func(j, a, b int) float64 {
		if b < a {
			a, b = b, a
		}
		return q[j*d*d+a*d+b]/nk[j] - xk[j*d+a]*xk[j*d+b]
	}
	sk = e.sk
	switch ct {
	case Full:
		for j := range k {
			for a := range d {
				for b := range d {
					v := cov(j, a, b)
					if a == b {
						v += reg
					}
					sk[j*d*d+a*d+b] = v
				}
			}
		}
	case Tied:
		// (X^T X - Σ_k N_k x̄_k x̄_k^T) / Σ N_k, about shift.
		var ntot float64
		for j := range k {
			ntot += nk[j]
		}
		for a := range d {
			for b := range d {
				var s float64
				for j := range k {
					lo, hi := min(a, b), max(a, b)
					s += q[j*d*d+lo*d+hi] - nk[j]*xk[j*d+a]*xk[j*d+b]
				}
				v := s / ntot
				if a == b {
					v += reg
				}
				sk[a*d+b] = v
			}
		}
	case Diag:
		for j := range k {
			for a := range d {
				sk[j*d+a] = cov(j, a, a) + reg
			}
		}
	case Spherical:
		for j := range k {
			var s float64
			for a := range d {
				s += cov(j, a, a) + reg
			}
			sk[j] = s / float64(d)
		}
	}
	for j := range k {
		for a := range d {
			xk[j*d+a] += e.shift[a]
		}
	}
	return nk, xk, sk
}

// logRho writes log ρ_k(x) (the E step's unnormalized log
// responsibilities) into lp and returns their log-sum-exp, or only their
// maximum when lse is false; y is scratch of length d.
func (m *Mixture) logRho(lp, x, y []float64, lse bool) float64 {
	d := m.D
	mx := math.Inf(-1)
	if d == 2 {
		// The common 2-D case: q = (u00 y0)² + (u01 y0 + u11 y1)².
		x0, x1 := x[0], x[1]
		for j := range m.K {
			mu, u := m.Means[j], m.PrecisionsCholesky[j]
			y0, y1 := x0-mu[0], x1-mu[1]
			a, b := u[0]*y0, u[1]*y0+u[3]*y1
			v := m.logConst[j] - 0.5*(a*a+b*b)
			lp[j] = v
			if v > mx {
				mx = v
			}
		}
	} else {
		mx = m.logRhoGeneral(lp, x, y)
	}
	if !lse || math.IsInf(mx, -1) {
		return mx
	}
	var s float64
	for _, l := range lp {
		s += math.Exp(l - mx)
	}
	return mx + math.Log(s)
}

// mahalanobis returns q = |U_j^T (x - m_j)|², the squared Mahalanobis
// distance of x from component j under its precision U_j U_j^T (U_j upper
// triangular: (U^T y)_b = Σ_{a<=b} U_ab y_a); y is scratch of length d.
func (m *Mixture) mahalanobis(j int, x, y []float64) float64 {
	d := m.D
	mu, u := m.Means[j], m.PrecisionsCholesky[j]
	for a := range d {
		y[a] = x[a] - mu[a]
	}
	var q float64
	for b := range d {
		var s float64
		for a := 0; a <= b; a++ {
			s += u[a*d+b] * y[a]
		}
		q += s * s
	}
	return q
}

// logRhoGeneral writes log ρ_k(x) for any d and returns their maximum.
func (m *Mixture) logRhoGeneral(lp, x, y []float64) float64 {
	mx := math.Inf(-1)
	for j := range m.K {
		lp[j] = m.logConst[j] - 0.5*m.mahalanobis(j, x, y)
		if lp[j] > mx {
			mx = lp[j]
		}
	}
	return mx
}

// precisionCholesky writes U = (C^-1)^T, C the lower Cholesky factor of
// the d x d covariance cov, into dst (scikit-learn's
// _compute_precision_cholesky), using c (d x d) as scratch, and returns log det U = -Σ log C_ii. It
// fails when cov is not positive definite.
func precisionCholesky(dst, cov, c []float64, d int) (float64, error) {
	for i := range d {
		for j := 0; j <= i; j++ {
			s := cov[i*d+j]
			for p := range j {
				s -= c[i*d+p] * c[j*d+p]
			}
			if i == j {
				if !(s > 0) || math.IsInf(s, 0) {
					return 0, ErrIllDefined
				}
				c[i*d+i] = math.Sqrt(s)
			} else {
				c[i*d+j] = s / c[j*d+j]
			}
		}
	}
	// Inverse of the lower-triangular C, column by column, written
	// transposed into dst.
	clear(dst)
	var ld float64
	for col := range d {
		for i := col; i < d; i++ {
			s := 0.0
			if i == col {
				s = 1
			}
			for p := col; p < i; p++ {
				s -= c[i*d+p] * dst[col*d+p] // dst[col*d+p] holds Cinv[p][col]
			}
			dst[col*d+i] = s / c[i*d+i] // U[col][i] = Cinv[i][col]
		}
		ld -= math.Log(c[col*d+col])
	}
	return ld, nil
}
