package vi

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/optim"
)

// Fitter is one variational fit advanced a step at a time. Step makes one
// optimizer update, with the non-finite guard (guard.go), the iterate
// average (average.go) and the convergence rule (converge.go); Run loops
// Step with cancellation, progress reports (progress.go) and checkpoints
// (checkpoint.go) and finishes the Result. Fit is NewFitter then Run.
type Fitter struct {
	model  Model
	guide  Guide
	obj    Objective
	opt    optim.Optimizer
	cfg    config
	env    *Env
	pcg    *rand.PCG
	st     *fitState
	params []*ad.Param
	res    *Result
	stop   string

	guard guard
	conv  convergence
	prog  *progressReporter
	ckpt  checkpointer
	// The current evaluation window: sum and count of the step ELBOs.
	winELBO float64
	winN    int
}

// StepReport is what one Step did.
type StepReport struct {
	// OK is false when the step was skipped because its loss or gradient
	// was not finite.
	OK bool
	// Loss is the objective's loss and GradNorm the L2 norm of its
	// gradient.
	Loss, GradNorm float64
	// Stats are the objective's statistics of the step.
	Stats StepStats
}

// NewFitter sets up a fit of the guide to the model (the model run once
// from its prior, the guide's Setup, a checkpoint restored with Resume)
// with the options of Fit.
func NewFitter(model Model, guide Guide, obj Objective, opt optim.Optimizer, opts ...Option) (*Fitter, error) {
	c := newConfig(opts)
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
	return &Fitter{
		model: model, guide: guide, obj: obj, opt: opt, cfg: c, env: env, pcg: pcg, st: st,
		params: env.Params.Params(),
		res:    &Result{Model: model, Guide: guide, Params: env.Params},
		guard:  guard{maxFailures: c.maxFailures, shrink: c.shrink},
		conv:   convergence{tolRel: c.tolRel, window: c.window},
		prog:   newProgressReporter(c.progress, c.progressEvery, st.Step),
		ckpt:   checkpointer{path: c.checkpoint, every: c.ckptEvery},
	}, nil
}

// Params returns the parameters being fitted (the guide's and the
// model's).
func (f *Fitter) Params() *ParamStore { return f.env.Params }

// Steps returns the number of steps taken (skipped non-finite steps
// included).
func (f *Fitter) Steps() int { return f.st.Step }

// StopReason returns why the fit stopped: "converged" (the Converge rule
// fired), "diverged", "error", "cancelled", "max steps", or "" while it
// may go on.
func (f *Fitter) StopReason() string { return f.stop }

// Step makes one update: the objective's loss and gradient, then the
// optimizer step when both are finite, else the guard's response (see
// NonFinite). It returns an error, and stops the fit, when the objective
// fails or when too many consecutive steps were non-finite (wrapping
// ErrDiverged and naming the site, with the best parameters restored).
// Step does not look at the step budget; Run does.
func (f *Fitter) Step() (StepReport, error) {
	st, env := f.st, f.env
	env.Step = st.Step
	env.Tape.Reset()
	for _, p := range f.params {
		p.ZeroGrad()
	}
	loss, stats, err := f.obj.Loss(env, f.model, f.guide)
	if err != nil {
		f.finish("error")
		return StepReport{}, err
	}
	// Parameters created lazily by the guide or model on the first step.
	if n := len(env.Params.List()); n != len(f.params) {
		f.params = env.Params.Params()
		st.ensureBest(env)
	}
	rep := StepReport{Loss: loss.Scalar(), Stats: stats}
	ok := finite(rep.Loss)
	if ok {
		env.Tape.Backward(loss)
		rep.GradNorm = gradNorm(f.params)
		ok = finite(rep.GradNorm)
	}
	if !ok {
		if f.guard.fail(st, env, f.opt) {
			at := st.Step
			st.Step++ // the failed step counts, as every skipped one does
			f.finish("diverged")
			return rep, fmt.Errorf("%w after %d non-finite steps at step %d: %s", ErrDiverged, st.Failures, at, describeBad(stats, rep.Loss, f.params))
		}
		st.Step++
		return rep, nil
	}
	rep.OK = true
	f.guard.ok(st)
	f.opt.Step(f.params)
	if lo, ok := f.opt.(optim.LossObserver); ok {
		lo.ObserveLoss(rep.Loss)
	}
	st.History = append(st.History, stats.ELBO)
	st.KLHistory = append(st.KLHistory, stats.KL)
	f.winELBO += stats.ELBO
	f.winN++
	st.Step++
	st.Avg.observe(st.Step, env.Params)
	if st.Step%f.cfg.evalEvery == 0 && f.winN > 0 {
		m := f.winELBO / float64(f.winN)
		f.guard.keepBest(st, env, m)
		if f.conv.observe(st, m) {
			f.stop = "converged"
		}
		f.winELBO, f.winN = 0, 0
	}
	return rep, nil
}

// Run steps until the step budget is spent, the fit converges or fails,
// or ctx is cancelled (within one step; the result so far is returned
// with ctx.Err()). It then writes the last checkpoint, applies the iterate
// average and, unless NoFinalEvaluation, draws from the fitted guide.
func (f *Fitter) Run(ctx context.Context) (*Result, error) {
	for f.st.Step < f.cfg.maxSteps {
		if err := ctx.Err(); err != nil {
			f.finish("cancelled")
			return f.res, err
		}
		rep, err := f.Step()
		if err != nil {
			return f.res, err
		}
		if !rep.OK {
			continue
		}
		f.prog.add(rep.Stats)
		if f.prog.due(f.st.Step, f.cfg.maxSteps, f.stop != "") {
			f.prog.report(f.st.Step, rep, f.opt.LearningRate())
		}
		if f.ckpt.due(f.st.Step) {
			if err := f.ckpt.save(f.st, f.env, f.opt, f.pcg); err != nil {
				f.finish("error")
				return f.res, err
			}
		}
		if f.stop != "" {
			break
		}
	}
	if f.stop == "" {
		f.stop = "max steps"
	}
	if err := f.ckpt.save(f.st, f.env, f.opt, f.pcg); err != nil {
		f.finish("error")
		return f.res, err
	}
	f.res.AveragedSteps = f.st.Avg.apply(f.env.Params)
	f.finish(f.stop)
	if !f.cfg.skipFinal {
		if err := f.res.evaluate(f.env, f.cfg.draws); err != nil {
			return f.res, err
		}
	}
	return f.res, nil
}

// finish records the stop reason and fills the result's counters.
func (f *Fitter) finish(stop string) {
	f.stop = stop
	f.res.fill(f.st, f.env, f.cfg, stop)
}
