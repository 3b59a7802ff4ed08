package posteriordb

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// gaussMix is low_dim_gauss_mix, a two-component normal mixture:
//
//	p(y_n) = θ N(y_n | μ_1, σ_1) + (1-θ) N(y_n | μ_2, σ_2),
//
// μ ordered (μ_1 < μ_2), μ_k ~ N(0, 2), σ_k ~ half-normal(0, 2),
// θ ~ Beta(5, 5). z = (u_1, u_2, v_1, v_2, w): μ_1 = u_1,
// μ_2 = u_1 + exp(u_2), σ_k = exp(v_k), θ = logistic(w); log-Jacobian
// u_2 + v_1 + v_2 + log θ(1-θ).
type gaussMix struct {
	y []float64
}

func newGaussMix(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	y, err := d.vector("y", n)
	if err != nil {
		return nil, err
	}
	return &gaussMix{y: y}, nil
}

func (m *gaussMix) dim() int { return 5 }

func (m *gaussMix) constrain(z ad.Var) (c, logJac ad.Var) {
	u1 := ad.ColOf(z, 0)
	gap, lj1 := expTransform(ad.ColOf(z, 1))
	sigma, lj2 := expTransform(ad.SliceCols(z, 2, 4))
	theta, lj3 := logitTransform(ad.ColOf(z, 4))
	c = ad.ConcatCols(u1, ad.Add(u1, gap), sigma, theta)
	return c, addAll(lj1, ad.SumCols(lj2), lj3)
}

// lbeta55 is log B(5, 5).
var lbeta55 = func() float64 {
	a, _ := math.Lgamma(5)
	b, _ := math.Lgamma(10)
	return 2*a - b
}()

func (m *gaussMix) logDensity(z, c ad.Var) ad.Var {
	mu, sigma := ad.SliceCols(c, 0, 2), ad.SliceCols(c, 2, 4)
	w := ad.ColOf(z, 4)
	logTheta, log1mTheta := ad.LogSigmoid(w), ad.LogSigmoid(ad.Neg(w))
	// Beta(5, 5): 4 log θ + 4 log(1-θ) - log B(5, 5).
	beta := ad.Shift(ad.Scale(ad.Add(logTheta, log1mTheta), 4), -lbeta55)
	return addAll(
		normalLP(mu, 0, 2),
		halfNormalLP(sigma, 2),
		beta,
		m.logLik(ad.ColOf(mu, 0), ad.ColOf(mu, 1), ad.ColOf(sigma, 0), ad.ColOf(sigma, 1), logTheta, log1mTheta),
	)
}

// logLik returns Σ_n log(θ N(y_n|μ_1,σ_1) + (1-θ) N(y_n|μ_2,σ_2)) per
// particle (S x 1) as one fused node, each term a log-sum-exp of
// a_k = log θ_k + log N(y_n|μ_k,σ_k). With the responsibilities
// r_k = exp(a_k - term), the partials are Σ_n of
// ∂/∂μ_k = r_k z_k/σ_k, ∂/∂σ_k = r_k (z_k² - 1)/σ_k, ∂/∂log θ_k = r_k,
// where z_k = (y_n - μ_k)/σ_k. The data stay inside the node, so its
// partials take S x 6 values, not S x N x 6.
func (m *gaussMix) logLik(mu1, mu2, s1, s2, lt1, lt2 ad.Var) ad.Var {
	s := mu1.Rows()
	ins := [6]ad.Var{mu1, mu2, s1, s2, lt1, lt2}
	f := ad.NewFused(s, 1, ad.ReduceCols, ins[:]...)
	out := f.Out()
	var parts, vals [6][]float64
	for k, v := range ins {
		parts[k], vals[k] = f.Partial(k), v.Value()
	}
	for i := 0; i < s; i++ {
		var p [6]float64
		for k := range p {
			p[k] = vals[k][i%len(vals[k])]
		}
		m1, m2, sd1, sd2, l1, l2 := p[0], p[1], p[2], p[3], p[4], p[5]
		c1 := l1 - math.Log(sd1) - logSqrt2Pi
		c2 := l2 - math.Log(sd2) - logSqrt2Pi
		var acc float64
		var g [6]float64
		for _, y := range m.y {
			z1, z2 := (y-m1)/sd1, (y-m2)/sd2
			a1, a2 := c1-0.5*z1*z1, c2-0.5*z2*z2
			// log(e^a1 + e^a2) = hi + log1p(e^(lo-hi)).
			hi, lo := a1, a2
			if lo > hi {
				hi, lo = lo, hi
			}
			e := math.Exp(lo - hi)
			acc += hi + math.Log1p(e)
			rhi := 1 / (1 + e) // responsibility of the larger term
			r1, r2 := rhi, e*rhi
			if a2 > a1 {
				r1, r2 = r2, r1
			}
			g[0] += r1 * z1
			g[1] += r2 * z2
			g[2] += r1 * (z1*z1 - 1)
			g[3] += r2 * (z2*z2 - 1)
			g[4] += r1
			g[5] += r2
		}
		out[i] = acc
		g[0], g[1], g[2], g[3] = g[0]/sd1, g[1]/sd2, g[2]/sd1, g[3]/sd2
		for k, pk := range parts {
			if pk != nil {
				pk[i] = g[k]
			}
		}
	}
	return f.Var()
}

func (m *gaussMix) report(c ad.Var) []site {
	return []site{
		{"mu", ad.SliceCols(c, 0, 2)},
		{"sigma", ad.SliceCols(c, 2, 4)},
		{"theta", ad.ColOf(c, 4)},
	}
}
