package vae

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/nn"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// Linear-Gaussian data x = W z + b + σ ε with z ~ N(0, I_2) in D = 5.
const ppcaD, ppcaL = 5, 2

func ppcaData(n int, seed uint64) ad.Matrix {
	rng := rand.New(rand.NewPCG(seed, 77))
	w := [ppcaD][ppcaL]float64{{2, 0}, {1, 1}, {0, -1.5}, {0.5, 0.5}, {-1, 0.3}}
	b := [ppcaD]float64{1, -1, 0.5, 0, 2}
	x := make([]float64, n*ppcaD)
	for i := 0; i < n; i++ {
		z := [ppcaL]float64{rng.NormFloat64(), rng.NormFloat64()}
		for d := 0; d < ppcaD; d++ {
			x[i*ppcaD+d] = b[d] + w[d][0]*z[0] + w[d][1]*z[1] + 0.5*rng.NormFloat64()
		}
	}
	return ad.Matrix{Rows: n, Cols: ppcaD, Data: x}
}

// ppcaLogLik is the maximized PPCA log-likelihood per point (Tipping and
// Bishop 1999): with the sample covariance S, σ² the mean of its D-L
// smallest eigenvalues and C = U_L (Λ_L - σ²I) U_Lᵀ + σ² I,
// ℓ/N = -(D log 2π + log|C| + tr(C⁻¹ S))/2.
func ppcaLogLik(x ad.Matrix) float64 {
	n, d := x.Rows, x.Cols
	m := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			m[j] += x.Data[i*d+j] / float64(n)
		}
	}
	s := mat.NewSymDense(d, nil)
	for i := 0; i < n; i++ {
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				s.SetSym(a, b, s.At(a, b)+(x.Data[i*d+a]-m[a])*(x.Data[i*d+b]-m[b])/float64(n))
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		panic("eigen")
	}
	vals := eig.Values(nil) // ascending
	var sig2 float64
	for _, v := range vals[:d-ppcaL] {
		sig2 += v / float64(d-ppcaL)
	}
	// log|C| = Σ_top log λ + (D-L) log σ², tr(C⁻¹S) = L + (D-L).
	logdet := float64(d-ppcaL) * math.Log(sig2)
	for _, v := range vals[d-ppcaL:] {
		logdet += math.Log(v)
	}
	return -0.5 * (float64(d)*math.Log(2*math.Pi) + logdet + float64(d))
}

// modelLogLik is the exact mean log p(x) of a linear Gaussian decoder:
// x ~ N(b, W Wᵀ + σ² I) (the decoder's weight W is D x L, torch layout).
func modelLogLik(t *testing.T, v *VAE, x ad.Matrix) float64 {
	lin := v.Dec.Modules[0].(*nn.Linear)
	w := mat.NewDense(ppcaD, ppcaL, lin.Weight.Val)
	var c mat.SymDense
	c.SymOuterK(1, w)
	s2 := math.Exp(2 * v.LogScale.Val[0])
	for i := 0; i < ppcaD; i++ {
		c.SetSym(i, i, c.At(i, i)+s2)
	}
	nrm, ok := distmv.NewNormal(lin.Bias.Val, &c, nil)
	require.True(t, ok)
	var s float64
	for i := 0; i < x.Rows; i++ {
		s += nrm.LogProb(x.Data[i*ppcaD : (i+1)*ppcaD])
	}
	return s / float64(x.Rows)
}

func linearVAE(t *testing.T, seed uint64) *VAE {
	v, err := New(Config{Input: ppcaD, Latent: ppcaL, Hidden: []int{}, Decoder: Gaussian}, rand.New(rand.NewPCG(seed, 1)))
	require.NoError(t, err)
	return v
}

// A linear VAE with a Gaussian decoder and a diagonal Gaussian encoder
// reaches the maximum PPCA likelihood with a tight ELBO (Lucas et al.
// 2019: its global optimum is the PPCA solution with orthogonal columns,
// where the true posterior is diagonal).
func TestLinearVAEReachesPPCA(t *testing.T) {
	x := ppcaData(2000, 1)
	v := linearVAE(t, 2)
	tr := NewTrainer(v, optim.NewExponentialDecay(optim.NewAdam(0.02), math.Pow(0.05, 1.0/4000)), 100, 3)
	ctx := context.Background()
	for tr.Steps < 4000 {
		_, err := tr.Epoch(ctx, Matrix(x), nil)
		require.NoError(t, err)
	}
	want := ppcaLogLik(x)
	exact := modelLogLik(t, v, x)
	// The one-sample test ELBO over 2,000 points has a standard error of
	// about 0.03 nats: average 10 seeds.
	var got float64
	for s := uint64(0); s < 10; s++ {
		e, err := v.TestELBO(ctx, Matrix(x), s)
		require.NoError(t, err)
		got += e / 10
	}
	nll, err := v.IWAE(ctx, Matrix(x), 100, 0, 1, nil)
	require.NoError(t, err)
	t.Logf("PPCA max log-lik %.4f, model log p(x) %.4f, ELBO %.4f, IWAE-100 %.4f per point", want, exact, got, -nll)
	assert.InDelta(t, want, exact, 0.03, "the decoder is (close to) the PPCA maximum-likelihood fit")
	assert.InDelta(t, exact-0.03, got, 0.04, "ELBO nearly tight at the optimum (gap 0 to 0.07)")
	assert.InDelta(t, exact, -nll, 0.01, "IWAE-100 recovers log p(x)")
}

// IWAE estimates of -log p(x) fall with k (the bound rises: Burda et al.
// 2016, theorem 1) and stay above the exact -log p(x) on average; checked
// on a half-trained linear model, whose posterior approximation is poor.
func TestIWAEIncreasesWithK(t *testing.T) {
	x := ppcaData(200, 4)
	v := linearVAE(t, 5)
	tr := NewTrainer(v, optim.NewAdam(0.01), 50, 6)
	for tr.Steps < 100 {
		_, err := tr.Epoch(context.Background(), Matrix(x), nil)
		require.NoError(t, err)
	}
	exact := -modelLogLik(t, v, x)
	prev := math.Inf(1)
	ks := []int{1, 10, 100, 1000}
	var est []float64
	for _, k := range ks {
		nll, err := v.IWAE(context.Background(), Matrix(x), k, 0, 7, nil)
		require.NoError(t, err)
		est = append(est, nll)
		assert.Less(t, nll, prev, "IWAE-%d below IWAE with fewer samples", k)
		assert.Greater(t, nll, exact-0.01, "IWAE-%d is an upper bound on -log p(x) = %.4f", k, exact)
		prev = nll
	}
	t.Logf("exact %.4f, IWAE k=%v: %v", exact, ks, est)
	assert.Greater(t, est[0]-exact, 0.1, "the model is far from its optimum: k=1 leaves a gap")
	assert.Less(t, est[3]-exact, (est[0]-exact)/3, "k=1000 closes most of it")

	// n limits the images; the seed fixes the result.
	a, err := v.IWAE(context.Background(), Matrix(x), 50, 20, 9, nil)
	require.NoError(t, err)
	b, err := v.IWAE(context.Background(), Matrix(x), 50, 20, 9, func(int) {})
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

// The vi programs compute the same ELBO as the Trainer's objective: one
// full batch, the same noise.
func TestProgramsMatchObjective(t *testing.T) {
	x := ppcaData(64, 8)
	for _, dec := range []Decoder{Gaussian} {
		v, err := New(Config{Input: ppcaD, Latent: ppcaL, Hidden: []int{7}, Decoder: dec}, rand.New(rand.NewPCG(1, 1)))
		require.NoError(t, err)
		env := vi.NewEnv(rand.New(rand.NewPCG(3, 3)), 1)
		_, st, err := elbo.MeanField{}.Loss(env, v.Model(Matrix(x), 0), v.Guide(Matrix(x), 0))
		require.NoError(t, err)
		assert.Equal(t, vi.PathAnalytic, st.Paths["z"], "closed-form KL")
		tp := ad.NewTape()
		_, e, kl := v.Objective(nn.On(tp), tp.Const(x.Rows, x.Cols, x.Data), rand.New(rand.NewPCG(3, 3)), 1)
		var sum, klSum float64
		for i, val := range e.Value() {
			sum += val
			klSum += kl.Value()[i]
		}
		assert.InDelta(t, sum, st.ELBO, 1e-9*math.Abs(sum), "vi ELBO = Σ per-image ELBO")
		assert.InDelta(t, klSum, st.KL, 1e-9*math.Abs(klSum), "vi KL = Σ per-image KL")
		// The programs bound every network weight in the store.
		names := map[string]bool{}
		for _, sp := range env.Params.List() {
			names[sp.Name] = true
		}
		for _, p := range v.Params() {
			assert.True(t, names[p.Name], "%s in the store", p.Name)
		}
	}
}

// vi.Fit trains the networks through the programs, with plate subsampling,
// to the PPCA optimum as well.
func TestFitWithPrograms(t *testing.T) {
	x := ppcaData(1000, 10)
	v := linearVAE(t, 11)
	opt := optim.NewExponentialDecay(optim.NewAdam(0.02), math.Pow(0.05, 1.0/3000))
	_, err := vi.Fit(context.Background(), v.Model(Matrix(x), 100), v.Guide(Matrix(x), 100), elbo.MeanField{}, opt,
		vi.MaxSteps(3000), vi.Seed(12), vi.NoFinalEvaluation())
	require.NoError(t, err)
	assert.InDelta(t, ppcaLogLik(x), modelLogLik(t, v, x), 0.03, "vi.Fit reaches the PPCA likelihood")
}

func TestIWAETrainingAndOptions(t *testing.T) {
	x := ppcaData(300, 13)
	for _, cfg := range []Config{
		{K: 5},
		{Beta: 0.5, WarmUp: 10},
		{Decoder: ContinuousBernoulli},
	} {
		cfg.Input, cfg.Latent, cfg.Hidden = ppcaD, ppcaL, []int{8}
		data := ad.Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
		for i, val := range x.Data {
			if val > 0.5 {
				data.Data[i] = 1 // binary data for the Bernoulli decoder
			}
		}
		if cfg.Decoder == ContinuousBernoulli {
			// Values in (0, 1) for the continuous Bernoulli.
			data = ad.Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
			for i, val := range x.Data {
				data.Data[i] = 1 / (1 + math.Exp(-val))
			}
		}
		v, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
		require.NoError(t, err)
		tr := NewTrainer(v, optim.NewAdam(0.01), 50, 1)
		before, err := v.TestELBO(context.Background(), Matrix(data), 1)
		require.NoError(t, err)
		var last StepStats
		for tr.Steps < 300 {
			_, err := tr.Epoch(context.Background(), Matrix(data), func(p Progress) { last = p.Stats })
			require.NoError(t, err)
		}
		after, err := v.TestELBO(context.Background(), Matrix(data), 1)
		require.NoError(t, err)
		assert.Greater(t, after, before+0.5, "%+v: training raises the test ELBO (%.3f -> %.3f)", cfg, before, after)
		if cfg.WarmUp > 0 {
			assert.Equal(t, 0.5, last.Beta, "warm-up done: beta")
			assert.Equal(t, 0.25, v.betaAt(5), "halfway through warm-up")
		}
		if cfg.K > 1 {
			assert.True(t, math.IsNaN(last.KL), "IWAE reports no KL")
		}
	}
	_, err := New(Config{Beta: -1}, rand.New(rand.NewPCG(1, 1)))
	assert.ErrorContains(t, err, "beta")
	_, err = ParseDecoder("poisson")
	assert.ErrorContains(t, err, "poisson")
}
