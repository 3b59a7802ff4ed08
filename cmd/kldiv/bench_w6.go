package main

import (
	"io"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/elbo"
)

// benchW6: fit N(m, s) to 0.5 N(-3, 1) + 0.5 N(3, 1) by reverse and by
// forward KL from m = 1, s = 0.5 (Adam 0.01, 4,000 steps of 256 draws),
// reporting the averages of m and s over the last 1,000 steps and both KL
// values at the fit by the trapezoidal rule (SPEC.md W6). The fits are the
// ones of `kldiv demo`.
func benchW6(w io.Writer) error {
	rev, err := w6Fit(elbo.Trace{Particles: 256}, 1)
	if err != nil {
		return err
	}
	target := func(rng *rand.Rand, n int) map[string]ad.Matrix {
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
	fwd, err := w6Fit(elbo.ForwardKLSamples{N: 256, Sample: target}, 2)
	if err != nil {
		return err
	}
	klr, _ := klDirections(rev[0], rev[1])
	_, klf := klDirections(fwd[0], fwd[1])
	emit(w, "W6", "reverse_m", rev[0], nil)
	emit(w, "W6", "reverse_s", rev[1], nil)
	emit(w, "W6", "forward_m", fwd[0], nil)
	emit(w, "W6", "forward_s", fwd[1], nil)
	emit(w, "W6", "kl_reverse_at_fit", klr, nil)
	emit(w, "W6", "kl_forward_at_fit", klf, nil)
	return nil
}
