package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"time"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/benchdata"
	"github.com/kldiv/kldiv/models"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// runW3 is SPEC.md's W3: mean-field VI for Bayesian logistic regression,
// N = 10,000, D = 50, a diagonal normal guide with mu = 0 and rho = -2
// (sigma = softplus(rho)), the reparameterized ELBO with the closed-form KL
// (elbo.MeanField), 8 particles, Adam 0.01, 2,000 steps. Metrics
// ms_per_step (median), final_elbo (1,000 particles at the fit),
// mu_rmse_vs_true_w, all at the fit's end-game: Polyak-Ruppert averaging
// of the last half of the iterates (vi.Average(0.5), w3AverageFrac).
// Besides SPEC's metrics: rms_mean_err_sd, the rms error of the fitted
// means in posterior sds against the importance-sampled reference
// (logRegSNIS; ref_khat and ref_ess say how good it is), for the fit with
// the end-game and, untimed, for the same fit without it (the last
// iterate); fit_wall_s, the wall time of the timed fit's 2,000 steps.
func runW3(w io.Writer, cfg Config) error {
	pr, err := loadW3(cfg.Data)
	if err != nil {
		return err
	}
	x, y, n, d, truth, model, guide, obj := pr.x, pr.y, pr.n, pr.d, pr.truth, pr.model, pr.guide, pr.obj
	// Warm-up on a separate fit.
	if _, err := vi.Fit(context.Background(), model, guide(), obj, optim.NewAdam(0.01), vi.MaxSteps(20), vi.Seed(2), vi.Draws(0)); err != nil {
		return err
	}
	const steps = 2000
	times := make([]float64, 0, steps)
	last := time.Now()
	g := guide()
	t0 := time.Now()
	res, err := vi.Fit(context.Background(), model, g, obj, optim.NewAdam(0.01), vi.MaxSteps(steps), vi.Seed(1), vi.Draws(0),
		vi.Average(w3AverageFrac),
		vi.ProgressEvery(1), vi.OnProgress(func(vi.Progress) {
			now := time.Now()
			times = append(times, float64(now.Sub(last).Nanoseconds())/1e6)
			last = now
		}))
	if err != nil {
		return err
	}
	fitWall := time.Since(t0).Seconds()
	sort.Float64s(times)
	// final_elbo: the same estimator with 1,000 particles at the final
	// parameters.
	env := vi.NewEnv(newRand(3), 1)
	env.Params = res.Params
	_, st, err := elbo.MeanField{Particles: 1000}.Loss(env, model, g)
	if err != nil {
		return err
	}
	loc, ok := res.Params.Value("auto.w.loc")
	if !ok {
		return fmt.Errorf("no parameter auto.w.loc")
	}
	var se float64
	for j, v := range loc.Data {
		se += (v - truth.W[j]) * (v - truth.W[j])
	}
	Emit(w, "W3", "ms_per_step", math.Round(times[len(times)/2]*1e4)/1e4, nil)
	Emit(w, "W3", "final_elbo", st.ELBO, nil)
	Emit(w, "W3", "mu_rmse_vs_true_w", math.Sqrt(se/float64(d)), nil)
	Emit(w, "W3", "fit_wall_s", fitWall, nil)

	// Accuracy against the importance-sampled reference, and the same fit
	// without the end-game.
	plain, err := vi.Fit(context.Background(), model, guide(), obj, optim.NewAdam(0.01), vi.MaxSteps(steps), vi.Seed(1), vi.Draws(0))
	if err != nil {
		return err
	}
	plainLoc, _ := plain.Params.Value("auto.w.loc")
	ref, err := logRegSNIS(x, n, d, y, 1, w3ReferenceDraws, newRand(4))
	if err != nil {
		return err
	}
	Emit(w, "W3", "ref_khat", ref.KHat, map[string]any{"draws": ref.Draws})
	Emit(w, "W3", "ref_ess", ref.ESS, map[string]any{"draws": ref.Draws})
	Emit(w, "W3", "rms_mean_err_sd", rmsStandardized(loc.Data, ref.Mean, ref.SD), map[string]any{"endgame": fmt.Sprintf("average %g", w3AverageFrac)})
	Emit(w, "W3", "rms_mean_err_sd", rmsStandardized(plainLoc.Data, ref.Mean, ref.SD), map[string]any{"endgame": "none"})
	return nil
}

// w3AverageFrac is the fraction of W3's steps whose iterates are averaged.
const w3AverageFrac = 0.5

// w3ReferenceDraws is the number of proposal draws of W3's reference.
const w3ReferenceDraws = 20000

// w3Problem is W3's data, model, guide constructor and objective.
type w3Problem struct {
	x, y  []float64
	n, d  int
	truth struct{ W []float64 }
	model vi.Model
	guide func() vi.Guide
	obj   elbo.MeanField
}

// loadW3 reads W3's data from dir and builds its model, guide and
// objective.
func loadW3(dir string) (*w3Problem, error) {
	header, rows, err := benchdata.ReadCSVGz(filepath.Join(dir, "logreg.csv.gz"))
	if err != nil {
		return nil, err
	}
	pr := &w3Problem{}
	d := len(header) - 1
	n := len(rows)
	x := make([]float64, 0, n*d)
	y := make([]float64, n)
	for i, r := range rows {
		x = append(x, r[:d]...)
		y[i] = r[d]
	}
	if err := benchdata.ReadJSON(dir, "logreg_truth.json", &pr.truth); err != nil {
		return nil, err
	}
	m := models.LogisticRegression{X: ad.Matrix{Rows: n, Cols: d, Data: x}, Y: y, PriorScale: 1}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	pr.x, pr.y, pr.n, pr.d = x, y, n, d
	pr.model = m.Model()
	zeros := map[string][]float64{"w": make([]float64, d)}
	pr.guide = func() vi.Guide {
		// sigma = softplus(rho) with rho = -2: autoguide.Normal's scale is
		// softplus of a free parameter initialized so that it equals the
		// initial scale.
		return autoguide.Normal(autoguide.WithInit(autoguide.InitToValues(zeros, nil)), autoguide.WithInitScale(math.Log1p(math.Exp(-2))))
	}
	pr.obj = elbo.MeanField{Particles: 8}
	return pr, nil
}
