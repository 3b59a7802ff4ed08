package bench

import (
	"fmt"
	"io"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/internal/benchdata"
)

// runW2 is SPEC.md's W2: KL between 256 pairs of 32-dimensional
// full-covariance normals, building both batched distributions from their
// covariance matrices (Cholesky factorization and validation included) and
// computing the 256 values in one call; 3 warm-up calls, median of 21.
// Metrics ms_per_call, sum_kl.
func runW2(w io.Writer, cfg Config) error {
	pairs, err := benchdata.ReadMVNPairs(cfg.Data)
	if err != nil {
		return err
	}
	var kl ad.Var
	var cerr error
	call := func() { kl, cerr = w2KL(pairs) }
	ms := MedianMillis(call, 3, 21)
	if cerr != nil {
		return cerr
	}
	Emit(w, "W2", "ms_per_call", math.Round(ms*1e4)/1e4, nil)
	Emit(w, "W2", "sum_kl", sum(kl.Value()), nil)
	return nil
}

// w2KL is W2's timed call.
func w2KL(m benchdata.MVNPairs) (ad.Var, error) {
	b, d := m.N, m.D
	p, e1 := dist.MultivariateNormalCov(ad.Const(b, d, m.M1), ad.Const(b, d*d, m.S1))
	q, e2 := dist.MultivariateNormalCov(ad.Const(b, d, m.M2), ad.Const(b, d*d, m.S2))
	if e1 != nil || e2 != nil {
		return ad.Var{}, fmt.Errorf("%v %v", e1, e2)
	}
	return dist.KL(p, q)
}
