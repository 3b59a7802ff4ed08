package vi

import (
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// transformed returns the distribution of bij(z), z ~ base, reported for
// constrained autoguide sites.
func transformed(base dist.Distribution, bij dist.Bijector) dist.Distribution {
	return pushforward{base: base, bij: bij}
}

// pushforward is a minimal transformed distribution used until
// dist.TransformedDistribution is available.
type pushforward struct {
	base dist.Distribution
	bij  dist.Bijector
}

func (d pushforward) Shape() (int, int) {
	b, c := d.base.Shape()
	return b, d.bij.ForwardDim(c)
}
func (d pushforward) LogProb(y ad.Var) ad.Var {
	x := d.bij.Inverse(y)
	return ad.Sub(d.base.LogProb(x), d.bij.LogDetJacobian(x, y))
}
func (d pushforward) Sample(rng *rand.Rand, n int) ad.Var {
	return d.bij.Forward(d.base.Sample(rng, n))
}
func (d pushforward) Support() dist.Support { return dist.Real{} }
func (d pushforward) Validate() error       { return d.base.Validate() }
