package dist

import (
	"math"
	"math/big"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gmat "gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
)

func TestKLMVNAgainstDenseFormula(t *testing.T) {
	rng := newRNG(21)
	for _, d := range []int{1, 2, 3, 5, 10} {
		for k := 0; k < 3; k++ {
			m1, m2 := randVecMVN(rng, d, 1), randVecMVN(rng, d, 1)
			s1, s2 := randSPDMVN(rng, d, 0.5), randSPDMVN(rng, d, 0.5)
			p, q := Must(NewMultivariateNormal(m1, s1)), Must(NewMultivariateNormal(m2, s2))
			got := klScalar(t, p, q)
			assertRel(t, denseKLMVN(t, m1, s1, m2, s2), got, 1e-12, "d=%d dense formula", d)
			ref := distmv.KullbackLeibler{}.DistNormal(gonumNormalMVN(t, m1, s1, 1), gonumNormalMVN(t, m2, s2, 1))
			assertRel(t, ref, got, 1e-12, "d=%d gonum distmv", d)
			assert.Equal(t, 0.0, klScalar(t, p, p), "KL(p||p)")
		}
	}
}

func TestKLMVNMonteCarlo(t *testing.T) {
	rng := newRNG(22)
	const d = 3
	m1, m2 := randVecMVN(rng, d, 1), randVecMVN(rng, d, 1)
	s1, s2 := randSPDMVN(rng, d, 0.5), randSPDMVN(rng, d, 0.5)
	p, q := Must(NewMultivariateNormal(m1, s1)), Must(NewMultivariateNormal(m2, s2))
	est, se := mcKLGonumMVN(gonumNormalMVN(t, m1, s1, 5), gonumNormalMVN(t, m2, s2, 6), 200000)
	assert.InDelta(t, est, klScalar(t, p, q), 5*se, "KL by Monte Carlo with gonum distmv")
	// And with our own sampler and density.
	checkKLMonteCarlo(t, p, q, rng, 100000, 5)
}

func TestKLMVNBatchAndNonNegative(t *testing.T) {
	rng := newRNG(23)
	const b, d = 4, 3
	var locs, covs []float64
	for range b {
		locs = append(locs, randVecMVN(rng, d, 1)...)
		covs = append(covs, randSPDMVN(rng, d, 0.2)...)
	}
	p := Must(MultivariateNormalCov(ad.Const(b, d, locs), ad.Const(b, d*d, covs)))
	// q is shared (one row) across the batch.
	qm, qs := randVecMVN(rng, d, 1), randSPDMVN(rng, d, 1)
	q := Must(NewMultivariateNormal(qm, qs))
	kl, err := KL(p, q)
	require.NoError(t, err)
	require.Equal(t, [2]int{b, 1}, [2]int{kl.Rows(), kl.Cols()})
	for i := 0; i < b; i++ {
		assertRel(t, denseKLMVN(t, locs[i*d:(i+1)*d], covs[i*d*d:(i+1)*d*d], qm, qs), kl.Value()[i], 1e-12, "row %d", i)
	}
	for range 300 {
		d := 1 + rng.IntN(6)
		p := Must(NewMultivariateNormal(randVecMVN(rng, d, 2), randSPDMVN(rng, d, 0.01+rng.Float64())))
		q := Must(NewMultivariateNormal(randVecMVN(rng, d, 2), randSPDMVN(rng, d, 0.01+rng.Float64())))
		assert.GreaterOrEqual(t, klScalar(t, p, q), 0.0)
	}
	_, err = KL(Must(NewMultivariateNormal([]float64{0, 0}, []float64{1, 0, 0, 1})), Must(NewMultivariateNormal([]float64{0}, []float64{1})))
	assert.Error(t, err, "dimensions differ")
}

// TestKLMVNNearEqual perturbs p away from q by a relative 1e-6 (KL about
// 1e-12) and compares with exact big-float values of the same float64
// parameters, and with the Fisher-information quadratic.
func TestKLMVNNearEqual(t *testing.T) {
	rng := newRNG(24)
	for _, d := range []int{1, 2, 4, 8} {
		mu := randVecMVN(rng, d, 1)
		l2 := cholMVN(t, randSPDMVN(rng, d, 0.5), d)
		// (a) Every entry of the scale factor perturbed by a relative 1e-6.
		l1 := append([]float64(nil), l2...)
		for k := range l1 {
			l1[k] *= 1 + 1e-6*rng.NormFloat64()
		}
		p := Must(MultivariateNormalScaleTril(ad.Row(mu), ad.Row(l1)))
		q := Must(MultivariateNormalScaleTril(ad.Row(mu), ad.Row(l2)))
		want := bigKLTrilMVN(mu, l1, mu, l2, d)
		require.Greater(t, want, 1e-17)
		require.Less(t, want, 1e-10)
		assertRel(t, want, klScalar(t, p, q), 1e-9, "d=%d scale perturbed", d)
		assertRel(t, bigKLTrilMVN(mu, l2, mu, l1, d), klScalar(t, q, p), 1e-9, "d=%d reversed", d)
		// (b) The mean perturbed by 1e-6 (in units of the scale).
		m1 := append([]float64(nil), mu...)
		for k := range m1 {
			m1[k] += 1e-6 * rng.NormFloat64()
		}
		p = Must(MultivariateNormalScaleTril(ad.Row(m1), ad.Row(l2)))
		assertRel(t, bigKLTrilMVN(m1, l2, mu, l2, d), klScalar(t, p, q), 1e-9, "d=%d loc perturbed", d)
		// (c) The covariance perturbed: S₁ = S₂ + ε H. The Fisher quadratic
		// is KL ≈ ¼ ε² tr((S₂⁻¹H)²), relative error O(ε).
		s2 := outerMVN(l2, d)
		h := randSPDMVN(rng, d, 0)
		const eps = 1e-6
		s1 := append([]float64(nil), s2...)
		for k := range s1 {
			s1[k] += eps * h[k]
		}
		pc := Must(NewMultivariateNormal(mu, s1))
		qc := Must(NewMultivariateNormal(mu, s2))
		fisher := 0.25 * eps * eps * traceSquareMVN(t, s2, h, d)
		assertRel(t, fisher, klScalar(t, pc, qc), 1e-5, "d=%d covariance perturbed, Fisher quadratic", d)
		// Exact value for the factors actually used.
		assertRel(t, bigKLTrilMVN(mu, pc.ScaleTril.Value(), mu, qc.ScaleTril.Value(), d), klScalar(t, pc, qc), 1e-9, "d=%d covariance perturbed, exact", d)
	}
}

// traceSquareMVN returns tr((S⁻¹H)²) with gonum.
func traceSquareMVN(t *testing.T, s, h []float64, d int) float64 {
	t.Helper()
	var inv, a, a2 gmat.Dense
	require.NoError(t, inv.Inverse(gmat.NewDense(d, d, append([]float64(nil), s...))))
	a.Mul(&inv, gmat.NewDense(d, d, append([]float64(nil), h...)))
	a2.Mul(&a, &a)
	return gmat.Trace(&a2)
}

func TestKLMVNGradients(t *testing.T) {
	rng := newRNG(25)
	const d = 3
	tril := func(n int) ad.Matrix {
		var data []float64
		for range n {
			data = append(data, cholMVN(t, randSPDMVN(rng, d, 0.5), d)...)
		}
		return ad.Matrix{Rows: n, Cols: d * d, Data: data}
	}
	locs := func(n int) ad.Matrix { return ad.Matrix{Rows: n, Cols: d, Data: randVecMVN(rng, n*d, 1)} }
	build := func(v []ad.Var) (Distribution, Distribution) {
		return MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}, MultivariateNormal{Loc: v[2], ScaleTril: trilMVN(v[3], d)}
	}
	checkKLGrad(t, build, []ad.Matrix{locs(2), tril(2), locs(2), tril(2)}, nil)
	checkKLGrad(t, build, []ad.Matrix{locs(1), tril(3), locs(3), tril(1)}, nil)
	// Through the covariance constructors (symmetric by construction).
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		sym := func(x ad.Var) ad.Var {
			a := ad.Reshape(x, d, d)
			return ad.Reshape(ad.Scale(ad.Add(a, ad.Transpose(a)), 0.5), 1, d*d)
		}
		p := Must(MultivariateNormalCov(v[0], sym(v[1])))
		q := Must(MultivariateNormalPrecision(v[2], sym(v[3])))
		kl, err := KL(p, q)
		if err != nil {
			panic(err)
		}
		return kl
	}, []ad.Matrix{locs(1), row(randSPDMVN(rng, d, 0.5)...), locs(1), row(randSPDMVN(rng, d, 0.5)...)}, nil)
	assert.NoError(t, err, "KL gradient through the covariance and precision constructors")
}

func TestKLMVNNormal(t *testing.T) {
	rng := newRNG(26)
	const d = 4
	// A MultivariateNormal with diagonal covariance against a Normal equals
	// the Normal-Normal KL, both ways.
	m1, sd1 := randVecMVN(rng, d, 1), []float64{0.5, 1.2, 2, 0.9}
	m2, sd2 := randVecMVN(rng, d, 1), []float64{1.1, 0.7, 1.5, 3}
	diag := make([]float64, d*d)
	for j := 0; j < d; j++ {
		diag[j*d+j] = sd1[j]
	}
	mvn := Must(MultivariateNormalScaleTril(ad.Row(m1), ad.Row(diag)))
	n1 := Must(NormalOf(ad.Row(m1), ad.Row(sd1)))
	n2 := Must(NormalOf(ad.Row(m2), ad.Row(sd2)))
	want := klScalar(t, n1, n2)
	assertRel(t, want, klScalar(t, mvn, n2), 1e-14, "KL(MVN diag || Normal)")
	want = klScalar(t, n2, n1)
	assertRel(t, want, klScalar(t, n2, mvn), 1e-14, "KL(Normal || MVN diag)")
	// A full covariance against a diagonal Normal: the dense formula.
	s1 := randSPDMVN(rng, d, 0.5)
	full := Must(NewMultivariateNormal(m1, s1))
	s2 := make([]float64, d*d)
	for j := 0; j < d; j++ {
		s2[j*d+j] = sd2[j] * sd2[j]
	}
	assertRel(t, denseKLMVN(t, m1, s1, m2, s2), klScalar(t, full, n2), 1e-12, "KL(MVN || Normal)")
	assertRel(t, denseKLMVN(t, m2, s2, m1, s1), klScalar(t, n2, full), 1e-12, "KL(Normal || MVN)")
	// A Normal with one shared column is the isotropic Gaussian.
	iso := Must(NewNormal(0.3, 1.7))
	siso := make([]float64, d*d)
	miso := make([]float64, d)
	for j := 0; j < d; j++ {
		siso[j*d+j] = 1.7 * 1.7
		miso[j] = 0.3
	}
	assertRel(t, denseKLMVN(t, m1, s1, miso, siso), klScalar(t, full, iso), 1e-12, "KL(MVN || scalar Normal)")
	checkKLMonteCarlo(t, full, n2, rng, 100000, 5)
	checkKLMonteCarlo(t, n2, full, rng, 100000, 5)
	_, err := KL(full, Must(NormalOf(ad.Row([]float64{0, 0}), ad.Row([]float64{1, 1}))))
	assert.Error(t, err, "widths 4 and 2")

	// Gradients, both orders, with batched and broadcast Normal parameters.
	tril := func() []float64 { return cholMVN(t, randSPDMVN(rng, d, 0.5), d) }
	pos := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 0.5 + rng.Float64()
		}
		return x
	}
	params := []ad.Matrix{
		{Rows: 2, Cols: d, Data: randVecMVN(rng, 2*d, 1)}, {Rows: 2, Cols: d * d, Data: append(tril(), tril()...)},
		row(randVecMVN(rng, d, 1)...), {Rows: 2, Cols: d, Data: pos(2 * d)},
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}, Normal{Loc: v[2], Scale: v[3]}
	}, params, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Normal{Loc: v[2], Scale: v[3]}, MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}
	}, params, nil)
	scalarParams := []ad.Matrix{params[0], params[1], mat(0.2), col(0.8, 1.3)}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}, Normal{Loc: v[2], Scale: v[3]}
	}, scalarParams, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Normal{Loc: v[2], Scale: v[3]}, MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}
	}, scalarParams, nil)
}

// TestDiagTermMVN checks (1+e)² - 1 - 2 log1p(e) against big-float values
// across the switch between its series and its closed form.
func TestDiagTermMVN(t *testing.T) {
	for _, e := range []float64{-0.45, -0.2, -0.1000001, -0.0999999, -0.03, -1e-3, -1e-8, 1e-12, 1e-6, 0.004, 0.05, 0.0999999, 0.1, 0.3, 0.49} {
		x := bigFMVN(e)
		one := bigFMVN(1)
		r := new(big.Float).SetPrec(bigPrecMVN).Add(one, x)
		r.Mul(r, r)
		r.Sub(r, one)
		lg := bigLog1pMVN(x)
		r.Sub(r, lg.Mul(lg, bigFMVN(2)))
		want, _ := r.Float64()
		assertRel(t, want, diagTermMVN(e), 1e-14, "e = %v", e)
	}
	for _, e := range []float64{-0.9, 0.7, 3, 100} {
		assertRel(t, special.LogRatioM1(2*math.Log1p(e)), diagTermMVN(e), 1e-14, "e = %v", e)
	}
}

// TestMVNDeterministic checks that values and gradients of the Gaussian
// kernels do not depend on the number of goroutines.
func TestMVNDeterministic(t *testing.T) {
	rng := newRNG(27)
	const b, d, k = 256, 8, 2 // large enough for every parallel path
	var covs []float64
	for range b {
		covs = append(covs, randSPDMVN(rng, d, 0.5)...)
	}
	locs, x := randVecMVN(rng, b*d, 1), randVecMVN(rng, 4*b*d, 2)
	ws, dgs := randVecMVN(rng, b*d*k, 1), randPosMVN(rng, b*d, 0.2)
	run := func() [][]float64 {
		tp := ad.NewTape()
		cov := tp.Input(b, d*d, covs)
		loc := tp.Input(1, d, locs[:d])
		xv := tp.Input(4*b, d, x)
		w := tp.Input(b, d*k, ws)
		dg := tp.Input(1, d, dgs[:d])
		p := Must(MultivariateNormalCov(loc, cov))
		q := Must(NewMultivariateNormal(locs[d:2*d], covs[:d*d]))
		lr := Must(LowRankMultivariateNormalOf(loc, w, dg))
		kl1, err := KL(p, q)
		require.NoError(t, err)
		kl2, err := KL(lr, Must(LowRankMultivariateNormalOf(ad.Row(locs[:d]), ad.Row(ws[:d*k]), ad.Row(dgs[d:2*d]))))
		require.NoError(t, err)
		s := ad.Add(ad.Add(ad.Sum(kl1), ad.Sum(kl2)), ad.Add(ad.Sum(p.LogProb(xv)), ad.Sum(lr.LogProb(xv))))
		tp.Backward(s)
		out := [][]float64{{s.Scalar()}}
		for _, v := range []ad.Var{cov, loc, xv, w, dg} {
			out = append(out, append([]float64(nil), v.Grad()...))
		}
		return out
	}
	old := runtime.GOMAXPROCS(1)
	one := run()
	runtime.GOMAXPROCS(4)
	four := run()
	runtime.GOMAXPROCS(old)
	assert.Equal(t, one, four)
}
