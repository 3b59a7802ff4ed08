package posteriordb

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// garch is the GARCH(1,1) model (Bollerslev 1986) of stat_comp_benchmarks:
//
//	y_t ~ N(μ, s_t),  s_1 = sigma1,
//	s_t² = α0 + α1 (y_{t-1} - μ)² + β1 s_{t-1}²  (t = 2..T),
//
// with flat priors on μ, α0 > 0, α1 ∈ (0, 1), β1 ∈ (0, 1 - α1).
// z = (μ, a, b, c): α0 = exp(a), α1 = logistic(b), β1 = (1-α1) logistic(c);
// log-Jacobian a + log(α1(1-α1)) + log(1-α1) + log(l_c(1-l_c)) with
// l_c = logistic(c) (Stan's lower/upper bound transform, the upper bound
// of β1 depending on α1).
type garch struct {
	y      []float64
	sigma1 float64
}

func newGarch(d Data) (spec, error) {
	t, err := d.size("T")
	if err != nil {
		return nil, err
	}
	y, err := d.vector("y", t)
	if err != nil {
		return nil, err
	}
	s1, err := d.scalar("sigma1")
	if err != nil {
		return nil, err
	}
	if !positive(s1) {
		return nil, fmt.Errorf("\"sigma1\" = %v, want > 0", s1)
	}
	return &garch{y: y, sigma1: s1}, nil
}

func (m *garch) dim() int { return 4 }

func (m *garch) constrain(z ad.Var) (c, logJac ad.Var) {
	mu, a, b, cc := ad.ColOf(z, 0), ad.ColOf(z, 1), ad.ColOf(z, 2), ad.ColOf(z, 3)
	alpha0 := ad.Exp(a)
	alpha1 := ad.Sigmoid(b)
	log1mAlpha1 := ad.LogSigmoid(ad.Neg(b)) // log(1 - α1)
	beta1 := ad.Mul(ad.Exp(log1mAlpha1), ad.Sigmoid(cc))
	logJac = addAll(a,
		ad.LogSigmoid(b), log1mAlpha1, // log α1(1-α1)
		log1mAlpha1,                                  // log of the width of β1's interval
		ad.LogSigmoid(cc), ad.LogSigmoid(ad.Neg(cc)), // log l_c(1-l_c)
	)
	return ad.ConcatCols(mu, alpha0, alpha1, beta1), logJac
}

func (m *garch) logDensity(_, c ad.Var) ad.Var {
	return m.logLik(ad.ColOf(c, 0), ad.ColOf(c, 1), ad.ColOf(c, 2), ad.ColOf(c, 3))
}

// logLik returns Σ_t log N(y_t | μ, s_t) per particle (S x 1) as one fused
// node. The partial derivatives come from forward-mode tangents of the
// variance recursion v_t = s_t²:
//
//	∂v_t/∂μ  = -2 α1 e_{t-1} + β1 ∂v_{t-1}/∂μ,   e_t = y_t - μ,
//	∂v_t/∂α0 = 1 + β1 ∂v_{t-1}/∂α0,
//	∂v_t/∂α1 = e_{t-1}² + β1 ∂v_{t-1}/∂α1,
//	∂v_t/∂β1 = v_{t-1} + β1 ∂v_{t-1}/∂β1,
//
// with ∂v_1 = 0, and ∂ log N/∂v_t = (e_t²/v_t - 1)/(2 v_t),
// ∂ log N/∂μ (direct) = e_t/v_t.
func (m *garch) logLik(mu, alpha0, alpha1, beta1 ad.Var) ad.Var {
	s := mu.Rows()
	f := ad.NewFused(s, 1, ad.ReduceCols, mu, alpha0, alpha1, beta1)
	out := f.Out()
	parts := [4][]float64{f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)}
	muv, a0v, a1v, b1v := mu.Value(), alpha0.Value(), alpha1.Value(), beta1.Value()
	at := func(v []float64, i int) float64 { return v[i%len(v)] }
	for i := 0; i < s; i++ {
		mu, a0, a1, b1 := at(muv, i), at(a0v, i), at(a1v, i), at(b1v, i)
		v := m.sigma1 * m.sigma1
		var dmu, da0, da1, db1 float64 // ∂v_t
		var ll, gmu, ga0, ga1, gb1 float64
		ePrev := 0.0
		for t, yt := range m.y {
			if t > 0 {
				vPrev := v
				dmu = -2*a1*ePrev + b1*dmu
				da0 = 1 + b1*da0
				da1 = ePrev*ePrev + b1*da1
				db1 = vPrev + b1*db1
				v = a0 + a1*ePrev*ePrev + b1*vPrev
			}
			e := yt - mu
			ll += -0.5*e*e/v - 0.5*math.Log(v) - logSqrt2Pi
			dv := (e*e/v - 1) / (2 * v)
			gmu += e/v + dv*dmu
			ga0 += dv * da0
			ga1 += dv * da1
			gb1 += dv * db1
			ePrev = e
		}
		out[i] = ll
		for k, g := range [4]float64{gmu, ga0, ga1, gb1} {
			if parts[k] != nil {
				parts[k][i] = g
			}
		}
	}
	return f.Var()
}

func (m *garch) report(c ad.Var) []site {
	return []site{
		{"mu", ad.ColOf(c, 0)},
		{"alpha0", ad.ColOf(c, 1)},
		{"alpha1", ad.ColOf(c, 2)},
		{"beta1", ad.ColOf(c, 3)},
	}
}
