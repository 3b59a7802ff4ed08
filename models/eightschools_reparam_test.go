package models

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/autoguide"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/elbo"
	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// handNonCentered is the non-centered eight schools written out by hand
// (the branch the model had before vi.Reparam): the reference for the
// reparameterized program.
func handNonCentered(m EightSchools) vi.Model {
	j := len(m.Y)
	etaPrior := dist.Must(dist.Expand(dist.Must(dist.NewNormal(0, 1)), 1, j))
	return func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 5)))
		tau := p.Sample("tau", dist.Must(dist.NewHalfCauchy(5)))
		eta := p.Sample("eta", etaPrior)
		theta := p.Deterministic("theta", ad.Add(mu, ad.Mul(tau, eta)))
		p.Observe("y", dist.Normal{Loc: theta, Scale: ad.Row(m.Sigma)}, ad.Row(m.Y))
	}
}

// TestEightSchoolsReparamIsNonCentered: the centered program under
// vi.Reparam with vi.LocScale{Aux: "eta"} is the hand-written non-centered
// model: the same sites in the same order, kinds and values from the
// prior, and a short fit ends with the same parameters bit for bit.
func TestEightSchoolsReparamIsNonCentered(t *testing.T) {
	m := EightSchoolsData(false)
	fit := func(model vi.Model) *vi.Result {
		res, err := vi.Fit(context.Background(), model, autoguide.Normal(), elbo.Trace{Particles: 4}, optim.NewAdam(0.05),
			vi.MaxSteps(50), vi.Seed(3), vi.Draws(200))
		require.NoError(t, err)
		return res
	}
	got, want := fit(m.Model()), fit(handNonCentered(m))
	require.Equal(t, len(want.Params.Params()), len(got.Params.Params()))
	for i, p := range want.Params.Params() {
		q := got.Params.Params()[i]
		assert.Equal(t, p.Name, q.Name)
		assert.Equal(t, p.Val, q.Val, "parameter %s", p.Name)
	}
	assert.Equal(t, want.Order, got.Order, "sites recorded in Draws")
	assert.Equal(t, want.Draws["theta"].Data, got.Draws["theta"].Data, "theta draws")
	assert.Equal(t, want.ELBO, got.ELBO)

	// The centered form keeps theta a latent site; the non-centered one
	// records it as deterministic after its auxiliary eta.
	env := vi.NewEnv(rand.New(rand.NewPCG(5, 1)), 1)
	tr, err := env.RunPrior(m.Model(), 1)
	require.NoError(t, err)
	var kinds []string
	for _, s := range tr.Sites {
		kinds = append(kinds, s.Name+":"+s.Kind.String())
	}
	assert.Equal(t, []string{"mu:latent", "tau:latent", "eta:latent", "theta:deterministic", "y:observed"}, kinds)
	tr, err = vi.NewEnv(rand.New(rand.NewPCG(5, 1)), 1).RunPrior(EightSchoolsData(true).Model(), 1)
	require.NoError(t, err)
	assert.Equal(t, vi.Latent, tr.Site("theta").Kind)
	assert.Nil(t, tr.Site("eta"))
}
