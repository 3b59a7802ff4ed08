package vi_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// TestFitterStepMatchesFit: NewFitter and n calls of Step leave the
// parameters bit for bit where Fit with MaxSteps(n) leaves them; each
// StepReport's GradNorm is the L2 norm of the parameters' gradients after
// the step's backward pass (recomputed from the store), and its ELBO is
// the history entry Fit records.
func TestFitterStepMatchesFit(t *testing.T) {
	y := []float64{0.3, 1.9, 1.2, 0.7}
	const n = 60
	ref, err := vi.Fit(context.Background(), normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 3}, optim.NewAdam(0.05),
		vi.MaxSteps(n), vi.Seed(11), vi.NoFinalEvaluation())
	require.NoError(t, err)

	f, err := vi.NewFitter(normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 3}, optim.NewAdam(0.05), vi.MaxSteps(n), vi.Seed(11))
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		rep, err := f.Step()
		require.NoError(t, err)
		require.True(t, rep.OK, "step %d finite", i)
		assert.Equal(t, ref.History[i], rep.Stats.ELBO, "ELBO of step %d", i)
		// Adam does not touch the gradients, so they are still the step's.
		var g2 float64
		for _, p := range f.Params().Params() {
			for _, g := range p.Grad {
				g2 += g * g
			}
		}
		assert.InEpsilon(t, math.Sqrt(g2), rep.GradNorm, 1e-12, "gradient norm of step %d", i)
		assert.Equal(t, i+1, f.Steps())
	}
	assert.Equal(t, "", f.StopReason(), "Step alone never stops a healthy fit")
	assert.Equal(t, paramValues(ref.Params), paramValues(f.Params()), "Step x n = Fit(MaxSteps(n))")

	// Run continues from where Step left off: the budget is spent.
	res, err := f.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, n, res.Steps)
	assert.Equal(t, "max steps", res.StopReason)
	assert.Len(t, res.History, n)
}

// ExampleFitter drives a fit by hand, one Step at a time, here stopping
// at the first step whose ELBO estimate reaches a target.
func ExampleFitter() {
	model := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 10)))
		p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, ad.Row([]float64{1.2, 0.4, 2.2}))
	}
	f, err := vi.NewFitter(model, autoguide.Normal(), elbo.MeanField{Particles: 8}, optim.NewAdam(0.05), vi.Seed(1))
	if err != nil {
		panic(err)
	}
	for f.Steps() < 2000 {
		rep, err := f.Step()
		if err != nil {
			panic(err)
		}
		if rep.OK && rep.Stats.ELBO > -6 {
			break
		}
	}
	fmt.Println(f.Steps() < 2000)
	// Output: true
}
