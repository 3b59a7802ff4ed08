package mixture

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Model is a fitted Bayesian Gaussian mixture: the variational posterior
// and the point summaries scikit-learn reports. Shapes of Covariances,
// Precisions and PrecisionsCholesky: Full K*d*d, Tied d*d, Diag K*d,
// Spherical K (row-major).
type Model struct {
	K, Dim     int
	Covariance CovarianceType
	Prior      WeightPrior

	// Weights are the posterior mean weights (sum 1).
	Weights []float64
	// Means are the posterior means of the component means, K*d.
	Means []float64
	// Covariances are the inverses of the posterior expected precisions,
	// W_k^-1 / nu_k.
	Covariances []float64
	// Precisions are the posterior expected precisions nu_k W_k.
	Precisions []float64
	// PrecisionsCholesky are upper-triangular U with Precisions = U U^T
	// (scikit-learn's precisions_cholesky_); for Diag and Spherical the
	// square roots of the precisions.
	PrecisionsCholesky []float64

	// WeightConcentration is the posterior Dirichlet parameter (K); for
	// DirichletProcess the stick Beta parameters are WeightConcentration
	// and WeightConcentrationB.
	WeightConcentration  []float64
	WeightConcentrationB []float64
	// MeanPrecision is beta_k (K).
	MeanPrecision []float64
	// DegreesOfFreedom is nu_k (K; for Tied one value repeated).
	DegreesOfFreedom []float64

	// LowerBound is the final lower bound of the kept run and
	// LowerBounds its value after every iteration.
	LowerBound  float64
	LowerBounds []float64
	Converged   bool
	NIter       int

	logw   []float64 // expected log weights
	logdet []float64 // log det of PrecisionsCholesky per component
	cst    []float64 // per-component constant of the E-step log density
}

func newModel(k, d int, ct CovarianceType, wp WeightPrior) *Model {
	q := covLen(ct, k, d)
	return &Model{K: k, Dim: d, Covariance: ct, Prior: wp,
		Weights: make([]float64, k), Means: make([]float64, k*d),
		Covariances: make([]float64, q), Precisions: make([]float64, q), PrecisionsCholesky: make([]float64, q),
		WeightConcentration: make([]float64, k), WeightConcentrationB: make([]float64, k),
		MeanPrecision: make([]float64, k), DegreesOfFreedom: make([]float64, k),
		logw: make([]float64, k), logdet: make([]float64, k), cst: make([]float64, k)}
}

func covLen(ct CovarianceType, k, d int) int {
	switch ct {
	case Full:
		return k * d * d
	case Tied:
		return d * d
	case Diag:
		return k * d
	}
	return k
}

func (m *Model) clone() *Model {
	c := *m
	cp := func(s []float64) []float64 { return append([]float64(nil), s...) }
	c.Weights, c.Means, c.Covariances = cp(m.Weights), cp(m.Means), cp(m.Covariances)
	c.Precisions, c.PrecisionsCholesky = cp(m.Precisions), cp(m.PrecisionsCholesky)
	c.WeightConcentration, c.WeightConcentrationB = cp(m.WeightConcentration), cp(m.WeightConcentrationB)
	c.MeanPrecision, c.DegreesOfFreedom = cp(m.MeanPrecision), cp(m.DegreesOfFreedom)
	c.LowerBounds = cp(m.LowerBounds)
	c.logw, c.logdet, c.cst = cp(m.logw), cp(m.logdet), cp(m.cst)
	return &c
}

// finish computes the derived quantities from the variational parameters
// (weights, precisions, E-step constants).
func (m *Model) finish() {
	k, d := m.K, m.Dim
	// Expected log weights and posterior mean weights.
	if m.Prior == DirichletProcess {
		// Blei and Jordan (2006): E log v_k + sum_{j<k} E log(1 - v_j).
		var acc float64
		prod := 1.0
		for i := range k {
			a, b := m.WeightConcentration[i], m.WeightConcentrationB[i]
			ds := mathext.Digamma(a + b)
			m.logw[i] = mathext.Digamma(a) - ds + acc
			acc += mathext.Digamma(b) - ds
			m.Weights[i] = a / (a + b) * prod
			prod *= b / (a + b)
		}
	} else {
		var s float64
		for _, a := range m.WeightConcentration {
			s += a
		}
		ds := mathext.Digamma(s)
		for i, a := range m.WeightConcentration {
			m.logw[i] = mathext.Digamma(a) - ds
			m.Weights[i] = a / s
		}
	}
	var ws float64
	for _, w := range m.Weights {
		ws += w
	}
	for i := range m.Weights {
		m.Weights[i] /= ws
	}
	// Precisions and log det of the Cholesky factors.
	switch m.Covariance {
	case Full, Tied:
		nm := k
		if m.Covariance == Tied {
			nm = 1
		}
		for c := range nm {
			u := m.PrecisionsCholesky[c*d*d : (c+1)*d*d]
			p := m.Precisions[c*d*d : (c+1)*d*d]
			var ld float64
			for i := range d {
				ld += math.Log(u[i*d+i])
				for j := range d {
					var s float64
					for l := max(i, j); l < d; l++ {
						s += u[i*d+l] * u[j*d+l]
					}
					p[i*d+j] = s
				}
			}
			if m.Covariance == Full {
				m.logdet[c] = ld
			} else {
				for i := range k {
					m.logdet[i] = ld
				}
			}
		}
	case Diag:
		for i := range k {
			var ld float64
			for j := range d {
				u := m.PrecisionsCholesky[i*d+j]
				m.Precisions[i*d+j] = u * u
				ld += math.Log(u)
			}
			m.logdet[i] = ld
		}
	case Spherical:
		for i := range k {
			u := m.PrecisionsCholesky[i]
			m.Precisions[i] = u * u
			m.logdet[i] = float64(d) * math.Log(u)
		}
	}
	// E-step constants (Bishop 10.64-10.66, scikit-learn's
	// _estimate_log_prob): E log|Lambda_k|/2 - d/(2 beta_k) + E log pi_k
	// - d/2 log 2pi, with the quadratic form taken in nu_k W_k.
	fd := float64(d)
	for i := range k {
		nu := m.DegreesOfFreedom[i]
		ll := fd * math.Ln2
		for j := range d {
			ll += mathext.Digamma(0.5 * (nu - float64(j)))
		}
		m.cst[i] = m.logw[i] - 0.5*fd*math.Log(2*math.Pi) + m.logdet[i] - 0.5*fd*math.Log(nu) + 0.5*(ll-fd/m.MeanPrecision[i])
	}
}

// quad returns the squared Mahalanobis distance of x from component c in
// the expected precision.
func (m *Model) quad(x []float64, c int) float64 {
	d := m.Dim
	mu := m.Means[c*d : (c+1)*d]
	switch m.Covariance {
	case Full, Tied:
		off := 0
		if m.Covariance == Full {
			off = c * d * d
		}
		u := m.PrecisionsCholesky[off : off+d*d]
		var q float64
		for j := range d {
			var y float64
			for i := 0; i <= j; i++ {
				y += (x[i] - mu[i]) * u[i*d+j]
			}
			q += y * y
		}
		return q
	case Diag:
		p := m.Precisions[c*d : (c+1)*d]
		var q float64
		for i := range d {
			r := x[i] - mu[i]
			q += r * r * p[i]
		}
		return q
	}
	var q float64
	for i := range d {
		r := x[i] - mu[i]
		q += r * r
	}
	return q * m.Precisions[c]
}

// weightedLogProb writes scikit-learn's _estimate_weighted_log_prob of x
// into dst (K) and returns its log-sum-exp.
func (m *Model) weightedLogProb(dst, x []float64) float64 {
	mx := math.Inf(-1)
	for c := range m.K {
		v := m.cst[c] - 0.5*m.quad(x, c)
		dst[c] = v
		if v > mx {
			mx = v
		}
	}
	var s float64
	for _, v := range dst[:m.K] {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}
