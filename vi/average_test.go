package vi_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// TestAverageReducesMeanError: on the conjugate normal-mean model (exact
// posterior mean Σy/(n+0.01)), a mean-field fit at a constant Adam step
// size ends with its location fluctuating around the optimum; averaging
// the last half of the iterates (Polyak and Juditsky 1992) must cut the
// rms error of the fitted mean over ten seeds at least threefold. (The
// trajectory is the same with and without averaging, so the comparison is
// paired. With 500 averaged iterates of autocorrelation time τ the noise
// shrinks by about √(500/τ); Adam at step 0.05 has τ of tens of steps, so
// a factor 3 leaves room. Measured: about 6-8.)
func TestAverageReducesMeanError(t *testing.T) {
	y := []float64{1.2, 0.4, 2.2, 1.9, 0.8, 1.1, 1.7, 0.3, 1.4, 0.9, 1.6, 1.0}
	var sum float64
	for _, v := range y {
		sum += v
	}
	exact := sum / (float64(len(y)) + 0.01)
	var seLast, seAvg float64
	const seeds = 10
	for seed := uint64(1); seed <= seeds; seed++ {
		fit := func(opts ...vi.Option) float64 {
			opts = append(opts, vi.MaxSteps(1000), vi.Seed(seed), vi.Draws(0))
			res, err := vi.Fit(context.Background(), normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 1}, optim.NewAdam(0.05), opts...)
			require.NoError(t, err)
			loc, ok := res.Params.Value("auto.mu.loc")
			require.True(t, ok)
			return loc.Data[0]
		}
		last, avg := fit(), fit(vi.Average(0.5))
		seLast += (last - exact) * (last - exact)
		seAvg += (avg - exact) * (avg - exact)
	}
	rmsLast, rmsAvg := math.Sqrt(seLast/seeds), math.Sqrt(seAvg/seeds)
	t.Logf("rms error of the fitted mean: last iterate %.4g, averaged %.4g (ratio %.2f)", rmsLast, rmsAvg, rmsLast/rmsAvg)
	assert.Less(t, rmsAvg, rmsLast/3, "averaging cuts the rms error of the mean at least threefold")
	assert.Less(t, rmsAvg, 0.02, "averaged mean within 0.02 (0.07 posterior sd) of the exact posterior mean")
}

// TestAverageRejectsBadFraction: a fraction outside (0, 1] is an error
// naming the option and the value.
func TestAverageRejectsBadFraction(t *testing.T) {
	for _, f := range []float64{-0.1, 1.5, math.NaN()} {
		_, err := vi.Fit(context.Background(), normalMean([]float64{1}), autoguide.Normal(), elbo.Trace{Particles: 1}, optim.NewAdam(0.05), vi.MaxSteps(10), vi.Average(f))
		require.Error(t, err, "frac %v", f)
		assert.Contains(t, err.Error(), "Average", "frac %v", f)
	}
}

// TestAverageOfConstantIterates: averaging keeps parameters that
// do not move (step size 0) exactly, and frac 1 averages every step.
func TestAverageOfConstantIterates(t *testing.T) {
	res, err := vi.Fit(context.Background(), normalMean([]float64{1, 2}), autoguide.Normal(), elbo.Trace{Particles: 1}, optim.NewAdam(0), vi.MaxSteps(50), vi.Average(1), vi.Draws(0))
	require.NoError(t, err)
	loc, ok := res.Params.Value("auto.mu.loc")
	require.True(t, ok)
	ref, err := vi.Fit(context.Background(), normalMean([]float64{1, 2}), autoguide.Normal(), elbo.Trace{Particles: 1}, optim.NewAdam(0), vi.MaxSteps(50), vi.Draws(0))
	require.NoError(t, err)
	want, _ := ref.Params.Value("auto.mu.loc")
	assert.InDelta(t, want.Data[0], loc.Data[0], 1e-15, "mean of constant iterates")
}

// TestAverageResumes: the running mean is part of the checkpoint, so a fit
// interrupted inside the averaging window and resumed ends with the same
// averaged parameters as an uninterrupted one.
func TestAverageResumes(t *testing.T) {
	y := []float64{1.2, 0.4, 2.2}
	ck := filepath.Join(t.TempDir(), "ck.gob")
	run := func(steps int, opts ...vi.Option) *vi.Result {
		opts = append(opts, vi.Seed(3), vi.Draws(0))
		res, err := vi.Fit(context.Background(), normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), append(opts, vi.MaxSteps(steps))...)
		require.NoError(t, err)
		return res
	}
	full := run(400, vi.Average(0.5))
	// The interrupted fit must have the same window: same MaxSteps, stopped by a cancelled context instead.
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := vi.Fit(ctx, normalMean(y), autoguide.Normal(), elbo.Trace{Particles: 2}, optim.NewAdam(0.05), vi.MaxSteps(400), vi.Seed(3), vi.Draws(0),
		vi.Average(0.5), vi.Checkpoint(ck, 300), vi.ProgressEvery(1), vi.OnProgress(func(vi.Progress) {
			if n++; n == 300 {
				cancel()
			}
		}))
	require.ErrorIs(t, err, context.Canceled)
	resumed := run(400, vi.Average(0.5), vi.Resume(ck))
	assert.Equal(t, paramValues(full.Params), paramValues(resumed.Params), "averaged parameters after resume")
	plain := run(400)
	assert.NotEqual(t, paramValues(full.Params), paramValues(plain.Params), "averaging changes the result")
}

// TestAverageSkipsTheTransient: started 30 posterior sds... far from the
// optimum (location 30, posterior mean 1.2), Adam at step 0.05 needs some
// 600 of the 2,000 steps to arrive. A mean over the whole run would be
// off by about 10; Average(1) must pick a window after the transient
// (fewer than 1,400 iterates) and end within 0.03 (0.1 posterior sd) of
// the exact posterior mean, for each of five seeds.
func TestAverageSkipsTheTransient(t *testing.T) {
	y := []float64{1.2, 0.4, 2.2, 1.9, 0.8, 1.1, 1.7, 0.3, 1.4, 0.9, 1.6, 1.0}
	var sum float64
	for _, v := range y {
		sum += v
	}
	exact := sum / (float64(len(y)) + 0.01)
	start := autoguide.InitToValues(map[string][]float64{"mu": {30}}, nil)
	for seed := uint64(1); seed <= 5; seed++ {
		res, err := vi.Fit(context.Background(), normalMean(y), autoguide.Normal(autoguide.WithInit(start)), elbo.Trace{Particles: 1}, optim.NewAdam(0.05),
			vi.MaxSteps(2000), vi.Seed(seed), vi.Draws(0), vi.Average(1))
		require.NoError(t, err)
		loc, ok := res.Params.Value("auto.mu.loc")
		require.True(t, ok)
		assert.Less(t, res.AveragedSteps, 1400, "seed %d: iterates averaged", seed)
		assert.Greater(t, res.AveragedSteps, 0, "seed %d: iterates averaged", seed)
		assert.InDelta(t, exact, loc.Data[0], 0.03, "seed %d: averaged mean (%d iterates)", seed, res.AveragedSteps)
	}
}
