package dist

import (
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// Independent reinterprets batch dimensions of Base as event dimensions,
// as torch.distributions.Independent does. In kldiv the columns of a
// univariate family are already independent components whose
// log-densities are summed (LogProb is R x 1), and the kldiv command maps
// torch's batch dimensions to rows and its event dimensions to columns, so
// Independent changes no number: it is a transparent wrapper that exists
// for parity with torch programs and for KL dispatch (KL looks through it,
// see kl_structural.go). ReinterpretedBatchNdims is kept for that parity
// and only validated (>= 0).
//
// Every method delegates to Base. Independent declares the optional
// methods Rsample, Entropy, Mean, Variance and CDF; they work when Base
// provides them and panic otherwise (a programmer error). Use
// Provides[Reparameterized](d) (or Entropic, Moments, CDFer), which looks
// through the wrapper, rather than a type assertion, or type-assert Base.
type Independent struct {
	Base                    Distribution
	ReinterpretedBatchNdims int
}

// NewIndependent returns Independent{base, n}, or an error when base is
// nil or invalid or n is negative.
func NewIndependent(base Distribution, n int) (Independent, error) {
	d := Independent{Base: base, ReinterpretedBatchNdims: n}
	return d, d.Validate()
}

// Validate checks Base and ReinterpretedBatchNdims.
func (d Independent) Validate() error {
	if deref(d.Base) == nil {
		return fmt.Errorf("dist: Independent: base is missing")
	}
	if d.ReinterpretedBatchNdims < 0 {
		return fmt.Errorf("dist: Independent: reinterpreted_batch_ndims = %d, want >= 0", d.ReinterpretedBatchNdims)
	}
	return d.Base.Validate()
}

// Shape returns the shape of Base.
func (d Independent) Shape() (int, int) { return d.Base.Shape() }

// Support returns the support of Base.
func (d Independent) Support() Support { return d.Base.Support() }

// LogProb returns Base.LogProb(x) (already summed over the columns).
func (d Independent) LogProb(x ad.Var) ad.Var { return d.Base.LogProb(x) }

// Sample returns Base.Sample(rng, n).
func (d Independent) Sample(rng *rand.Rand, n int) ad.Var { return d.Base.Sample(rng, n) }

// Rsample returns Base's pathwise samples. It panics if Base is not
// Reparameterized.
func (d Independent) Rsample(rng *rand.Rand, n int) ad.Var {
	b, ok := deref(d.Base).(Reparameterized)
	if !ok || !Provides[Reparameterized](d.Base) {
		panicMissing("Independent", d.Base, "Rsample")
	}
	return b.Rsample(rng, n)
}

// Entropy returns Base's entropy (B x 1, summed over columns). It panics
// if Base has no closed-form entropy.
func (d Independent) Entropy() ad.Var {
	b, ok := deref(d.Base).(Entropic)
	if !ok || !Provides[Entropic](d.Base) {
		panicMissing("Independent", d.Base, "Entropy")
	}
	return b.Entropy()
}

// Mean returns Base's mean. It panics if Base has no closed-form moments.
func (d Independent) Mean() ad.Var {
	b, ok := deref(d.Base).(Moments)
	if !ok || !Provides[Moments](d.Base) {
		panicMissing("Independent", d.Base, "Mean")
	}
	return b.Mean()
}

// Variance returns Base's variance. It panics if Base has no closed-form
// moments.
func (d Independent) Variance() ad.Var {
	b, ok := deref(d.Base).(Moments)
	if !ok || !Provides[Moments](d.Base) {
		panicMissing("Independent", d.Base, "Variance")
	}
	return b.Variance()
}

// CDF returns Base's element-wise CDF. It panics if Base has none.
func (d Independent) CDF(x ad.Var) ad.Var {
	b, ok := deref(d.Base).(CDFer)
	if !ok || !Provides[CDFer](d.Base) {
		panicMissing("Independent", d.Base, "CDF")
	}
	return b.CDF(x)
}

func (d Independent) provides(t reflect.Type) bool { return wrapperProvides(d, d.Base, t) }
