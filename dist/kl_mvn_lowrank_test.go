package dist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// lowRankCaseMVN is one random low-rank normal with its dense covariance.
type lowRankCaseMVN struct {
	loc, w, dg, cov []float64
	k               int
	dist            LowRankMultivariateNormal
}

func randLowRankMVN(t *testing.T, rng interface {
	NormFloat64() float64
	Float64() float64
}, d, k int) lowRankCaseMVN {
	t.Helper()
	loc := make([]float64, d)
	w := make([]float64, d*k)
	dg := make([]float64, d)
	for i := range loc {
		loc[i] = rng.NormFloat64()
		dg[i] = 0.2 + rng.Float64()
	}
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	return lowRankCaseMVN{loc: loc, w: w, dg: dg, k: k, cov: denseLowRankMVN(w, dg, d, k),
		dist: Must(NewLowRankMultivariateNormal(loc, w, dg))}
}

func TestKLLowRankAgainstDenseFormula(t *testing.T) {
	rng := newRNG(41)
	for _, c := range [][3]int{{1, 1, 1}, {2, 1, 2}, {4, 2, 3}, {6, 3, 1}, {10, 2, 2}, {3, 5, 4}} {
		d := c[0]
		p, q := randLowRankMVN(t, rng, d, c[1]), randLowRankMVN(t, rng, d, c[2])
		want := denseKLMVN(t, p.loc, p.cov, q.loc, q.cov)
		assertRel(t, want, klScalar(t, p.dist, q.dist), 1e-12, "%v LowRank-LowRank", c)
		pm := Must(NewMultivariateNormal(p.loc, p.cov))
		qm := Must(NewMultivariateNormal(q.loc, q.cov))
		assertRel(t, want, klScalar(t, pm, q.dist), 1e-12, "%v MVN-LowRank", c)
		assertRel(t, want, klScalar(t, p.dist, qm), 1e-12, "%v LowRank-MVN", c)
		assert.Equal(t, 0.0, klScalar(t, p.dist, p.dist), "KL(p||p)")
		assert.InDelta(t, 0.0, klScalar(t, pm, p.dist), 1e-13, "KL(MVN p || LowRank p)")
	}
	for range 200 {
		d := 1 + rng.IntN(6)
		p, q := randLowRankMVN(t, rng, d, 1+rng.IntN(3)), randLowRankMVN(t, rng, d, 1+rng.IntN(3))
		assert.GreaterOrEqual(t, klScalar(t, p.dist, q.dist), 0.0)
	}
	p, q := randLowRankMVN(t, rng, 3, 2), randLowRankMVN(t, rng, 3, 1)
	est, se := mcKLGonumMVN(gonumNormalMVN(t, p.loc, p.cov, 7), gonumNormalMVN(t, q.loc, q.cov, 8), 200000)
	assert.InDelta(t, est, klScalar(t, p.dist, q.dist), 5*se, "Monte Carlo with gonum distmv")
	checkKLMonteCarlo(t, p.dist, q.dist, rng, 100000, 5)
	_, err := KL(p.dist, randLowRankMVN(t, rng, 2, 1).dist)
	assert.Error(t, err, "dimensions differ")
}

func TestKLLowRankBatch(t *testing.T) {
	rng := newRNG(42)
	const b, d, kp, kq = 3, 4, 2, 3
	locs, ws, dgs := randVecMVN(rng, b*d, 1), randVecMVN(rng, b*d*kp, 1), randPosMVN(rng, d, 0.3)
	p := Must(LowRankMultivariateNormalOf(ad.Const(b, d, locs), ad.Const(b, d*kp, ws), ad.Row(dgs)))
	q := randLowRankMVN(t, rng, d, kq)
	kl, err := KL(p, q.dist)
	require.NoError(t, err)
	require.Equal(t, b, kl.Rows())
	for i := 0; i < b; i++ {
		want := denseKLMVN(t, locs[i*d:(i+1)*d], denseLowRankMVN(ws[i*d*kp:(i+1)*d*kp], dgs, d, kp), q.loc, q.cov)
		assertRel(t, want, kl.Value()[i], 1e-12, "row %d", i)
	}
}

// TestKLLowRankNearEqual perturbs every parameter of p by a relative 1e-6
// from q and compares with exact big-float values computed from the
// parameters (covariances formed and factored in big arithmetic).
func TestKLLowRankNearEqual(t *testing.T) {
	rng := newRNG(43)
	for _, dk := range [][2]int{{1, 1}, {3, 1}, {5, 2}, {8, 3}} {
		d, k := dk[0], dk[1]
		q := randLowRankMVN(t, rng, d, k)
		pert := func(x []float64) []float64 {
			y := append([]float64(nil), x...)
			for i := range y {
				y[i] *= 1 + 1e-6*rng.NormFloat64()
			}
			return y
		}
		for _, which := range []string{"cov_factor", "cov_diag", "loc", "all"} {
			pl, pw, pd := q.loc, q.w, q.dg
			switch which {
			case "cov_factor":
				pw = pert(q.w)
			case "cov_diag":
				pd = pert(q.dg)
			case "loc":
				pl = pert(q.loc)
			default:
				pl, pw, pd = pert(q.loc), pert(q.w), pert(q.dg)
			}
			p := Must(NewLowRankMultivariateNormal(pl, pw, pd))
			want := bigKLFactorsMVN(pl, bigCholMVN(bigLowRankCovMVN(pw, pd, d, k)), q.loc, bigCholMVN(bigLowRankCovMVN(q.w, q.dg, d, k)))
			require.Less(t, want, 1e-9)
			assertRel(t, want, klScalar(t, p, q.dist), 1e-6, "d=%d k=%d %s perturbed (KL %.3g)", d, k, which, want)
			want = bigKLFactorsMVN(q.loc, bigCholMVN(bigLowRankCovMVN(q.w, q.dg, d, k)), pl, bigCholMVN(bigLowRankCovMVN(pw, pd, d, k)))
			assertRel(t, want, klScalar(t, q.dist, p), 1e-6, "d=%d k=%d %s perturbed, reversed", d, k, which)
			// The cross pairs with the same covariances.
			pm := Must(NewMultivariateNormal(pl, denseLowRankMVN(pw, pd, d, k)))
			assertRel(t, klScalar(t, p, q.dist), klScalar(t, pm, q.dist), 1e-6, "d=%d k=%d %s MVN-LowRank", d, k, which)
		}
	}
}

func TestKLLowRankGradients(t *testing.T) {
	rng := newRNG(44)
	const d = 3
	m := func(r, c int) ad.Matrix { return ad.Matrix{Rows: r, Cols: c, Data: randVecMVN(rng, r*c, 1)} }
	pos := func(r int) ad.Matrix { return ad.Matrix{Rows: r, Cols: d, Data: randPosMVN(rng, r*d, 0.3)} }
	lr := func(v []ad.Var) LowRankMultivariateNormal {
		return LowRankMultivariateNormal{Loc: v[0], CovFactor: v[1], CovDiag: v[2]}
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) { return lr(v[:3]), lr(v[3:]) },
		[]ad.Matrix{m(2, d), m(2, 2*d), pos(2), m(2, d), m(2, 3*d), pos(2)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) { return lr(v[:3]), lr(v[3:]) },
		[]ad.Matrix{m(1, d), m(3, d), pos(1), m(3, d), m(1, 2*d), pos(3)}, nil)
	// Close to each other: the value comes from the dense form, the
	// gradient from the Woodbury form.
	base := []ad.Matrix{m(1, d), m(1, 2*d), pos(1)}
	near := make([]ad.Matrix, 3)
	for i, b := range base {
		near[i] = ad.Matrix{Rows: b.Rows, Cols: b.Cols, Data: append([]float64(nil), b.Data...)}
		for j := range near[i].Data {
			near[i].Data[j] *= 1 + 1e-3*rng.NormFloat64()
		}
	}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) { return lr(v[:3]), lr(v[3:]) },
		append(near, base...), &ad.CheckOptions{AbsTol: 1e-8})
	// Cross pairs, gradients through the dense Cholesky factor.
	tril := ad.Matrix{Rows: 1, Cols: d * d, Data: cholMVN(t, randSPDMVN(rng, d, 0.5), d)}
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}, lr(v[2:])
	}, []ad.Matrix{m(2, d), tril, m(1, d), m(2, 2*d), pos(1)}, nil)
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return lr(v[2:]), MultivariateNormal{Loc: v[0], ScaleTril: trilMVN(v[1], d)}
	}, []ad.Matrix{m(2, d), tril, m(1, d), m(2, 2*d), pos(1)}, nil)
}
