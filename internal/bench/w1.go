package bench

import (
	"io"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/benchdata"
)

// w1Pairs is the number of normal pairs of W1.
const w1Pairs = 1_000_000

// runW1 is SPEC.md's W1: KL between 1,000,000 pairs of univariate normals
// in one call (building both batched distributions, with validation, and
// the KL); 3 warm-up calls, median of 21. Metrics ms_per_call, sum_kl.
func runW1(w io.Writer, _ Config) error {
	mu1, s1, mu2, s2 := benchdata.Weyl(w1Pairs)
	var kl ad.Var
	var err error
	call := func() { kl, err = w1KL(mu1, s1, mu2, s2) }
	ms := MedianMillis(call, 3, 21)
	if err != nil {
		return err
	}
	Emit(w, "W1", "ms_per_call", math.Round(ms*1e4)/1e4, nil)
	Emit(w, "W1", "sum_kl", sum(kl.Value()), nil)
	return nil
}

// w1KL is W1's timed call.
func w1KL(mu1, s1, mu2, s2 []float64) (ad.Var, error) {
	// The struct literals do not validate; KL validates both sides once
	// (the peer builds its normals with validate_args=False and checks
	// nothing).
	p := dist.Normal{Loc: ad.Col(mu1), Scale: ad.Col(s1)}
	q := dist.Normal{Loc: ad.Col(mu2), Scale: ad.Col(s2)}
	return dist.KL(p, q)
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
