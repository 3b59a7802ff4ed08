package elbo_test

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

// The mean-field objective reports how it treated each latent site: the
// Normal prior with a Normal guide has a closed-form KL, the HalfCauchy
// prior against the guide's log-normal does not.
func ExampleMeanField() {
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 5)))
		sigma := p.Sample("sigma", dist.Must(dist.NewHalfCauchy(2)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: sigma}, ad.Row([]float64{1.5, 2.5, 0.5, 2.0}))
	}
	var paths map[string]vi.Path
	_, err := vi.Fit(context.Background(), model, autoguide.Normal(), elbo.MeanField{Particles: 4}, optim.NewAdam(0.05),
		vi.MaxSteps(100), vi.Seed(1), vi.Draws(0), vi.OnProgress(func(p vi.Progress) { paths = p.Paths }))
	if err != nil {
		panic(err)
	}
	fmt.Println("mu:", paths["mu"], "sigma:", paths["sigma"])
	// Output: mu: analytic sigma: monte-carlo
}

// The importance-weighted bound tightens with K.
func ExampleIWAE() {
	model := func(p *vi.Program) {
		z := p.Sample("z", dist.Must(dist.NewNormal(0, 1)))
		p.Observe("x", dist.Normal{Loc: z, Scale: ad.Scalar(0.5)}, ad.Row([]float64{1}))
	}
	// A guide that is too narrow: N(0.5, 0.2).
	guide := vi.GuideFunc(func(p *vi.Program) {
		p.Sample("z", dist.Must(dist.NewNormal(0.5, 0.2)))
	})
	env := vi.NewEnv(newRand(), 1)
	bound := func(k int) float64 {
		var s float64
		for range 200 {
			_, st, err := elbo.IWAE{K: k}.Loss(env, model, guide)
			if err != nil {
				panic(err)
			}
			s += st.ELBO / 200
			env.Tape.Reset()
		}
		return s
	}
	// log p(x) = log N(1 | 0, 1 + 0.25)
	exact := -0.5*math.Log(2*math.Pi*1.25) - 0.5/1.25
	fmt.Printf("K=1 %.2f, K=10 %.2f, K=100 %.2f, log p(x) %.2f\n", bound(1), bound(10), bound(100), exact)
	// Output: K=1 -2.08, K=10 -1.80, K=100 -1.65, log p(x) -1.43
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }
