package dist

import (
	"math"
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/stretchr/testify/require"
)

// TestKLNormalValidating checks KL(Normal || Normal) on unvalidated struct
// literals whose parameters are full grids, the case in which the kernel
// validates while it computes: valid parameters give the bits of the
// validated path (NormalOf, then the rule), and a parameter out of range
// gives exactly the error Validate gives, whichever parameter, position
// and value it is.
func TestKLNormalValidating(t *testing.T) {
	const b, c = 3000, 2
	rng := newRNG(43)
	n := b * c
	vals := make([][]float64, 4) // m1, s1, m2, s2
	for k := range vals {
		vals[k] = make([]float64, n)
		for i := range vals[k] {
			if k%2 == 0 {
				vals[k][i] = 3 * rng.NormFloat64()
			} else {
				vals[k][i] = math.Exp(rng.NormFloat64())
			}
		}
	}
	lit := func() (Normal, Normal) {
		return Normal{Loc: ad.Const(b, c, vals[0]), Scale: ad.Const(b, c, vals[1])},
			Normal{Loc: ad.Const(b, c, vals[2]), Scale: ad.Const(b, c, vals[3])}
	}
	p, q := lit()
	got, err := KL(p, q)
	require.NoError(t, err)
	want, err := klNormalNormal(Must(NormalOf(p.Loc, p.Scale)), Must(NormalOf(q.Loc, q.Scale)))
	require.NoError(t, err)
	for i, w := range want.Value() {
		require.Equal(t, math.Float64bits(w), math.Float64bits(got.Value()[i]), "row %d", i)
	}
	gotOf, err := KLOf(p, q)
	require.NoError(t, err)
	require.Equal(t, want.Value(), gotOf.Value(), "KLOf")

	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -0.5}
	for k := range vals {
		for _, at := range []int{0, 1, n / 2, n - 1} {
			for _, v := range bad {
				if k%2 == 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
					continue // finite locations are valid
				}
				old := vals[k][at]
				vals[k][at] = v
				p, q := lit()
				wantErr := p.Validate()
				if wantErr == nil {
					wantErr = q.Validate()
				}
				_, err := KL(p, q)
				vals[k][at] = old
				require.Error(t, wantErr, "param %d = %v at %d", k, v, at)
				require.EqualError(t, err, wantErr.Error(), "param %d = %v at %d", k, v, at)
			}
		}
	}
}

// TestKLNormalUserRule checks that a user's rule for (Normal, Normal)
// replaces the built-in one in KL, also for full grids (where KL would
// otherwise take the validating kernel path).
func TestKLNormalUserRule(t *testing.T) {
	defer func() {
		RegisterKL(klNormalNormal)
		registerValidating(klNormalValidating)
	}()
	RegisterKL(func(p, q Normal) (ad.Var, error) { return ad.Scalar(42), nil })
	p := Normal{Loc: ad.Col([]float64{0, 1}), Scale: ad.Col([]float64{1, 2})}
	kl, err := KL(p, p)
	require.NoError(t, err)
	require.Equal(t, []float64{42}, kl.Value(), "the user's rule")
}
