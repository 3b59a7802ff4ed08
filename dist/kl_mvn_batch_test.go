package dist

import (
	"math"
	"math/rand/v2"
	"runtime"
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
// Normal sides, shared (1-row) parameters, factors with garbage above the
// diagonal (ignored) and orders 1..40, and that a pair's value does not
// depend on the batch it is in.
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
			l := randTrilRows(rng, rows(), d)
			if rng.IntN(3) == 0 { // the strictly upper part must be ignored
				v := l.Value()
				for k := 0; k < l.Rows(); k++ {
					for i := 0; i < d; i++ {
						for j := i + 1; j < d; j++ {
							v[k*d*d+i*d+j] = rng.NormFloat64()
						}
					}
				}
			}
			return mvnSideOf(MultivariateNormal{Loc: randRows(rng, rows(), d), ScaleTril: l})
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

// TestDiagTermsMVN checks the vectorized diagonal terms against
// diagTermMVN (itself checked against special.LogRatioM1) over e in
// (-1, 10], densely around the switch at |e| = 0.1 and near 0.
func TestDiagTermsMVN(t *testing.T) {
	e := []float64{0, 1e-300, -1e-300, 1e-8, -1e-8, 0.0999999, -0.0999999, 0.1, -0.1, -0.999, 10}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 20000 {
		e = append(e, 0.2*rng.Float64()-0.1, 1.999*rng.Float64()-0.999, math.Pow(10, -12*rng.Float64())*(2*rng.Float64()-1))
	}
	got := make([]float64, len(e))
	diagTermsMVN(got, e, make([]float64, len(e)))
	for i, x := range e {
		want := diagTermMVN(x)
		require.InDelta(t, want, got[i], 2e-15*math.Abs(want), "e = %v", x)
	}
}

// BenchmarkW2KLValues times the 256 KL values of W2 from given factors:
// the pair-at-a-time klTrilRows (the former path, kept as the baseline)
// against the interleaved klTrilBatch.
func BenchmarkW2KLValues(b *testing.B) {
	w, why, ok := loadW2MVN(b)
	if !ok {
		b.Skip(why)
	}
	d := w.D
	p := Must(MultivariateNormalCov(ad.Const(w.N, d, w.M1), ad.Const(w.N, d*d, w.S1)))
	q := Must(MultivariateNormalCov(ad.Const(w.N, d, w.M2), ad.Const(w.N, d*d, w.S2)))
	ps, qs := mvnSideOf(p), mvnSideOf(q)
	out := make([]float64, w.N)
	b.Run("rows", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			klTrilRows(out, w.N, d, ps, qs)
		}
	})
	b.Run("batch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			klTrilBatch(out, w.N, d, ps, qs)
		}
	})
}

// TestMVNCovKLDeterministic requires the same bits for the factors of
// MultivariateNormalCov and the batched KL values for GOMAXPROCS 1, 2
// and 8 (groups are split differently across goroutines).
func TestMVNCovKLDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const b, d = 37, 11
	c1, c2 := randCovRows(rng, b, d), randCovRows(rng, b, d)
	m1, m2 := randRows(rng, b, d), randRows(rng, b, d)
	run := func() ([]float64, []float64) {
		p := Must(MultivariateNormalCov(m1, c1))
		q := Must(MultivariateNormalCov(m2, c2))
		kl, err := KL(p, q)
		require.NoError(t, err)
		return p.ScaleTril.Value(), kl.Value()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	l0, k0 := run()
	for _, procs := range []int{2, 8} {
		runtime.GOMAXPROCS(procs)
		l, k := run()
		for i := range l {
			require.Equal(t, math.Float64bits(l0[i]), math.Float64bits(l[i]), "GOMAXPROCS %d: factor value %d", procs, i)
		}
		for i := range k {
			require.Equal(t, math.Float64bits(k0[i]), math.Float64bits(k[i]), "GOMAXPROCS %d: KL %d", procs, i)
		}
	}
}
