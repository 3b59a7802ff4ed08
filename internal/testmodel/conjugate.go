// Package testmodel holds models with known answers that the tests of
// several packages (vi, autoguide) fit and check against.
package testmodel

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// Conjugate is a model with two latent sites whose posterior is Gaussian in
// unconstrained space:
//
//	theta ~ LogNormal(mu0, s0),  yt_i ~ N(log theta, sigT)   (u = log theta)
//	beta  ~ N(0, tau² I₂),       yb_i ~ N(x_i·beta, sigB)    (correlated x)
//
// so that u | y is the normal-normal posterior and beta | y the Bayesian
// linear regression posterior, with the evidence in closed form.
type Conjugate struct {
	Mu0, S0, SigT float64
	Tau, SigB     float64
	Yt            []float64
	X             []float64 // n x 2, row-major
	Yb            []float64
}

// NewConjugate returns the model with fixed, seeded data.
func NewConjugate() Conjugate {
	c := Conjugate{Mu0: 0.5, S0: 0.8, SigT: 0.7, Tau: 2, SigB: 0.5,
		Yt: []float64{1.3, 0.2, 0.9, 1.7, 0.4, 1.1}}
	rng := rand.New(rand.NewPCG(11, 12))
	n := 8
	for i := 0; i < n; i++ {
		x1 := rng.NormFloat64()
		x2 := x1 + 0.6*rng.NormFloat64() // strongly correlated columns
		c.X = append(c.X, x1, x2)
		c.Yb = append(c.Yb, 0.8*x1-0.3*x2+c.SigB*rng.NormFloat64())
	}
	return c
}

// Model returns the model as a vi program.
func (c Conjugate) Model() vi.Model {
	n := len(c.Yb)
	return func(p *vi.Program) {
		theta := p.Sample("theta", dist.LogNormal{Loc: ad.Scalar(c.Mu0), Scale: ad.Scalar(c.S0)})
		p.Observe("yt", dist.Normal{Loc: ad.Log(theta), Scale: ad.Scalar(c.SigT)}, p.Const(1, len(c.Yt), c.Yt))
		beta := p.Sample("beta", dist.Normal{Loc: ad.Row([]float64{0, 0}), Scale: ad.Row([]float64{c.Tau, c.Tau})})
		pred := ad.MatMulTrans(beta, false, p.Const(n, 2, c.X), true) // S x n
		p.Observe("yb", dist.Normal{Loc: pred, Scale: ad.Scalar(c.SigB)}, p.Const(1, n, c.Yb))
	}
}

// Posterior returns the exact posterior of (log theta, beta₁, beta₂): mean,
// covariance and precision (block diagonal).
func (c Conjugate) Posterior() (mean []float64, cov, prec *mat.SymDense) {
	prec = mat.NewSymDense(3, nil)
	var sy float64
	for _, v := range c.Yt {
		sy += v
	}
	lu := 1/(c.S0*c.S0) + float64(len(c.Yt))/(c.SigT*c.SigT)
	prec.SetSym(0, 0, lu)
	x := mat.NewDense(len(c.Yb), 2, c.X)
	var xtx mat.Dense
	xtx.Mul(x.T(), x)
	for i := 0; i < 2; i++ {
		for j := i; j < 2; j++ {
			v := xtx.At(i, j) / (c.SigB * c.SigB)
			if i == j {
				v += 1 / (c.Tau * c.Tau)
			}
			prec.SetSym(1+i, 1+j, v)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(prec) {
		panic("posterior precision not positive definite")
	}
	cov = mat.NewSymDense(3, nil)
	if err := ch.InverseTo(cov); err != nil {
		panic(err)
	}
	var xty mat.VecDense
	xty.MulVec(x.T(), mat.NewVecDense(len(c.Yb), c.Yb))
	rhs := mat.NewVecDense(3, []float64{c.Mu0/(c.S0*c.S0) + sy/(c.SigT*c.SigT), xty.AtVec(0) / (c.SigB * c.SigB), xty.AtVec(1) / (c.SigB * c.SigB)})
	var m mat.VecDense
	m.MulVec(cov, rhs)
	return m.RawVector().Data, cov, prec
}

// LogEvidence returns log p(yt) + log p(yb): yt ~ N(mu0·1, sigT² I + s0² 11ᵀ),
// yb ~ N(0, sigB² I + tau² X Xᵀ).
func (c Conjugate) LogEvidence() float64 {
	nt, nb := len(c.Yt), len(c.Yb)
	ct := mat.NewSymDense(nt, nil)
	mt := make([]float64, nt)
	for i := 0; i < nt; i++ {
		mt[i] = c.Mu0
		for j := i; j < nt; j++ {
			v := c.S0 * c.S0
			if i == j {
				v += c.SigT * c.SigT
			}
			ct.SetSym(i, j, v)
		}
	}
	cb := mat.NewSymDense(nb, nil)
	for i := 0; i < nb; i++ {
		for j := i; j < nb; j++ {
			v := c.Tau * c.Tau * (c.X[2*i]*c.X[2*j] + c.X[2*i+1]*c.X[2*j+1])
			if i == j {
				v += c.SigB * c.SigB
			}
			cb.SetSym(i, j, v)
		}
	}
	nT, ok := distmv.NewNormal(mt, ct, nil)
	if !ok {
		panic("evidence covariance (yt)")
	}
	nB, ok := distmv.NewNormal(make([]float64, nb), cb, nil)
	if !ok {
		panic("evidence covariance (yb)")
	}
	return nT.LogProb(c.Yt) + nB.LogProb(c.Yb)
}
