package models

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// LinearRegression is Bayesian linear regression with a known noise scale:
//
//	w ~ N(0, PriorScale² I_D),  y_n ~ N(x_n · w, NoiseScale²),
//
// a conjugate model whose posterior is Gaussian and known exactly
// (Posterior), which makes it the reference test of variational fits.
type LinearRegression struct {
	X          ad.Matrix // N x D design
	Y          []float64 // N responses
	PriorScale float64
	NoiseScale float64
}

// Validate checks shapes, scales and data.
func (m LinearRegression) Validate() error {
	if m.X.Rows != len(m.Y) || len(m.X.Data) != m.X.Rows*m.X.Cols || m.X.Rows == 0 || m.X.Cols == 0 {
		return fmt.Errorf("models: LinearRegression: X is %dx%d with %d values, y has %d", m.X.Rows, m.X.Cols, len(m.X.Data), len(m.Y))
	}
	if !(m.PriorScale > 0) || !(m.NoiseScale > 0) {
		return fmt.Errorf("models: LinearRegression: prior scale %v and noise scale %v must be positive", m.PriorScale, m.NoiseScale)
	}
	if err := finiteData("X", m.X.Data); err != nil {
		return err
	}
	return finiteData("y", m.Y)
}

// Model returns the program. Its latent site "w" holds the S particles as
// rows (S x D), so the S x N means come from one matrix product w Xᵀ.
func (m LinearRegression) Model() vi.Model {
	n, d := m.X.Rows, m.X.Cols
	prior := dist.Normal{Loc: ad.Full(1, d, 0), Scale: ad.Full(1, d, m.PriorScale)}
	return func(p *vi.Program) {
		w := p.Sample("w", prior)
		mu := ad.MatMulTrans(w, false, p.Const(n, d, m.X.Data), true) // S x N
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(m.NoiseScale)}, p.Const(1, n, m.Y))
	}
}

// Posterior returns the exact posterior mean (D) and covariance (D x D,
// row-major): Λ = XᵀX/σ² + I/τ², mean = Λ⁻¹ Xᵀy/σ².
func (m LinearRegression) Posterior() (mean, cov []float64, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	prec := m.posteriorPrecision()
	var chol mat.Cholesky
	if !chol.Factorize(prec) {
		return nil, nil, fmt.Errorf("models: LinearRegression: posterior precision is not positive definite")
	}
	var c mat.SymDense
	if err := chol.InverseTo(&c); err != nil {
		return nil, nil, err
	}
	n, d := m.X.Rows, m.X.Cols
	x := mat.NewDense(n, d, m.X.Data)
	xty := mat.NewVecDense(d, nil)
	xty.MulVec(x.T(), mat.NewVecDense(n, m.Y))
	xty.ScaleVec(1/(m.NoiseScale*m.NoiseScale), xty)
	mv := mat.NewVecDense(d, nil)
	mv.MulVec(&c, xty)
	mean = make([]float64, d)
	cov = make([]float64, d*d)
	for i := 0; i < d; i++ {
		mean[i] = mv.AtVec(i)
		for j := 0; j < d; j++ {
			cov[i*d+j] = c.At(i, j)
		}
	}
	return mean, cov, nil
}

// PosteriorPrecision returns Λ = XᵀX/σ² + I/τ² (D x D, row-major). The
// mean-field Gaussian optimum of KL(q || posterior) has the exact posterior
// means and precisions diag(Λ).
func (m LinearRegression) PosteriorPrecision() []float64 {
	p := m.posteriorPrecision()
	d := m.X.Cols
	out := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			out[i*d+j] = p.At(i, j)
		}
	}
	return out
}

func (m LinearRegression) posteriorPrecision() *mat.SymDense {
	n, d := m.X.Rows, m.X.Cols
	x := mat.NewDense(n, d, m.X.Data)
	p := mat.NewSymDense(d, nil)
	p.SymOuterK(1/(m.NoiseScale*m.NoiseScale), x.T())
	for i := 0; i < d; i++ {
		p.SetSym(i, i, p.At(i, i)+1/(m.PriorScale*m.PriorScale))
	}
	return p
}

func finiteData(name string, x []float64) error {
	for i, v := range x {
		if v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308 {
			return fmt.Errorf("models: %s[%d] = %v is not finite", name, i, v)
		}
	}
	return nil
}

// LogEvidence returns log p(y) = log N(y | 0, σ² I + τ² X Xᵀ), the exact
// marginal likelihood.
func (m LinearRegression) LogEvidence() (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	n := m.X.Rows
	x := mat.NewDense(n, m.X.Cols, m.X.Data)
	c := mat.NewSymDense(n, nil)
	c.SymOuterK(m.PriorScale*m.PriorScale, x)
	for i := 0; i < n; i++ {
		c.SetSym(i, i, c.At(i, i)+m.NoiseScale*m.NoiseScale)
	}
	var ch mat.Cholesky
	if !ch.Factorize(c) {
		return 0, fmt.Errorf("models: LinearRegression: marginal covariance is not positive definite")
	}
	y := mat.NewVecDense(n, m.Y)
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, y); err != nil {
		return 0, err
	}
	return -0.5*mat.Dot(y, &sol) - 0.5*ch.LogDet() - 0.5*float64(n)*math.Log(2*math.Pi), nil
}
