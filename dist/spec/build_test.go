package spec

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// buildSrcBuild parses and builds src, failing the test on an error.
func buildSrcBuild(t *testing.T, src string) (dist.Distribution, []int) {
	t.Helper()
	s, err := Parse(src)
	require.NoError(t, err, src)
	d, batch, err := Build(s)
	require.NoError(t, err, src)
	return d, batch
}

// assertSameBuild checks that got has want's concrete type and shape and
// the same log-density at draws of want (and at draws of got).
func assertSameBuild(t *testing.T, want, got dist.Distribution, msg string) {
	t.Helper()
	require.IsType(t, want, got, msg)
	bw, cw := want.Shape()
	bg, cg := got.Shape()
	require.Equal(t, []int{bw, cw}, []int{bg, cg}, "%s: shape", msg)
	rng := rand.New(rand.NewPCG(7, 11))
	for _, x := range []ad.Var{want.Sample(rng, 5), got.Sample(rng, 5)} {
		lw, lg := want.LogProb(x).Value(), got.LogProb(x).Value()
		require.Len(t, lg, len(lw), msg)
		for i := range lw {
			if math.IsInf(lw[i], 0) {
				assert.Equal(t, lw[i], lg[i], "%s: row %d", msg, i)
				continue
			}
			assert.InDelta(t, lw[i], lg[i], 1e-12*(1+math.Abs(lw[i])), "%s: row %d", msg, i)
		}
	}
}

func colBuild(v ...float64) ad.Var { return ad.Const(len(v), 1, v) }

func TestBuildFamiliesAgainstDirect(t *testing.T) {
	s := ad.Scalar
	r := ad.Row
	cases := []struct {
		src  string
		want dist.Distribution
	}{
		{"Normal(0.5, 2)", dist.Must(dist.NormalOf(s(0.5), s(2)))},
		{"Normal(loc=0.5, scale=2)", dist.Must(dist.NormalOf(s(0.5), s(2)))},
		{"torch.distributions.Normal(scale=2, loc=0.5, validate_args=False)", dist.Must(dist.NormalOf(s(0.5), s(2)))},
		{"Normal([0, 1, 2], 1)", dist.Must(dist.NormalOf(colBuild(0, 1, 2), s(1)))},
		{"Normal([[0], [1]], [1, 2, 3])", dist.Must(dist.NormalOf(colBuild(0, 0, 0, 1, 1, 1), colBuild(1, 2, 3, 1, 2, 3)))},
		{"Cauchy(1, 3)", dist.Must(dist.CauchyOf(s(1), s(3)))},
		{"Laplace(-1, [0.5, 2])", dist.Must(dist.LaplaceOf(s(-1), colBuild(0.5, 2)))},
		{"Gumbel(1, 2)", dist.Must(dist.GumbelOf(s(1), s(2)))},
		{"LogNormal(0.2, 0.7)", dist.Must(dist.LogNormalOf(s(0.2), s(0.7)))},
		{"Beta(2, 5)", dist.Must(dist.BetaOf(s(2), s(5)))},
		{"Beta(concentration0=5, concentration1=2)", dist.Must(dist.BetaOf(s(2), s(5)))},
		{"Gamma(2, rate=3)", dist.Must(dist.GammaOf(s(2), s(3)))},
		{"InverseGamma(3, 2)", dist.Must(dist.InverseGammaOf(s(3), s(2)))},
		{"Uniform(-1, [1, 2])", dist.Must(dist.UniformOf(s(-1), colBuild(1, 2)))},
		{"Pareto(1, 3)", dist.Must(dist.ParetoOf(s(1), s(3)))},
		{"Weibull(2, 1.5)", dist.Must(dist.WeibullOf(s(2), s(1.5)))},
		{"Chi2(3)", dist.Must(dist.Chi2Of(s(3)))},
		{"Exponential([1, 2])", dist.Must(dist.ExponentialOf(colBuild(1, 2)))},
		{"HalfNormal(2)", dist.Must(dist.HalfNormalOf(s(2)))},
		{"HalfCauchy(2)", dist.Must(dist.HalfCauchyOf(s(2)))},
		{"StudentT(4)", dist.Must(dist.StudentTOf(s(4), s(0), s(1)))},
		{"StudentT(4, scale=2)", dist.Must(dist.StudentTOf(s(4), s(0), s(2)))},
		{"StudentT(4, 1, 2)", dist.Must(dist.StudentTOf(s(4), s(1), s(2)))},
		{"Poisson(3.5)", dist.Must(dist.PoissonOf(s(3.5)))},
		{"VonMises(1, [0.5, 4])", dist.Must(dist.VonMisesOf(s(1), colBuild(0.5, 4)))},
		{"Kumaraswamy(2, concentration0=3)", dist.Must(dist.KumaraswamyOf(s(2), s(3)))},
		{"ContinuousBernoulli(0.3)", dist.Must(dist.ContinuousBernoulliOf(s(0.3)))},
		{"ContinuousBernoulli(logits=[1, -2], lims=(0.499, 0.501))", dist.Must(dist.ContinuousBernoulliLogitsOf(colBuild(1, -2)))},
		{"Bernoulli(0.3)", dist.Must(dist.BernoulliOf(s(0.3)))},
		{"Bernoulli(logits=[-1, 2])", dist.Must(dist.BernoulliLogitsOf(colBuild(-1, 2)))},
		{"Geometric(probs=0.25)", dist.Must(dist.GeometricOf(s(0.25)))},
		{"Geometric(logits=0.5)", dist.Must(dist.GeometricLogitsOf(s(0.5)))},
		{"Binomial(10, 0.3)", dist.Must(dist.BinomialOf(s(10), s(0.3)))},
		{"Binomial(probs=0.3)", dist.Must(dist.BinomialOf(s(1), s(0.3)))},
		{"Binomial(total_count=[5, 6], logits=0.1)", dist.Must(dist.BinomialLogitsOf(colBuild(5, 6), s(0.1)))},
		{"NegativeBinomial(3, 0.4)", dist.Must(dist.NegativeBinomialOf(s(3), s(0.4)))},
		{"NegativeBinomial(3, logits=-0.2)", dist.Must(dist.NegativeBinomialLogitsOf(s(3), s(-0.2)))},
		{"RelaxedBernoulli(0.5, 0.3)", dist.Must(dist.RelaxedBernoulliOf(s(0.5), s(0.3)))},
		{"RelaxedBernoulli(0.5, logits=1)", dist.Must(dist.RelaxedBernoulliLogitsOf(s(0.5), s(1)))},
		{"Categorical([0.2, 0.3, 0.5])", dist.Must(dist.CategoricalOf(r([]float64{0.2, 0.3, 0.5})))},
		{"Categorical(logits=[[0, 1], [2, 0]])", dist.Must(dist.CategoricalLogitsOf(ad.Const(2, 2, []float64{0, 1, 2, 0})))},
		{"OneHotCategorical([0.2, 0.8])", dist.Must(dist.OneHotCategoricalOf(r([]float64{0.2, 0.8})))},
		{"OneHotCategorical(logits=[1, 2, 3])", dist.Must(dist.OneHotCategoricalLogitsOf(r([]float64{1, 2, 3})))},
		{"Multinomial(5, [0.2, 0.8])", dist.Must(dist.MultinomialOf(s(5), r([]float64{0.2, 0.8})))},
		{"Multinomial(probs=[0.2, 0.8])", dist.Must(dist.MultinomialOf(s(1), r([]float64{0.2, 0.8})))},
		{"Multinomial([3, 4], logits=[0.5, 0.1])", dist.Must(dist.MultinomialLogitsOf(colBuild(3, 4), r([]float64{0.5, 0.1})))},
		{"RelaxedOneHotCategorical(0.5, [0.2, 0.8])", dist.Must(dist.RelaxedOneHotCategoricalOf(s(0.5), r([]float64{0.2, 0.8})))},
		{"RelaxedOneHotCategorical([0.5, 2], logits=[1, 2, 3])", dist.Must(dist.RelaxedOneHotCategoricalLogitsOf(colBuild(0.5, 2), ad.Const(2, 3, []float64{1, 2, 3, 1, 2, 3})))},
		{"Dirichlet([1, 2, 3])", dist.Must(dist.DirichletOf(r([]float64{1, 2, 3})))},
		{"Dirichlet([[1, 2], [3, 4]])", dist.Must(dist.DirichletOf(ad.Const(2, 2, []float64{1, 2, 3, 4})))},
		{"MultivariateNormal([0, 1], [[2, 0.5], [0.5, 1]])", dist.Must(dist.MultivariateNormalCov(r([]float64{0, 1}), r([]float64{2, 0.5, 0.5, 1})))},
		{"MultivariateNormal([0, 1], precision_matrix=[[2, 0.5], [0.5, 1]])", dist.Must(dist.MultivariateNormalPrecision(r([]float64{0, 1}), r([]float64{2, 0.5, 0.5, 1})))},
		{"MultivariateNormal([0, 1], scale_tril=[[2, 0], [0.5, 1]])", dist.Must(dist.MultivariateNormalScaleTril(r([]float64{0, 1}), r([]float64{2, 0, 0.5, 1})))},
		// loc broadcast against a batch of matrices
		{"MultivariateNormal([0, 1], scale_tril=[[[2, 0], [0.5, 1]], [[1, 0], [0, 3]]])",
			dist.Must(dist.MultivariateNormalScaleTril(r([]float64{0, 1}), ad.Const(2, 4, []float64{2, 0, 0.5, 1, 1, 0, 0, 3})))},
		{"LowRankMultivariateNormal([0, 1, 2], [[1], [0.5], [0]], [1, 2, 3])",
			dist.Must(dist.LowRankMultivariateNormalOf(r([]float64{0, 1, 2}), r([]float64{1, 0.5, 0}), r([]float64{1, 2, 3})))},
		{"Delta(1.5)", dist.Must(dist.DeltaOf(s(1.5), ad.Var{}))},
		{"Delta([1, 2], log_density=0.5)", dist.Must(dist.DeltaOf(colBuild(1, 2), s(0.5)))},
		{"Delta([1, 2], log_density=0.5, event_dim=1)", dist.Must(dist.DeltaOf(r([]float64{1, 2}), r([]float64{0.5, 0})))},
	}
	for _, c := range cases {
		got, _ := buildSrcBuild(t, c.src)
		assertSameBuild(t, c.want, got, c.src)
	}
}

func TestBuildShapes(t *testing.T) {
	cases := []struct {
		src          string
		batch, event []int
		rows, cols   int
	}{
		{"Normal(0, 1)", []int{}, []int{}, 1, 1},
		{"Normal([0, 1, 2], 1)", []int{3}, []int{}, 3, 1},
		{"Normal([[0, 1, 2], [3, 4, 5]], [1, 2, 3])", []int{2, 3}, []int{}, 6, 1},
		{"Normal([[0], [1]], [1, 2, 3])", []int{2, 3}, []int{}, 6, 1},
		{"Independent(Normal(loc=[0, 0], scale=[1, 1]), 1)", []int{}, []int{2}, 1, 2},
		{"Independent(Normal([[0, 0, 0], [1, 1, 1]], 1), 1)", []int{2}, []int{3}, 2, 3},
		{"Independent(Normal([[0, 0, 0], [1, 1, 1]], 1), 2)", []int{}, []int{2, 3}, 1, 6},
		{"Independent(Independent(Normal([[0, 0, 0], [1, 1, 1]], 1), 1), 1)", []int{}, []int{2, 3}, 1, 6},
		{"Independent(Normal([0, 1], 1), 0)", []int{2}, []int{}, 2, 1},
		{"MultivariateNormal([[0, 0], [1, 1], [2, 2]], [[1, 0], [0, 1]])", []int{3}, []int{2}, 3, 2},
		{"Dirichlet([[1, 2, 3]])", []int{1}, []int{3}, 1, 3},
		{"Categorical([[0.5, 0.5], [0.1, 0.9]])", []int{2}, []int{}, 2, 1},
		{"OneHotCategorical([[0.5, 0.5], [0.1, 0.9]])", []int{2}, []int{2}, 2, 2},
		{"MixtureSameFamily(Categorical([0.3, 0.7]), Normal([-1, 2], [1, 0.5]))", []int{}, []int{}, 1, 1},
		{"MixtureSameFamily(Categorical([[0.3, 0.7], [0.5, 0.5], [0.9, 0.1]]), Normal([-1, 2], [1, 0.5]))", []int{3}, []int{}, 3, 1},
		{"MixtureSameFamily(Categorical([0.3, 0.7]), Independent(Normal([[0, 0, 0], [1, 1, 1]], 1), 1))", []int{}, []int{3}, 1, 3},
		{"TransformedDistribution(Normal(0, 1), ExpTransform())", []int{}, []int{}, 1, 1},
		{"TransformedDistribution(Normal(0, 1), [AffineTransform([1, 2, 3], 2)])", []int{3}, []int{}, 3, 1},
		{"TransformedDistribution(Normal([0, 0, 0], 1), StickBreakingTransform())", []int{}, []int{4}, 1, 4},
		{"TransformedDistribution(Normal([[0, 0], [1, 1]], 1), [ExpTransform(), StickBreakingTransform()])", []int{2}, []int{3}, 2, 3},
		{"TransformedDistribution(Normal([0, 0], 1), AffineTransform(0, 2, event_dim=1))", []int{}, []int{2}, 1, 2},
		{"Expanded(Normal(0, 1), [2, 3])", []int{2, 3}, []int{}, 6, 1},
		{"Expanded(Normal([0, 1, 2], 1), [2, 3])", []int{2, 3}, []int{}, 6, 1},
		{"Independent(Expanded(Normal(0, 1), [2, 3]), 1)", []int{2}, []int{3}, 2, 3},
		{"Delta([[1, 2], [3, 4]], event_dim=1)", []int{2}, []int{2}, 2, 2},
	}
	for _, c := range cases {
		s, err := Parse(c.src)
		require.NoError(t, err)
		batch, event, err := Shapes(s)
		require.NoError(t, err, c.src)
		assert.Equal(t, c.batch, batch, "%s: batch", c.src)
		assert.Equal(t, c.event, event, "%s: event", c.src)
		d, b2, err := Build(s)
		require.NoError(t, err, c.src)
		assert.Equal(t, c.batch, b2, c.src)
		rows, cols := d.Shape()
		assert.Equal(t, []int{c.rows, c.cols}, []int{rows, cols}, "%s: rows, cols", c.src)
		require.NoError(t, d.Validate())
	}
}

// TestBuildIndependent: the layout of Independent over a 2 x 3 Normal and
// its log-density, against gonum.
func TestBuildIndependent(t *testing.T) {
	d, _ := buildSrcBuild(t, "Independent(Normal([[0, 1, 2], [3, 4, 5]], [1, 2, 3]), 1)")
	ind, ok := d.(dist.Independent)
	require.True(t, ok)
	assert.Equal(t, 1, ind.ReinterpretedBatchNdims)
	x := ad.Const(2, 3, []float64{0.5, -1, 2, 3, 3.5, 7})
	lp := d.LogProb(x).Value()
	scales := []float64{1, 2, 3}
	for i := range 2 {
		var want float64
		for j := range 3 {
			want += distuv.Normal{Mu: float64(3*i + j), Sigma: scales[j]}.LogProb(x.Value()[3*i+j])
		}
		assert.InDelta(t, want, lp[i], 1e-12, "row %d", i)
	}
	// All dimensions reinterpreted: one row of 6.
	d2, _ := buildSrcBuild(t, "Independent(Normal([[0, 1, 2], [3, 4, 5]], [1, 2, 3]), 2)")
	lp2 := d2.LogProb(ad.Row(x.Value())).Value()
	assert.InDelta(t, lp[0]+lp[1], lp2[0], 1e-12)
}

// TestBuildMixture checks the component layout (row b*K+k) against a
// log-sum-exp of gonum normal densities.
func TestBuildMixture(t *testing.T) {
	d, batch := buildSrcBuild(t, "MixtureSameFamily(Categorical(probs=[[0.3, 0.7], [0.6, 0.4]]), Normal([[-1, 2], [0, 5]], [[1, 0.5], [2, 3]]))")
	assert.Equal(t, []int{2}, batch)
	m, ok := d.(dist.MixtureSameFamily)
	require.True(t, ok)
	kc, _ := m.Components.Shape()
	assert.Equal(t, 4, kc)
	w := [][]float64{{0.3, 0.7}, {0.6, 0.4}}
	mu := [][]float64{{-1, 2}, {0, 5}}
	sd := [][]float64{{1, 0.5}, {2, 3}}
	xs := []float64{0.3, 4.0}
	lp := d.LogProb(colBuild(xs...)).Value()
	for b := range 2 {
		var s float64
		for k := range 2 {
			s += w[b][k] * distuv.Normal{Mu: mu[b][k], Sigma: sd[b][k]}.Prob(xs[b])
		}
		assert.InDelta(t, math.Log(s), lp[b], 1e-12, "mixture %d", b)
	}
	// Shared components, batched logits; weights given as logits.
	d2, batch2 := buildSrcBuild(t, "MixtureSameFamily(Categorical(logits=[[0, 1], [1, 0]]), Normal([-1, 2], 1))")
	assert.Equal(t, []int{2}, batch2)
	lp2 := d2.LogProb(colBuild(0.5, 0.5)).Value()
	for b, l := range [][]float64{{0, 1}, {1, 0}} {
		z := math.Exp(l[0]) + math.Exp(l[1])
		want := math.Log(math.Exp(l[0])/z*distuv.Normal{Mu: -1, Sigma: 1}.Prob(0.5) + math.Exp(l[1])/z*distuv.Normal{Mu: 2, Sigma: 1}.Prob(0.5))
		assert.InDelta(t, want, lp2[b], 1e-12, "mixture %d", b)
	}
	// A shared mixture broadcast against batched components.
	d3, batch3 := buildSrcBuild(t, "MixtureSameFamily(Categorical([0.25, 0.75]), Normal([[0, 1], [2, 3], [4, 5]], 1))")
	assert.Equal(t, []int{3}, batch3)
	lp3 := d3.LogProb(colBuild(1, 1, 1)).Value()
	for b := range 3 {
		want := math.Log(0.25*distuv.Normal{Mu: float64(2 * b), Sigma: 1}.Prob(1) + 0.75*distuv.Normal{Mu: float64(2*b + 1), Sigma: 1}.Prob(1))
		assert.InDelta(t, want, lp3[b], 1e-12, "mixture %d", b)
	}
}

// TestBuildTransformed checks transformed distributions against the
// families they equal and against direct construction.
func TestBuildTransformed(t *testing.T) {
	xs := []float64{0.3, 1, 2.5}
	d, _ := buildSrcBuild(t, "TransformedDistribution(Normal(0.2, 0.7), [ExpTransform()])")
	lp := d.LogProb(colBuild(xs...)).Value()
	for i, x := range xs {
		assert.InDelta(t, distuv.LogNormal{Mu: 0.2, Sigma: 0.7}.LogProb(x), lp[i], 1e-12)
	}
	// Affine with a negative scale: N(1 - 2*0.5, 2*3).
	d, batch := buildSrcBuild(t, "TransformedDistribution(Normal(0.5, 3), AffineTransform([1, 2], -2))")
	assert.Equal(t, []int{2}, batch)
	lp = d.LogProb(colBuild(0.7, -4)).Value()
	assert.InDelta(t, distuv.Normal{Mu: 0, Sigma: 6}.LogProb(0.7), lp[0], 1e-12)
	assert.InDelta(t, distuv.Normal{Mu: 1, Sigma: 6}.LogProb(-4), lp[1], 1e-12)
	// ComposeTransform equals the list.
	a, _ := buildSrcBuild(t, "TransformedDistribution(Normal(0, 1), ComposeTransform([AffineTransform(1, 2), SigmoidTransform()]))")
	want := dist.Must(dist.NewTransformed(dist.Must(dist.NewNormal(0, 1)), dist.Compose{dist.Affine{Loc: ad.Scalar(1), Scale: ad.Scalar(2)}, dist.Sigmoid{}}))
	assertSameBuild(t, want, a, "compose")
	// Stick breaking over three unconstrained coordinates.
	sb, _ := buildSrcBuild(t, "TransformedDistribution(Normal([0, 1, -1], [1, 2, 0.5]), StickBreakingTransform())")
	wantSB := dist.Must(dist.NewTransformed(dist.Must(dist.NormalOf(ad.Row([]float64{0, 1, -1}), ad.Row([]float64{1, 2, 0.5}))), dist.StickBreaking{}))
	assertSameBuild(t, wantSB, sb, "stick breaking")
	// Tanh and softplus.
	ts, _ := buildSrcBuild(t, "TransformedDistribution(Laplace(0, 1), [TanhTransform(), SoftplusTransform()])")
	assertSameBuild(t, dist.Must(dist.NewTransformed(dist.Must(dist.NewLaplace(0, 1)), dist.Tanh{}, dist.Softplus{})), ts, "tanh, softplus")
	// A batched affine loc with event_dim=1 after reinterpretation.
	ev, _ := buildSrcBuild(t, "TransformedDistribution(Normal([0, 0], 1), AffineTransform([[1, 2], [3, 4]], 2, event_dim=1))")
	wantEv := dist.Must(dist.NewTransformed(dist.Must(dist.NormalOf(ad.Full(2, 2, 0), ad.Scalar(1))), dist.Affine{Loc: ad.Const(2, 2, []float64{1, 2, 3, 4}), Scale: ad.Scalar(2)}))
	lpEv := ev.LogProb(ad.Const(2, 2, []float64{1, 1, 1, 1})).Value()
	lpWant := wantEv.LogProb(ad.Const(2, 2, []float64{1, 1, 1, 1})).Value()
	assert.InDeltaSlice(t, lpWant, lpEv, 1e-12)
	b, c := ev.Shape()
	assert.Equal(t, []int{2, 2}, []int{b, c})
}

func TestBuildExpandedAndBatch(t *testing.T) {
	d, _ := buildSrcBuild(t, "Expanded(Normal(1, 2), [2, 3])")
	e, ok := d.(dist.Expanded)
	require.True(t, ok)
	assert.Equal(t, 6, e.Batch)
	x := colBuild(0, 1, 2, 3, 4, 5)
	lp := d.LogProb(x).Value()
	for i := range 6 {
		assert.InDelta(t, distuv.Normal{Mu: 1, Sigma: 2}.LogProb(float64(i)), lp[i], 1e-12)
	}
	s, err := Parse("Normal([0, 1], [[1], [2], [3]])")
	require.NoError(t, err)
	bd, err := BuildBatch(s, []int{4, 3, 2})
	require.NoError(t, err)
	rows, _ := bd.Shape()
	assert.Equal(t, 24, rows)
	lp = bd.LogProb(ad.Full(24, 1, 0.5)).Value()
	for i := range 24 {
		mu, sd := float64(i%2), float64((i/2)%3+1)
		assert.InDelta(t, distuv.Normal{Mu: mu, Sigma: sd}.LogProb(0.5), lp[i], 1e-12, "row %d", i)
	}
	// A shared distribution expanded: every row the same.
	s, _ = Parse("Normal(0, 1)")
	bd, err = BuildBatch(s, []int{3})
	require.NoError(t, err)
	rows, _ = bd.Shape()
	assert.Equal(t, 3, rows)
	_, err = BuildBatch(s, []int{0})
	require.Error(t, err)
	s, _ = Parse("Normal([0, 1], 1)")
	_, err = BuildBatch(s, []int{3})
	require.ErrorContains(t, err, "does not broadcast to (3,)")
}

func TestFromJSON(t *testing.T) {
	cases := []struct{ json, src string }{
		{`{"family": "Normal", "params": {"loc": 0.5, "scale": 2.0}}`, "Normal(0.5, 2)"},
		{`{"family": "Normal", "params": {"loc": [[0], [1]], "scale": [1, 2, 3], "validate_args": null}}`, "Normal([[0], [1]], [1, 2, 3])"},
		{`{"family": "Uniform", "params": {"low": "-inf", "high": 1}}`, ""},
		{`{"family": "Independent", "params": {"base_distribution": {"family": "Normal", "params": {"loc": [0, 0], "scale": [1, 1]}}, "reinterpreted_batch_ndims": 1}}`,
			"Independent(Normal([0, 0], [1, 1]), 1)"},
		{`{"family": "MixtureSameFamily", "params": {"mixture_distribution": {"family": "Categorical", "params": {"probs": [0.3, 0.7]}},
		   "component_distribution": {"family": "Normal", "params": {"loc": [-1, 2], "scale": [1, 0.5]}}}}`,
			"MixtureSameFamily(Categorical([0.3, 0.7]), Normal([-1, 2], [1, 0.5]))"},
		{`{"family": "TransformedDistribution", "params": {"base_distribution": {"family": "Normal", "params": {"loc": 0, "scale": 1}},
		   "transforms": [{"family": "ExpTransform"}, {"family": "AffineTransform", "params": {"loc": 1, "scale": 2}}]}}`,
			"TransformedDistribution(Normal(0, 1), [ExpTransform(), AffineTransform(1, 2)])"},
		{`{"family": "torch.distributions.Bernoulli", "params": {"logits": 1e-3}}`, "Bernoulli(logits=0.001)"},
	}
	for _, c := range cases {
		s, err := FromJSON([]byte(c.json))
		require.NoError(t, err, c.json)
		assert.Equal(t, -1, s.Pos)
		if c.src == "" {
			_, _, err := Build(s)
			// Uniform needs finite bounds: the error has no column.
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "column")
			var pe *dist.ParamError
			assert.ErrorAs(t, err, &pe)
			continue
		}
		got, gb, err := Build(s)
		require.NoError(t, err, c.json)
		want, wb := buildSrcBuild(t, c.src)
		assert.Equal(t, wb, gb)
		assertSameBuild(t, want, got, c.json)
	}
	// inf strings and nested lists.
	s, err := FromJSON([]byte(`{"family": "Normal", "params": {"loc": ["inf", "-inf", "NaN", 1]}}`))
	require.NoError(t, err)
	v := s.Kwargs[0].Value.List
	assert.True(t, math.IsInf(v[0].Num, 1))
	assert.True(t, math.IsInf(v[1].Num, -1))
	assert.True(t, math.IsNaN(v[2].Num))
	// From a decoded map.
	s, err = FromMap(map[string]any{"family": "Normal", "params": map[string]any{"loc": 1.0, "scale": []any{1.0, 2.0}}})
	require.NoError(t, err)
	_, batch, err := Build(s)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, batch)

	bad := []struct{ json, want string }{
		{`[1, 2]`, "expected an object"},
		{`{"params": {}}`, `missing "family"`},
		{`{"family": 3}`, "expected a family name"},
		{`{"family": "Normal", "parms": {}}`, `unknown key "parms"`},
		{`{"family": "Normal", "params": [1, 2]}`, "params: expected an object"},
		{`{"family": "Normal", "params": {"loc": "zero"}}`, `params.loc: expected a number, found the string "zero"`},
		{`{"family": "Normal", "params": {"loc": [1, null]}}`, "params.loc[1]: null inside a list"},
		{`{"family": "Normal", "params": {"loc": 1e999}}`, "is not a float64"},
		{`{"family": "Normal"} {}`, "after the object"},
		{`{"family": "Normal", `, "unexpected EOF"},
		{`{"family": "Independent", "params": {"base_distribution": {"family": 1}}}`, "params.base_distribution.family"},
	}
	for _, c := range bad {
		_, err := FromJSON([]byte(c.json))
		require.Error(t, err, c.json)
		assert.Contains(t, err.Error(), c.want, c.json)
	}
}

// TestBuildErrors covers every error path: the message names the family,
// the argument and what was wrong, at the right column.
func TestBuildErrors(t *testing.T) {
	cases := []struct {
		src     string
		family  string
		arg     string
		col     int // 1-based; 0: no check
		want    string
		isParam bool
	}{
		{"Nromal(0, 1)", "Nromal", "", 1, "unknown distribution family (did you mean Normal?); known families: Bernoulli", false},
		{"Foo(0, 1)", "Foo", "", 1, "known families:", false},
		{"ExpTransform()", "ExpTransform", "", 1, "is a transform, not a distribution", false},
		{"Normal(0)", "Normal", "scale", 1, "is missing; Normal takes loc, scale, validate_args", false},
		{"Normal(0, 1, False, 3)", "Normal", "", 21, "takes at most 3 positional arguments", false},
		{"Normal(0, sigma=1)", "Normal", "", 11, "unknown argument sigma", false},
		{"Normal(0, loc=1)", "Normal", "loc", 11, "given twice", false},
		{"Normal([[0, 1], [2]], 1)", "Normal", "loc", 17, "ragged list: element 1 has shape (1,) but element 0 has shape (2,)", false},
		{"Normal([], 1)", "Normal", "loc", 8, "empty list", false},
		{"Normal(true, 1)", "Normal", "loc", 8, "expected a number or a list of numbers, found true", false},
		{"Normal(Normal(0, 1), 1)", "Normal", "loc", 8, "found the specification Normal(...)", false},
		{"Normal([0, 1], [1, 2, 3])", "Normal", "scale", 16, "batch shape (3,) does not broadcast with (2,) (from loc)", false},
		{"Normal(0, -1)", "Normal", "scale", 11, "is -1, want a finite number > 0", true},
		{"Normal([0, 1], [[1, 2], [3, -4]])", "Normal", "scale", 29, "element [1, 1] is -4, want a finite number > 0", true},
		{"Normal([[0, nan]], 1)", "Normal", "loc", 13, "element [0, 1] is NaN", true},
		{"Gamma(1, rate=[1, 0])", "Gamma", "rate", 19, "element [1] is 0", true},
		{"Bernoulli()", "Bernoulli", "", 1, "needs exactly one of probs and logits, got none", false},
		{"Bernoulli(0.5, logits=0)", "Bernoulli", "logits", 23, "got probs and logits", false},
		{"Bernoulli(1.5)", "Bernoulli", "probs", 11, "is 1.5", true},
		{"ContinuousBernoulli(probs=1)", "ContinuousBernoulli", "probs", 27, "is 1", true},
		{"VonMises(0, [1, -1])", "VonMises", "concentration", 17, "element [1] is -1", true},
		{"Kumaraswamy(0, 1)", "Kumaraswamy", "concentration1", 13, "is 0", true},
		{"Categorical(0.5)", "Categorical", "probs", 13, "expected a vector (at least 1 dimensions), found shape ()", false},
		{"Categorical([0.5, -1])", "Categorical", "probs", 19, "element [1] is -1", true},
		{"MultivariateNormal([0, 0], [[1, 0], [0, 1]], scale_tril=[[1, 0], [0, 1]])", "MultivariateNormal", "scale_tril", 57, "needs exactly one of covariance_matrix, precision_matrix and scale_tril", false},
		{"MultivariateNormal([0, 0])", "MultivariateNormal", "", 1, "got none", false},
		{"MultivariateNormal([0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])", "MultivariateNormal", "covariance_matrix", 28, "has trailing shape (3, 3), want (2, 2)", false},
		{"MultivariateNormal([0, 0], [1, 1])", "MultivariateNormal", "covariance_matrix", 28, "expected a matrix", false},
		{"MultivariateNormal([0, 0], [[1, 2], [2, 1]])", "MultivariateNormal", "covariance_matrix", 0, "positive-definite", true},
		{"MultivariateNormal([0, 0], [[1, 0.5], [0.4, 1]])", "MultivariateNormal", "covariance_matrix", 0, "symmetric", true},
		{"LowRankMultivariateNormal([0, 0], [[1], [1], [1]], [1, 1])", "LowRankMultivariateNormal", "cov_factor", 35, "want D = 2", false},
		{"LowRankMultivariateNormal([0, 0], [[1], [1]], [1, 1, 1])", "LowRankMultivariateNormal", "cov_diag", 47, "want 2 as loc", false},
		{"Independent(Normal([0, 1], 1), 2)", "Independent", "reinterpreted_batch_ndims", 32, "want an integer between 0 and 1", false},
		{"Independent(Normal([0, 1], 1), 0.5)", "Independent", "reinterpreted_batch_ndims", 32, "want an integer between 0 and 1", false},
		{"Independent(Normal([0, 1], 1), [1])", "Independent", "reinterpreted_batch_ndims", 32, "expected a non-negative integer, found a list", false},
		{"Independent(Normal([0, 1], 1))", "Independent", "reinterpreted_batch_ndims", 1, "is missing", false},
		{"Independent(3, 1)", "Independent", "base_distribution", 13, "expected a distribution, found the number 3", false},
		{"Independent(Dirichlet([[1, 2], [3, 4]]), 1)", "Independent", "reinterpreted_batch_ndims", 42, "cannot reinterpret batch dimensions of Dirichlet", false},
		{"Independent(Normal(0, -2), 0)", "Normal", "scale", 23, "is -2", true},
		{"MixtureSameFamily(Normal(0, 1), Normal([0, 1], 1))", "MixtureSameFamily", "mixture_distribution", 19, "expected Categorical(probs=...) or Categorical(logits=...), found Normal", false},
		{"MixtureSameFamily(Categorical([0.5, 0.5]), Normal([0, 1, 2], 1))", "MixtureSameFamily", "component_distribution", 44, "has 3 components (batch shape (3,)) but the mixture_distribution has 2 categories", false},
		{"MixtureSameFamily(Categorical([0.5, 0.5]), Normal(0, 1))", "MixtureSameFamily", "component_distribution", 44, "needs a batch dimension of components", false},
		{"MixtureSameFamily(Categorical([[0.5, 0.5], [1, 0], [0, 1]]), Normal([[0, 1], [1, 2]], 1))", "MixtureSameFamily", "component_distribution", 62, "does not broadcast", false},
		{"MixtureSameFamily(Categorical([0.5, -0.5]), Normal([0, 1], 1))", "Categorical", "probs", 37, "element [1] is -0.5", true},
		{"MixtureSameFamily(Categorical([0.5, 0.5]))", "MixtureSameFamily", "component_distribution", 1, "is missing", false},
		{"TransformedDistribution(Normal(0, 1), Normal(0, 1))", "Normal", "", 39, "is a distribution, not a transform", false},
		{"TransformedDistribution(Normal(0, 1), [FooTransform()])", "FooTransform", "", 40, "unknown transform", false},
		{"TransformedDistribution(Normal(0, 1), [1])", "TransformedDistribution", "transforms", 40, "expected a transform such as ExpTransform()", false},
		{"TransformedDistribution(Normal(0, 1), StickBreakingTransform())", "TransformedDistribution", "transforms", 39, "act on 1-dimensional events but the base Normal has shape ()", false},
		{"TransformedDistribution(Normal([0, 1], 1), AffineTransform([1, 2, 3], 1))", "AffineTransform", "", 44, "do not broadcast", false},
		{"TransformedDistribution(Normal(0, 1), AffineTransform(0, 0))", "TransformedDistribution", "transforms[0].scale", 58, "is 0, want a finite non-zero number", true},
		{"TransformedDistribution(Normal(0, 1), ComposeTransform([ExpTransform(), AffineTransform(0, [1, 0])]))", "TransformedDistribution", "transforms[0][1].scale", 96, "element [1] is 0", true},
		{"TransformedDistribution(Normal(0, 1), AffineTransform(0))", "AffineTransform", "scale", 39, "is missing", false},
		{"TransformedDistribution(Normal(0, 1), ExpTransform(1, 2))", "ExpTransform", "", 55, "takes at most 1 positional", false},
		{"TransformedDistribution(MultivariateNormal([[0, 0], [1, 1]], [[1, 0], [0, 1]]), AffineTransform(0, 1, event_dim=2))", "TransformedDistribution", "transforms", 81, "kldiv scores a MultivariateNormal row jointly", false},
		{"Expanded(Normal([0, 1], 1), [3])", "Expanded", "batch_shape", 29, "does not expand to (3,)", false},
		{"Expanded(Normal(0, 1), [2, 0])", "Expanded", "batch_shape", 24, "dimensions must be positive", false},
		{"Expanded(Normal(0, 1), [100000, 100000])", "Expanded", "batch_shape", 24, "more than", false},
		{"Delta([1, 2], event_dim=2)", "Delta", "event_dim", 25, "between 0 and 1", false},
		{"Delta([1, 2], log_density=[1, 2, 3])", "Delta", "log_density", 27, "does not broadcast", false},
		{"Delta(inf)", "Delta", "v", 7, "is +Inf", true},
		{"Normal([" + strings.Repeat("[0], ", 2048) + "[0]], [" + strings.Repeat("1, ", 2048) + "1])", "Normal", "", 0, "more than", false},
	}
	for _, c := range cases {
		s, err := Parse(c.src)
		require.NoError(t, err, c.src)
		_, _, err = Build(s)
		require.Error(t, err, c.src)
		var be *BuildError
		require.ErrorAs(t, err, &be, c.src)
		assert.Equal(t, c.family, be.Family, "%s: family", c.src)
		assert.Equal(t, c.arg, be.Arg, "%s: argument", c.src)
		if c.col > 0 {
			assert.Equal(t, c.col, be.Pos+1, "%s: column (%v)", c.src, err)
		}
		assert.Contains(t, err.Error(), c.want, c.src)
		var pe *dist.ParamError
		assert.Equal(t, c.isParam, errors.As(err, &pe), "%s: wraps a ParamError: %v", c.src, err)
		if _, _, err2 := Shapes(s); err2 == nil {
			assert.True(t, c.isParam || strings.Contains(c.want, "more than"), "%s: Shapes accepts a spec whose arguments are wrong", c.src)
		}
	}
}

// FuzzBuild parses and builds arbitrary input: Build never panics, and
// what it returns is either an error or a valid distribution of the
// advertised batch size.
func FuzzBuild(f *testing.F) {
	for _, s := range []string{
		"Normal(0, 1)", "Normal([[0], [1]], [1, 2, 3])", "Independent(Normal([[0, 0], [1, 1]], 1), 1)",
		"MultivariateNormal([0, 0], [[1, 0.5], [0.5, 2]])", "MixtureSameFamily(Categorical([0.3, 0.7]), Normal([-1, 2], [1, 0.5]))",
		"TransformedDistribution(Normal([0, 0], 1), [ExpTransform(), StickBreakingTransform()])",
		"Expanded(Normal(0, 1), [2, 3])", "Delta([1, 2], log_density=1, event_dim=1)", "Categorical(logits=[[0, 1]])",
		"LowRankMultivariateNormal([0, 0], [[1], [1]], [1, 1])", "TransformedDistribution(Normal(0, 1), AffineTransform([1, 2], [[1], [2]]))",
		"Independent(MixtureSameFamily(Categorical([0.3, 0.7]), Normal([-1, 2], [1, 0.5])), 0)",
		"Multinomial(3, [0.2, 0.8])", "Dirichlet([1, 2])", "Normal(0, [])", "StudentT(1, [[1]])",
		"Binomial(logits=[0.5, -1])", "RelaxedOneHotCategorical([0.5, 1], logits=[[0, 1], [1, 0]])",
		"MultivariateNormal([0, 0], precision_matrix=[[2, 0.5], [0.5, 1]])", "MultivariateNormal([0, 0], scale_tril=[[1, 0], [0.5, 1]])",
		"NegativeBinomial(2.5, probs=0.3)", "ContinuousBernoulli(logits=[0, 1])", "Geometric(probs=1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			return
		}
		d, batch, err := Build(s)
		if err != nil {
			var be *BuildError
			if !errors.As(err, &be) {
				t.Fatalf("%q: error of type %T: %v", src, err, err)
			}
			return
		}
		n := 1
		for _, k := range batch {
			n *= k
		}
		rows, cols := d.Shape()
		if rows != n || cols < 1 {
			t.Fatalf("%q: batch %v but shape %dx%d", src, batch, rows, cols)
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("%q: built distribution does not validate: %v", src, err)
		}
	})
}

func TestBroadcastAndFormatShape(t *testing.T) {
	cases := []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{}, []int{3}, []int{3}, true},
		{[]int{2, 1}, []int{3}, []int{2, 3}, true},
		{[]int{1, 3}, []int{4, 1, 1}, []int{4, 1, 3}, true},
		{[]int{2}, []int{3}, nil, false},
	}
	for _, c := range cases {
		got, ok := BroadcastShapes(c.a, c.b)
		assert.Equal(t, c.ok, ok, "%v %v", c.a, c.b)
		if c.ok {
			assert.Equal(t, c.want, got, "%v %v", c.a, c.b)
		}
	}
	assert.Equal(t, "()", FormatShape(nil))
	assert.Equal(t, "(3,)", FormatShape([]int{3}))
	assert.Equal(t, "(2, 3)", FormatShape([]int{2, 3}))
}
