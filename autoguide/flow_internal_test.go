package autoguide

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/special"
	"github.com/kldiv/kldiv/vi"
)

// flowLogQ is an independent float64 evaluation of the flow's density at
// z by the inverse map: w = L₀⁻¹(z - u*), the couplings undone from the
// last, w₀ = B⁻¹(w - a); log q = log N(w₀) - log|B| - Σ s - log|L₀|.
func flowLogQ(g *flow, z []float64) float64 {
	b := &g.base
	d := b.lay.dim
	val := func(p *ad.Param) []float64 { return p.Val }
	// Forward substitution for L₀ (lower triangular).
	w := make([]float64, d)
	for i := 0; i < d; i++ {
		s := z[i] - b.mode[i]
		for j := 0; j < i; j++ {
			s -= b.l0[i*d+j] * w[j]
		}
		w[i] = s / b.l0[i*d+i]
	}
	logq := -b.logDetL0
	for k := len(g.layers) - 1; k >= 0; k-- {
		cp, m := g.layers[k], g.masks[k]
		h := len(val(cp.b1))
		hid := make([]float64, h)
		for u := 0; u < h; u++ {
			a := val(cp.b1)[u]
			for i := 0; i < d; i++ {
				a += m[i] * w[i] * val(cp.w1)[i*h+u]
			}
			hid[u] = math.Tanh(a)
		}
		for i := 0; i < d; i++ {
			if m[i] == 1 {
				continue
			}
			s, sh := val(cp.bs)[i], val(cp.bt)[i]
			for u := 0; u < h; u++ {
				s += hid[u] * val(cp.ws)[u*d+i]
				sh += hid[u] * val(cp.wt)[u*d+i]
			}
			w[i] = (w[i] - sh) * math.Exp(-s)
			logq -= s
		}
	}
	raw, loc := val(b.raw), val(b.loc)
	w0 := make([]float64, d)
	for i := 0; i < d; i++ {
		s := w[i] - loc[i]
		for j := 0; j < i; j++ {
			s -= raw[i*d+j] * w0[j]
		}
		bii := special.Softplus(raw[i*d+i])
		w0[i] = s / bii
		logq -= math.Log(bii) + 0.5*w0[i]*w0[i] + 0.5*math.Log(2*math.Pi)
	}
	return logq
}

// newTestFlow sets up Flow on a correlated 2-D Gaussian log-density
// and perturbs every parameter so that the couplings are far from the
// identity.
func newTestFlow(t *testing.T) (*flow, *vi.Env) {
	model := vi.LogDensity{Dim: 2, LogJoint: func(_ *ad.Tape, z ad.Var) ad.Var {
		x, y := ad.ColOf(z, 0), ad.ColOf(z, 1)
		q := ad.Add(ad.Square(x), ad.Square(ad.Sub(y, ad.Scale(x, 0.8))))
		return ad.Scale(q, -0.5)
	}}.Model()
	rng := rand.New(rand.NewPCG(7, 8))
	env := vi.NewEnv(rng, 1)
	proto, err := env.RunPrior(model, 1)
	require.NoError(t, err)
	g := Flow(5).(*flow)
	require.NoError(t, g.Setup(&vi.Setup{Model: model, Proto: proto, Params: env.Params, Rand: rng}))
	require.Len(t, g.layers, 2, "one index bit: two layers")
	for _, p := range env.Params.Params() {
		for i := range p.Val {
			p.Val[i] += 0.4 * rng.NormFloat64()
		}
	}
	return g, env
}

// TestFlowDensity: the joint log q the guide records at its draws (and
// its detached copy for sticking-the-landing) equals an independent
// float64 inversion of the flow; that density integrates to 1 on a grid
// (midpoint rule); and the draws' mean matches the mean under the density
// by quadrature within 4 Monte Carlo standard errors.
func TestFlowDensity(t *testing.T) {
	g, env := newTestFlow(t)
	const s = 20000
	env.Tape.Reset()
	tr, err := env.RunGuide(g, s)
	require.NoError(t, err)
	var z, logq, det []float64
	for _, site := range tr.Sites {
		switch site.Name {
		case "z":
			z = site.Value.Value()
		case jointSiteName:
			logq, det = site.LogProb.Value(), site.DetachedLogProb.Value()
		}
	}
	require.Len(t, z, 2*s)
	var mean [2]float64
	for i := 0; i < s; i++ {
		row := z[2*i : 2*i+2]
		want := flowLogQ(g, row)
		if i < 200 {
			assert.InDelta(t, want, logq[i], 1e-9, "log q at draw %d", i)
			assert.InDelta(t, logq[i], det[i], 1e-9, "detached log q at draw %d", i)
		}
		mean[0] += row[0] / s
		mean[1] += row[1] / s
	}
	var sd [2]float64
	for i := 0; i < s; i++ {
		for j := 0; j < 2; j++ {
			d := z[2*i+j] - mean[j]
			sd[j] += d * d / (s - 1)
		}
	}
	// Quadrature over a box of ±12 draw sds around the draw mean.
	const n = 600
	var mass, m0, m1 float64
	h0, h1 := 24*math.Sqrt(sd[0])/n, 24*math.Sqrt(sd[1])/n
	for a := 0; a < n; a++ {
		x := mean[0] - 12*math.Sqrt(sd[0]) + (float64(a)+0.5)*h0
		for b := 0; b < n; b++ {
			y := mean[1] - 12*math.Sqrt(sd[1]) + (float64(b)+0.5)*h1
			q := math.Exp(flowLogQ(g, []float64{x, y})) * h0 * h1
			mass += q
			m0 += q * x
			m1 += q * y
		}
	}
	assert.InDelta(t, 1, mass, 1e-3, "flow density integrates to 1")
	assert.InDelta(t, m0, mean[0], 4*math.Sqrt(sd[0]/s), "mean of z[0]: draws vs quadrature")
	assert.InDelta(t, m1, mean[1], 4*math.Sqrt(sd[1]/s), "mean of z[1]: draws vs quadrature")
}

// TestFlowStartsAtLaplace: before any step the flow is the Laplace
// approximation (zero output weights): on a Gaussian target its log q
// equals the target's normalized log-density at every draw.
func TestFlowStartsAtLaplace(t *testing.T) {
	model := vi.LogDensity{Dim: 2, LogJoint: func(_ *ad.Tape, z ad.Var) ad.Var {
		x, y := ad.ColOf(z, 0), ad.ColOf(z, 1)
		q := ad.Add(ad.Square(x), ad.Square(ad.Sub(y, ad.Scale(x, 0.8))))
		return ad.Shift(ad.Scale(q, -0.5), -math.Log(2*math.Pi))
	}}.Model()
	rng := rand.New(rand.NewPCG(1, 2))
	env := vi.NewEnv(rng, 1)
	proto, err := env.RunPrior(model, 1)
	require.NoError(t, err)
	g := Flow(4)
	require.NoError(t, g.Setup(&vi.Setup{Model: model, Proto: proto, Params: env.Params, Rand: rng}))
	env.Tape.Reset()
	tr, err := env.RunGuide(g, 50)
	require.NoError(t, err)
	var z, logq []float64
	for _, site := range tr.Sites {
		switch site.Name {
		case "z":
			z = site.Value.Value()
		case jointSiteName:
			logq = site.LogProb.Value()
		}
	}
	for i := 0; i < 50; i++ {
		x, y := z[2*i], z[2*i+1]
		want := -0.5*(x*x+(y-0.8*x)*(y-0.8*x)) - math.Log(2*math.Pi)
		assert.InDelta(t, want, logq[i], 1e-6, "log q = log p at draw %d", i)
	}
}

// TestFlowRejectsHidden: hidden units must be positive.
func TestFlowRejectsHidden(t *testing.T) {
	err := Flow(0).Setup(&vi.Setup{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hidden = 0")
}

// TestFlowWithoutMode: on a density without a maximum (a centered
// hierarchy with a flat prior on the log scale: it grows without bound as
// the scale goes to 0 with the group means at 0) the mode search fails and
// Flow whitens by the init scale around the init point instead.
func TestFlowWithoutMode(t *testing.T) {
	model := vi.LogDensity{Dim: 3, LogJoint: func(_ *ad.Tape, z ad.Var) ad.Var {
		u := ad.ColOf(z, 2)
		th := ad.SliceCols(z, 0, 2)
		// Σ_j log N(θ_j; 0, e^u) + log N(1; θ_j, 1), constants dropped.
		prior := ad.Sub(ad.Scale(ad.Mul(ad.SumCols(ad.Square(th)), ad.Exp(ad.Scale(u, -2))), -0.5), ad.Scale(u, 2))
		lik := ad.Scale(ad.SumCols(ad.Square(ad.Shift(th, -1))), -0.5)
		return ad.Add(prior, lik)
	}}.Model()
	rng := rand.New(rand.NewPCG(3, 4))
	env := vi.NewEnv(rng, 1)
	proto, err := env.RunPrior(model, 1)
	require.NoError(t, err)
	g := Flow(4, WithInitScale(0.2)).(*flow)
	require.NoError(t, g.Setup(&vi.Setup{Model: model, Proto: proto, Params: env.Params, Rand: rng}))
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = 0.2
			}
			assert.Equal(t, want, g.base.l0[i*3+j], "L0[%d][%d]", i, j)
		}
	}
	assert.InDelta(t, 3*math.Log(0.2), g.base.logDetL0, 1e-12, "log|L0|")
	require.Len(t, g.layers, 4, "two index bits: four layers")
}
