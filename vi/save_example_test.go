package vi_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// ExampleRestore fits a guide, saves it, and rebuilds it in what could be
// a later run to draw from it.
func ExampleRestore() {
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(10)})
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, p.Const(1, 4, []float64{1.1, 0.7, 1.9, 1.3}))
	}
	dir, _ := os.MkdirTemp("", "restore")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "guide.json")

	res, err := vi.Fit(context.Background(), model, autoguide.Normal(), elbo.Trace{Particles: 8}, optim.NewAdam(0.05),
		vi.MaxSteps(1000), vi.Draws(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := vi.SaveParams(path, res.Params); err != nil {
		fmt.Println(err)
		return
	}

	// Later: the same model and guide family, the saved parameters.
	back, err := vi.Restore(model, autoguide.Normal(), path, 4000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	mu := back.Draws["mu"]
	mean := 0.0
	for _, v := range mu.Data {
		mean += v / float64(mu.Rows)
	}
	// The exact posterior mean is Σy/(n + 1/100) = 5/4.01 = 1.247, the
	// posterior sd 0.5: the draws' mean has a Monte Carlo error of 0.008.
	fmt.Printf("%s, %d draws, mean of mu within 0.05 of 1.247: %v\n", back.StopReason, mu.Rows, math.Abs(mean-1.247) < 0.05)
	// Output: restored, 4000 draws, mean of mu within 0.05 of 1.247: true
}
