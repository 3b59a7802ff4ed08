package vi_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// A hierarchy written once in its centered form and non-centered by
// configuration: under NonCentered, theta is the deterministic
// mu + tau*theta_decentered and the new latent site is a standard normal.
func ExampleNonCentered() {
	centered := func(p *vi.Program) {
		mu := p.Sample("mu", dist.Must(dist.NewNormal(0, 5)))
		tau := p.Sample("tau", dist.Must(dist.NewHalfNormal(2)))
		theta := p.Sample("theta", dist.Expanded{Base: dist.Normal{Loc: mu, Scale: tau}, Batch: mu.Rows(), Event: 3})
		p.Observe("y", dist.Normal{Loc: theta, Scale: ad.Scalar(1)}, ad.Row([]float64{1, -2, 0.5}))
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	for _, m := range []vi.Model{centered, vi.NonCentered(centered, "theta")} {
		tr, err := env.RunPrior(m, 1)
		if err != nil {
			panic(err)
		}
		var sites []string
		for _, s := range tr.Sites {
			sites = append(sites, s.Name+":"+s.Kind.String())
		}
		fmt.Println(strings.Join(sites, " "))
	}
	// Output:
	// mu:latent tau:latent theta:latent y:observed
	// mu:latent tau:latent theta_decentered:latent theta:deterministic y:observed
}

// A guide that draws its latent through an auxiliary standard normal eps
// hides eps with Block: the model has no eps, and the density of z is
// recorded with z itself. Inside the block eps is an ordinary site.
func ExampleBlock() {
	guide := vi.Handle(func(p *vi.Program) {
		eps := p.Sample("eps", dist.Must(dist.NewNormal(0, 1)))
		fmt.Println("inside:", len(p.Trace().Sites), "site", p.Trace().Sites[0].Name)
		q := dist.Must(dist.NewNormal(1, 0.5))
		z := ad.Add(ad.Scale(eps, 0.5), ad.Scalar(1))
		p.SampleValue("z", q, z, ad.Var{}, q.LogProb(z), dist.Real{})
	}, vi.Block(vi.Hide("eps")))
	model := func(p *vi.Program) {
		z := p.Sample("z", dist.Must(dist.NewNormal(0, 1)))
		p.Observe("y", dist.Normal{Loc: z, Scale: ad.Scalar(1)}, ad.Scalar(2))
	}
	env := vi.NewEnv(rand.New(rand.NewPCG(1, 1)), 1)
	gt, err := env.RunGuide(vi.GuideFunc(guide), 1)
	if err != nil {
		panic(err)
	}
	mt, err := env.RunModel(model, gt)
	if err != nil {
		panic(err)
	}
	for _, tr := range []*vi.Trace{gt, mt} {
		var sites []string
		for _, s := range tr.Sites {
			sites = append(sites, s.Name+":"+s.Kind.String())
		}
		fmt.Println(strings.Join(sites, " "))
	}
	// Output:
	// inside: 1 site eps
	// z:latent
	// z:latent y:observed
}
