package vi

import (
	"fmt"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Flat is the improper uniform density on R^Cols (log-density 0), the
// prior of a latent whose density the model supplies with Factor. A draw
// from an improper prior is not defined: Sample returns zeros, which is
// what prototypes and initializations of automatic guides see.
type Flat struct{ Cols int }

// Shape returns (1, Cols).
func (d Flat) Shape() (int, int) { return 1, d.Cols }

// LogProb returns zeros, R x 1.
func (d Flat) LogProb(x ad.Var) ad.Var {
	if x.Cols() != d.Cols {
		panic(fmt.Sprintf("vi: Flat.LogProb: value has %d columns, want %d", x.Cols(), d.Cols))
	}
	if t := x.Tape(); t != nil {
		return t.Full(x.Rows(), 1, 0)
	}
	return ad.Full(x.Rows(), 1, 0)
}

// Sample returns n rows of zeros.
func (d Flat) Sample(_ *rand.Rand, n int) ad.Var { return ad.Full(n, d.Cols, 0) }

// Support returns the real line.
func (Flat) Support() dist.Support { return dist.Real{} }

// Validate checks Cols > 0.
func (d Flat) Validate() error {
	if d.Cols <= 0 {
		return fmt.Errorf("vi: Flat with %d columns", d.Cols)
	}
	return nil
}

// LogDensity is a model written Stan-style: a log-density over an
// unconstrained vector z of Dim components. LogJoint receives S particles as
// the rows of z (S x Dim) and returns S x 1. Constrain, when set, records
// the model's named quantities in constrained space with
// Program.Deterministic, for summaries.
type LogDensity struct {
	Dim       int
	LogJoint  func(t *ad.Tape, z ad.Var) ad.Var
	Constrain func(p *Program, z ad.Var)
}

// Model returns the program: z ~ Flat(Dim), Factor("logp", LogJoint(z)).
func (m LogDensity) Model() Model {
	return func(p *Program) {
		z := p.Sample("z", Flat{Cols: m.Dim})
		lp := m.LogJoint(p.Tape(), z)
		p.Factor("logp", lp)
		if m.Constrain != nil {
			m.Constrain(p, z)
		}
	}
}
