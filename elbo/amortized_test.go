package elbo_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// Probabilistic PCA with one latent dimension, fitted the VAE way: local
// latents z_n ~ N(0, 1) inside a subsampled data plate, x_n | z_n ~
// N(w z_n + b, σ² I) with model parameters w, b, log σ, and an amortized
// guide q(z_n | x_n) = N(a·x_n + c, softplus(s)) whose parameters are
// shared across data points. The linear-Gaussian posterior is in the
// guide's family, so at the optimum the ELBO is the exact log-likelihood
// and (w, b, σ) is the maximum-likelihood PPCA fit (Tipping and Bishop
// 1999): the model's covariance w wᵀ + σ² I equals the sample covariance
// of the data projected on its leading eigenvector plus the average of the
// other eigenvalues.
func ppcaData(n int) ad.Matrix {
	rng := rand.New(rand.NewPCG(21, 22))
	x := make([]float64, n*2)
	for i := 0; i < n; i++ {
		z := rng.NormFloat64()
		x[2*i] = 1 + 2*z + 0.5*rng.NormFloat64()
		x[2*i+1] = -1 + 1*z + 0.5*rng.NormFloat64()
	}
	return ad.Matrix{Rows: n, Cols: 2, Data: x}
}

func ppcaModel(data ad.Matrix, batch int) vi.Model {
	return func(p *vi.Program) {
		w := p.Param("w", 1, 2, []float64{0.5, 0.5}, nil)
		b := p.Param("b", 1, 2, nil, nil)
		sigma := p.Param("sigma", 1, 1, []float64{1}, dist.Positive())
		pl := p.Plate("data", data.Rows, batch)
		x := pl.Rows(data) // B x 2
		z := pl.Sample("z", dist.Must(dist.NewNormal(0, 1)))
		// z is K*B x 1: the particles tile the batch.
		mean := ad.Add(ad.MatMul(z, w), b)
		pl.Observe("x", dist.Normal{Loc: mean, Scale: sigma}, x)
	}
}

func ppcaGuide(data ad.Matrix, batch int) vi.GuideFunc {
	return func(p *vi.Program) {
		a := p.Param("enc.a", 2, 1, nil, nil)
		c := p.Param("enc.c", 1, 1, nil, nil)
		s := p.Param("enc.s", 1, 1, []float64{0.5}, dist.Positive())
		pl := p.Plate("data", data.Rows, batch)
		x := pl.Rows(data)
		loc := ad.Add(ad.MatMul(x, a), c) // B x 1
		pl.Sample("z", dist.Normal{Loc: loc, Scale: s})
	}
}

func TestAmortizedPPCA(t *testing.T) {
	data := ppcaData(2000)
	const batch = 100
	opt := optim.NewExponentialDecay(optim.NewAdam(0.02), math.Pow(0.05, 1.0/6000))
	res, err := vi.Fit(context.Background(), ppcaModel(data, batch), ppcaGuide(data, batch), elbo.Trace{Particles: 1}, opt,
		vi.MaxSteps(6000), vi.Seed(4), vi.NoFinalEvaluation())
	require.NoError(t, err)
	w, _ := res.Params.Value("w")
	sg, _ := res.Params.Value("sigma")
	// Maximum-likelihood PPCA from the eigen-decomposition of the sample
	// covariance: w wᵀ + σ² I = U (Λ - σ² I) Uᵀ + σ² I restricted to the
	// top eigenvector, with σ² the other eigenvalue.
	n := data.Rows
	var m0, m1 float64
	for i := 0; i < n; i++ {
		m0 += data.Data[2*i] / float64(n)
		m1 += data.Data[2*i+1] / float64(n)
	}
	s := mat.NewSymDense(2, nil)
	for i := 0; i < n; i++ {
		d0, d1 := data.Data[2*i]-m0, data.Data[2*i+1]-m1
		s.SetSym(0, 0, s.At(0, 0)+d0*d0/float64(n))
		s.SetSym(0, 1, s.At(0, 1)+d0*d1/float64(n))
		s.SetSym(1, 1, s.At(1, 1)+d1*d1/float64(n))
	}
	var eig mat.EigenSym
	require.True(t, eig.Factorize(s, false))
	vals := eig.Values(nil) // ascending
	sigma2 := vals[0]
	assert.InEpsilon(t, sigma2, sg.Data[0]*sg.Data[0], 0.1, "σ² is the smaller eigenvalue")
	model := [][]float64{
		{w.Data[0]*w.Data[0] + sg.Data[0]*sg.Data[0], w.Data[0] * w.Data[1]},
		{w.Data[0] * w.Data[1], w.Data[1]*w.Data[1] + sg.Data[0]*sg.Data[0]},
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			assert.InDelta(t, s.At(i, j), model[i][j], 0.05*s.At(i, i), "model covariance (%d,%d) = sample covariance", i, j)
		}
	}
	b, _ := res.Params.Value("b")
	assert.InDelta(t, m0, b.Data[0], 0.05, "b = sample mean")
	assert.InDelta(t, m1, b.Data[1], 0.05, "b = sample mean")

	// IWAE with K particles tiling the batch: the bound is at least the
	// ELBO at the same parameters (averaged over draws).
	var bElbo, bIwae float64
	env := vi.NewEnv(rand.New(rand.NewPCG(8, 8)), 1)
	env.Params = res.Params
	for r := 0; r < 50; r++ {
		env.Step = r
		env.Tape.Reset()
		_, st, err := elbo.Trace{Particles: 1}.Loss(env, ppcaModel(data, batch), ppcaGuide(data, batch))
		require.NoError(t, err)
		bElbo += st.ELBO / 50
		env.Tape.Reset()
		_, st, err = elbo.IWAE{K: 8}.Loss(env, ppcaModel(data, batch), ppcaGuide(data, batch))
		require.NoError(t, err)
		bIwae += st.ELBO / 50
	}
	assert.GreaterOrEqual(t, bIwae, bElbo-1, "IWAE (K=8, tiled) >= ELBO up to noise")
	// At the optimum the guide is the exact posterior: the gap (of the
	// plate-scaled bounds, over 2,000 points) is small per data point.
	assert.Less(t, (bIwae-bElbo)/float64(n), 0.01, "posterior in the guide's family: little left for IWAE")
}
