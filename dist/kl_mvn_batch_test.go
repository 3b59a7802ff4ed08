package dist

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// randTrilRows returns r random d x d lower factors (positive diagonal,
// zero strictly upper part), row-major, as an r x d*d constant.
func randTrilRows(rng *rand.Rand, r, d int) ad.Var {
	v := make([]float64, r*d*d)
	for k := 0; k < r; k++ {
		for i := 0; i < d; i++ {
			for j := 0; j < i; j++ {
				v[k*d*d+i*d+j] = 0.5 * rng.NormFloat64()
			}
			v[k*d*d+i*d+i] = 0.5 + rng.Float64()
		}
	}
	return ad.Const(r, d*d, v)
}

func randRows(rng *rand.Rand, r, c int) ad.Var {
	v := make([]float64, r*c)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return ad.Const(r, c, v)
}

// TestKLTrilBatchMatchesRows checks the interleaved batch values against
// the pair-at-a-time klTrilRows (an independent implementation: a
// row-oriented triangular solve) for MultivariateNormal and diagonal
// Normal sides, shared (1-row) parameters and orders 1..40, and that a
// pair's value does not depend on the batch it is in.
func TestKLTrilBatchMatchesRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 60; trial++ {
		d := 1 + rng.IntN(40)
		b := klBatchMin + rng.IntN(21)
		rows := func() int {
			if rng.IntN(4) == 0 {
				return 1
			}
			return b
		}
		side := func() *gaussSide {
			if rng.IntN(4) == 0 {
				r := rows()
				c := d
				if rng.IntN(2) == 0 {
					c = 1
				}
				sc := make([]float64, r*c)
				for i := range sc {
					sc[i] = 0.5 + rng.Float64()
				}
				return normalSideOf(Normal{Loc: randRows(rng, rows(), c), Scale: ad.Const(r, c, sc)}, d)
			}
			return mvnSideOf(MultivariateNormal{Loc: randRows(rng, rows(), d), ScaleTril: randTrilRows(rng, rows(), d)})
		}
		p, q := side(), side()
		if p.diag && q.diag {
			continue
		}
		got, want := make([]float64, b), make([]float64, b)
		klTrilBatch(got, b, d, p, q)
		klTrilRows(want, b, d, p, q)
		for i := range got {
			require.InDelta(t, want[i], got[i], 1e-11*(1+math.Abs(want[i])), "trial %d d=%d b=%d row %d", trial, d, b, i)
		}
		// The last rows alone (a shorter, differently aligned batch) give the same bits.
		if p.lr == b && p.sr == b && q.lr == b && q.sr == b && !p.diag && !q.diag {
			k := b - klBatchMin
			sub := func(s *gaussSide) *gaussSide {
				return &gaussSide{d: d, lv: s.lv[k*d:], sv: s.sv[k*d*d:], lr: b - k, sr: b - k, lc: d, sc: d * d}
			}
			part := make([]float64, b-k)
			klTrilBatch(part, b-k, d, sub(p), sub(q))
			for i := range part {
				require.Equal(t, math.Float64bits(got[k+i]), math.Float64bits(part[i]), "d=%d row %d: value depends on its group", d, k+i)
			}
		}
	}
}
