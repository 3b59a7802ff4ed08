package optim

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// RMSProp is RMSProp (Tieleman and Hinton, 2012), as torch.optim.RMSprop.
type RMSProp struct {
	base
	Alpha, Eps, Momentum float64
}

// NewRMSProp returns RMSProp with step size lr, alpha 0.99, eps 1e-8.
func NewRMSProp(lr float64) *RMSProp {
	return &RMSProp{base: newBase(lr), Alpha: 0.99, Eps: 1e-8}
}

// Step applies v = αv + (1-α)g², p -= lr g/(√v + eps) (with momentum
// buffer when Momentum > 0).
func (o *RMSProp) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		s := o.slot(p, 2)
		v, buf := s[0], s[1]
		for i, g := range p.Grad {
			v[i] = o.Alpha*v[i] + (1-o.Alpha)*g*g
			d := g / (math.Sqrt(v[i]) + o.Eps)
			if o.Momentum > 0 {
				buf[i] = o.Momentum*buf[i] + d
				d = buf[i]
			}
			p.Val[i] -= o.lr * d
		}
	}
}
