package vi_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/internal/testmodel"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// siteNames returns the names of the trace's sites in order.
func siteNames(tr *vi.Trace) []string {
	out := []string{}
	for _, s := range tr.Sites {
		out = append(out, s.Name)
	}
	return out
}

// probe returns m followed by a copy of the trace as the program sees it
// at the end of m's body (inside any Block that wraps the probe).
func probe(m vi.Model, inside *vi.Trace) vi.Model {
	return func(p *vi.Program) {
		m(p)
		inside.Sites = append([]vi.Site(nil), p.Trace().Sites...)
	}
}

// blockBase declares one site of every kind; d = a + b.
func blockBase(p *vi.Program) {
	a := p.Sample("a", dist.Must(dist.NewNormal(0, 1)))
	b := p.Sample("b", dist.Must(dist.NewNormal(1, 2)))
	p.Observe("y", dist.Normal{Loc: ad.Mul(a, b), Scale: ad.Scalar(1)}, ad.Scalar(0.3))
	p.Factor("_f", ad.Scalar(-1))
	p.Deterministic("d", ad.Add(a, b))
}

// TestBlockSelectors: each selector removes exactly its sites from the
// trace the run returns, while inside the Block every site is recorded and
// a hidden site's value still flows into the sites computed from it.
func TestBlockSelectors(t *testing.T) {
	all := []string{"a", "b", "y", "_f", "d"}
	for _, c := range []struct {
		name string
		sel  vi.Selector
		want []string
	}{
		{"HideAll", vi.HideAll(), []string{}},
		{"zero Selector", vi.Selector{}, []string{}},
		{"Hide", vi.Hide("a", "d"), []string{"b", "y", "_f"}},
		{"Expose", vi.Expose("b"), []string{"b"}},
		{"ExposeKinds", vi.ExposeKinds(vi.Observed, vi.Factor), []string{"y", "_f"}},
		{"HideFunc", vi.HideFunc(func(name string, _ vi.SiteKind) bool { return strings.HasPrefix(name, "_") }), []string{"a", "b", "y", "d"}},
	} {
		env := vi.NewEnv(rand.New(rand.NewPCG(3, 4)), 2)
		var inside vi.Trace
		tr, err := env.RunPrior(vi.Handle(probe(blockBase, &inside), vi.Block(c.sel)), 2)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, siteNames(tr), "%s: the sites outside the block", c.name)
		assert.Equal(t, all, siteNames(&inside), "%s: the sites inside the block", c.name)
		a, b, d := inside.Site("a").Value.Value(), inside.Site("b").Value.Value(), inside.Site("d").Value.Value()
		for i := range d {
			assert.Equal(t, a[i]+b[i], d[i], "%s: d = a + b, particle %d", c.name, i)
		}
	}
	assert.Panics(t, func() { vi.HideFunc(nil) }, "a nil predicate is a programmer error")
}

// TestBlockUnknownName: a Hide or Expose name that nothing inside the
// block declares fails the run with the name; a name declared inside a
// nested Block counts as declared.
func TestBlockUnknownName(t *testing.T) {
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 4)), 1)
	_, err := env.RunPrior(vi.Handle(blockBase, vi.Block(vi.Hide("a", "bee"))), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `vi: Block: hidden site "bee" is not declared inside the block`)
	_, err = env.RunPrior(vi.Handle(blockBase, vi.Block(vi.Expose("zz"))), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `exposed site "zz" is not declared`)
	g := vi.GuideFunc(func(p *vi.Program) { p.Sample("a", dist.Must(dist.NewNormal(0, 1))) })
	_, err = env.RunGuideWith(g, 1, vi.Block(vi.Hide("b")))
	require.Error(t, err, "a Block passed to RunGuideWith checks its names at the end of the run")
	assert.Contains(t, err.Error(), `hidden site "b"`)

	nested := vi.Handle(vi.Handle(blockBase, vi.Block(vi.Hide("a"))), vi.Block(vi.Hide("a", "b")))
	tr, err := env.RunPrior(nested, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"y", "_f", "d"}, siteNames(tr))
}

// TestBlockRedeclare: a sub-program whose internal site is hidden can run
// twice in one program; without the Block its site is declared twice.
func TestBlockRedeclare(t *testing.T) {
	noisy := func(p *vi.Program) { p.Sample("eps", dist.Must(dist.NewNormal(0, 1))) }
	hidden := vi.Handle(noisy, vi.Block(vi.Hide("eps")))
	env := vi.NewEnv(rand.New(rand.NewPCG(3, 4)), 1)
	tr, err := env.RunPrior(func(p *vi.Program) { hidden(p); hidden(p); p.Sample("z", dist.Must(dist.NewNormal(0, 1))) }, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"z"}, siteNames(tr))
	_, err = env.RunPrior(func(p *vi.Program) { noisy(p); noisy(p) }, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `site "eps" declared twice`)
}

// TestBlockSubstituteOrder: a Substitute outside the Block does not see
// the hidden site (it is drawn), one inside fixes it before it is hidden;
// the same through Handle and through RunGuideWith's stack.
func TestBlockSubstituteOrder(t *testing.T) {
	body := func(p *vi.Program) {
		a := p.Sample("a", dist.Must(dist.NewNormal(0, 1)))
		p.Deterministic("b", a)
	}
	two := vi.Substitute(map[string]ad.Matrix{"a": {Rows: 1, Cols: 1, Data: []float64{2}}})
	hide := vi.Block(vi.Hide("a"))
	env := vi.NewEnv(rand.New(rand.NewPCG(5, 6)), 3)
	check := func(label string, tr *vi.Trace, err error, fixed bool) {
		require.NoError(t, err, label)
		assert.Equal(t, []string{"b"}, siteNames(tr), label)
		for i, v := range tr.Site("b").Value.Value() {
			if fixed {
				assert.Equal(t, 2.0, v, "%s: b = the substituted a, particle %d", label, i)
			} else {
				assert.NotEqual(t, 2.0, v, "%s: b = a drawn from N(0, 1), particle %d", label, i)
			}
		}
	}
	tr, err := env.RunGuide(vi.GuideFunc(vi.Handle(vi.Handle(body, hide), two)), 3)
	check("Substitute outside the Block", tr, err, false)
	tr, err = env.RunGuide(vi.GuideFunc(vi.Handle(vi.Handle(body, two), hide)), 3)
	check("Substitute inside the Block", tr, err, true)
	tr, err = env.RunGuideWith(vi.GuideFunc(body), 3, two, hide)
	check("RunGuideWith(Substitute, Block)", tr, err, false)
	tr, err = env.RunGuideWith(vi.GuideFunc(body), 3, hide, two)
	check("RunGuideWith(Block, Substitute)", tr, err, true)
}

// TestBlockScaleOrder: a Scale outside the Block does not scale the sites
// it hides (as seen inside), one inside does, and visible sites are scaled
// by both.
func TestBlockScaleOrder(t *testing.T) {
	var inside vi.Trace
	body := probe(func(p *vi.Program) {
		p.Sample("a", dist.Must(dist.NewNormal(0, 1)))
		p.Observe("y", dist.Must(dist.NewNormal(0, 1)), ad.Scalar(0.5))
		p.Factor("f", ad.Scalar(-1))
	}, &inside)
	env := vi.NewEnv(rand.New(rand.NewPCG(5, 6)), 1)
	scales := func(tr *vi.Trace) map[string]float64 {
		out := map[string]float64{}
		for _, s := range tr.Sites {
			out[s.Name] = s.Scale
		}
		return out
	}

	tr, err := env.RunPrior(vi.Scale(vi.Handle(body, vi.Block(vi.Hide("a", "y"))), 3), 1)
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"f": 3}, scales(tr), "outside: only f, scaled")
	assert.Equal(t, map[string]float64{"a": 1, "y": 1, "f": 3}, scales(&inside), "inside: the outer Scale skips the hidden sites")

	tr, err = env.RunPrior(vi.Handle(vi.Scale(body, 3), vi.Block(vi.Hide("a", "y"))), 1)
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"f": 3}, scales(tr))
	assert.Equal(t, map[string]float64{"a": 3, "y": 3, "f": 3}, scales(&inside), "inside: the inner Scale scales every site")

	tr, err = env.RunPrior(vi.Scale(vi.Handle(vi.Scale(body, 0.5), vi.Block(vi.Hide("f"))), 4), 1)
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"a": 2, "y": 2}, scales(tr))
	assert.Equal(t, map[string]float64{"a": 2, "y": 2, "f": 0.5}, scales(&inside))
}

// TestBlockReplay: a model's internal draw hidden by a Block is not
// replayed from the guide (which need not have it) and is not scored: the
// model's log joint is that of its visible sites.
func TestBlockReplay(t *testing.T) {
	noise := func(p *vi.Program) { p.Sample("noise", dist.Must(dist.NewNormal(0, 0.1))) }
	model := func(inner vi.Model) vi.Model {
		return func(p *vi.Program) {
			mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 1)))
			inner(p)
			p.Observe("y", dist.Normal{Loc: mu, Scale: ad.Scalar(1)}, ad.Scalar(0.7))
		}
	}
	guide := vi.GuideFunc(func(p *vi.Program) { p.Sample("mu", dist.Must(dist.NewNormal(0.2, 0.5))) })
	env := vi.NewEnv(rand.New(rand.NewPCG(7, 8)), 4)
	gt, err := env.RunGuide(guide, 4)
	require.NoError(t, err)
	_, err = env.RunModel(model(noise), gt)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `model site "noise" has no counterpart in the guide`)

	mt, err := env.RunModel(model(vi.Handle(noise, vi.Block(vi.Hide("noise")))), gt)
	require.NoError(t, err)
	assert.Equal(t, []string{"mu", "y"}, siteNames(mt))
	lp := func(x, m, s float64) float64 { return -0.5*(x-m)*(x-m)/(s*s) - math.Log(s) - 0.9189385332046727 }
	for i, mu := range gt.Site("mu").Value.Value() {
		assert.InDelta(t, lp(mu, 0, 1)+lp(0.7, mu, 1), mt.LogJoint(4).Value()[i], 1e-13, "log p(mu, y), particle %d", i)
	}
}

// TestBlockReparamOrder: a Block inside a Reparam hides the site before
// the reparameterizer sees it (it stays centered and is gone); a Block
// outside hides the deterministic site the reparameterizer records and
// keeps its auxiliary latent.
func TestBlockReparamOrder(t *testing.T) {
	centered := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(1, 1)))
		p.Sample("x", dist.Normal{Loc: mu, Scale: ad.Scalar(2)})
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(7, 8)), 1)
	tr, err := env.RunPrior(vi.NonCentered(vi.Handle(centered, vi.Block(vi.Hide("x"))), "x"), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"mu"}, siteNames(tr))
	tr, err = env.RunPrior(vi.Handle(vi.NonCentered(centered, "x"), vi.Block(vi.Hide("x"))), 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"mu", "x_decentered"}, siteNames(tr))
}

// blockedPosteriorGuide is the exact posterior of testmodel.Conjugate
// written as a reparameterization of a standard normal auxiliary site
// "eps" (1 x 3) hidden by a Block: u = m + L eps, theta = exp(u₀),
// beta = (u₁, u₂), recorded with their exact densities (SampleValue).
// With block false, eps is left in the trace.
func blockedPosteriorGuide(m []float64, l *mat.TriDense, block bool) vi.GuideFunc {
	draw := func(p *vi.Program) {
		std, err := dist.Expand(dist.Must(dist.NewNormal(0, 1)), 1, 3)
		if err != nil {
			p.Fail("%v", err)
		}
		eps := p.Sample("eps", std) // S x 3
		s := p.Particles()
		lt := make([]float64, 9)
		for i := 0; i < 3; i++ {
			for j := 0; j <= i; j++ {
				lt[j*3+i] = l.At(i, j) // Lᵀ, row-major
			}
		}
		u := ad.Add(ad.MatMul(eps, p.Const(3, 3, lt)), ad.TileRows(p.Const(1, 3, m), s))
		theta := ad.Exp(ad.SliceCols(u, 0, 1))
		qt := dist.LogNormal{Loc: ad.Scalar(m[0]), Scale: ad.Scalar(l.At(0, 0))}
		p.SampleValue("theta", qt, theta, ad.Var{}, qt.LogProb(theta), dist.Positive())
		beta := ad.SliceCols(u, 1, 3)
		qb := dist.MultivariateNormal{Loc: p.Const(1, 2, m[1:]), ScaleTril: p.Const(1, 4, []float64{l.At(1, 1), 0, l.At(2, 1), l.At(2, 2)})}
		p.SampleValue("beta", qb, beta, ad.Var{}, qb.LogProb(beta), dist.Real{})
	}
	if block {
		return vi.GuideFunc(vi.Handle(draw, vi.Block(vi.Hide("eps"))))
	}
	return vi.GuideFunc(draw)
}

// TestBlockELBOExact: with q the exact posterior, log p(x, z) - log q(z) is
// the log evidence at every draw, so the Trace ELBO and the IWAE bound
// equal the closed-form log evidence: for q drawn directly and for q
// written with a blocked auxiliary site alike (the hidden site adds
// nothing; its density is accounted for by the recorded sites'). Left in
// the trace, the auxiliary site has no model counterpart and the
// objective fails.
func TestBlockELBOExact(t *testing.T) {
	c := testmodel.NewConjugate()
	want := c.LogEvidence()
	m, cov, _ := c.Posterior()
	var ch mat.Cholesky
	require.True(t, ch.Factorize(cov))
	var l mat.TriDense
	ch.LTo(&l)
	direct := vi.GuideFunc(func(p *vi.Program) {
		p.Sample("theta", dist.LogNormal{Loc: ad.Scalar(m[0]), Scale: ad.Scalar(l.At(0, 0))})
		p.Sample("beta", dist.MultivariateNormal{Loc: p.Const(1, 2, m[1:]), ScaleTril: p.Const(1, 4, []float64{l.At(1, 1), 0, l.At(2, 1), l.At(2, 2)})})
	})
	for _, g := range []struct {
		name  string
		guide vi.Guide
	}{{"direct", direct}, {"blocked auxiliary", blockedPosteriorGuide(m, &l, true)}} {
		for _, obj := range []struct {
			name string
			o    vi.Objective
		}{{"Trace", elbo.Trace{Particles: 16}}, {"IWAE", elbo.IWAE{K: 16}}} {
			env := vi.NewEnv(rand.New(rand.NewPCG(9, 10)), 1)
			_, stats, err := obj.o.Loss(env, c.Model(), g.guide)
			require.NoError(t, err, "%s, %s", g.name, obj.name)
			assert.InDelta(t, want, stats.ELBO, 1e-9, "%s guide, %s: ELBO = log evidence %.6f", g.name, obj.name, want)
		}
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(9, 10)), 1)
	_, _, err := elbo.Trace{Particles: 4}.Loss(env, c.Model(), blockedPosteriorGuide(m, &l, false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `guide site "eps" is not a latent site of the model`)
}

// TestExactFitKHat: a fit whose guide is the exact posterior (through a
// blocked auxiliary site) has log weights equal to the log evidence up to
// rounding: the final ELBO is the log evidence with no spread, k-hat is
// -Inf (estimators.PSIS's degenerate tail) and the PSIS-corrected
// summaries are available.
func TestExactFitKHat(t *testing.T) {
	c := testmodel.NewConjugate()
	m, cov, _ := c.Posterior()
	var ch mat.Cholesky
	require.True(t, ch.Factorize(cov))
	var l mat.TriDense
	ch.LTo(&l)
	res, err := vi.Fit(context.Background(), c.Model(), blockedPosteriorGuide(m, &l, true), elbo.Trace{}, optim.NewAdam(0.01),
		vi.MaxSteps(0), vi.Seed(3), vi.Draws(400))
	require.NoError(t, err)
	assert.InDelta(t, c.LogEvidence(), res.ELBO, 1e-9, "ELBO = log evidence")
	assert.Less(t, res.ELBOStdErr, 1e-12, "no spread in the log weights but rounding")
	assert.True(t, math.IsInf(res.KHat, -1), "k-hat of an exact fit: -Inf, got %v", res.KHat)
	sums, err := res.PSISSummaries()
	require.NoError(t, err)
	require.NotEmpty(t, sums)
}

// TestBlockEnumerateDraw: an Enumerate outside a Block does not enumerate
// the plate site the Block hides (it is drawn, one value per row), one
// inside enumerates it before it is hidden; Drawing, a property of the
// run rather than of a site, stays true inside a Block under Draw.
func TestBlockEnumerateDraw(t *testing.T) {
	var inside vi.Trace
	model := probe(func(p *vi.Program) {
		pl := p.Plate("data", 4, 0)
		pl.Sample("k", dist.Categorical{Probs: ad.Row([]float64{0.2, 0.3, 0.5})})
	}, &inside)
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 2)), 1)
	gt, err := env.RunGuide(vi.GuideFunc(func(*vi.Program) {}), 1)
	require.NoError(t, err)

	mt, err := env.RunModelWith(model, gt, vi.Enumerate())
	require.NoError(t, err)
	require.NotNil(t, mt.Site("k"))
	assert.Equal(t, 3, mt.Site("k").Enumerated, "without a Block: enumerated")

	mt, err = env.RunModelWith(vi.Handle(model, vi.Block(vi.Hide("k"))), gt, vi.Enumerate())
	require.NoError(t, err)
	assert.Nil(t, mt.Site("k"))
	k := inside.Site("k")
	assert.Equal(t, 0, k.Enumerated, "Enumerate outside the Block: drawn")
	require.Equal(t, 1, k.Value.Rows(), "one draw (batch 1, one particle), not the 3 x 4 enumerated values")
	assert.Contains(t, []float64{0, 1, 2}, k.Value.Scalar(), "a draw from the support")

	mt, err = env.RunModelWith(model, gt, vi.Block(vi.Hide("k")), vi.Enumerate())
	require.NoError(t, err)
	assert.Nil(t, mt.Site("k"))
	assert.Equal(t, 3, inside.Site("k").Enumerated, "Enumerate inside the Block: enumerated, then hidden")

	var drawing []bool
	g := vi.GuideFunc(vi.Handle(func(p *vi.Program) {
		drawing = append(drawing, p.Drawing())
		p.Sample("x", dist.Must(dist.NewNormal(0, 1)))
	}, vi.Block(vi.HideAll())))
	_, err = env.RunGuideWith(g, 1, vi.Draw())
	require.NoError(t, err)
	_, err = env.RunGuide(g, 1)
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false}, drawing)
}
