package vi

import (
	"context"
	"errors"

	"github.com/kldiv/kldiv/optim"
)

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
// Fit is NewFitter followed by Fitter.Run.
func Fit(ctx context.Context, model Model, guide Guide, obj Objective, opt optim.Optimizer, opts ...Option) (*Result, error) {
	f, err := NewFitter(model, guide, obj, opt, opts...)
	if err != nil {
		return nil, err
	}
	return f.Run(ctx)
}
