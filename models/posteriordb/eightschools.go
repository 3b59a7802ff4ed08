package posteriordb

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// eightSchools is the eight schools model of Rubin (1981) (BDA3 §5.5):
//
//	y_j ~ N(θ_j, σ_j), θ_j ~ N(μ, τ), μ ~ N(0, 5), τ ~ half-Cauchy(0, 5),
//
// non-centered (θ_j = μ + τ η_j, η_j ~ N(0, 1); z = (η_1..η_J, μ, log τ))
// or centered (z = (θ_1..θ_J, μ, log τ)). τ = exp(u), log-Jacobian u.
type eightSchools struct {
	j           int
	y, sigma    ad.Var // 1 x J
	noncentered bool
}

func readEightSchools(d Data) (*eightSchools, error) {
	j, err := d.size("J")
	if err != nil {
		return nil, err
	}
	y, err := d.vector("y", j)
	if err != nil {
		return nil, err
	}
	sigma, err := d.vector("sigma", j)
	if err != nil {
		return nil, err
	}
	if err := check("sigma", sigma, positive, "> 0"); err != nil {
		return nil, err
	}
	return &eightSchools{j: j, y: ad.Row(y), sigma: ad.Row(sigma)}, nil
}

func newEightSchoolsNoncentered(d Data) (spec, error) {
	m, err := readEightSchools(d)
	if err != nil {
		return nil, err
	}
	m.noncentered = true
	return m, nil
}

func newEightSchoolsCentered(d Data) (spec, error) {
	return readEightSchools(d)
}

func (m *eightSchools) dim() int { return m.j + 2 }

func (m *eightSchools) constrain(z ad.Var) (c, logJac ad.Var) {
	u := ad.ColOf(z, m.j+1)
	tau, lj := expTransform(u)
	return ad.ConcatCols(ad.SliceCols(z, 0, m.j+1), tau), lj
}

// theta returns θ (S x J) from c.
func (m *eightSchools) theta(c ad.Var) ad.Var {
	first := ad.SliceCols(c, 0, m.j)
	if !m.noncentered {
		return first
	}
	mu, tau := ad.ColOf(c, m.j), ad.ColOf(c, m.j+1)
	return ad.Add(mu, ad.Mul(tau, first))
}

func (m *eightSchools) logDensity(_, c ad.Var) ad.Var {
	first := ad.SliceCols(c, 0, m.j)
	mu, tau := ad.ColOf(c, m.j), ad.ColOf(c, m.j+1)
	theta := m.theta(c)
	var prior ad.Var
	if m.noncentered {
		prior = normalLP(first, 0, 1)
	} else {
		prior = dist.Normal{Loc: mu, Scale: tau}.LogProb(theta)
	}
	return addAll(
		prior,
		normalLP(mu, 0, 5),
		halfCauchyLP(tau, 5),
		dist.Normal{Loc: theta, Scale: m.sigma}.LogProb(m.y),
	)
}

func (m *eightSchools) report(c ad.Var) []site {
	return []site{
		{"theta", m.theta(c)},
		{"mu", ad.ColOf(c, m.j)},
		{"tau", ad.ColOf(c, m.j+1)},
	}
}
