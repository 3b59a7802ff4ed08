package optim

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
)

// Adam is Adam (Kingma and Ba, 2015) with bias correction, as
// torch.optim.Adam.
type Adam struct {
	base
	Beta1, Beta2, Eps float64
}

// NewAdam returns Adam with step size lr and betas (0.9, 0.999), eps 1e-8.
func NewAdam(lr float64) *Adam {
	return &Adam{base: newBase(lr), Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step applies one Adam update.
func (o *Adam) Step(params []*ad.Param) {
	o.t++
	adamStep(&o.base, params, o.Beta1, o.Beta2, o.Eps, o.lr, 0)
}

func adamStep(b *base, params []*ad.Param, b1, b2, eps, lr, clip float64) {
	c1 := 1 - math.Pow(b1, float64(b.t))
	c2 := 1 - math.Pow(b2, float64(b.t))
	for _, p := range params {
		b.adopt(p)
		s := b.slot(p, 2)
		m, v := s[0], s[1]
		scale := 1.0
		if clip > 0 {
			var n2 float64
			for _, g := range p.Grad {
				n2 += g * g
			}
			if n := math.Sqrt(n2); n > clip {
				scale = clip / n
			}
		}
		// m = b1 m + (1-b1) g, v = b2 v + (1-b2) g², p -= lr (m/c1) /
		// (sqrt(v/c2) + eps) with g scaled by the clip factor: the vector
		// kernel gives the bits of this scalar loop.
		kernel.Adam(p.Val, m, v, p.Grad, scale, b1, b2, c1, c2, lr, eps)
	}
}

// ClippedAdam is Adam whose gradients are clipped to an L2 norm of at
// most ClipNorm per parameter, and whose step size decays by the factor
// LRD at every step (as Pyro's ClippedAdam, with norm clipping).
type ClippedAdam struct {
	Adam
	ClipNorm float64
	LRD      float64
}

// NewClippedAdam returns ClippedAdam with step size lr, ClipNorm 10 and LRD 1.
func NewClippedAdam(lr float64) *ClippedAdam {
	return &ClippedAdam{Adam: *NewAdam(lr), ClipNorm: 10, LRD: 1}
}

// Step applies one clipped Adam update and decays the step size.
func (o *ClippedAdam) Step(params []*ad.Param) {
	o.t++
	adamStep(&o.base, params, o.Beta1, o.Beta2, o.Eps, o.lr, o.ClipNorm)
	o.lr *= o.LRD
}
