package posteriordb

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// hmm is hmm_example, a two-state hidden Markov model with normal
// emissions y_t | x_t = k ~ N(μ_k, 1), transition rows θ_1, θ_2 ∈ simplex[2]
// (θ_j[k] = P(x_t = k | x_{t-1} = j), flat priors), μ positive_ordered
// (0 < μ_1 < μ_2) with μ_1 ~ N(3, 1), μ_2 ~ N(10, 1). The states are summed
// out with the forward algorithm. As in the Stan program there is no
// initial-state parameter: the initial distribution is uniform, and its
// log(1/K) (which the Stan program drops) is included here.
//
// z = (s_1, s_2, m_1, m_2): θ_j[1] = logistic(s_j), θ_j[2] = 1 - θ_j[1]
// (log-Jacobian log θ_j[1]θ_j[2]); μ_1 = exp(m_1), μ_2 = μ_1 + exp(m_2)
// (log-Jacobian m_1 + m_2). The free coordinates c are
// (θ_1[1], θ_2[1], μ_1, μ_2).
type hmm struct {
	y []float64
}

// hmmK is the number of states the unconstrained layout supports.
const hmmK = 2

func newHMM(d Data) (spec, error) {
	n, err := d.size("N")
	if err != nil {
		return nil, err
	}
	k, err := d.count("K")
	if err != nil {
		return nil, err
	}
	if k != hmmK {
		return nil, fmt.Errorf("hmm: K = %d, the model is written for K = %d", k, hmmK)
	}
	y, err := d.vector("y", n)
	if err != nil {
		return nil, err
	}
	return &hmm{y: y}, nil
}

func (m *hmm) dim() int { return 4 }

func (m *hmm) constrain(z ad.Var) (c, logJac ad.Var) {
	th, lj1 := logitTransform(ad.SliceCols(z, 0, 2))
	e, lj2 := expTransform(ad.SliceCols(z, 2, 4))
	e1 := ad.ColOf(e, 0)
	c = ad.ConcatCols(th, e1, ad.Add(e1, ad.ColOf(e, 1)))
	return c, ad.Add(ad.SumCols(lj1), ad.SumCols(lj2))
}

func (m *hmm) logDensity(z, c ad.Var) ad.Var {
	s1, s2 := ad.ColOf(z, 0), ad.ColOf(z, 1)
	mu1, mu2 := ad.ColOf(c, 2), ad.ColOf(c, 3)
	return addAll(
		normalLP(mu1, 3, 1),
		normalLP(mu2, 10, 1),
		m.logLik(ad.LogSigmoid(s1), ad.LogSigmoid(ad.Neg(s1)), ad.LogSigmoid(s2), ad.LogSigmoid(ad.Neg(s2)), mu1, mu2),
	)
}

// logLik returns log p(y_1..y_N) per particle (S x 1) by the forward
// algorithm (Rabiner 1989) in log space,
//
//	γ_1[k] = log(1/K) + e_1[k],
//	γ_t[k] = log Σ_j exp(γ_{t-1}[j] + log θ_j[k]) + e_t[k],
//	log p(y) = log Σ_k exp(γ_N[k]),
//
// with e_t[k] = log N(y_t | μ_k, 1), as one fused node whose partials are
// forward-mode tangents of γ with respect to the six inputs (log θ_1[1],
// log θ_1[2], log θ_2[1], log θ_2[2], μ_1, μ_2):
// ∂γ_t[k] = Σ_j w_t[j,k] (∂γ_{t-1}[j] + ∂log θ_j[k]) + ∂e_t[k], w_t[·,k] the
// softmax over j of γ_{t-1}[j] + log θ_j[k].
func (m *hmm) logLik(lt11, lt12, lt21, lt22, mu1, mu2 ad.Var) ad.Var {
	const K, P = hmmK, 6
	s := mu1.Rows()
	ins := [P]ad.Var{lt11, lt12, lt21, lt22, mu1, mu2}
	f := ad.NewFused(s, 1, ad.ReduceCols, ins[:]...)
	out := f.Out()
	var vals, parts [P][]float64
	for k, v := range ins {
		vals[k], parts[k] = v.Value(), f.Partial(k)
	}
	logInit := -math.Log(K)
	for i := 0; i < s; i++ {
		var x [P]float64
		for k := range x {
			x[k] = vals[k][i%len(vals[k])]
		}
		lt := [K][K]float64{{x[0], x[1]}, {x[2], x[3]}}
		mu := [K]float64{x[4], x[5]}
		var g, gNew [K]float64      // γ_t
		var dg, dgNew [K][P]float64 // ∂γ_t
		for t, y := range m.y {
			var e, de [K]float64
			for k := range K {
				d := y - mu[k]
				e[k] = -0.5*d*d - logSqrt2Pi
				de[k] = d // ∂e_t[k]/∂μ_k
			}
			if t == 0 {
				for k := range K {
					g[k] = logInit + e[k]
					dg[k] = [P]float64{}
					dg[k][K*K+k] = de[k]
				}
				continue
			}
			for k := range K {
				var a [K]float64
				hi := math.Inf(-1)
				for j := range K {
					a[j] = g[j] + lt[j][k]
					hi = math.Max(hi, a[j])
				}
				var sum float64
				for j := range K {
					a[j] = math.Exp(a[j] - hi)
					sum += a[j]
				}
				gNew[k] = hi + math.Log(sum) + e[k]
				dgNew[k] = [P]float64{}
				for j := range K {
					w := a[j] / sum
					for p := range P {
						dgNew[k][p] += w * dg[j][p]
					}
					dgNew[k][K*j+k] += w
				}
				dgNew[k][K*K+k] += de[k]
			}
			g, dg = gNew, dgNew
		}
		hi := math.Inf(-1)
		for k := range K {
			hi = math.Max(hi, g[k])
		}
		var sum float64
		var w [K]float64
		for k := range K {
			w[k] = math.Exp(g[k] - hi)
			sum += w[k]
		}
		out[i] = hi + math.Log(sum)
		for p := range P {
			if parts[p] == nil {
				continue
			}
			var d float64
			for k := range K {
				d += w[k] / sum * dg[k][p]
			}
			parts[p][i] = d
		}
	}
	return f.Var()
}

func (m *hmm) report(c ad.Var) []site {
	t1, t2 := ad.ColOf(c, 0), ad.ColOf(c, 1)
	return []site{
		{"theta1", ad.ConcatCols(t1, ad.Shift(ad.Neg(t1), 1))},
		{"theta2", ad.ConcatCols(t2, ad.Shift(ad.Neg(t2), 1))},
		{"mu", ad.SliceCols(c, 2, 4)},
	}
}
