package posteriordb

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/kldiv/kldiv/vi"
)

// ELBOMargin is the smallest gain in ELBO, in nats, for which ChooseGuide
// prefers a richer guide to a simpler one (besides three standard errors
// of the difference). The gain is the fall in KL(q || p); between
// normals a KL of 0.01 nats is a mean shift of 0.14 sd or an sd off by 7%,
// below the tolerances of the check (0.2 sd, 25%).
const ELBOMargin = 0.01

// Candidate is one guide fitted by ChooseGuide.
type Candidate struct {
	Guide Guide
	// Name is the vi guide used (Fit's second result).
	Name   string
	Result *vi.Result
	// Err is the fit's error, if it failed (then Result may be nil).
	Err error
}

// Choice is the outcome of ChooseGuide.
type Choice struct {
	// Candidates holds the guides fitted, simplest first: MeanField,
	// FullRank, Flow.
	Candidates []Candidate
	// Picked indexes the chosen candidate.
	Picked int
}

// Best returns the chosen candidate.
func (c Choice) Best() Candidate { return c.Candidates[c.Picked] }

// ChooseGuide fits the model with the mean-field, the full-rank and the
// flow guide (as Fit with MeanField, FullRank and Flow) and picks the
// simplest guide that no richer one beats by more than ELBOMargin nats
// plus three standard errors of the ELBO difference. Since
// ELBO = log p(x) - KL(q || p), comparing ELBOs compares the KL
// divergences to the posterior exactly, without a reference: a richer
// family is kept only where the posterior has structure the simpler one
// cannot represent (correlations for full-rank over mean-field; funnels,
// curvature and skew for the flow over full-rank). Fits that fail or end
// with a non-finite ELBO are not picked; ChooseGuide fails only if every
// fit does.
func ChooseGuide(ctx context.Context, model vi.Model, o FitOptions) (Choice, error) {
	var c Choice
	c.Picked = -1
	var errs []error
	for _, g := range []Guide{MeanField, FullRank, Flow} {
		res, name, err := fitModel(ctx, model, g, o)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return c, err
		}
		c.Candidates = append(c.Candidates, Candidate{Guide: g, Name: name, Result: res, Err: err})
		if err != nil || res == nil || math.IsNaN(res.ELBO) || math.IsInf(res.ELBO, 0) {
			if err == nil {
				err = fmt.Errorf("non-finite ELBO")
			}
			errs = append(errs, fmt.Errorf("%s: %w", g, err))
			continue
		}
		i := len(c.Candidates) - 1
		if c.Picked < 0 {
			c.Picked = i
			continue
		}
		b := c.Candidates[c.Picked].Result
		se := math.Sqrt(b.ELBOStdErr*b.ELBOStdErr + res.ELBOStdErr*res.ELBOStdErr)
		if res.ELBO > b.ELBO+ELBOMargin+3*se {
			c.Picked = i
		}
	}
	if c.Picked < 0 {
		return c, fmt.Errorf("posteriordb: ChooseGuide: every fit failed: %w", errors.Join(errs...))
	}
	return c, nil
}

// Independence measures how far a posterior is from independence in
// unconstrained space, from the draws of a full-rank (or richer) fit:
// min_j 1/√(Σ_jj (Σ⁻¹)_jj), with Σ the covariance of the draws of the
// flat site "z". For a Gaussian posterior this is the smallest ratio of a
// conditional to a marginal sd, which is what the optimal mean-field
// normal gets for that coordinate's sd (its variances are the conditional
// ones): 1 for an independent posterior, near 0 for a nearly collinear
// one. The mean-field guide can meet "sds within 25%" only where it is
// above 0.75. NaN when the result has no draws of z.
func Independence(res *vi.Result) float64 {
	z, ok := res.Draws["z"]
	if !ok || z.Rows < z.Cols+2 {
		return math.NaN()
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, mat.NewDense(z.Rows, z.Cols, z.Data), nil)
	var ch mat.Cholesky
	if !ch.Factorize(&cov) {
		return 0
	}
	var prec mat.SymDense
	if err := ch.InverseTo(&prec); err != nil {
		return 0
	}
	r := math.Inf(1)
	for j := 0; j < z.Cols; j++ {
		r = math.Min(r, 1/math.Sqrt(cov.At(j, j)*prec.At(j, j)))
	}
	return r
}
