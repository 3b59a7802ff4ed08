package models

import (
	"fmt"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// LogisticRegression is Bayesian logistic regression without intercept
// (add a column of ones to X for one):
//
//	w ~ N(0, PriorScale² I_D),  y_n ~ Bernoulli(sigmoid(x_n · w)).
//
// Workload W3 of the benchmark suite is this model with PriorScale 1.
type LogisticRegression struct {
	X          ad.Matrix // N x D design
	Y          []float64 // N labels in {0, 1}
	PriorScale float64
}

// Validate checks shapes, the prior scale and the labels.
func (m LogisticRegression) Validate() error {
	if m.X.Rows != len(m.Y) || len(m.X.Data) != m.X.Rows*m.X.Cols || m.X.Rows == 0 || m.X.Cols == 0 {
		return fmt.Errorf("models: LogisticRegression: X is %dx%d with %d values, y has %d", m.X.Rows, m.X.Cols, len(m.X.Data), len(m.Y))
	}
	if !(m.PriorScale > 0) {
		return fmt.Errorf("models: LogisticRegression: prior scale %v, want > 0", m.PriorScale)
	}
	for i, y := range m.Y {
		if y != 0 && y != 1 {
			return fmt.Errorf("models: LogisticRegression: y[%d] = %v, want 0 or 1", i, y)
		}
	}
	return finiteData("X", m.X.Data)
}

// Model returns the program. The weights are global: with S particles w is
// S x D, and the labels (a 1 x N row) are scored under
// dist.BernoulliLinear{Weights: w, Design: X}, Bernoulli with the S x N
// logits w Xᵀ as one fused node that reads X once per step for the value
// and the gradient.
func (m LogisticRegression) Model() vi.Model {
	n, d := m.X.Rows, m.X.Cols
	prior := dist.Normal{Loc: ad.Full(1, d, 0), Scale: ad.Full(1, d, m.PriorScale)}
	return func(p *vi.Program) {
		w := p.Sample("w", prior)
		p.Observe("y", dist.BernoulliLinear{Weights: w, Design: m.X}, p.Const(1, n, m.Y))
	}
}
