package optim

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Adagrad is Adagrad (Duchi, Hazan and Singer, 2011).
type Adagrad struct {
	base
	Eps float64
}

// NewAdagrad returns Adagrad with step size lr and eps 1e-10.
func NewAdagrad(lr float64) *Adagrad { return &Adagrad{base: newBase(lr), Eps: 1e-10} }

// Step applies s += g², p -= lr g/(√s + eps).
func (o *Adagrad) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		s := o.slot(p, 1)[0]
		for i, g := range p.Grad {
			s[i] += g * g
			p.Val[i] -= o.lr * g / (math.Sqrt(s[i]) + o.Eps)
		}
	}
}
