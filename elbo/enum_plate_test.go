package elbo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/vi"
)

// A 2-D mixture of three Gaussians with fixed parameters: the per-plate
// enumerated log-likelihood must equal Σ_i log Σ_k w_k N(x_i | mu_k, Σ_k).
var (
	pmLogits = []float64{0.3, -0.2, 0.5}
	pmMu     = []float64{-1, 0.5, 2, 1, 0.3, -1.5}
	// Lower-triangular scale factors, row-major 2x2 per component.
	pmL    = []float64{1, 0, 0.3, 0.8, 0.6, 0, -0.2, 1.1, 1.4, 0, 0.5, 0.4}
	pmData = []float64{-0.8, 0.1, 2.3, 1.4, 0.2, -1, 1.1, 0.9, -1.6, 0.7, 0.5, -2.2, 3, 1.2, 0.1, 0.2}
)

const pmK, pmD = 3, 2

// pmModel is the mixture with parameters given as ad values, its
// assignments declared inside a plate of the data (subsample m).
func pmModel(logits, mu, l func(p *vi.Program) ad.Var, m int) vi.Model {
	n := len(pmData) / pmD
	data := ad.Matrix{Rows: n, Cols: pmD, Data: pmData}
	return func(p *vi.Program) {
		lg, mv, lv := logits(p), mu(p), l(p)
		pl := p.Plate("data", n, m)
		z := pl.Sample("z", dist.Categorical{Logits: lg})
		idx := make([]int, z.Rows())
		for i, v := range z.Value() {
			idx[i] = int(v)
		}
		x := pl.Rows(data)
		pl.Observe("x", dist.MultivariateNormal{Loc: ad.GatherRows(mv, idx), ScaleTril: ad.GatherRows(lv, idx)}, ad.TileRows(x, z.Rows()/x.Rows()))
	}
}

func constOf(r, c int, v []float64) func(p *vi.Program) ad.Var {
	return func(p *vi.Program) ad.Var { return p.Const(r, c, v) }
}

var emptyGuide = vi.GuideFunc(func(*vi.Program) {})

// pmLogLik is the closed form Σ_i∈rows log Σ_k w_k N(x_i | mu_k, L_k L_kᵀ)
// by gonum distmv.
func pmLogLik(t *testing.T, rows []int) float64 {
	lw := append([]float64(nil), pmLogits...)
	lse := floats.LogSumExp(lw)
	var comps []*distmv.Normal
	for k := 0; k < pmK; k++ {
		l := mat.NewDense(2, 2, pmL[k*4:(k+1)*4])
		var cov mat.SymDense
		cov.SymOuterK(1, l)
		nd, ok := distmv.NewNormal(pmMu[k*2:(k+1)*2], &cov, nil)
		require.True(t, ok)
		comps = append(comps, nd)
	}
	var sum float64
	terms := make([]float64, pmK)
	for _, i := range rows {
		for k := range terms {
			terms[k] = lw[k] - lse + comps[k].LogProb(pmData[i*2:(i+1)*2])
		}
		sum += floats.LogSumExp(terms)
	}
	return sum
}

func allRows() []int {
	out := make([]int, len(pmData)/pmD)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestTraceEnumPlateLogLikelihood(t *testing.T) {
	want := pmLogLik(t, allRows())
	for _, s := range []int{1, 3} {
		env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), s)
		model := pmModel(constOf(1, pmK, pmLogits), constOf(pmK, pmD, pmMu), constOf(pmK, pmD*pmD, pmL), 0)
		loss, st, err := elbo.TraceEnum{Particles: s}.Loss(env, model, emptyGuide)
		require.NoError(t, err)
		require.InDelta(t, want, -loss.Scalar(), 1e-10, "enumerated log-likelihood, %d particles", s)
		require.InDelta(t, want, st.ELBO, 1e-10, "StepStats.ELBO, %d particles", s)
	}
}

func TestTraceEnumPlateSubsampled(t *testing.T) {
	// 8 points in minibatches of 4: each step scores its batch times 2, and
	// one epoch (two steps) visits every point once, so the two steps'
	// estimates average to the full log-likelihood, and each equals 2x the
	// closed form over its own indices.
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 4)), 1)
	var idx []int
	model := pmModel(constOf(1, pmK, pmLogits), constOf(pmK, pmD, pmMu), constOf(pmK, pmD*pmD, pmL), 4)
	spy := func(p *vi.Program) {
		model(p)
		idx = p.Plate("data", len(pmData)/pmD, 4).Indices()
	}
	var sum float64
	seen := map[int]bool{}
	for step := 0; step < 2; step++ {
		env.Step = step
		loss, _, err := elbo.TraceEnum{}.Loss(env, spy, emptyGuide)
		require.NoError(t, err)
		require.Len(t, idx, 4)
		for _, i := range idx {
			seen[i] = true
		}
		require.InDelta(t, 2*pmLogLik(t, idx), -loss.Scalar(), 1e-10, "step %d: scaled minibatch log-likelihood", step)
		sum += -loss.Scalar()
	}
	require.Len(t, seen, 8, "one epoch visits every point")
	require.InDelta(t, pmLogLik(t, allRows()), sum/2, 1e-10, "epoch average")
}

func TestTraceEnumPlateGradient(t *testing.T) {
	inputs := []ad.Matrix{
		{Rows: 1, Cols: pmK, Data: pmLogits},
		{Rows: pmK, Cols: pmD, Data: pmMu},
		{Rows: pmK, Cols: pmD * pmD, Data: pmL},
	}
	f := func(tp *ad.Tape, x []ad.Var) ad.Var {
		env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 1)
		env.Tape = tp
		// Only the lower triangle of each scale factor is a parameter.
		mask := tp.Const(1, 4, []float64{1, 0, 1, 1})
		model := pmModel(
			func(*vi.Program) ad.Var { return x[0] },
			func(*vi.Program) ad.Var { return x[1] },
			func(*vi.Program) ad.Var { return ad.Mul(x[2], mask) }, 0)
		loss, _, err := elbo.TraceEnum{}.Loss(env, model, emptyGuide)
		if err != nil {
			panic(err)
		}
		return loss
	}
	require.NoError(t, ad.CheckGrad(f, inputs, &ad.CheckOptions{AbsTol: 1e-6, RelTol: 1e-5}))
}

func TestTraceEnumPlateErrors(t *testing.T) {
	n := len(pmData) / pmD
	data := ad.Matrix{Rows: n, Cols: pmD, Data: pmData}
	cat := dist.Must(dist.CategoricalLogits(pmLogits...))
	// Two enumerated sites in one plate.
	two := func(p *vi.Program) {
		pl := p.Plate("data", n, 0)
		pl.Sample("z1", cat)
		pl.Sample("z2", cat)
	}
	_, _, err := elbo.TraceEnum{}.Loss(vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1), two, emptyGuide)
	require.ErrorContains(t, err, "both enumerated")
	// An observation outside the plate that depends on the enumerated value.
	outside := func(p *vi.Program) {
		pl := p.Plate("data", n, 0)
		z := pl.Sample("z", cat)
		p.Observe("x", dist.Normal{Loc: z, Scale: ad.Scalar(1)}, ad.TileRows(pl.Rows(data), pmK))
	}
	_, _, err = elbo.TraceEnum{}.Loss(vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1), outside, emptyGuide)
	require.ErrorContains(t, err, "must be in its plate")
	// Without TraceEnum a model site with no guide counterpart is an error.
	_, _, err = elbo.Trace{}.Loss(vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1), outside, emptyGuide)
	require.ErrorContains(t, err, "no counterpart")
}

// TestTraceEnumPlateWithGuideSites combines both kinds of enumeration with
// a continuous guide site: a global discrete c (in the guide, enumerated
// jointly) picks the observation scale, the component locations m are a
// guide Delta (log q = 0), and the assignments are enumerated in the data
// plate. The bound is then exact:
//
//	Σ_c q(c) [log p(c) - log q(c) + log p(m) + Σ_i log Σ_k w_k N(x_i | m_k, s_c)].
func TestTraceEnumPlateWithGuideSites(t *testing.T) {
	x := []float64{-1.2, 0.4, 2.2, 1.7, -0.3}
	w := []float64{0.3, 0.7}
	m := []float64{-1, 2}
	scales := []float64{0.8, 1.5}
	pc, qc := []float64{0.5, 0.5}, []float64{0.2, 0.8}
	n := len(x)
	model := func(p *vi.Program) {
		c := p.Sample("c", dist.Must(dist.NewCategorical(pc...)))
		loc := p.Sample("m", dist.Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(3)}) // 1 x 2
		pl := p.Plate("data", n, 0)
		z := pl.Sample("z", dist.Must(dist.NewCategorical(w...)))
		idx := make([]int, z.Rows())
		for i, v := range z.Value() {
			idx[i] = int(v)
		}
		scale := ad.GatherRows(p.Const(2, 1, scales), []int{int(c.Value()[0])})
		pl.Observe("x", dist.Normal{Loc: ad.GatherRows(ad.Transpose(loc), idx), Scale: scale}, ad.TileRows(pl.Rows(ad.Matrix{Rows: n, Cols: 1, Data: x}), 2))
	}
	guide := vi.GuideFunc(func(p *vi.Program) {
		p.Sample("c", dist.Must(dist.NewCategorical(qc...)))
		p.Sample("m", dist.Delta{V: p.Const(1, 2, m)})
	})
	loss, st, err := elbo.TraceEnum{}.Loss(vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1), model, guide)
	require.NoError(t, err)
	normal := func(v, mu, s float64) float64 {
		return -0.5*((v-mu)/s)*((v-mu)/s) - math.Log(s) - 0.5*math.Log(2*math.Pi)
	}
	var want float64
	for c := range 2 {
		term := math.Log(pc[c]) - math.Log(qc[c]) + normal(m[0], 0, 3) + normal(m[1], 0, 3)
		for _, xi := range x {
			term += floats.LogSumExp([]float64{math.Log(w[0]) + normal(xi, m[0], scales[c]), math.Log(w[1]) + normal(xi, m[1], scales[c])})
		}
		want += qc[c] * term
	}
	require.InDelta(t, want, -loss.Scalar(), 1e-10, "joint and parallel enumeration together")
	require.Equal(t, vi.PathEnumerated, st.Paths["c"], "c is enumerated jointly")
}
