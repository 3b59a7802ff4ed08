package dist

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/linalg"
)

// randCovRows returns b random covariance matrices G Gᵀ + 0.5 I of order d
// (G standard normal, exactly symmetric), one per row.
func randCovRows(rng *rand.Rand, b, d int) ad.Var {
	v := make([]float64, 0, b*d*d)
	half := slices.Repeat([]float64{0.5}, d)
	for range b {
		g := make([]float64, d*d)
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		v = append(v, denseLowRankMVN(g, half, d, d)...)
	}
	return ad.Const(b, d*d, v)
}

// plainMVN returns m with a copy of its factor values and no interleaved
// factors: the distribution as MultivariateNormalScaleTril would build it.
func plainMVN(m MultivariateNormal) MultivariateNormal {
	r, c := m.ScaleTril.Shape()
	return MultivariateNormal{Loc: m.Loc, ScaleTril: ad.Const(r, c, slices.Clone(m.ScaleTril.Value()))}
}

func requireSameBits(t *testing.T, want, got []float64, msg string, args ...any) {
	t.Helper()
	require.Equal(t, len(want), len(got), msg, args)
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			require.Failf(t, "different bits", "element %d: want %v, got %v; %s %v", i, want[i], got[i], msg, args)
		}
	}
}

// TestKeepInterleaved: the orders whose packed layout (8 P (P + 1)
// values per lane, P = ⌈d/4⌉) is at most twice the factors' size: all
// but 1 and 2.
func TestKeepInterleaved(t *testing.T) {
	for d := 1; d <= 200; d++ {
		assert.Equal(t, d >= 3, keepInterleaved(d), "order %d", d)
	}
}

// TestMVNCovInterleavedFactors checks MultivariateNormalCov's interleaved
// factors (trilGroups) against the row-major path: the lazy ScaleTril has
// the bits of ad.CholeskyRows, and every KL that reads the interleaved
// factors (against a MultivariateNormal with or without them, a diagonal
// Normal, a shared 1-row side) has the bits of the same KL between plain
// copies, for orders 1..33 and batches with short last groups.
func TestMVNCovInterleavedFactors(t *testing.T) {
	if !linalg.GroupFast() {
		t.Skip("no grouped kernels on this CPU: MultivariateNormalCov factors row by row")
	}
	rng := rand.New(rand.NewPCG(31, 32))
	for _, c := range [][2]int{{4, 1}, {13, 2}, {13, 3}, {9, 5}, {6, 4}, {11, 7}, {16, 8}, {5, 9}, {12, 10}, {21, 17}, {8, 32}, {29, 33}} {
		b, d := c[0], c[1]
		cov1, cov2 := randCovRows(rng, b, d), randCovRows(rng, b, d)
		p := Must(MultivariateNormalCov(randRows(rng, b, d), cov1))
		q := Must(MultivariateNormalCov(randRows(rng, 1, d), cov2))
		kept := p.groups.of(p.ScaleTril) && q.groups.of(q.ScaleTril)
		require.Equal(t, keepInterleaved(d), kept, "b=%d d=%d: interleaved factors kept", b, d)
		if !kept {
			require.Nil(t, p.groups, "b=%d d=%d: no interleaved factors", b, d)
		}
		requireSameBits(t, ad.CholeskyRows(cov1, d).Value(), p.ScaleTril.Value(), "b=%d d=%d: ScaleTril", b, d)
		pp, qp := plainMVN(p), plainMVN(q)
		want := Must(KL(pp, qp)).Value()
		for name, pair := range map[string][2]MultivariateNormal{"both": {p, q}, "p": {p, qp}, "q": {pp, q}} {
			requireSameBits(t, want, Must(KL(pair[0], pair[1])).Value(), "b=%d d=%d: KL with interleaved %s", b, d, name)
		}
		one := Must(MultivariateNormalScaleTril(randRows(rng, 1, d), randTrilRows(rng, 1, d)))
		requireSameBits(t, Must(KL(pp, one)).Value(), Must(KL(p, one)).Value(), "b=%d d=%d: against a shared side", b, d)
		requireSameBits(t, Must(KL(one, pp)).Value(), Must(KL(one, p)).Value(), "b=%d d=%d: from a shared side", b, d)
		sc := make([]float64, b*d)
		for i := range sc {
			sc[i] = 0.5 + rng.Float64()
		}
		n := Normal{Loc: randRows(rng, b, d), Scale: ad.Const(b, d, sc)}
		requireSameBits(t, Must(KL(pp, n)).Value(), Must(KL(p, n)).Value(), "b=%d d=%d: KL(MVN || Normal)", b, d)
		requireSameBits(t, Must(KL(n, pp)).Value(), Must(KL(n, p)).Value(), "b=%d d=%d: KL(Normal || MVN)", b, d)
	}
}

// TestMVNCovInterleavedGradient records the partner of an interleaved
// side on a tape: value and gradients equal those against a plain copy.
func TestMVNCovInterleavedGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const b, d = 11, 7
	p := Must(MultivariateNormalCov(randRows(rng, b, d), randCovRows(rng, b, d)))
	require.Equal(t, linalg.GroupFast(), p.groups.of(p.ScaleTril), "interleaved factors kept where the kernels run")
	loc, tril := randRows(rng, b, d).Value(), randTrilRows(rng, b, d).Value()
	run := func(p MultivariateNormal) (float64, []float64, []float64) {
		tp := ad.NewTape()
		ql, qs := tp.Input(b, d, loc), tp.Input(b, d*d, tril)
		q := Must(MultivariateNormalScaleTril(ql, qs))
		out := ad.Sum(Must(KL(p, q)))
		tp.Backward(out)
		return out.Scalar(), slices.Clone(ql.Grad()), slices.Clone(qs.Grad())
	}
	v, gl, gs := run(p)
	wv, wgl, wgs := run(plainMVN(p))
	requireSameBits(t, []float64{wv}, []float64{v}, "value")
	requireSameBits(t, wgl, gl, "gradient of loc")
	requireSameBits(t, wgs, gs, "gradient of scale_tril")
}

// TestMVNCovInterleavedTrust: the interleaved factors vouch only for the
// ScaleTril they were built with. A distribution whose ScaleTril is
// replaced is validated and computed from the new one.
func TestMVNCovInterleavedTrust(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	const b, d = 12, 4
	p := Must(MultivariateNormalCov(randRows(rng, b, d), randCovRows(rng, b, d)))
	q := Must(MultivariateNormalCov(randRows(rng, b, d), randCovRows(rng, b, d)))
	require.NoError(t, p.Validate())

	bad := p
	v := slices.Clone(p.ScaleTril.Value())
	v[5*d*d+2*d+2] = -1 // batch row 5, element (2, 2)
	bad.ScaleTril = ad.Const(b, d*d, v)
	err := bad.Validate()
	require.Error(t, err, "a replaced, invalid ScaleTril must fail Validate")
	assert.Contains(t, err.Error(), "batch row 5", "the error names the row")
	_, err = KL(bad, q)
	require.Error(t, err, "KL validates a replaced ScaleTril")

	other := p
	other.ScaleTril = plainMVN(q).ScaleTril
	got := Must(KL(other, q)).Value()
	want := Must(KL(MultivariateNormal{Loc: p.Loc, ScaleTril: other.ScaleTril}, plainMVN(q))).Value()
	requireSameBits(t, want, got, "KL after replacing ScaleTril uses the new factor")

	// An interleaved side inside Expand (to its own shape): the KL
	// through the wrapper rule has the bits of a plain one.
	e, err := Expand(p, b, d)
	require.NoError(t, err)
	ep, err := Expand(plainMVN(p), b, d)
	require.NoError(t, err)
	requireSameBits(t, Must(KL(ep, q)).Value(), Must(KL(e, q)).Value(), "KL of an expanded side")
}

// TestMVNCovKLDoesNotWriteFactors: KL between two distributions from
// MultivariateNormalCov reads the interleaved factors and never writes
// the row-major ScaleTril (2 MB per side at W2's size); it allocates far
// less than one such copy.
func TestMVNCovKLDoesNotWriteFactors(t *testing.T) {
	if !linalg.GroupFast() {
		t.Skip("no grouped kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(37, 38))
	const b, d = 256, 32
	p := Must(MultivariateNormalCov(randRows(rng, b, d), randCovRows(rng, b, d)))
	q := Must(MultivariateNormalCov(randRows(rng, b, d), randCovRows(rng, b, d)))
	Must(KL(p, q)) // warm the scratch pools
	p = Must(MultivariateNormalCov(p.Loc, ad.Const(b, d*d, slices.Clone(randCovRows(rng, b, d).Value()))))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	kl := Must(KL(p, q))
	runtime.ReadMemStats(&after)
	require.Len(t, kl.Value(), b)
	const factor = b * d * d * 8
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(factor/8), "KL allocated %d bytes; one row-major factor is %d", after.TotalAlloc-before.TotalAlloc, factor)
	// Reading ScaleTril afterwards writes it (and gives the factor).
	requireSameBits(t, plainMVN(p).ScaleTril.Value(), p.ScaleTril.Value(), "ScaleTril after KL")
}
