package mixture_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/mixture"
)

// ExampleFitSVI fits two well-separated 2-D clusters by SVI with the
// assignments summed out, and by CAVI, and compares the held-out mean log
// densities of the two fits.
func ExampleFitSVI() {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int) []float64 {
		x := make([]float64, 0, 2*n)
		for range n {
			c := 0.0
			if rng.Float64() < 0.4 {
				c = 6
			}
			x = append(x, c+rng.NormFloat64(), c/2+0.5*rng.NormFloat64())
		}
		return x
	}
	x, test := draw(400), draw(1000)
	cfg := mixture.NewConfig(3)
	cfg.WeightPrior = mixture.DirichletDistribution
	cfg.MaxIter = 500
	svi, err := mixture.FitSVI(context.Background(), x, 2, cfg, mixture.SVIOptions{BatchSize: 100, Steps: 2000})
	if err != nil {
		panic(err)
	}
	cavi, err := mixture.Fit(context.Background(), x, 2, cfg)
	if err != nil {
		panic(err)
	}
	gap := svi.Mixture.MeanLogDensity(test) - cavi.MeanLogDensity(test)
	fmt.Println("effective components:", svi.Mixture.EffectiveComponents(0.01))
	fmt.Printf("held-out gap below 0.01 nats: %v\n", gap > -0.01 && gap < 0.01)
	// Output:
	// effective components: 2
	// held-out gap below 0.01 nats: true
}
