package mixture

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

func (m *Model) check(x []float64) int {
	if len(x)%m.Dim != 0 {
		panic(fmt.Sprintf("mixture: len(x) = %d is not a multiple of the dimension %d", len(x), m.Dim))
	}
	return len(x) / m.Dim
}

// ScoreSamples writes scikit-learn's score_samples of each point of x into
// dst (len(x)/d, allocated if nil): the log-sum-exp over components of the
// expected log weight plus the expected log density. It is not a
// normalized density; LogDensity is.
func (m *Model) ScoreSamples(dst, x []float64) []float64 {
	n := m.check(x)
	if dst == nil {
		dst = make([]float64, n)
	}
	lp := make([]float64, m.K)
	for i := range n {
		dst[i] = m.weightedLogProb(lp, x[i*m.Dim:(i+1)*m.Dim])
	}
	return dst
}

// PredictProba writes the responsibilities of each point (n*K, row-major)
// into dst (allocated if nil).
func (m *Model) PredictProba(dst, x []float64) []float64 {
	n := m.check(x)
	if dst == nil {
		dst = make([]float64, n*m.K)
	}
	for i := range n {
		r := dst[i*m.K : (i+1)*m.K]
		lse := m.weightedLogProb(r, x[i*m.Dim:(i+1)*m.Dim])
		for j := range r {
			r[j] = math.Exp(r[j] - lse)
		}
	}
	return dst
}

// Predict writes the most responsible component of each point into dst
// (allocated if nil).
func (m *Model) Predict(dst []int, x []float64) []int {
	n := m.check(x)
	if dst == nil {
		dst = make([]int, n)
	}
	lp := make([]float64, m.K)
	for i := range n {
		m.weightedLogProb(lp, x[i*m.Dim:(i+1)*m.Dim])
		best := 0
		for j, v := range lp {
			if v > lp[best] {
				best = j
			}
		}
		dst[i] = best
	}
	return dst
}

// Component returns the mean and the d*d covariance (W_k^-1/nu_k) of
// component k as a full matrix for any covariance type.
func (m *Model) Component(k int) (mean []float64, cov *mat.SymDense) {
	d := m.Dim
	mean = append([]float64(nil), m.Means[k*d:(k+1)*d]...)
	cov = mat.NewSymDense(d, nil)
	for a := range d {
		for b := a; b < d; b++ {
			var v float64
			switch m.Covariance {
			case Full:
				v = m.Covariances[k*d*d+a*d+b]
			case Tied:
				v = m.Covariances[a*d+b]
			case Diag:
				if a == b {
					v = m.Covariances[k*d+a]
				}
			case Spherical:
				if a == b {
					v = m.Covariances[k]
				}
			}
			cov.SetSym(a, b, v)
		}
	}
	return mean, cov
}

// LogDensity writes into dst the log density of each point of x under the
// mixture with the posterior point parameters: log sum_k w_k N(x | m_k,
// S_k) with Weights, Means and Covariances (SPEC W5's held-out density).
func (m *Model) LogDensity(dst, x []float64) []float64 {
	n := m.check(x)
	if dst == nil {
		dst = make([]float64, n)
	}
	d := float64(m.Dim)
	lp := make([]float64, m.K)
	for i := range n {
		p := x[i*m.Dim : (i+1)*m.Dim]
		mx := math.Inf(-1)
		for c := range m.K {
			// Precisions = U U^T, so the Gaussian log density uses logdet.
			v := math.Log(m.Weights[c]) - 0.5*d*math.Log(2*math.Pi) + m.logdet[c] - 0.5*m.quad(p, c)
			lp[c] = v
			mx = max(mx, v)
		}
		var s float64
		for _, v := range lp {
			s += math.Exp(v - mx)
		}
		dst[i] = mx + math.Log(s)
	}
	return dst
}

// MeanLogDensity returns the mean of LogDensity over the points of x.
func (m *Model) MeanLogDensity(x []float64) float64 {
	v := m.LogDensity(nil, x)
	var s float64
	for _, a := range v {
		s += a
	}
	return s / float64(len(v))
}

// Sample draws n points from the mixture with the posterior point
// parameters, as scikit-learn: multinomial component counts, then each
// component's points in turn. It returns the points (n*d) and their
// components.
func (m *Model) Sample(rng *rand.Rand, n int) ([]float64, []int) {
	if n < 1 {
		panic(fmt.Sprintf("mixture: Sample n = %d, want at least 1", n))
	}
	d := m.Dim
	counts := make([]int, m.K)
	for range n {
		u := rng.Float64()
		j := m.K - 1
		var acc float64
		for c, w := range m.Weights {
			acc += w
			if u < acc {
				j = c
				break
			}
		}
		counts[j]++
	}
	x := make([]float64, 0, n*d)
	labels := make([]int, 0, n)
	z := make([]float64, d)
	for c, cnt := range counts {
		mean, cov := m.Component(c)
		var ch mat.Cholesky
		ch.Factorize(cov)
		var l mat.TriDense
		ch.LTo(&l)
		for range cnt {
			for a := range z {
				z[a] = rng.NormFloat64()
			}
			for a := range d {
				v := mean[a]
				for b := 0; b <= a; b++ {
					v += l.At(a, b) * z[b]
				}
				x = append(x, v)
			}
			labels = append(labels, c)
		}
	}
	return x, labels
}
