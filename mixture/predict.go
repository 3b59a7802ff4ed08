package mixture

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// points checks that x holds whole d-dimensional points and returns n.
// A wrong length is a programmer error.
func (m *Mixture) points(x []float64) int {
	if len(x)%m.D != 0 {
		panic(fmt.Sprintf("mixture: %d values are not a whole number of %d-dimensional points", len(x), m.D))
	}
	return len(x) / m.D
}

// Predict writes the most responsible component of each point of x
// (n x d, row-major) into dst (resized to n; nil allocates) and returns it.
func (m *Mixture) Predict(dst []int, x []float64) []int {
	n := m.points(x)
	dst = resizeInt(dst, n)
	lp, y := make([]float64, m.K), make([]float64, m.D)
	for i := range n {
		m.logRho(lp, x[i*m.D:(i+1)*m.D], y, false)
		best := 0
		for j := range lp {
			if lp[j] > lp[best] {
				best = j
			}
		}
		dst[i] = best
	}
	return dst
}

// PredictProba writes the responsibilities of the components for each
// point of x into dst (n x K, row-major; resized) and returns it.
func (m *Mixture) PredictProba(dst []float64, x []float64) []float64 {
	n := m.points(x)
	dst = resize(dst, n*m.K)
	y := make([]float64, m.D)
	for i := range n {
		lp := dst[i*m.K : (i+1)*m.K]
		lse := m.logRho(lp, x[i*m.D:(i+1)*m.D], y, true)
		for j := range lp {
			lp[j] = math.Exp(lp[j] - lse)
		}
	}
	return dst
}

// ScoreSamples writes scikit-learn's score_samples for each point of x into
// dst (resized to n): log Σ_k exp(E[log π_k] + E[log N(x | μ_k, Λ_k^-1)])
// under the variational posterior, the normalizer of the E step. It is not
// a density; LogDensity is the plug-in mixture density.
func (m *Mixture) ScoreSamples(dst []float64, x []float64) []float64 {
	n := m.points(x)
	dst = resize(dst, n)
	lp, y := make([]float64, m.K), make([]float64, m.D)
	for i := range n {
		dst[i] = m.logRho(lp, x[i*m.D:(i+1)*m.D], y, true)
	}
	return dst
}

// LogDensity writes log Σ_k w_k N(x | m_k, S_k) for each point of x into
// dst (resized to n), with the point estimates Weights, Means and
// Covariances: the held-out density of SPEC W5.
func (m *Mixture) LogDensity(dst []float64, x []float64) []float64 {
	n := m.points(x)
	dst = resize(dst, n)
	d := m.D
	c := make([]float64, m.K)
	for j := range m.K {
		c[j] = math.Log(m.Weights[j]) + m.logDetU[j] - 0.5*float64(d)*math.Log(2*math.Pi)
	}
	lp, y := make([]float64, m.K), make([]float64, d)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		mx := math.Inf(-1)
		for j := range m.K {
			lp[j] = c[j] - 0.5*m.mahalanobis(j, xi, y)
			mx = math.Max(mx, lp[j])
		}
		var s float64
		for _, l := range lp {
			s += math.Exp(l - mx)
		}
		dst[i] = mx + math.Log(s)
	}
	return dst
}

// MeanLogDensity returns the mean of LogDensity over the points of x.
func (m *Mixture) MeanLogDensity(x []float64) float64 {
	var s float64
	v := m.LogDensity(nil, x)
	for _, l := range v {
		s += l
	}
	return s / float64(len(v))
}

// EffectiveComponents returns the number of components whose weight
// exceeds threshold (SPEC W5 uses 0.01).
func (m *Mixture) EffectiveComponents(threshold float64) int {
	c := 0
	for _, w := range m.Weights {
		if w > threshold {
			c++
		}
	}
	return c
}

// Sample draws n points from the plug-in mixture (Weights, Means,
// Covariances), as scikit-learn's sample: the component counts from one
// multinomial draw, points ordered by component. It returns the n x d
// points and their components.
func (m *Mixture) Sample(rng *rand.Rand, n int) ([]float64, []int) {
	d := m.D
	x := make([]float64, 0, n*d)
	labels := make([]int, 0, n)
	counts := make([]int, m.K)
	for range n {
		u, j := rng.Float64(), 0
		for ; j < m.K-1; j++ {
			u -= m.Weights[j]
			if u < 0 {
				break
			}
		}
		counts[j]++
	}
	l := make([]float64, d*d)
	z := make([]float64, d)
	for j, cnt := range counts {
		if cnt == 0 {
			continue
		}
		// Lower Cholesky factor of the covariance.
		cov := m.Covariances[j]
		for a := range d {
			for b := 0; b <= a; b++ {
				s := cov[a*d+b]
				for p := range b {
					s -= l[a*d+p] * l[b*d+p]
				}
				if a == b {
					l[a*d+a] = math.Sqrt(math.Max(s, 0))
				} else if l[b*d+b] > 0 {
					l[a*d+b] = s / l[b*d+b]
				}
			}
		}
		for range cnt {
			for a := range d {
				z[a] = rng.NormFloat64()
			}
			for a := range d {
				v := m.Means[j][a]
				for b := 0; b <= a; b++ {
					v += l[a*d+b] * z[b]
				}
				x = append(x, v)
			}
			labels = append(labels, j)
		}
	}
	return x, labels
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func resizeInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
