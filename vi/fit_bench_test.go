package vi_test

import (
	"context"
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// BenchmarkFitSteps: 100 steps of the sticking-the-landing trace ELBO
// with 8 particles on a normal mean with 100 observations and a
// hand-written guide (whose distribution elbo detaches), no final draws:
// the per-step overhead of the loop, the program handlers and detaching.
func BenchmarkFitSteps(b *testing.B) {
	y := make([]float64, 100)
	for i := range y {
		y[i] = float64(i%7) - 3
	}
	data := ad.Row(y)
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 10)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, data)
	}
	guide := vi.GuideFunc(func(p *vi.Program) {
		m := p.Param("m", 1, 1, []float64{0}, nil)
		s := p.Param("s", 1, 1, []float64{1}, dist.Positive())
		p.Sample("mu", dist.Normal{Loc: m, Scale: s})
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vi.Fit(context.Background(), model, guide, elbo.Trace{Particles: 8, STL: true}, optim.NewAdam(0.01),
			vi.MaxSteps(100), vi.Draws(0)); err != nil {
			b.Fatal(err)
		}
	}
}
