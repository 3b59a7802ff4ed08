package vi_test

import (
	"context"
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// The mean of normal data with a known scale: the posterior is
// N(Σy/(n + 1/100), 1/(n + 1/100)) under the prior N(0, 10).
func Example() {
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

// A hand-written guide with a positive parameter.
func ExampleGuideFunc() {
	model := func(p *vi.Program) {
		rate := p.Sample("rate", dist.Must(dist.NewGamma(2, 1)))
		p.Observe("n", dist.Poisson{Rate: rate}, ad.Row([]float64{3, 5, 4}))
	}
	guide := vi.GuideFunc(func(p *vi.Program) {
		a := p.Param("a", 1, 1, []float64{1}, dist.Positive())
		b := p.Param("b", 1, 1, []float64{1}, dist.Positive())
		p.Sample("rate", dist.Gamma{Concentration: a, Rate: b})
	})
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.02, 1.0/4000))
	res, err := vi.Fit(context.Background(), model, guide, elbo.MeanField{Particles: 8}, opt, vi.MaxSteps(4000), vi.Seed(1), vi.Draws(0))
	if err != nil {
		panic(err)
	}
	a, _ := res.Params.Value("a")
	b, _ := res.Params.Value("b")
	// The conjugate posterior is Gamma(2 + 12, 1 + 3).
	fmt.Printf("Gamma(%.0f, %.0f)\n", a.Data[0], b.Data[0])
	// Output: Gamma(14, 4)
}
