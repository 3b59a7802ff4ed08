package dist

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// Test helpers for the location/scale families (Laplace, Gumbel, Cauchy,
// HalfCauchy, LogNormal, HalfNormal, Uniform, Exponential, Pareto,
// Weibull). Each compares with an independent computation: mpmath
// references (testdata/locscale_ref.json, written by testdata/gen_locscale_ref.py),
// gonum distuv, formulas written out in the test, quadrature or Monte
// Carlo within stated standard errors.

// famRef is one family entry of testdata/locscale_ref.json.
type famRef struct {
	Family                  string
	Params, X, Logpdf, CDF  []float64
	Mean, Variance, Entropy float64
}

// klRef is one KL entry of testdata/locscale_ref.json.
type klRef struct {
	Family string
	P, Q   []float64
	KL     float64
	Near   bool
}

var locRefOnce struct {
	sync.Once
	fams []famRef
	kls  []klRef
	err  error
}

func parseFloats(ss []string) ([]float64, error) {
	out := make([]float64, len(ss))
	for i, s := range ss {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// locRefs loads the mpmath reference values.
func locRefs(t *testing.T) ([]famRef, []klRef) {
	t.Helper()
	locRefOnce.Do(func() {
		raw, err := os.ReadFile("testdata/locscale_ref.json")
		if err != nil {
			locRefOnce.err = err
			return
		}
		var doc struct {
			Families []struct {
				Family                  string
				Params, X, Logpdf, CDF  []string
				Mean, Variance, Entropy string
			}
			KL []struct {
				Family string
				P, Q   []string
				KL     string
				Near   bool
			}
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			locRefOnce.err = err
			return
		}
		fl := func(ss ...string) []float64 {
			v, err := parseFloats(ss)
			if err != nil && locRefOnce.err == nil {
				locRefOnce.err = err
			}
			return v
		}
		for _, f := range doc.Families {
			m := fl(f.Mean, f.Variance, f.Entropy)
			locRefOnce.fams = append(locRefOnce.fams, famRef{
				Family: f.Family, Params: fl(f.Params...), X: fl(f.X...), Logpdf: fl(f.Logpdf...), CDF: fl(f.CDF...),
				Mean: m[0], Variance: m[1], Entropy: m[2],
			})
		}
		for _, k := range doc.KL {
			locRefOnce.kls = append(locRefOnce.kls, klRef{Family: k.Family, P: fl(k.P...), Q: fl(k.Q...), KL: fl(k.KL)[0], Near: k.Near})
		}
	})
	require.NoError(t, locRefOnce.err, "reading testdata/locscale_ref.json")
	return locRefOnce.fams, locRefOnce.kls
}

// assertSame asserts got equals want to relative tol, with NaN and
// ±Inf required to match exactly.
func assertSame(t *testing.T, want, got, tol float64, msg string, args ...any) {
	t.Helper()
	switch {
	case math.IsNaN(want):
		assert.True(t, math.IsNaN(got), append([]any{msg + ": want NaN, got %v"}, append(args, got)...)...)
	case math.IsInf(want, 0):
		assert.Equal(t, want, got, append([]any{msg}, args...)...)
	default:
		assertRel(t, want, got, tol, msg, args...)
	}
}

// checkFamilyRef compares log-density, CDF, mean, variance and entropy
// of 1x1 distributions with the mpmath references for family: log-density
// and CDF to relative tol (absolute tol where the reference is 0).
func checkFamilyRef(t *testing.T, family string, build func(ps []float64) Distribution, tol float64) {
	t.Helper()
	fams, _ := locRefs(t)
	seen := 0
	for _, r := range fams {
		if r.Family != family {
			continue
		}
		seen++
		d := build(r.Params)
		for i, x := range r.X {
			assertSame(t, r.Logpdf[i], logProbAt(d, x), tol, "%s%v log-density at %v (mpmath)", family, r.Params, x)
			if cd, ok := d.(CDFer); ok {
				k := cdfCond(x, r.Logpdf[i], r.CDF[i])
				assertSame(t, r.CDF[i], cd.CDF(ad.Scalar(x)).Scalar(), tol*k, "%s%v CDF at %v (mpmath; condition number %.3g)", family, r.Params, x, k)
			}
		}
		if m, ok := d.(Moments); ok {
			assertSame(t, r.Mean, m.Mean().Scalar(), tol, "%s%v mean (mpmath)", family, r.Params)
			assertSame(t, r.Variance, m.Variance().Scalar(), tol, "%s%v variance (mpmath)", family, r.Params)
		}
		if e, ok := d.(Entropic); ok {
			// Entropy is additive and crosses 0, where relative error is
			// meaningless: compare to tol·max(1, |H|).
			assert.InDelta(t, r.Entropy, e.Entropy().Scalar(), tol*math.Max(1, math.Abs(r.Entropy)), "%s%v entropy (mpmath)", family, r.Params)
		}
	}
	require.NotZero(t, seen, "no mpmath references for %s", family)
}

// cdfCond returns max(1, |x p(x)/F(x)|), the relative condition number
// of the CDF F at x: rounding x to float64 alone moves F by that many
// units of relative rounding error, so comparisons scale their tolerance
// by it (far in a light left tail it is large).
func cdfCond(x, logpdf, cdf float64) float64 {
	if cdf == 0 || math.IsInf(logpdf, -1) {
		return 1
	}
	return math.Max(1, math.Abs(x*math.Exp(logpdf)/cdf))
}

// uniRef is a scalar reference distribution: gonum distuv types
// satisfy it, and the tests write it out for families gonum lacks.
type uniRef interface {
	LogProb(x float64) float64
	CDF(x float64) float64
	Quantile(p float64) float64
	Mean() float64
	Variance() float64
	Entropy() float64
}

// quantiler is a distribution with a Quantile method.
type quantiler interface {
	Quantile(p ad.Var) ad.Var
}

// checkAgainstRef compares a 1x1 distribution with a scalar reference
// at xs: log-density, CDF, quantile at a grid of probabilities, mean,
// variance and entropy, all to relative tol.
func checkAgainstRef(t *testing.T, d Distribution, ref uniRef, xs []float64, tol float64, name string) {
	t.Helper()
	for _, x := range xs {
		assertSame(t, ref.LogProb(x), logProbAt(d, x), tol, "%s log-density at %v", name, x)
		k := cdfCond(x, ref.LogProb(x), ref.CDF(x))
		assertSame(t, ref.CDF(x), d.(CDFer).CDF(ad.Scalar(x)).Scalar(), tol*k, "%s CDF at %v (condition number %.3g)", name, x, k)
	}
	for _, p := range []float64{0.01, 0.3, 0.5, 0.7, 0.99} {
		assertSame(t, ref.Quantile(p), d.(quantiler).Quantile(ad.Scalar(p)).Scalar(), 1e3*tol, "%s quantile at %v", name, p)
	}
	// In the tails, where references such as gonum's inverse incomplete
	// beta lose digits, the CDF (checked above) must invert the quantile
	// to 1e-13 times the CDF's condition number at the quantile (rounding
	// the quantile to float64 alone costs that much).
	for _, p := range []float64{1e-12, 1e-6, 1 - 1e-6} {
		q := d.(quantiler).Quantile(ad.Scalar(p)).Scalar()
		k := cdfCond(q, logProbAt(d, q), p)
		assertRel(t, p, d.(CDFer).CDF(ad.Scalar(q)).Scalar(), 1e-13*k, "%s CDF(Quantile(%v)) (condition number %.3g)", name, p, k)
	}
	m := d.(Moments)
	assertSame(t, ref.Mean(), m.Mean().Scalar(), tol, "%s mean", name)
	assertSame(t, ref.Variance(), m.Variance().Scalar(), tol, "%s variance", name)
	h := ref.Entropy()
	assert.InDelta(t, h, d.(Entropic).Entropy().Scalar(), tol*math.Max(1, math.Abs(h)), "%s entropy", name)
}

// checkQuad checks a 1x1 continuous distribution by quadrature over
// [lo, hi]: the density integrates to 1, and the CDF at xs, the mean and
// variance (where finite) and the entropy equal their integrals, all
// within tol.
func checkQuad(t *testing.T, d Distribution, lo, hi, tol float64, xs []float64, breaks ...float64) {
	t.Helper()
	pdf := func(x float64) float64 { return math.Exp(logProbAt(d, x)) }
	// times returns g(x)·pdf(x), 0 where the density is 0 (so that an
	// infinite g far in a tail gives 0, not NaN).
	times := func(g func(float64) float64) func(float64) float64 {
		return func(x float64) float64 {
			p := pdf(x)
			if p == 0 {
				return 0
			}
			return g(x) * p
		}
	}
	assert.InDelta(t, 1, integrateLogTails(pdf, lo, hi, breaks...), tol, "%T integrates to 1", d)
	if cd, ok := d.(CDFer); ok {
		for _, x := range xs {
			want := integrateLogTails(pdf, lo, x, breaks...)
			assert.InDelta(t, want, cd.CDF(ad.Scalar(x)).Scalar(), tol, "%T CDF at %v by quadrature", d, x)
		}
	}
	if e, ok := d.(Entropic); ok {
		h := integrateLogTails(func(x float64) float64 {
			lp := logProbAt(d, x)
			if math.IsInf(lp, -1) {
				return 0
			}
			return -math.Exp(lp) * lp
		}, lo, hi, breaks...)
		assert.InDelta(t, h, e.Entropy().Scalar(), tol*math.Max(1, math.Abs(h)), "%T entropy by quadrature", d)
	}
	if m, ok := d.(Moments); ok {
		mean := m.Mean().Scalar()
		if !math.IsInf(mean, 0) && !math.IsNaN(mean) {
			want := integrateLogTails(times(func(x float64) float64 { return x }), lo, hi, breaks...)
			assert.InDelta(t, want, mean, tol*math.Max(1, math.Abs(want)), "%T mean by quadrature", d)
			v := m.Variance().Scalar()
			if !math.IsInf(v, 0) {
				want := integrateLogTails(times(func(x float64) float64 { return (x - mean) * (x - mean) }), lo, hi, breaks...)
				assert.InDelta(t, want, v, tol*math.Max(1, want), "%T variance by quadrature", d)
			}
		}
	}
}

// paramAt returns element (i, j) of a parameter broadcast over a grid.
func paramAt(m ad.Matrix, i, j int) float64 {
	return m.Data[(i%m.Rows)*m.Cols+min(j, m.Cols-1)]
}

// checkBatch checks a batched distribution against scalar references:
// LogProb of every row of x (tiled over the batch) is Σ_j ref(params of
// (i mod B, j), x_ij); CDF is refCDF element-wise (when refCDF is not
// nil); Mean, Variance and Entropy agree element for element with 1x1
// distributions made by build from the element's parameters (those are
// checked against mpmath and gonum separately).
func checkBatch(t *testing.T, build func(ps []ad.Var) Distribution, params []ad.Matrix, x ad.Matrix,
	ref func(ps []float64, x float64) float64, refCDF func(ps []float64, x float64) float64) {
	t.Helper()
	vars := make([]ad.Var, len(params))
	for k, m := range params {
		vars[k] = ad.Const(m.Rows, m.Cols, m.Data)
	}
	d := build(vars)
	b, c := d.Shape()
	elem := func(i, j int) []float64 {
		ps := make([]float64, len(params))
		for k, m := range params {
			ps[k] = paramAt(m, i, j)
		}
		return ps
	}
	xv := ad.Const(x.Rows, x.Cols, x.Data)
	rows := max(x.Rows, b) // a 1-row x is scored against every batch row
	gc := max(x.Cols, c)   // and a 1-column batch against every column
	lp := d.LogProb(xv).Value()
	require.Len(t, lp, rows)
	for i := 0; i < rows; i++ {
		var want float64
		for j := 0; j < gc; j++ {
			want += ref(elem(i%b, j), paramAt(x, i, j))
		}
		assertSame(t, want, lp[i], 1e-13, "%T batch LogProb row %d", d, i)
	}
	if refCDF != nil {
		cdf := d.(CDFer).CDF(xv)
		require.Equal(t, [2]int{rows, gc}, [2]int{cdf.Rows(), cdf.Cols()})
		for i := 0; i < rows; i++ {
			for j := 0; j < gc; j++ {
				assertSame(t, refCDF(elem(i%b, j), paramAt(x, i, j)), cdf.At(i, j), 1e-13, "%T batch CDF (%d, %d)", d, i, j)
			}
		}
	}
	one := func(i, j int) Distribution { return build(scalarVars(elem(i, j))) }
	if m, ok := d.(Moments); ok {
		mean, vr := m.Mean(), m.Variance()
		require.Equal(t, [2]int{b, c}, [2]int{mean.Rows(), mean.Cols()}, "mean shape")
		require.Equal(t, [2]int{b, c}, [2]int{vr.Rows(), vr.Cols()}, "variance shape")
		for i := 0; i < b; i++ {
			for j := 0; j < c; j++ {
				o := one(i, j).(Moments)
				assertSame(t, o.Mean().Scalar(), mean.At(i, j), 1e-14, "%T batch mean (%d, %d)", d, i, j)
				assertSame(t, o.Variance().Scalar(), vr.At(i, j), 1e-14, "%T batch variance (%d, %d)", d, i, j)
			}
		}
	}
	if e, ok := d.(Entropic); ok {
		h := e.Entropy()
		require.Equal(t, [2]int{b, 1}, [2]int{h.Rows(), h.Cols()}, "entropy shape")
		for i := 0; i < b; i++ {
			var want float64
			for j := 0; j < c; j++ {
				want += one(i, j).(Entropic).Entropy().Scalar()
			}
			assertSame(t, want, h.At(i, 0), 1e-13, "%T batch entropy row %d", d, i)
		}
	}
}

// scalarVars returns free 1x1 constants holding xs.
func scalarVars(xs []float64) []ad.Var {
	vs := make([]ad.Var, len(xs))
	for i, x := range xs {
		vs[i] = ad.Scalar(x)
	}
	return vs
}

// checkCDFGrad checks the gradient of CDF with respect to x and every
// parameter by finite differences.
func checkCDFGrad(t *testing.T, build func(ps []ad.Var) Distribution, params []ad.Matrix, x ad.Matrix, opt *ad.CheckOptions) {
	t.Helper()
	in := append([]ad.Matrix{x}, params...)
	err := ad.CheckGrad(func(_ *ad.Tape, v []ad.Var) ad.Var {
		return build(v[1:]).(CDFer).CDF(v[0])
	}, in, opt)
	assert.NoError(t, err, "CDF gradient")
}

// checkKLRef compares KL of 1x1 distributions with the mpmath
// references for family: ordinary parameters to relative 1e-12 (tolFar)
// and p within a relative 1e-6 of q to relative tolNear.
func checkKLRef(t *testing.T, family string, build func(p, q []float64) (Distribution, Distribution), tolFar, tolNear float64) {
	t.Helper()
	_, kls := locRefs(t)
	seen := 0
	for _, r := range kls {
		if r.Family != family {
			continue
		}
		seen++
		p, q := build(r.P, r.Q)
		tol := tolFar
		if r.Near {
			tol = tolNear
		}
		assertSame(t, r.KL, klScalar(t, p, q), tol, "KL(%s%v || %s%v) vs mpmath", family, r.P, family, r.Q)
	}
	require.NotZero(t, seen, "no mpmath KL references for %s", family)
}

// checkKLFisher checks KL(p || q) for p a relative 1e-6 from q (each
// parameter alone, both signs, then all together) against the Fisher
// quadratic ½ dᵀ I(q) d, whose relative error is O(1e-6). step[k] is the
// perturbation unit of parameter k (its value for positive parameters, a
// scale for locations); fisher returns I(q).
func checkKLFisher(t *testing.T, build func(ps []float64) Distribution, q []float64, step []float64, fisher [][]float64, tol float64) {
	t.Helper()
	const h = 1e-6
	qd := build(q)
	try := func(d []float64) {
		p := append([]float64(nil), q...)
		for k := range p {
			p[k] += d[k]
		}
		var quad float64
		for a := range d {
			for b := range d {
				quad += 0.5 * d[a] * fisher[a][b] * d[b]
			}
		}
		assertRel(t, quad, klScalar(t, build(p), qd), tol, "KL near p = q, d = %v, against ½ dᵀ I d", d)
	}
	for k := range q {
		for _, s := range []float64{1, -1} {
			d := make([]float64, len(q))
			d[k] = s * h * step[k]
			try(d)
		}
	}
	all := make([]float64, len(q))
	for k := range q {
		all[k] = h * step[k] * float64(1+k%2) // unequal weights
	}
	try(all)
}

// checkKLBatch checks a batched KL against 1x1 KLs element by element:
// row i is Σ_j KL(p_ij || q_ij) with broadcast parameters.
func checkKLBatch(t *testing.T, build func(ps []ad.Var) (Distribution, Distribution), params []ad.Matrix) {
	t.Helper()
	vars := make([]ad.Var, len(params))
	b, c := 1, 1
	for k, m := range params {
		vars[k] = ad.Const(m.Rows, m.Cols, m.Data)
		b, c = max(b, m.Rows), max(c, m.Cols)
	}
	p, q := build(vars)
	kl, err := KL(p, q)
	require.NoError(t, err)
	require.Equal(t, [2]int{b, 1}, [2]int{kl.Rows(), kl.Cols()}, "KL shape")
	for i := 0; i < b; i++ {
		var want float64
		for j := 0; j < c; j++ {
			ps := make([]float64, len(params))
			for k, m := range params {
				ps[k] = paramAt(m, i, j)
			}
			p1, q1 := build(scalarVars(ps))
			want += klScalar(t, p1, q1)
		}
		assertSame(t, want, kl.At(i, 0), 1e-13, "batched KL row %d", i)
	}
}
