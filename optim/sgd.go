package optim

import "github.com/kldiv/kldiv/ad"

// SGD is stochastic gradient descent with optional momentum (heavy ball
// or Nesterov) and L2 weight decay, as torch.optim.SGD.
type SGD struct {
	base
	Momentum    float64
	Nesterov    bool
	WeightDecay float64
}

// NewSGD returns plain stochastic gradient descent with step size lr; set
// Momentum and Nesterov on the result for momentum.
func NewSGD(lr float64) *SGD { return &SGD{base: newBase(lr)} }

// Step applies p -= lr*(g + μ v) (Nesterov) or p -= lr*v with
// v = μ v + g.
func (o *SGD) Step(params []*ad.Param) {
	o.t++
	for _, p := range params {
		o.adopt(p)
		var v []float64
		if o.Momentum != 0 {
			v = o.slot(p, 1)[0]
		}
		for i, g := range p.Grad {
			if o.WeightDecay != 0 {
				g += o.WeightDecay * p.Val[i]
			}
			if v != nil {
				v[i] = o.Momentum*v[i] + g
				if o.Nesterov {
					g += o.Momentum * v[i]
				} else {
					g = v[i]
				}
			}
			p.Val[i] -= o.lr * g
		}
	}
}
