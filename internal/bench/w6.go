package bench

import (
	"context"
	"io"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// runW6 is SPEC.md's W6: fit N(m, s) to 0.5 N(-3, 1) + 0.5 N(3, 1) by
// reverse and by forward KL from m = 1, s = 0.5 (Adam 0.01, 4,000 steps of
// 256 draws), reporting the averages of m and s over the last 1,000 steps
// and both KL values at the fit by the trapezoidal rule. The fits are the
// ones of `kldiv demo`.
func runW6(w io.Writer, _ Config) error {
	rev, err := BimodalFit(elbo.Trace{Particles: 256}, 1)
	if err != nil {
		return err
	}
	fwd, err := BimodalFit(elbo.ForwardKLSamples{N: 256, Sample: BimodalSamples}, 2)
	if err != nil {
		return err
	}
	klr, _ := BimodalKL(rev[0], rev[1])
	_, klf := BimodalKL(fwd[0], fwd[1])
	Emit(w, "W6", "reverse_m", rev[0], nil)
	Emit(w, "W6", "reverse_s", rev[1], nil)
	Emit(w, "W6", "forward_m", fwd[0], nil)
	Emit(w, "W6", "forward_s", fwd[1], nil)
	Emit(w, "W6", "kl_reverse_at_fit", klr, nil)
	Emit(w, "W6", "kl_forward_at_fit", klf, nil)
	return nil
}

// Bimodal is W6's target 0.5 N(-3, 1) + 0.5 N(3, 1) as a model of one
// latent site "z".
func Bimodal(p *vi.Program) {
	z := p.Sample("z", vi.Flat{Cols: 1})
	a := dist.Normal{Loc: ad.Scalar(-3), Scale: ad.Scalar(1)}.LogProb(z)
	b := dist.Normal{Loc: ad.Scalar(3), Scale: ad.Scalar(1)}.LogProb(z)
	p.Factor("target", ad.Shift(ad.LogSumExpCols(ad.ConcatCols(a, b)), math.Log(0.5)))
}

// BimodalDensity is the density of W6's target at x.
func BimodalDensity(x float64) float64 {
	return 0.5*math.Exp(-0.5*(x+3)*(x+3))/math.Sqrt(2*math.Pi) + 0.5*math.Exp(-0.5*(x-3)*(x-3))/math.Sqrt(2*math.Pi)
}

// BimodalSamples draws n values of W6's target for site "z" (the draws of
// the forward-KL fit).
func BimodalSamples(rng *rand.Rand, n int) map[string]ad.Matrix {
	x := make([]float64, n)
	for i := range x {
		c := 3.0
		if rng.IntN(2) == 0 {
			c = -3
		}
		x[i] = c + rng.NormFloat64()
	}
	return map[string]ad.Matrix{"z": {Rows: n, Cols: 1, Data: x}}
}

// BimodalFit fits q = N(m, s) from m = 1, s = 0.5 to the bimodal target
// with the objective (Adam 0.01, 4,000 steps) and returns the averages of
// m and s over the last 1,000 steps.
func BimodalFit(obj vi.Objective, seed uint64) ([2]float64, error) {
	var trail [][2]float64
	guide := vi.GuideFunc(func(p *vi.Program) {
		mm := p.Param("m", 1, 1, []float64{1}, nil)
		ls := p.Param("log_s", 1, 1, []float64{math.Log(0.5)}, nil)
		trail = append(trail, [2]float64{mm.Scalar(), math.Exp(ls.Scalar())})
		p.Sample("z", dist.Normal{Loc: mm, Scale: ad.Exp(ls)})
	})
	if _, err := vi.Fit(context.Background(), Bimodal, guide, obj, optim.NewAdam(0.01), vi.MaxSteps(4000), vi.Seed(seed), vi.Draws(0)); err != nil {
		return [2]float64{}, err
	}
	var out [2]float64
	for _, v := range trail[len(trail)-1000:] {
		out[0] += v[0] / 1000
		out[1] += v[1] / 1000
	}
	return out, nil
}

// BimodalKL returns KL(q||p) and KL(p||q) for q = N(m, s) against the
// bimodal target by the trapezoidal rule on 60,001 points over [-30, 30].
func BimodalKL(m, s float64) (rev, fwd float64) {
	const n = 60001
	h := 60.0 / (n - 1)
	for i := 0; i < n; i++ {
		x := -30 + float64(i)*h
		p := BimodalDensity(x)
		z := (x - m) / s
		q := math.Exp(-0.5*z*z) / (s * math.Sqrt(2*math.Pi))
		wt := h
		if i == 0 || i == n-1 {
			wt = h / 2
		}
		if q > 0 {
			rev += wt * q * (math.Log(q) - math.Log(p))
		}
		if p > 0 {
			fwd += wt * p * (math.Log(p) - math.Log(q))
		}
	}
	return rev, fwd
}
