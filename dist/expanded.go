package dist

import (
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// Expanded is Base broadcast to Batch rows and, for univariate bases,
// Event columns (torch's Distribution.expand): every batch member and
// column of an expanded univariate base is an independent copy of the
// base's broadcast parameters.
//
// Each method is computed on a copy of Base whose exported ad.Var
// parameter fields are broadcast (found by reflection; rows from 1 to
// Batch and, unless Base implements the jointEvent marker of multivariate
// families, columns from 1 to Event; Distribution fields such as an
// Independent's Base are expanded recursively; TransformedDistribution and
// MixtureSameFamily expand their own way). The broadcast parameters are
// recorded values when Base's are, so everything stays differentiable with
// respect to Base's parameters. The copy is made on every call: keep the
// result of Materialize when calling many methods in a hot loop.
//
// The optional methods (Rsample, Entropy, Mean, Variance, CDF) work when
// Base provides them and panic otherwise; see Provides.
type Expanded struct {
	Base         Distribution
	Batch, Event int
}

// Expand returns d broadcast to batch rows and event columns, or an error
// if d is invalid or its shape does not broadcast (batch rows from 1 or
// batch; event columns from 1 or event for univariate families, exactly
// event for multivariate ones).
func Expand(d Distribution, batch, event int) (Expanded, error) {
	e := Expanded{Base: d, Batch: batch, Event: event}
	return e, e.Validate()
}

// Validate checks Base and that it broadcasts to (Batch, Event).
func (d Expanded) Validate() error {
	if deref(d.Base) == nil {
		return fmt.Errorf("dist: Expanded: base is missing")
	}
	if err := d.Base.Validate(); err != nil {
		return err
	}
	_, err := expandDist(d.Base, d.Batch, d.Event, false)
	return err
}

// Materialize returns Base with its parameters broadcast to (Batch,
// Event), a value of Base's concrete type. It panics if the expansion is
// impossible (Validate reports that as an error).
func (d Expanded) Materialize() Distribution {
	e, err := expandDist(d.Base, d.Batch, d.Event, true)
	if err != nil {
		panic(err.Error())
	}
	return e
}

// Shape returns (Batch, Event).
func (d Expanded) Shape() (int, int) { return d.Batch, d.Event }

// Support returns the support of the broadcast base.
func (d Expanded) Support() Support { return d.Materialize().Support() }

// LogProb returns the broadcast base's log-density, R x 1.
func (d Expanded) LogProb(x ad.Var) ad.Var { return d.Materialize().LogProb(x) }

// Sample draws n values per batch row, n*Batch x Event.
func (d Expanded) Sample(rng *rand.Rand, n int) ad.Var { return d.Materialize().Sample(rng, n) }

// Rsample draws n pathwise values per batch row. It panics if Base is not
// Reparameterized.
func (d Expanded) Rsample(rng *rand.Rand, n int) ad.Var {
	b, ok := d.Materialize().(Reparameterized)
	if !ok || !Provides[Reparameterized](d.Base) {
		panicMissing("Expanded", d.Base, "Rsample")
	}
	return b.Rsample(rng, n)
}

// Entropy returns the broadcast base's entropy, Batch x 1 (Event times the
// per-column entropy for a univariate base with one column). It panics if
// Base has no closed-form entropy.
func (d Expanded) Entropy() ad.Var {
	b, ok := d.Materialize().(Entropic)
	if !ok || !Provides[Entropic](d.Base) {
		panicMissing("Expanded", d.Base, "Entropy")
	}
	return b.Entropy()
}

// Mean returns the broadcast base's mean, Batch x Event. It panics if Base
// has no closed-form moments.
func (d Expanded) Mean() ad.Var {
	b, ok := d.Materialize().(Moments)
	if !ok || !Provides[Moments](d.Base) {
		panicMissing("Expanded", d.Base, "Mean")
	}
	return b.Mean()
}

// Variance returns the broadcast base's variance, Batch x Event. It panics
// if Base has no closed-form moments.
func (d Expanded) Variance() ad.Var {
	b, ok := d.Materialize().(Moments)
	if !ok || !Provides[Moments](d.Base) {
		panicMissing("Expanded", d.Base, "Variance")
	}
	return b.Variance()
}

// CDF returns the broadcast base's element-wise CDF. It panics if Base has
// none.
func (d Expanded) CDF(x ad.Var) ad.Var {
	b, ok := d.Materialize().(CDFer)
	if !ok || !Provides[CDFer](d.Base) {
		panicMissing("Expanded", d.Base, "CDF")
	}
	return b.CDF(x)
}

func (d Expanded) provides(t reflect.Type) bool { return wrapperProvides(d, d.Base, t) }

// expandTo expands an Expanded further: its base goes straight to the new
// shape when (Batch, Event) broadcasts to it.
func (d Expanded) expandTo(batch, event int, build bool) (Distribution, error) {
	if d.Batch != batch && d.Batch != 1 {
		return nil, fmt.Errorf("dist: Expand: Expanded has batch %d, which does not broadcast to %d", d.Batch, batch)
	}
	if d.Event != event && (d.Event != 1 || isJointDist(d.Base)) {
		return nil, fmt.Errorf("dist: Expand: Expanded has event width %d, which does not broadcast to %d", d.Event, event)
	}
	return expandDist(d.Base, batch, event, build)
}
