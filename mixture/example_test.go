package mixture_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/mixture"
)

// Fit ten components to points from two; the Dirichlet-process weight
// prior (scikit-learn's default) switches the spare components off: their
// weights fall below 0.01.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 0, 2*2000)
	for i := range 2000 {
		c := float64(5 * (i % 2))
		x = append(x, c+rng.NormFloat64(), -c+0.5*rng.NormFloat64())
	}
	cfg := mixture.NewConfig(10)
	cfg.MaxIter = 500
	m, err := mixture.Fit(context.Background(), x, 2, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, w := range m.Weights {
		if w > 0.01 {
			fmt.Printf("w=%.2f mean=(%.1f, %.1f)\n", w, m.Means[k][0], m.Means[k][1])
		}
	}
	fmt.Println("converged:", m.Converged)
	// Output:
	// w=0.50 mean=(0.0, -0.0)
	// w=0.50 mean=(5.0, -5.0)
	// converged: true
}
