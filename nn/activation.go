package nn

import (
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Activation is an element-wise nonlinearity applied to a recorded value.
// Each activation of this package is one node with its analytic derivative.
type Activation struct {
	// Name is the activation's name as torch spells the module
	// ("ReLU", "LeakyReLU(0.01)", ...), for descriptions.
	Name string
	f    func(ad.Var) ad.Var
}

// Apply returns the activation of x, element-wise. The zero Activation is
// the identity.
func (a Activation) Apply(x ad.Var) ad.Var {
	if a.f == nil {
		return x
	}
	return a.f(x)
}

// String returns the activation's name.
func (a Activation) String() string {
	if a.f == nil {
		return "Identity"
	}
	return a.Name
}

// Identity is no activation.
var Identity = Activation{}

// ReLU is max(x, 0), with derivative 0 at 0 (as torch).
var ReLU = Activation{Name: "ReLU", f: ad.ReLU}

// Tanh is the hyperbolic tangent.
var Tanh = Activation{Name: "Tanh", f: ad.Tanh}

// Sigmoid is the logistic function 1/(1+e^-x).
var Sigmoid = Activation{Name: "Sigmoid", f: ad.Sigmoid}

// Softplus is log(1+e^x), computed without overflow.
var Softplus = Activation{Name: "Softplus", f: ad.Softplus}

// GELU is the Gaussian error linear unit x Φ(x) in its exact form with the
// normal CDF Φ (Hendrycks and Gimpel 2016; torch's default, approximate =
// 'none'). Its derivative is Φ(x) + x φ(x).
var GELU = Activation{Name: "GELU", f: gelu}

// LeakyReLU returns the activation x for x >= 0 and slope*x below 0 (torch's
// default slope is 0.01).
func LeakyReLU(slope float64) Activation {
	return Activation{Name: "LeakyReLU(" + ftoa(slope) + ")", f: func(x ad.Var) ad.Var { return leakyReLU(x, slope) }}
}

// ELU returns the exponential linear unit x for x > 0 and alpha(e^x - 1)
// otherwise (Clevert, Unterthiner and Hochreiter 2016; torch's default
// alpha is 1).
func ELU(alpha float64) Activation {
	return Activation{Name: "ELU(" + ftoa(alpha) + ")", f: func(x ad.Var) ad.Var { return elu(x, alpha) }}
}

// elementwise records one fused node y = f(x) with dy/dx from df, both
// computed by fn in one loop.
func elementwise(x ad.Var, fn func(x float64) (y, dy float64)) ad.Var {
	r, c := x.Shape()
	f := ad.NewFused(r, c, ad.Elementwise, x)
	out, p := f.Out(), f.Partial(0)
	xv := x.Value()
	if p == nil {
		for i, v := range xv {
			out[i], _ = fn(v)
		}
	} else {
		for i, v := range xv {
			out[i], p[i] = fn(v)
		}
	}
	return f.Var()
}

func leakyReLU(x ad.Var, slope float64) ad.Var {
	r, c := x.Shape()
	f := ad.NewFused(r, c, ad.Elementwise, x)
	out, p := f.Out(), f.Partial(0)
	for i, v := range x.Value() {
		d := 1.0
		if v < 0 {
			d = slope
		}
		out[i] = d * v
		if p != nil {
			p[i] = d
		}
	}
	return f.Var()
}

func elu(x ad.Var, alpha float64) ad.Var {
	return elementwise(x, func(v float64) (float64, float64) {
		if v > 0 {
			return v, 1
		}
		e := math.Expm1(v)
		return alpha * e, alpha * (e + 1)
	})
}

const invSqrt2Pi = 0.3989422804014327

func gelu(x ad.Var) ad.Var {
	return elementwise(x, func(v float64) (float64, float64) {
		phi := 0.5 * math.Erfc(-v/math.Sqrt2) // Φ(v), accurate in the left tail
		return v * phi, phi + v*invSqrt2Pi*math.Exp(-0.5*v*v)
	})
}
