package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// Module is a network or a layer: Forward maps a batch (one example per
// row) to the outputs, recording the parameters through b; Params lists
// the trainable parameters in a fixed order, each named with its dotted
// path ("enc.0.weight").
type Module interface {
	Forward(b Binder, x ad.Var) ad.Var
	Params() []*ad.Param
}

// Init chooses how a Linear layer's parameters are initialised.
type Init uint8

const (
	// InitTorch is torch.nn.Linear's default: weight and bias both
	// U(-1/√fan_in, 1/√fan_in) (kaiming_uniform_ with a = √5 for the
	// weight; the bias bound is the same). Weight variance 1/(3 fan_in).
	InitTorch Init = iota
	// InitGlorot is Glorot and Bengio (2010)'s uniform initialisation,
	// weight U(-a, a) with a = √(6/(fan_in+fan_out)) (variance
	// 2/(fan_in+fan_out)), bias zero: for tanh and sigmoid networks.
	InitGlorot
	// InitHe is He et al. (2015)'s normal initialisation, weight
	// N(0, 2/fan_in), bias zero: for ReLU networks.
	InitHe
)

// String returns the initialisation's name.
func (i Init) String() string {
	switch i {
	case InitTorch:
		return "torch"
	case InitGlorot:
		return "glorot"
	case InitHe:
		return "he"
	}
	return fmt.Sprintf("Init(%d)", uint8(i))
}

// Linear is a fully connected layer y = x Wᵀ + b: Weight is Out x In
// (torch's layout), Bias is 1 x Out (nil without bias).
type Linear struct {
	In, Out int
	Weight  *ad.Param
	Bias    *ad.Param
}

// LinearOption configures NewLinear and NewMLP.
type LinearOption func(*linearConfig)

type linearConfig struct {
	init   Init
	noBias bool
}

// WithInit sets the initialisation (default InitTorch).
func WithInit(i Init) LinearOption { return func(c *linearConfig) { c.init = i } }

// NoBias leaves out the bias.
func NoBias() LinearOption { return func(c *linearConfig) { c.noBias = true } }

// NewLinear returns an in -> out layer whose parameters are named
// name+".weight" and name+".bias", initialised from rng (weight first, row
// by row, then bias). It panics if in or out is not positive or rng is nil.
func NewLinear(name string, in, out int, rng *rand.Rand, opts ...LinearOption) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: NewLinear %q: sizes %d -> %d", name, in, out))
	}
	if rng == nil {
		panic(fmt.Sprintf("nn: NewLinear %q: nil rng", name))
	}
	var c linearConfig
	for _, o := range opts {
		o(&c)
	}
	l := &Linear{In: in, Out: out, Weight: ad.NewParam(dotted(name, "weight"), out, in, nil)}
	if !c.noBias {
		l.Bias = ad.NewParam(dotted(name, "bias"), 1, out, nil)
	}
	l.Reset(rng, c.init)
	return l
}

func dotted(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// Reset draws new initial values from rng with the given scheme.
func (l *Linear) Reset(rng *rand.Rand, init Init) {
	fanIn, fanOut := float64(l.In), float64(l.Out)
	w := l.Weight.Val
	switch init {
	case InitTorch:
		a := 1 / math.Sqrt(fanIn)
		uniform(rng, w, a)
		if l.Bias != nil {
			uniform(rng, l.Bias.Val, a)
		}
	case InitGlorot:
		uniform(rng, w, math.Sqrt(6/(fanIn+fanOut)))
		if l.Bias != nil {
			clear(l.Bias.Val)
		}
	case InitHe:
		sd := math.Sqrt(2 / fanIn)
		for i := range w {
			w[i] = sd * rng.NormFloat64()
		}
		if l.Bias != nil {
			clear(l.Bias.Val)
		}
	default:
		panic(fmt.Sprintf("nn: unknown initialisation %d", init))
	}
}

func uniform(rng *rand.Rand, dst []float64, a float64) {
	for i := range dst {
		dst[i] = a * (2*rng.Float64() - 1)
	}
}

// Forward returns x Wᵀ + b for a B x In batch x: one matrix product (the
// transpose is a flag, not a copy) and a row-broadcast bias. It panics if x
// does not have In columns.
func (l *Linear) Forward(b Binder, x ad.Var) ad.Var {
	if x.Cols() != l.In {
		panic(fmt.Sprintf("nn: Linear %s: input has %d columns, layer takes %d", l.Weight.Name, x.Cols(), l.In))
	}
	y := ad.MatMulTrans(x, false, b.Bind(l.Weight), true)
	if l.Bias != nil {
		y = ad.Add(y, b.Bind(l.Bias))
	}
	return y
}

// Params returns the weight and the bias (if any).
func (l *Linear) Params() []*ad.Param {
	if l.Bias == nil {
		return []*ad.Param{l.Weight}
	}
	return []*ad.Param{l.Weight, l.Bias}
}

// Forward applies the activation (Activation is a Module without
// parameters, for Sequential).
func (a Activation) Forward(_ Binder, x ad.Var) ad.Var { return a.Apply(x) }

// Params returns nil: activations have no parameters.
func (Activation) Params() []*ad.Param { return nil }

// Sequential applies its modules in order, like torch.nn.Sequential.
type Sequential struct {
	Name    string
	Modules []Module
}

// Forward applies every module in turn.
func (s *Sequential) Forward(b Binder, x ad.Var) ad.Var {
	for _, m := range s.Modules {
		x = m.Forward(b, x)
	}
	return x
}

// Params returns the parameters of the modules in order.
func (s *Sequential) Params() []*ad.Param {
	var out []*ad.Param
	for _, m := range s.Modules {
		out = append(out, m.Params()...)
	}
	return out
}

// NewMLP returns the Sequential Linear(sizes[0], sizes[1]), act,
// Linear(sizes[1], sizes[2]), act, ..., Linear(sizes[n-2], sizes[n-1]):
// act between layers, none after the last. As in torch's Sequential the
// modules are numbered in order, activations included, so the layers'
// parameters are name.0.weight, name.0.bias, name.2.weight, ... Layers are
// initialised in order from rng. It panics if fewer than two sizes are
// given or a size is not positive.
func NewMLP(name string, sizes []int, act Activation, rng *rand.Rand, opts ...LinearOption) *Sequential {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: NewMLP %q: %d sizes, need at least 2", name, len(sizes)))
	}
	s := &Sequential{Name: name}
	for i := 0; i+1 < len(sizes); i++ {
		if i > 0 {
			s.Modules = append(s.Modules, act)
		}
		idx := len(s.Modules)
		s.Modules = append(s.Modules, NewLinear(dotted(name, fmt.Sprint(idx)), sizes[i], sizes[i+1], rng, opts...))
	}
	return s
}
