package mixture

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/internal/special"
)

// Mixture is a fitted Bayesian Gaussian mixture: the variational
// posterior's parameters and the point estimates scikit-learn reports.
// Matrices are row-major; Covariances[k], Precisions[k] and
// PrecisionsCholesky[k] are d x d for every covariance type (equal for all
// k when Tied, diagonal when Diag or Spherical).
type Mixture struct {
	K, D       int
	Covariance CovarianceType
	Prior      WeightPrior

	// Weights are the posterior means of the weights (scikit-learn's
	// weights_).
	Weights []float64
	// Means are the posterior means of the component means, K x d.
	Means [][]float64
	// Covariances are the inverses of the posterior expected precisions,
	// W_k^-1 / ν_k.
	Covariances [][]float64
	// Precisions are the posterior expected precisions ν_k W_k.
	Precisions [][]float64
	// PrecisionsCholesky are upper-triangular U_k with Precisions[k] =
	// U_k U_k^T (scikit-learn's precisions_cholesky_).
	PrecisionsCholesky [][]float64

	// WeightConcentration is the Dirichlet posterior (K values), or the
	// stick-breaking Beta posteriors (a_k, b_k) as 2K values a then b.
	WeightConcentration []float64
	// MeanPrecision are the β_k.
	MeanPrecision []float64
	// DegreesOfFreedom are the ν_k.
	DegreesOfFreedom []float64

	// LowerBound is the final lower bound of the best run (the ELBO summed
	// over the data, constants dropped as in scikit-learn); LowerBounds is
	// its value after every iteration of that run.
	LowerBound  float64
	LowerBounds []float64
	// Converged reports whether the best run met Tol; NIter is its number
	// of iterations.
	Converged bool
	NIter     int

	// Per-component constants of the E step: c_k of
	// log ρ_nk = c_k - |U_k^T (x - m_k)|²/2.
	logConst []float64
	logDetU  []float64 // Σ log diag U_k
	e2       []float64 // d = 2: the E step's parameters, packed (packE2)
}

// priors are the resolved prior parameters of a fit.
type priors struct {
	gamma0, beta0, nu0 float64
	m0                 []float64 // d
	psi0               []float64 // d x d
}

// Fit fits a Bayesian Gaussian mixture to the n x d points x (row-major,
// len(x) = n*d) by CAVI with cfg's settings. It returns an error naming the
// problem for invalid settings, non-finite data and fits whose covariances
// become ill-defined (wrapping ErrIllDefined); a cancelled ctx stops the fit
// with ctx's error. x is read, never written or retained.
func Fit(ctx context.Context, x []float64, d int, cfg Config) (*Mixture, error) {
	if d < 1 {
		return nil, fmt.Errorf("mixture: d = %d, want at least 1 dimension", d)
	}
	if len(x)%d != 0 {
		return nil, fmt.Errorf("mixture: %d values are not a whole number of %d-dimensional points", len(x), d)
	}
	n := len(x) / d
	if err := cfg.validate(n, d); err != nil {
		return nil, err
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("mixture: point %d, coordinate %d is %v: want finite data", i/d, i%d, v)
		}
	}
	pr := resolvePriors(x, n, d, &cfg)
	e := newEngine(x, n, d, cfg.Components, cfg.Covariance)
	defer e.close()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d6978))

	runs := cfg.NInit
	if cfg.WarmStart != nil {
		runs = 1
	}
	var best *Mixture
	for run := 0; run < runs; run++ {
		m := newMixture(cfg.Components, d, cfg.Covariance, cfg.WeightPrior)
		m.LowerBounds = make([]float64, 0, min(cfg.MaxIter, 1<<12)) // no growth in the loop
		lower := math.Inf(-1)
		if w := cfg.WarmStart; w != nil {
			m.copyParams(w)
			lower = w.LowerBound
		} else if err := initialize(ctx, e, m, pr, &cfg, rng); err != nil {
			return nil, err
		}
		for it := 1; it <= cfg.MaxIter; it++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			prev := lower
			ent := e.pass(m)
			if err := m.mStep(e, pr, cfg.RegCovar); err != nil {
				return nil, err
			}
			lower = m.lowerBound(-ent)
			m.LowerBounds = append(m.LowerBounds, lower)
			m.NIter = it
			if math.Abs(lower-prev) < cfg.Tol {
				m.Converged = true
				break
			}
		}
		m.LowerBound = lower
		if best == nil || lower > best.LowerBound {
			best = m
		}
	}
	best.finish()
	return best, nil
}

// resolvePriors fills scikit-learn's data-dependent defaults.
func resolvePriors(x []float64, n, d int, cfg *Config) priors {
	pr := priors{gamma0: cfg.WeightConcentration, beta0: cfg.MeanPrecision, nu0: cfg.DegreesOfFreedom}
	if pr.nu0 == 0 {
		pr.nu0 = float64(d)
	}
	mean := make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	pr.m0 = mean
	if cfg.MeanPrior != nil {
		pr.m0 = append([]float64(nil), cfg.MeanPrior...)
	}
	pr.psi0 = make([]float64, d*d)
	if cfg.CovariancePrior != nil {
		switch cfg.Covariance {
		case Full, Tied:
			copy(pr.psi0, cfg.CovariancePrior)
		case Diag:
			for j := range d {
				pr.psi0[j*d+j] = cfg.CovariancePrior[j]
			}
		case Spherical:
			for j := range d {
				pr.psi0[j*d+j] = cfg.CovariancePrior[0]
			}
		}
		return pr
	}
	// The sample covariance with ddof 1 (np.cov), computed about the mean.
	cov := make([]float64, d*d)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for a := range d {
			da := row[a] - mean[a]
			for b := range d {
				cov[a*d+b] += da * (row[b] - mean[b])
			}
		}
	}
	den := float64(n - 1)
	if n == 1 {
		den = 1
	}
	for i := range cov {
		cov[i] /= den
	}
	switch cfg.Covariance {
	case Full, Tied:
		copy(pr.psi0, cov)
	case Diag:
		for j := range d {
			pr.psi0[j*d+j] = cov[j*d+j]
		}
	case Spherical:
		var s float64
		for j := range d {
			s += cov[j*d+j]
		}
		for j := range d {
			pr.psi0[j*d+j] = s / float64(d)
		}
	}
	return pr
}

func newMixture(k, d int, ct CovarianceType, wp WeightPrior) *Mixture {
	m := &Mixture{K: k, D: d, Covariance: ct, Prior: wp}
	m.Weights = make([]float64, k)
	m.Means = mats(k, d)
	m.Covariances = mats(k, d*d)
	m.Precisions = mats(k, d*d)
	m.PrecisionsCholesky = mats(k, d*d)
	nw := k
	if wp == DirichletProcess {
		nw = 2 * k
	}
	m.WeightConcentration = make([]float64, nw)
	m.MeanPrecision = make([]float64, k)
	m.DegreesOfFreedom = make([]float64, k)
	m.logConst = make([]float64, k)
	m.logDetU = make([]float64, k)
	if d == 2 {
		m.e2 = make([]float64, e2Stride*k)
	}
	return m
}

func mats(k, size int) [][]float64 {
	buf := make([]float64, k*size)
	out := make([][]float64, k)
	for i := range out {
		out[i] = buf[i*size : (i+1)*size : (i+1)*size]
	}
	return out
}

// copyParams copies the posterior parameters of w into m.
func (m *Mixture) copyParams(w *Mixture) {
	copy(m.WeightConcentration, w.WeightConcentration)
	copy(m.MeanPrecision, w.MeanPrecision)
	copy(m.DegreesOfFreedom, w.DegreesOfFreedom)
	for k := range m.K {
		copy(m.Means[k], w.Means[k])
		copy(m.Covariances[k], w.Covariances[k])
		copy(m.PrecisionsCholesky[k], w.PrecisionsCholesky[k])
	}
	copy(m.logDetU, w.logDetU)
	m.prepareEStep()
}

// mStep updates the posterior parameters from the statistics of the last
// pass (scikit-learn's _m_step: _estimate_weights, _estimate_means,
// _estimate_precisions; Bishop 2006, eqs. 10.58-10.63).
func (m *Mixture) mStep(e *engine, pr priors, reg float64) error {
	k, d := m.K, m.D
	nk, xk, sk := e.gaussianStats(m.Covariance, reg)
	// Weights.
	if m.Prior == DirichletProcess {
		// a_k = 1 + N_k, b_k = γ0 + Σ_{j>k} N_j.
		tail := 0.0
		for j := k - 1; j >= 0; j-- {
			m.WeightConcentration[j] = 1 + nk[j]
			m.WeightConcentration[k+j] = pr.gamma0 + tail
			tail += nk[j]
		}
	} else {
		for j := range k {
			m.WeightConcentration[j] = pr.gamma0 + nk[j]
		}
	}
	// Means.
	for j := range k {
		m.MeanPrecision[j] = pr.beta0 + nk[j]
		for a := range d {
			m.Means[j][a] = (pr.beta0*pr.m0[a] + nk[j]*xk[j*d+a]) / m.MeanPrecision[j]
		}
	}
	// Precisions: Wishart posteriors, stored as the covariances W^-1/ν.
	switch m.Covariance {
	case Full:
		for j := range k {
			nu := pr.nu0 + nk[j]
			m.DegreesOfFreedom[j] = nu
			c := m.Covariances[j]
			f := nk[j] * pr.beta0 / m.MeanPrecision[j]
			for a := range d {
				da := xk[j*d+a] - pr.m0[a]
				for b := range d {
					db := xk[j*d+b] - pr.m0[b]
					c[a*d+b] = (pr.psi0[a*d+b] + nk[j]*sk[j*d*d+a*d+b] + f*da*db) / nu
				}
			}
		}
	case Tied:
		var ntot float64
		for j := range k {
			ntot += nk[j]
		}
		nu := pr.nu0 + ntot/float64(k)
		c := m.Covariances[0]
		for a := range d {
			for b := range d {
				var s float64
				for j := range k {
					s += nk[j] / m.MeanPrecision[j] * (xk[j*d+a] - pr.m0[a]) * (xk[j*d+b] - pr.m0[b])
				}
				c[a*d+b] = (pr.psi0[a*d+b] + sk[a*d+b]*ntot/float64(k) + pr.beta0/float64(k)*s) / nu
			}
		}
		for j := range k {
			m.DegreesOfFreedom[j] = nu
			copy(m.Covariances[j], c)
		}
	case Diag:
		for j := range k {
			nu := pr.nu0 + nk[j]
			m.DegreesOfFreedom[j] = nu
			c := m.Covariances[j]
			clear(c)
			for a := range d {
				da := xk[j*d+a] - pr.m0[a]
				c[a*d+a] = (pr.psi0[a*d+a] + nk[j]*(sk[j*d+a]+pr.beta0/m.MeanPrecision[j]*da*da)) / nu
			}
		}
	case Spherical:
		for j := range k {
			nu := pr.nu0 + nk[j]
			m.DegreesOfFreedom[j] = nu
			var dd float64
			for a := range d {
				da := xk[j*d+a] - pr.m0[a]
				dd += da * da
			}
			v := (pr.psi0[0] + nk[j]*(sk[j]+pr.beta0/m.MeanPrecision[j]*dd/float64(d))) / nu
			c := m.Covariances[j]
			clear(c)
			for a := range d {
				c[a*d+a] = v
			}
		}
	}
	for j := range k {
		ld, err := precisionCholesky(m.PrecisionsCholesky[j], m.Covariances[j], e.chol, d)
		if err != nil {
			return fmt.Errorf("%w: component %d is not positive definite; try fewer components or a larger RegCovar", ErrIllDefined, j)
		}
		m.logDetU[j] = ld
	}
	m.prepareEStep()
	return nil
}

// expectedLogWeights returns E[log π_k] into dst (scikit-learn's
// _estimate_log_weights).
func (m *Mixture) expectedLogWeights(dst []float64) {
	k := m.K
	if m.Prior == DirichletProcess {
		// E log v_k + Σ_{j<k} E log(1 - v_j), v_k ~ Beta(a_k, b_k).
		var acc float64
		for j := range k {
			a, b := m.WeightConcentration[j], m.WeightConcentration[k+j]
			ds := special.Digamma(a + b)
			dst[j] = special.Digamma(a) - ds + acc
			acc += special.Digamma(b) - ds
		}
		return
	}
	var s float64
	for _, a := range m.WeightConcentration {
		s += a
	}
	ds := special.Digamma(s)
	for j := range k {
		dst[j] = special.Digamma(m.WeightConcentration[j]) - ds
	}
}

// prepareEStep computes the constants c_k of log ρ_nk = c_k - q_nk/2 with
// q_nk = |U_k^T (x_n - m_k)|² (scikit-learn's _estimate_log_prob plus the
// expected log weights; Bishop 2006, eqs. 10.64-10.66):
//
//	c_k = E log π_k + log det U_k - d/2 log ν_k - d/2 log 2π
//	      + (d log 2 + Σ_i ψ((ν_k - i)/2) - d/β_k) / 2.
func (m *Mixture) prepareEStep() {
	d := float64(m.D)
	m.expectedLogWeights(m.logConst)
	for j := range m.K {
		nu := m.DegreesOfFreedom[j]
		logLambda := d * math.Ln2
		for i := range m.D {
			logLambda += special.Digamma(0.5 * (nu - float64(i)))
		}
		m.logConst[j] += m.logDetU[j] - 0.5*d*math.Log(nu) - 0.5*d*math.Log(2*math.Pi) + 0.5*(logLambda-d/m.MeanPrecision[j])
	}
	if m.D == 2 {
		m.packE2()
	}
}

// lowerBound is scikit-learn's _compute_lower_bound after an M step, with
// negEnt = -Σ r log r from the pass before it.
func (m *Mixture) lowerBound(negEnt float64) float64 {
	d := float64(m.D)
	var logWishart, logBeta float64
	for j := range m.K {
		nu := m.DegreesOfFreedom[j]
		ldpc := m.logDetU[j] - 0.5*d*math.Log(nu)
		lw := nu*ldpc + nu*d*0.5*math.Ln2
		for i := range m.D {
			lw += special.Lgamma(0.5 * (nu - float64(i)))
		}
		logWishart -= lw
		logBeta += math.Log(m.MeanPrecision[j])
	}
	var logNormWeight float64
	k := m.K
	if m.Prior == DirichletProcess {
		for j := range k {
			logNormWeight -= special.Lbeta(m.WeightConcentration[j], m.WeightConcentration[k+j])
		}
	} else {
		var s float64
		for _, a := range m.WeightConcentration {
			s += a
			logNormWeight -= special.Lgamma(a)
		}
		logNormWeight += special.Lgamma(s)
	}
	return negEnt - logWishart - logNormWeight - 0.5*d*logBeta
}

// finish fills the point estimates of the weights and precisions.
func (m *Mixture) finish() {
	k, d := m.K, m.D
	if m.Prior == DirichletProcess {
		// E[π_k] = E[v_k] Π_{j<k} E[1 - v_j], renormalized as scikit-learn
		// does.
		rest, tot := 1.0, 0.0
		for j := range k {
			a, b := m.WeightConcentration[j], m.WeightConcentration[k+j]
			m.Weights[j] = a / (a + b) * rest
			rest *= b / (a + b)
			tot += m.Weights[j]
		}
		for j := range k {
			m.Weights[j] /= tot
		}
	} else {
		var s float64
		for _, a := range m.WeightConcentration {
			s += a
		}
		for j := range k {
			m.Weights[j] = m.WeightConcentration[j] / s
		}
	}
	for j := range k {
		u, p := m.PrecisionsCholesky[j], m.Precisions[j]
		for a := range d {
			for b := range d {
				var s float64
				for c := max(a, b); c < d; c++ {
					s += u[a*d+c] * u[b*d+c]
				}
				p[a*d+b] = s
			}
		}
	}
}
