package models_test

import (
	"context"
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/models"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// A full-rank fit of a conjugate regression recovers the exact posterior
// mean.
func ExampleLinearRegression() {
	m := models.LinearRegression{
		X:          ad.Matrix{Rows: 4, Cols: 2, Data: []float64{1, 0.5, 1, -1, 1, 2, 1, 0}},
		Y:          []float64{1.1, -0.2, 2.9, 0.8},
		PriorScale: 10, NoiseScale: 0.5,
	}
	mean, _, err := m.Posterior()
	if err != nil {
		panic(err)
	}
	opt := optim.NewExponentialDecay(optim.NewAdam(0.05), math.Pow(0.02, 1.0/3000))
	res, err := vi.Fit(context.Background(), m.Model(), autoguide.MultivariateNormal(), elbo.Trace{Particles: 8, STL: true}, opt,
		vi.MaxSteps(3000), vi.Seed(1), vi.Draws(20000))
	if err != nil {
		panic(err)
	}
	s := res.Summaries()
	fmt.Printf("exact %.1f %.1f, fitted %.1f %.1f\n", mean[0], mean[1], s[0].Mean, s[1].Mean)
	// Output: exact 0.8 1.0, fitted 0.8 1.0
}
