package autoguide_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// The mean of normal data with a known scale: the posterior is
// N(Σy/(n + 1/100), 1/(n + 1/100)) under the prior N(0, 10), which the
// mean-field normal guide recovers.
func ExampleNormal() {
	y := []float64{1.2, 0.4, 2.2, 1.9, 0.8}
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 10)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, ad.Row(y))
	}
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.02, 1.0/3000))
	res, err := vi.Fit(context.Background(), model, autoguide.Normal(), elbo.MeanField{Particles: 8}, opt,
		vi.MaxSteps(3000), vi.Seed(1), vi.Draws(20000))
	if err != nil {
		panic(err)
	}
	s := res.Summaries()[0]
	fmt.Printf("mu: mean %.1f, sd %.1f (exact %.1f, %.1f)\n", s.Mean, s.SD, 6.5/5.01, 1/math.Sqrt(5.01))
	// Output: mu: mean 1.3, sd 0.4 (exact 1.3, 0.4)
}

// The Laplace approximation of a Gamma-Poisson posterior at its mode in
// log space, kept as it is (no VI steps): the mode of log rate is
// log((a + Σn)/(b + N)) for the posterior Gamma(a + Σn, b + N) in log
// space.
func ExampleLaplace() {
	model := func(p *vi.Program) {
		rate := p.Sample("rate", dist.Must(dist.NewGamma(2, 1)))
		p.Observe("n", dist.Poisson{Rate: rate}, ad.Row([]float64{3, 5, 4}))
	}
	res, err := vi.Fit(context.Background(), model, autoguide.Laplace(), elbo.Trace{}, optim.NewAdam(0.01),
		vi.MaxSteps(0), vi.Seed(1), vi.Draws(40000))
	if err != nil {
		panic(err)
	}
	s := res.Summaries()[0]
	fmt.Printf("median rate %.1f (exp of the exact mode of log rate: %.1f)\n", s.Q50, 14.0/4)
	// Output: median rate 3.5 (exp of the exact mode of log rate: 3.5)
}

// A mean-field normal (Mixture with one component) fitted to a correlated
// Gaussian, N((1, -0.5), Σ) with sds 1 and 0.5 and correlation 0.8, both
// ways: the forward KL(p || q) from target draws matches the marginal sds
// (the guide is scored at the draws through vi.GuideDensity), the reverse
// KL(q || p) the conditional sds sd·√(1 - 0.8²) = 0.6 and 0.3.
func ExampleMixture_forwardKL() {
	mu, tril := []float64{1, -0.5}, []float64{1, 0, 0.4, 0.3}
	model := func(p *vi.Program) {
		z := p.Sample("z", vi.Flat{Cols: 2})
		p.Factor("target", dist.MultivariateNormal{Loc: ad.Row(mu), ScaleTril: ad.Row(tril)}.LogProb(z))
	}
	draws := func(rng *rand.Rand, n int) map[string]ad.Matrix {
		z := make([]float64, 2*n)
		for i := 0; i < n; i++ {
			e0, e1 := rng.NormFloat64(), rng.NormFloat64()
			z[2*i], z[2*i+1] = mu[0]+tril[0]*e0, mu[1]+tril[2]*e0+tril[3]*e1
		}
		return map[string]ad.Matrix{"z": {Rows: n, Cols: 2, Data: z}}
	}
	for _, f := range []struct {
		name string
		obj  vi.Objective
	}{{"forward", elbo.ForwardKLSamples{N: 256, Sample: draws}}, {"reverse", elbo.Trace{Particles: 16}}} {
		opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.01, 1.0/4000))
		res, err := vi.Fit(context.Background(), model, autoguide.Mixture(1), f.obj, opt,
			vi.MaxSteps(4000), vi.Seed(1), vi.Draws(0))
		if err != nil {
			panic(err)
		}
		raw, _ := res.Params.Value("auto.scales")
		fmt.Printf("%s KL: sds %.1f %.1f\n", f.name, math.Log1p(math.Exp(raw.Data[0])), math.Log1p(math.Exp(raw.Data[1])))
	}
	// Output:
	// forward KL: sds 1.0 0.5
	// reverse KL: sds 0.6 0.3
}
