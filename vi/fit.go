package vi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/optim"
)

// Objective is a variational objective. Loss records on e.Tape a 1x1 loss
// whose gradient with respect to the guide's (and model's) parameters is
// the objective's gradient estimate, and returns statistics of the step.
// Package elbo implements the standard objectives.
type Objective interface {
	Loss(e *Env, model Model, guide Guide) (ad.Var, StepStats, error)
}

// Path says how an objective treated a latent site.
type Path string

const (
	// PathAnalytic: the closed-form KL of the (guide, prior) pair.
	PathAnalytic Path = "analytic"
	// PathMonteCarlo: log q - log p at reparameterized draws.
	PathMonteCarlo Path = "monte-carlo"
	// PathScoreFunction: a score-function (REINFORCE) term with a baseline.
	PathScoreFunction Path = "score-function"
	// PathEnumerated: an exact sum over the site's values.
	PathEnumerated Path = "enumerated"
)

// StepStats reports one step of an objective.
type StepStats struct {
	// ELBO is the objective's estimate of the evidence lower bound (or of
	// the bound it optimizes; higher is better).
	ELBO float64
	// KL is the KL(q || p) term of latent sites where the objective
	// separates it, NaN otherwise.
	KL float64
	// Paths maps latent site names to how each was treated.
	Paths map[string]Path
	// BadSite names the first site whose log-density was not finite, if
	// any.
	BadSite string
}

// Progress is what Fit reports to its progress callback.
type Progress struct {
	Step        int
	ELBO        float64 // mean of the per-step estimates since the last report
	KL          float64 // mean KL term since the last report (NaN if none)
	Paths       map[string]Path
	GradNorm    float64 // L2 norm of the gradient of the last step
	StepsPerSec float64
	LR          float64
	Elapsed     time.Duration
}

// PrintProgress returns a progress callback that writes one line per
// report to w.
func PrintProgress(w io.Writer) func(Progress) {
	return func(p Progress) {
		kl := ""
		if !math.IsNaN(p.KL) {
			kl = fmt.Sprintf("  KL %10.4f", p.KL)
		}
		fmt.Fprintf(w, "step %6d  ELBO %12.4f%s  |grad| %9.3g  lr %.3g  %7.0f steps/s\n",
			p.Step, p.ELBO, kl, p.GradNorm, p.LR, p.StepsPerSec)
	}
}

// Option configures Fit.
type Option func(*config)

type config struct {
	maxSteps      int
	seed          uint64
	progress      func(Progress)
	progressEvery int
	tolRel        float64
	evalEvery     int
	window        int
	checkpoint    string
	ckptEvery     int
	resume        string
	maxFailures   int
	shrink        float64
	draws         int
	skipFinal     bool
	avgFrac       float64 // Average (average.go)
}

// MaxSteps sets the step budget (default 10,000).
func MaxSteps(n int) Option { return func(c *config) { c.maxSteps = n } }

// Seed sets the seed of the fit's random stream (default 1). A seed
// reproduces a fit exactly.
func Seed(s uint64) Option { return func(c *config) { c.seed = s } }

// OnProgress sets a callback called every ProgressEvery steps (default
// 100) and at the end.
func OnProgress(f func(Progress)) Option { return func(c *config) { c.progress = f } }

// ProgressEvery sets how many steps pass between progress reports.
func ProgressEvery(n int) Option { return func(c *config) { c.progressEvery = n } }

// Converge enables the relative-ELBO stopping rule of Stan's ADVI
// (Kucukelbir et al. 2017): every evalEvery steps the mean of the step
// ELBO estimates of that window is compared with the previous window's
// mean; the relative changes are kept in a circular buffer of window
// entries, and the fit stops when their mean or their median falls below
// tolRel. Defaults: evalEvery 100, window max(0.1*maxSteps/evalEvery, 2).
func Converge(tolRel float64, evalEvery, window int) Option {
	return func(c *config) { c.tolRel, c.evalEvery, c.window = tolRel, evalEvery, window }
}

// Checkpoint writes the whole state of the fit to path every n steps
// (and at the end), so that Resume can continue it to the same bits.
func Checkpoint(path string, every int) Option {
	return func(c *config) { c.checkpoint, c.ckptEvery = path, every }
}

// Resume continues a fit from a checkpoint file written by Checkpoint with
// the same model, guide, objective, optimizer type and seed.
func Resume(path string) Option { return func(c *config) { c.resume = path } }

// NonFinite sets the guard against non-finite steps: a step whose loss or
// gradient is not finite is skipped and the step size multiplied by shrink
// (default 0.5); after 3 consecutive failures the best parameters so far
// are restored; after maxFailures consecutive failures (default 10) Fit
// stops with an error naming the site that went non-finite.
func NonFinite(maxFailures int, shrink float64) Option {
	return func(c *config) { c.maxFailures, c.shrink = maxFailures, shrink }
}

// Draws sets the number of posterior draws kept in the result (default
// 1,000), which also give the final ELBO estimate and the PSIS k-hat.
func Draws(n int) Option { return func(c *config) { c.draws = n } }

// NoFinalEvaluation skips the final ELBO, draws and k-hat (for models with
// minibatches, where a full evaluation is the caller's job).
func NoFinalEvaluation() Option { return func(c *config) { c.skipFinal = true } }

// ErrDiverged is wrapped by the error Fit returns when steps keep going
// non-finite.
var ErrDiverged = errors.New("vi: fit diverged")

// fitState is everything a checkpoint holds.
type fitState struct {
	Step      int
	Params    [][]float64
	ParamName []string
	Opt       *optim.State
	RNG       []byte
	History   []float64
	KLHistory []float64
	Best      [][]float64
	BestELBO  float64
	Failures  int
	Rel       []float64
	PrevMean  float64
	HavePrev  bool
	Run       *runState
	Avg       *averager
}

// Fit optimizes the guide's parameters for the objective on the model and
// returns the fitted result. It is deterministic for a seed, stops within
// one step when ctx is cancelled (returning the result so far and
// ctx.Err()), and on divergence returns the result with the best
// parameters seen and an error wrapping ErrDiverged that names the site.
func Fit(ctx context.Context, model Model, guide Guide, obj Objective, opt optim.Optimizer, opts ...Option) (*Result, error) {
	c := config{maxSteps: 10000, seed: 1, progressEvery: 100, maxFailures: 10, shrink: 0.5, draws: 1000, evalEvery: 100}
	for _, o := range opts {
		o(&c)
	}
	if c.window <= 0 {
		c.window = max(int(0.1*float64(c.maxSteps)/float64(max(c.evalEvery, 1))), 2)
	}
	pcg := rand.NewPCG(c.seed, 0x6b6c646976)
	rng := rand.New(pcg)
	env := NewEnv(rng, 1)
	proto, err := env.RunPrior(model, 1)
	if err != nil {
		return nil, fmt.Errorf("vi: running the model from its prior: %w", err)
	}
	if err := guide.Setup(&Setup{Model: model, Proto: proto, Params: env.Params, Rand: rng}); err != nil {
		return nil, err
	}
	env.Tape.Reset()
	st := &fitState{BestELBO: math.Inf(-1), Run: env.state}
	if c.resume != "" {
		loaded, err := readCheckpoint(c.resume)
		if err != nil {
			return nil, err
		}
		// A dry run creates the parameters that programs make lazily; the
		// random source and plate positions it moves are restored next.
		if len(env.Params.List()) < len(loaded.ParamName) {
			if _, _, err := obj.Loss(env, model, guide); err != nil {
				return nil, err
			}
			env.Tape.Reset()
		}
		if err := applyCheckpoint(c.resume, loaded, env, opt, pcg); err != nil {
			return nil, err
		}
		st = loaded
	}
	if st.Avg == nil {
		if st.Avg, err = newAverager(c.avgFrac, c.maxSteps); err != nil {
			return nil, err
		}
	}
	res := &Result{Model: model, Guide: guide, Params: env.Params}
	params := env.Params.Params()
	start := time.Now()
	lastReport, lastStep := start, st.Step
	var winELBO, winKL float64
	var winN, winKLN int
	var rep struct {
		elbo, kl float64
		n, kn    int
	}
	var lastStats StepStats
	var gradNorm float64
	stop := ""
	for st.Step < c.maxSteps {
		if err := ctx.Err(); err != nil {
			stop = "cancelled"
			res.fill(st, env, c, stop)
			return res, err
		}
		env.Step = st.Step
		env.Tape.Reset()
		for _, p := range params {
			p.ZeroGrad()
		}
		loss, stats, lerr := obj.Loss(env, model, guide)
		if lerr != nil {
			res.fill(st, env, c, "error")
			return res, lerr
		}
		// Parameters created lazily by the guide or model on the first step.
		if n := len(env.Params.List()); n != len(params) {
			params = env.Params.Params()
			st.ensureBest(env)
		}
		lv := loss.Scalar()
		ok := !math.IsNaN(lv) && !math.IsInf(lv, 0)
		if ok {
			env.Tape.Backward(loss)
			gradNorm = 0
			for _, p := range params {
				for _, g := range p.Grad {
					gradNorm += g * g
				}
			}
			gradNorm = math.Sqrt(gradNorm)
			ok = !math.IsNaN(gradNorm) && !math.IsInf(gradNorm, 0)
		}
		if !ok {
			st.Failures++
			opt.SetLearningRate(opt.LearningRate() * c.shrink)
			if st.Failures%3 == 0 && st.Best != nil {
				env.Params.restore(st.Best)
			}
			if st.Failures >= c.maxFailures {
				if st.Best != nil {
					env.Params.restore(st.Best)
				}
				res.fill(st, env, c, "diverged")
				return res, fmt.Errorf("%w after %d non-finite steps at step %d: %s", ErrDiverged, st.Failures, st.Step, describeBad(stats, lv, params))
			}
			st.Step++
			continue
		}
		st.Failures = 0
		opt.Step(params)
		if lo, ok := opt.(optim.LossObserver); ok {
			lo.ObserveLoss(lv)
		}
		lastStats = stats
		st.History = append(st.History, stats.ELBO)
		st.KLHistory = append(st.KLHistory, stats.KL)
		winELBO += stats.ELBO
		winN++
		rep.elbo += stats.ELBO
		rep.n++
		if !math.IsNaN(stats.KL) {
			winKL += stats.KL
			winKLN++
			rep.kl += stats.KL
			rep.kn++
		}
		st.Step++
		st.Avg.observe(st.Step, env.Params)
		if st.Step%c.evalEvery == 0 && winN > 0 {
			m := winELBO / float64(winN)
			if m > st.BestELBO || st.Best == nil {
				st.BestELBO = m
				st.Best = env.Params.snapshot()
			}
			if c.tolRel > 0 {
				if st.HavePrev {
					rel := math.Abs((m - st.PrevMean) / m)
					st.Rel = append(st.Rel, rel)
					if len(st.Rel) > c.window {
						st.Rel = st.Rel[1:]
					}
					if len(st.Rel) >= 2 && (mean(st.Rel) < c.tolRel || median(st.Rel) < c.tolRel) {
						stop = "converged"
					}
				}
				st.PrevMean, st.HavePrev = m, true
			}
			winELBO, winN, winKL, winKLN = 0, 0, 0, 0
		}
		if c.progress != nil && (st.Step%c.progressEvery == 0 || stop != "" || st.Step == c.maxSteps) {
			now := time.Now()
			p := Progress{Step: st.Step, ELBO: rep.elbo / float64(max(rep.n, 1)), KL: math.NaN(), Paths: lastStats.Paths,
				GradNorm: gradNorm, LR: opt.LearningRate(), Elapsed: now.Sub(start)}
			if rep.kn > 0 {
				p.KL = rep.kl / float64(rep.kn)
			}
			if dt := now.Sub(lastReport).Seconds(); dt > 0 {
				p.StepsPerSec = float64(st.Step-lastStep) / dt
			}
			c.progress(p)
			lastReport, lastStep = now, st.Step
			rep.elbo, rep.kl, rep.n, rep.kn = 0, 0, 0, 0
		}
		if c.checkpoint != "" && c.ckptEvery > 0 && st.Step%c.ckptEvery == 0 {
			if err := saveCheckpoint(c.checkpoint, st, env, opt, pcg); err != nil {
				res.fill(st, env, c, "error")
				return res, err
			}
		}
		if stop != "" {
			break
		}
	}
	if stop == "" {
		stop = "max steps"
	}
	if c.checkpoint != "" {
		if err := saveCheckpoint(c.checkpoint, st, env, opt, pcg); err != nil {
			res.fill(st, env, c, "error")
			return res, err
		}
	}
	res.AveragedSteps = st.Avg.apply(env.Params)
	res.fill(st, env, c, stop)
	if !c.skipFinal {
		if err := res.evaluate(env, c.draws); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (st *fitState) ensureBest(env *Env) {
	if st.Best != nil && len(st.Best) != len(env.Params.List()) {
		st.Best = env.Params.snapshot()
	}
}

// describeBad names what went non-finite: the site reported by the
// objective, else the first parameter with a non-finite gradient.
func describeBad(s StepStats, loss float64, params []*ad.Param) string {
	if s.BadSite != "" {
		return fmt.Sprintf("site %q has a non-finite log-density (loss %v)", s.BadSite, loss)
	}
	for _, p := range params {
		for i, g := range p.Grad {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				return fmt.Sprintf("parameter %q[%d] has gradient %v", p.Name, i, g)
			}
		}
		for i, v := range p.Val {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("parameter %q[%d] = %v", p.Name, i, v)
			}
		}
	}
	return fmt.Sprintf("loss %v", loss)
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func median(x []float64) float64 {
	y := append([]float64(nil), x...)
	sort.Float64s(y)
	n := len(y)
	if n%2 == 1 {
		return y[n/2]
	}
	return 0.5 * (y[n/2-1] + y[n/2])
}
