package examplekit

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/estimators"
)

// Mix2 is a mixture of 2-D Gaussians that can be evaluated and sampled
// outside the tape: a 2-D target, or a fitted guide read back from its
// parameters (a single Gaussian is the one-component mixture). Cov[i] holds
// component i's covariance as xx, xy, yy.
type Mix2 struct {
	W    []float64
	Mean [][2]float64
	Cov  [][3]float64
}

// Gauss2 returns the one-component Mix2 with mean m and covariance
// [[sxx, sxy], [sxy, syy]].
func Gauss2(m [2]float64, sxx, sxy, syy float64) Mix2 {
	return Mix2{W: []float64{1}, Mean: [][2]float64{m}, Cov: [][3]float64{{sxx, sxy, syy}}}
}

// CompLogPdf returns log N((x, y) | Mean[i], Cov[i]) without the weight.
func (d Mix2) CompLogPdf(i int, x, y float64) float64 {
	c := d.Cov[i]
	det := c[0]*c[2] - c[1]*c[1]
	return -0.5*d.Mahalanobis2(i, x, y) - math.Log(2*math.Pi) - 0.5*math.Log(det)
}

// Mahalanobis2 returns the squared Mahalanobis distance of (x, y) from
// component i: (z - m_i)ᵀ Σ_i⁻¹ (z - m_i).
func (d Mix2) Mahalanobis2(i int, x, y float64) float64 {
	c := d.Cov[i]
	det := c[0]*c[2] - c[1]*c[1]
	dx, dy := x-d.Mean[i][0], y-d.Mean[i][1]
	return (c[2]*dx*dx - 2*c[1]*dx*dy + c[0]*dy*dy) / det
}

// LogPdf returns log Σ_i W_i N((x, y) | Mean_i, Cov_i).
func (d Mix2) LogPdf(x, y float64) float64 {
	m := math.Inf(-1)
	var terms [16]float64
	t := terms[:0]
	for i := range d.W {
		v := math.Log(d.W[i]) + d.CompLogPdf(i, x, y)
		t = append(t, v)
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, v := range t {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// Sample draws one point: a component by its weight, then the component's
// Gaussian through its Cholesky factor.
func (d Mix2) Sample(rng *rand.Rand) (x, y float64) {
	i, u := len(d.W)-1, rng.Float64()
	for j, wj := range d.W {
		if u < wj {
			i = j
			break
		}
		u -= wj
	}
	c := d.Cov[i]
	l11 := math.Sqrt(c[0])
	l21 := c[1] / l11
	l22 := math.Sqrt(c[2] - l21*l21)
	e1, e2 := rng.NormFloat64(), rng.NormFloat64()
	return d.Mean[i][0] + l11*e1, d.Mean[i][1] + l21*e1 + l22*e2
}

// Moments returns the mixture's mean and covariance (xx, xy, yy):
// m = Σ w_i m_i, Σ = Σ w_i (Σ_i + m_i m_iᵀ) - m mᵀ. They are the optimum of
// forward KL(p || q) over Gaussians q (moment matching).
func (d Mix2) Moments() (mean [2]float64, cov [3]float64) {
	for i, w := range d.W {
		mean[0] += w * d.Mean[i][0]
		mean[1] += w * d.Mean[i][1]
	}
	for i, w := range d.W {
		m, c := d.Mean[i], d.Cov[i]
		cov[0] += w * (c[0] + m[0]*m[0])
		cov[1] += w * (c[1] + m[0]*m[1])
		cov[2] += w * (c[2] + m[1]*m[1])
	}
	cov[0] -= mean[0] * mean[0]
	cov[1] -= mean[0] * mean[1]
	cov[2] -= mean[1] * mean[1]
	return mean, cov
}

// MeanSE returns the sample mean of x and its standard error
// sd(x)/sqrt(n).
func MeanSE(x []float64) (mean, se float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
}

// Density2 is a normalized density on R² that can be evaluated and
// sampled: what MeasureKL needs of a target and of a fit. Mix2 is one.
type Density2 interface {
	LogPdf(x, y float64) float64
	Sample(rng *rand.Rand) (x, y float64)
}

// KLs is what MeasureKL reports for a fit q of a normalized target p.
type KLs struct {
	QP, QPSE float64 // KL(q || p) = E_q[log q - log p] and its standard error (nats)
	PQ, PQSE float64 // KL(p || q) = E_p[log p - log q] and its standard error (nats)
	KHat     float64 // PSIS k-hat of the weights p/q at draws of q (NaN if PSIS failed)
	QDraws   [][2]float64
}

// MeasureKL estimates both divergences between the normalized 2-D densities
// p and q by Monte Carlo with n draws each: KL(q || p) with draws of q,
// KL(p || q) with draws of p (independent streams of rng). Because both
// log-densities are exact, each estimate is unbiased and its standard error
// is the usual sd/sqrt(n). It also returns the PSIS k-hat (Vehtari et al.
// 2024, "Pareto smoothed importance sampling") of the log-weights
// log p - log q at the draws of q, which says whether q would serve as an
// importance-sampling proposal for p: below 0.5 well, 0.5-0.7 slowly,
// above 0.7 not at all. The draws of q are kept in QDraws.
func MeasureKL(p, q Density2, n int, rng *rand.Rand) KLs {
	var r KLs
	logw := make([]float64, n)
	r.QDraws = make([][2]float64, n)
	for i := range logw {
		x, y := q.Sample(rng)
		logw[i] = p.LogPdf(x, y) - q.LogPdf(x, y)
		r.QDraws[i] = [2]float64{x, y}
	}
	r.QP, r.QPSE = MeanSE(logw)
	r.QP = -r.QP
	r.KHat = math.NaN()
	if _, k, err := estimators.PSIS(logw); err == nil {
		r.KHat = k
	}
	f := make([]float64, n)
	for i := range f {
		x, y := p.Sample(rng)
		f[i] = p.LogPdf(x, y) - q.LogPdf(x, y)
	}
	r.PQ, r.PQSE = MeanSE(f)
	return r
}

// DensityGrid samples exp(logPdf) on the window box = (x0, x1, y0, y1)
// and returns the grid with the levels enclosing the given masses. The
// levels come from a grid three times as wide and tall, so that mass
// outside the window (a wide fit has plenty) still counts.
func DensityGrid(logPdf func(x, y float64) float64, box [4]float64, masses []float64) (*Grid, []float64) {
	f := func(x, y float64) float64 { return math.Exp(logPdf(x, y)) }
	wx, wy := box[1]-box[0], box[3]-box[2]
	big := SampleGrid(f, box[0]-wx, box[1]+wx, box[2]-wy, box[3]+wy, 361, 361)
	return SampleGrid(f, box[0], box[1], box[2], box[3], 161, 161), MassLevels(big, masses)
}
