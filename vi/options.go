package vi

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

// newConfig applies the options to Fit's defaults.
func newConfig(opts []Option) config {
	c := config{maxSteps: 10000, seed: 1, progressEvery: 100, maxFailures: 10, shrink: 0.5, draws: 1000, evalEvery: 100}
	for _, o := range opts {
		o(&c)
	}
	if c.window <= 0 {
		c.window = max(int(0.1*float64(c.maxSteps)/float64(max(c.evalEvery, 1))), 2)
	}
	return c
}
