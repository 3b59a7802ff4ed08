package mixture

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"gonum.org/v1/gonum/mathext"
)

// ErrSingular is returned (wrapped) when a component's covariance is not
// positive definite, as happens for collapsed components with RegCovar 0.
var ErrSingular = errors.New("mixture: singular component covariance (increase RegCovar or decrease K)")

// Fit fits the mixture to the n = len(x)/dim points of x (row-major) and
// returns the fit whose final lower bound is the highest over NInit runs.
// The data are read in place and not retained.
func (b *BayesianGaussian) Fit(x []float64, dim int) (*Model, error) {
	f, err := b.newFitter(x, dim)
	if err != nil {
		return nil, err
	}
	defer f.pool.close()
	return f.fit()
}

type fitter struct {
	cfg     BayesianGaussian
	x       []float64
	n, d, k int
	// Prior.
	alpha0, beta0, nu0 float64
	m0, psi0           []float64
	shift              []float64 // data mean; statistics are of x - shift
	xtx                []float64 // centered X^T X (Tied)

	m *Model
	// Chunked statistics: per chunk [entropy, nk(K), sx(K*d), sxx(K*q)].
	chunk, nchunk, stride, q int
	stats                    []float64
	tot                      []float64
	scratch                  [][]float64 // per worker, K
	pool                     *pool
	rng                      *rand.Rand
	// Initial responsibilities for the init pass.
	labels []int
	resp   []float64
	estepF func(c, w int)
	initF  func(c, w int)
}

func (b *BayesianGaussian) newFitter(x []float64, d int) (*fitter, error) {
	cfg := *b
	if cfg.K < 1 {
		return nil, fmt.Errorf("mixture: K = %d, want at least 1", cfg.K)
	}
	if d < 1 {
		return nil, fmt.Errorf("mixture: dimension %d, want at least 1", d)
	}
	if len(x)%d != 0 {
		return nil, fmt.Errorf("mixture: len(x) = %d is not a multiple of the dimension %d", len(x), d)
	}
	n := len(x) / d
	if n < 2 {
		return nil, fmt.Errorf("mixture: %d points, want at least 2", n)
	}
	if n < cfg.K {
		return nil, fmt.Errorf("mixture: %d points is fewer than K = %d components", n, cfg.K)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("mixture: x[%d] (point %d, coordinate %d) = %v, want a finite number", i, i/d, i%d, v)
		}
	}
	switch cfg.Covariance {
	case Full, Tied, Diag, Spherical:
	default:
		return nil, fmt.Errorf("mixture: unknown covariance type %d", int(cfg.Covariance))
	}
	if cfg.WeightPrior != DirichletProcess && cfg.WeightPrior != DirichletDistribution {
		return nil, fmt.Errorf("mixture: unknown weight prior %d", int(cfg.WeightPrior))
	}
	if cfg.Init < KMeans || cfg.Init > RandomFromData {
		return nil, fmt.Errorf("mixture: unknown init %d", int(cfg.Init))
	}
	if cfg.RegCovar < 0 || math.IsNaN(cfg.RegCovar) {
		return nil, fmt.Errorf("mixture: RegCovar = %v, want >= 0", cfg.RegCovar)
	}
	if cfg.Tol < 0 || math.IsNaN(cfg.Tol) {
		return nil, fmt.Errorf("mixture: Tol = %v, want >= 0", cfg.Tol)
	}
	if cfg.MaxIter < 0 {
		return nil, fmt.Errorf("mixture: MaxIter = %d, want >= 0", cfg.MaxIter)
	}
	if cfg.NInit < 1 {
		cfg.NInit = 1
	}
	if cfg.WeightConcentration < 0 || cfg.MeanPrecision < 0 {
		return nil, fmt.Errorf("mixture: WeightConcentration = %v, MeanPrecision = %v, want > 0 (0 for the default)", cfg.WeightConcentration, cfg.MeanPrecision)
	}
	if cfg.InitLabels != nil {
		if len(cfg.InitLabels) != n {
			return nil, fmt.Errorf("mixture: len(InitLabels) = %d, want %d (one per point)", len(cfg.InitLabels), n)
		}
		for i, l := range cfg.InitLabels {
			if l < 0 || l >= cfg.K {
				return nil, fmt.Errorf("mixture: InitLabels[%d] = %d, want 0..%d", i, l, cfg.K-1)
			}
		}
	}
	f := &fitter{cfg: cfg, x: x, n: n, d: d, k: cfg.K}
	// Priors with scikit-learn's defaults.
	f.shift = make([]float64, d)
	for i := range n {
		for j := range d {
			f.shift[j] += x[i*d+j]
		}
	}
	for j := range d {
		f.shift[j] /= float64(n)
	}
	f.alpha0 = cfg.WeightConcentration
	if f.alpha0 == 0 {
		f.alpha0 = 1 / float64(cfg.K)
	}
	f.beta0 = cfg.MeanPrecision
	if f.beta0 == 0 {
		f.beta0 = 1
	}
	f.m0 = make([]float64, d)
	if cfg.MeanPrior != nil {
		if len(cfg.MeanPrior) != d {
			return nil, fmt.Errorf("mixture: len(MeanPrior) = %d, want %d", len(cfg.MeanPrior), d)
		}
		copy(f.m0, cfg.MeanPrior)
	} else {
		copy(f.m0, f.shift)
	}
	f.nu0 = cfg.DegreesOfFreedom
	if f.nu0 == 0 {
		f.nu0 = float64(d)
	} else if f.nu0 <= float64(d)-1 {
		return nil, fmt.Errorf("mixture: DegreesOfFreedom = %v, want > %d", f.nu0, d-1)
	}
	// Data covariance (ddof 1) for the default covariance prior.
	cov := make([]float64, d*d)
	for i := range n {
		p := x[i*d : (i+1)*d]
		for a := range d {
			for c := range d {
				cov[a*d+c] += (p[a] - f.shift[a]) * (p[c] - f.shift[c])
			}
		}
	}
	for _, v := range cov {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, errors.New("mixture: the data covariance overflows float64; rescale the data")
		}
	}
	if cfg.Covariance == Tied {
		f.xtx = append([]float64(nil), cov...)
	}
	for i := range cov {
		cov[i] /= float64(n - 1)
	}
	want := map[CovarianceType]int{Full: d * d, Tied: d * d, Diag: d, Spherical: 1}[cfg.Covariance]
	if cfg.CovariancePrior != nil {
		if len(cfg.CovariancePrior) != want {
			return nil, fmt.Errorf("mixture: len(CovariancePrior) = %d, want %d for %v", len(cfg.CovariancePrior), want, cfg.Covariance)
		}
		f.psi0 = append([]float64(nil), cfg.CovariancePrior...)
	} else {
		switch cfg.Covariance {
		case Full, Tied:
			f.psi0 = cov
		case Diag:
			f.psi0 = make([]float64, d)
			for j := range d {
				f.psi0[j] = cov[j*d+j]
			}
		case Spherical:
			var s float64
			for j := range d {
				s += cov[j*d+j]
			}
			f.psi0 = []float64{s / float64(d)}
		}
	}
	// Chunks and statistics buffers.
	f.chunk = cfg.ChunkSize
	if f.chunk <= 0 {
		f.chunk = 1024
	}
	f.nchunk = (n + f.chunk - 1) / f.chunk
	switch cfg.Covariance {
	case Full:
		f.q = d * d
	case Diag, Spherical:
		f.q = d
	}
	f.stride = 1 + f.k + f.k*d + f.k*f.q
	f.stats = make([]float64, f.nchunk*f.stride)
	f.tot = make([]float64, f.stride)
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, f.nchunk)
	f.scratch = make([][]float64, workers)
	for i := range f.scratch {
		f.scratch[i] = make([]float64, 2*f.k)
	}
	f.pool = newPool(workers, f.nchunk)
	f.rng = rand.New(rand.NewPCG(cfg.Seed, 0x6d6978))
	f.m = newModel(f.k, d, cfg.Covariance, cfg.WeightPrior)
	f.estepF = f.estepChunk
	f.initF = f.initChunk
	if w := cfg.WarmStart; w != nil {
		if w.K != f.k || w.Dim != d || w.Covariance != cfg.Covariance || w.Prior != cfg.WeightPrior {
			return nil, fmt.Errorf("mixture: WarmStart has K = %d, d = %d, %v, %v; want %d, %d, %v, %v",
				w.K, w.Dim, w.Covariance, w.Prior, f.k, d, cfg.Covariance, cfg.WeightPrior)
		}
	}
	return f, nil
}

func (f *fitter) fit() (*Model, error) {
	cfg := &f.cfg
	doInit := cfg.WarmStart == nil
	nInit := cfg.NInit
	if !doInit {
		nInit = 1
	}
	var best *Model
	maxLB := math.Inf(-1)
	converged := false
	for range nInit {
		var lb float64
		var lbs []float64
		if doInit {
			if err := f.initialize(); err != nil {
				return nil, err
			}
			lb = math.Inf(-1)
		} else {
			f.m = cfg.WarmStart.clone()
			lb = cfg.WarmStart.LowerBound
			lbs = append(lbs, cfg.WarmStart.LowerBounds...)
		}
		nIter := 0
		for it := 1; it <= cfg.MaxIter; it++ {
			prev := lb
			var err error
			lb, err = f.step()
			if err != nil {
				return nil, err
			}
			lbs = append(lbs, lb)
			nIter = it
			if math.Abs(lb-prev) < cfg.Tol {
				converged = true
				break
			}
		}
		if lb > maxLB || best == nil {
			maxLB = lb
			best = f.m.clone()
			best.LowerBound = lb
			best.LowerBounds = lbs
			best.NIter = nIter
		}
	}
	best.Converged = converged
	return best, nil
}

// step runs one E-step and M-step and returns the lower bound.
func (f *fitter) step() (float64, error) {
	f.pool.run(f.estepF)
	f.reduce()
	if err := f.mstep(); err != nil {
		return 0, err
	}
	return f.bound(), nil
}

func (f *fitter) reduce() {
	clear(f.tot)
	for c := range f.nchunk {
		s := f.stats[c*f.stride : (c+1)*f.stride]
		for i, v := range s {
			f.tot[i] += v
		}
	}
}

// estepChunk computes the responsibilities of chunk c's points under the
// current parameters and accumulates their statistics.
func (f *fitter) estepChunk(c, w int) {
	d, k := f.d, f.k
	s := f.stats[c*f.stride : (c+1)*f.stride]
	clear(s)
	lp, ex := f.scratch[w][:k], f.scratch[w][k:2*k]
	lo, hi := c*f.chunk, min((c+1)*f.chunk, f.n)
	var ent float64
	m := f.m
	for i := lo; i < hi; i++ {
		p := f.x[i*d : (i+1)*d]
		mx := math.Inf(-1)
		if m.Covariance == Full {
			// Inlined quad for the common case: y = (x - mu) U, U upper
			// triangular.
			for j := range k {
				mu := m.Means[j*d : (j+1)*d]
				u := m.PrecisionsCholesky[j*d*d : (j+1)*d*d]
				var q float64
				for a := range d {
					var y float64
					for i := 0; i <= a; i++ {
						y += (p[i] - mu[i]) * u[i*d+a]
					}
					q += y * y
				}
				v := m.cst[j] - 0.5*q
				lp[j] = v
				mx = max(mx, v)
			}
		} else {
			for j := range k {
				v := m.cst[j] - 0.5*m.quad(p, j)
				lp[j] = v
				mx = max(mx, v)
			}
		}
		// One exponential per component; terms below e^-40 of the largest
		// are dropped (they change the sums by less than 1e-17 relative).
		var sum float64
		for j := range k {
			t := lp[j] - mx
			lp[j] = t
			if t < -40 {
				ex[j] = 0
				continue
			}
			e := math.Exp(t)
			ex[j] = e
			sum += e
		}
		ls := math.Log(sum)
		inv := 1 / sum
		for j := range k {
			e := ex[j]
			if e == 0 {
				continue
			}
			r := e * inv
			ent += r * (lp[j] - ls)
			f.accumulate(s, j, r, p)
		}
	}
	s[0] = ent
}

func (f *fitter) accumulate(s []float64, j int, r float64, p []float64) {
	d, k := f.d, f.k
	s[1+j] += r
	sx := s[1+k+j*d : 1+k+(j+1)*d]
	for a := range d {
		sx[a] += r * (p[a] - f.shift[a])
	}
	if f.q == 0 {
		return
	}
	sxx := s[1+k+k*d+j*f.q : 1+k+k*d+(j+1)*f.q]
	if f.q == d {
		for a := range d {
			v := p[a] - f.shift[a]
			sxx[a] += r * v * v
		}
		return
	}
	for a := range d {
		va := r * (p[a] - f.shift[a])
		for b := a; b < d; b++ {
			sxx[a*d+b] += va * (p[b] - f.shift[b])
		}
	}
}

// initChunk accumulates the statistics of the initial responsibilities.
func (f *fitter) initChunk(c, w int) {
	d, k := f.d, f.k
	s := f.stats[c*f.stride : (c+1)*f.stride]
	clear(s)
	lo, hi := c*f.chunk, min((c+1)*f.chunk, f.n)
	for i := lo; i < hi; i++ {
		p := f.x[i*d : (i+1)*d]
		if f.labels != nil {
			if j := f.labels[i]; j >= 0 {
				f.accumulate(s, j, 1, p)
			}
			continue
		}
		for j := range k {
			if r := f.resp[i*k+j]; r != 0 {
				f.accumulate(s, j, r, p)
			}
		}
	}
}

// mstep updates the variational parameters from the statistics in f.tot
// (Bishop 10.58-10.63; scikit-learn's _estimate_weights, _estimate_means,
// _estimate_wishart_*).
func (f *fitter) mstep() error {
	d, k, m := f.d, f.k, f.m
	nk := f.tot[1 : 1+k]
	sx := f.tot[1+k : 1+k+k*d]
	sxx := f.tot[1+k+k*d:]
	const tiny = 10 * 2.220446049250313e-16
	var ntot float64
	for j := range k {
		nk[j] += tiny
		ntot += nk[j]
		for a := range d {
			sx[j*d+a] /= nk[j] // centered mean xk - shift
		}
	}
	// Weights.
	if f.cfg.WeightPrior == DirichletProcess {
		var tail float64
		for j := k - 1; j >= 0; j-- {
			m.WeightConcentration[j] = 1 + nk[j]
			m.WeightConcentrationB[j] = f.alpha0 + tail
			tail += nk[j]
		}
	} else {
		for j := range k {
			m.WeightConcentration[j] = f.alpha0 + nk[j]
		}
	}
	// Means.
	for j := range k {
		m.MeanPrecision[j] = f.beta0 + nk[j]
		for a := range d {
			xk := sx[j*d+a] + f.shift[a]
			m.Means[j*d+a] = (f.beta0*f.m0[a] + nk[j]*xk) / m.MeanPrecision[j]
		}
	}
	reg := f.cfg.RegCovar
	switch f.cfg.Covariance {
	case Full:
		for j := range k {
			nu := f.nu0 + nk[j]
			m.DegreesOfFreedom[j] = nu
			cv := m.Covariances[j*d*d : (j+1)*d*d]
			s := sxx[j*d*d : (j+1)*d*d]
			sc := nk[j] * f.beta0 / m.MeanPrecision[j]
			for a := range d {
				for b := a; b < d; b++ {
					xa, xb := sx[j*d+a], sx[j*d+b]
					sk := s[a*d+b]/nk[j] - xa*xb
					if a == b {
						sk += reg
					}
					da := xa + f.shift[a] - f.m0[a]
					db := xb + f.shift[b] - f.m0[b]
					v := (f.psi0[a*d+b] + nk[j]*sk + sc*da*db) / nu
					cv[a*d+b], cv[b*d+a] = v, v
				}
			}
			if err := precChol(m.PrecisionsCholesky[j*d*d:(j+1)*d*d], cv, d); err != nil {
				return fmt.Errorf("component %d: %w", j, err)
			}
		}
	case Tied:
		nu := f.nu0 + ntot/float64(k)
		for j := range k {
			m.DegreesOfFreedom[j] = nu
		}
		cv := m.Covariances
		for a := range d {
			for b := a; b < d; b++ {
				sk := f.xtx[a*d+b]
				var dd float64
				for j := range k {
					xa, xb := sx[j*d+a], sx[j*d+b]
					sk -= nk[j] * xa * xb
					da := xa + f.shift[a] - f.m0[a]
					db := xb + f.shift[b] - f.m0[b]
					dd += nk[j] / m.MeanPrecision[j] * da * db
				}
				sk /= ntot
				if a == b {
					sk += reg
				}
				v := (f.psi0[a*d+b] + sk*ntot/float64(k) + f.beta0/float64(k)*dd) / nu
				cv[a*d+b], cv[b*d+a] = v, v
			}
		}
		if err := precChol(m.PrecisionsCholesky, cv, d); err != nil {
			return err
		}
	case Diag, Spherical:
		for j := range k {
			nu := f.nu0 + nk[j]
			m.DegreesOfFreedom[j] = nu
			sc := f.beta0 / m.MeanPrecision[j]
			var sphS, sphD float64
			for a := range d {
				xa := sx[j*d+a]
				sk := sxx[j*d+a]/nk[j] - xa*xa + reg
				da := xa + f.shift[a] - f.m0[a]
				if f.cfg.Covariance == Diag {
					v := (f.psi0[a] + nk[j]*(sk+sc*da*da)) / nu
					if !(v > 0) {
						return fmt.Errorf("component %d variance %d = %v: %w", j, a, v, ErrSingular)
					}
					m.Covariances[j*d+a] = v
					m.PrecisionsCholesky[j*d+a] = 1 / math.Sqrt(v)
				}
				sphS += sk
				sphD += da * da
			}
			if f.cfg.Covariance == Spherical {
				fd := float64(d)
				v := (f.psi0[0] + nk[j]*(sphS/fd+sc*sphD/fd)) / nu
				if !(v > 0) {
					return fmt.Errorf("component %d variance = %v: %w", j, v, ErrSingular)
				}
				m.Covariances[j] = v
				m.PrecisionsCholesky[j] = 1 / math.Sqrt(v)
			}
		}
	}
	m.finish()
	return nil
}

// precChol writes the upper-triangular U = L^-T of the Cholesky factor L
// of the covariance cv (d*d) into u, so that U U^T = cv^-1.
func precChol(u, cv []float64, d int) error {
	// Cholesky cv = L L^T, L stored in u's lower triangle temporarily.
	var buf [64]float64
	var l []float64
	if d*d <= len(buf) {
		l = buf[:d*d]
	} else {
		l = make([]float64, d*d)
	}
	for i := range d {
		for j := 0; j <= i; j++ {
			s := cv[i*d+j]
			for p := range j {
				s -= l[i*d+p] * l[j*d+p]
			}
			if i == j {
				if !(s > 0) || math.IsInf(s, 0) {
					return fmt.Errorf("%w: pivot %d = %v", ErrSingular, i, s)
				}
				l[i*d+i] = math.Sqrt(s)
			} else {
				l[i*d+j] = s / l[j*d+j]
			}
		}
	}
	// Inverse of L (lower) by forward substitution, then transpose.
	clear(u)
	for c := range d {
		// Solve L z = e_c; z is column c of L^-1, row c of U.
		for i := c; i < d; i++ {
			s := 0.0
			if i == c {
				s = 1
			}
			for p := c; p < i; p++ {
				s -= l[i*d+p] * u[c*d+p]
			}
			u[c*d+i] = s / l[i*d+i]
		}
	}
	return nil
}

// bound is scikit-learn's _compute_lower_bound: the ELBO up to
// constants, with the responsibilities of the last E-step and the
// parameters of the last M-step.
func (f *fitter) bound() float64 {
	m, d := f.m, f.d
	fd := float64(d)
	logWishart := func(nu, logdetChol float64) float64 {
		s := nu*logdetChol + nu*fd*0.5*math.Ln2
		for i := range d {
			lg, _ := math.Lgamma(0.5 * (nu - float64(i)))
			s += lg
		}
		return -s
	}
	var lw float64
	if m.Covariance == Tied {
		nu := m.DegreesOfFreedom[0]
		lw = float64(f.k) * logWishart(nu, m.logdet[0]-0.5*fd*math.Log(nu))
	} else {
		for j := range f.k {
			nu := m.DegreesOfFreedom[j]
			lw += logWishart(nu, m.logdet[j]-0.5*fd*math.Log(nu))
		}
	}
	var lnw float64
	if m.Prior == DirichletProcess {
		for j := range f.k {
			a, b := m.WeightConcentration[j], m.WeightConcentrationB[j]
			lnw -= lbeta(a, b)
		}
	} else {
		var s float64
		for _, a := range m.WeightConcentration {
			s += a
			lg, _ := math.Lgamma(a)
			lnw -= lg
		}
		lg, _ := math.Lgamma(s)
		lnw += lg
	}
	var lb float64
	for _, bk := range m.MeanPrecision {
		lb += math.Log(bk)
	}
	return -f.tot[0] - lw - lnw - 0.5*fd*lb
}

func lbeta(a, b float64) float64 {
	return mathext.Lbeta(a, b)
}
