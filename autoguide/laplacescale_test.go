package autoguide_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// TestWithLaplaceScales: on the Gaussian log-density with precision
// P = [[2, 0.6], [0.6, 1]] and mean (1, -2), autoguide.Normal with InitToMAP and
// WithLaplaceScales starts at the mean-field optimum: locations at the
// mean and scales at the conditional sds 1/√P_ii; and further steps keep
// it there (the ELBO gradient vanishes in expectation).
func TestWithLaplaceScales(t *testing.T) {
	model := vi.LogDensity{Dim: 2, LogJoint: func(_ *ad.Tape, z ad.Var) ad.Var {
		x, y := ad.Shift(ad.ColOf(z, 0), -1), ad.Shift(ad.ColOf(z, 1), 2)
		q := ad.Add(ad.Add(ad.Scale(ad.Square(x), 2), ad.Scale(ad.Mul(x, y), 1.2)), ad.Square(y))
		return ad.Scale(q, -0.5)
	}}.Model()
	for _, steps := range []int{0, 2000} {
		res, err := vi.Fit(context.Background(), model, autoguide.Normal(autoguide.WithInit(autoguide.InitToMAP()), autoguide.WithLaplaceScales()),
			elbo.Trace{Particles: 8, STL: true}, optim.NewAdam(0.002), vi.MaxSteps(steps), vi.Draws(0), vi.Average(0.5))
		require.NoError(t, err)
		loc, ok := res.Params.Value("auto.z.loc")
		require.True(t, ok)
		sc, ok := res.Params.Value("auto.z.scale")
		require.True(t, ok)
		tol := 1e-5
		if steps > 0 {
			tol = 0.02
		}
		assert.InDelta(t, 1, loc.Data[0], tol, "loc[0] after %d steps", steps)
		assert.InDelta(t, -2, loc.Data[1], tol, "loc[1] after %d steps", steps)
		for i, p := range []float64{2, 1} {
			got := math.Log1p(math.Exp(sc.Data[i]))
			assert.InDelta(t, 1/math.Sqrt(p), got, tol, "scale[%d] after %d steps", i, steps)
		}
	}
}
