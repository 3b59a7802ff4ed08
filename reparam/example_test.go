package reparam_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// The pathwise gradient of E[z²] for z ~ Normal(loc, scale) is
// (2 loc, 2 scale).
func ExampleNormal() {
	rng := rand.New(rand.NewPCG(1, 2))
	t := ad.NewTape()
	loc := ad.NewParam("loc", 1, 1, []float64{1.5})
	scale := ad.NewParam("scale", 1, 1, []float64{0.5})
	z := reparam.Normal(rng, t.Param(loc), t.Param(scale), 100000)
	t.Backward(ad.Mean(ad.Square(z)))
	fmt.Printf("d/dloc %.1f, d/dscale %.1f\n", loc.Grad[0], scale.Grad[0])
	// Output: d/dloc 3.0, d/dscale 1.0
}
