package vi

import (
	"fmt"
	"io"
	"math"
	"time"
)

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

// progressReporter averages the step estimates between two reports and
// calls the OnProgress callback every ProgressEvery steps, when the fit
// stops and at the last step.
type progressReporter struct {
	f        func(Progress)
	every    int
	start    time.Time
	last     time.Time
	lastStep int
	elbo, kl float64
	n, kn    int
}

func newProgressReporter(f func(Progress), every, step int) *progressReporter {
	now := time.Now()
	return &progressReporter{f: f, every: every, start: now, last: now, lastStep: step}
}

// add accumulates the statistics of a finite step.
func (r *progressReporter) add(s StepStats) {
	r.elbo += s.ELBO
	r.n++
	if !math.IsNaN(s.KL) {
		r.kl += s.KL
		r.kn++
	}
}

// due reports whether a report is due after step.
func (r *progressReporter) due(step, maxSteps int, stopping bool) bool {
	return r.f != nil && (step%r.every == 0 || stopping || step == maxSteps)
}

// report calls the callback with the means since the last report.
func (r *progressReporter) report(step int, last StepReport, lr float64) {
	now := time.Now()
	p := Progress{Step: step, ELBO: r.elbo / float64(max(r.n, 1)), KL: math.NaN(), Paths: last.Stats.Paths,
		GradNorm: last.GradNorm, LR: lr, Elapsed: now.Sub(r.start)}
	if r.kn > 0 {
		p.KL = r.kl / float64(r.kn)
	}
	if dt := now.Sub(r.last).Seconds(); dt > 0 {
		p.StepsPerSec = float64(step-r.lastStep) / dt
	}
	r.f(p)
	r.last, r.lastStep = now, step
	r.elbo, r.kl, r.n, r.kn = 0, 0, 0, 0
}
