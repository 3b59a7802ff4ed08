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

// Iterate averaging at a constant step size: the last iterate of a
// one-particle fit is off by noise; the average of the tail is not.
func ExampleAverage() {
	y := []float64{1.2, 0.4, 2.2, 1.9, 0.8}
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 10)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, ad.Row(y))
	}
	exact := 6.5 / 5.01
	for _, opts := range [][]vi.Option{nil, {vi.Average(0.5)}} {
		opts = append(opts, vi.MaxSteps(2000), vi.Seed(1), vi.Draws(0))
		res, err := vi.Fit(context.Background(), model, autoguide.Normal(), elbo.Trace{Particles: 1}, optim.NewAdam(0.05), opts...)
		if err != nil {
			panic(err)
		}
		loc, _ := res.Params.Value("auto.mu.loc")
		fmt.Printf("averaged %4d iterates: error of the mean below 0.02: %v\n", res.AveragedSteps, math.Abs(loc.Data[0]-exact) < 0.02)
	}
	// Output:
	// averaged    0 iterates: error of the mean below 0.02: false
	// averaged 1000 iterates: error of the mean below 0.02: true
}
