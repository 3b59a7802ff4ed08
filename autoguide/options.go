package autoguide

import "math"

// Option configures an automatic guide.
type Option func(*config)

type config struct {
	init      InitStrategy
	initScale float64
	prefix    string
	// laplaceScales: WithLaplaceScales (laplacescale.go).
	laplaceScales bool
}

func newConfig(opts []Option) config {
	c := config{init: InitToMedian(15), initScale: 0.1, prefix: "auto"}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithInit sets the initialization strategy (default InitToMedian(15)).
func WithInit(s InitStrategy) Option { return func(c *config) { c.init = s } }

// WithInitScale sets the initial standard deviation of the guide in
// unconstrained space (default 0.1, as Pyro).
func WithInitScale(s float64) Option { return func(c *config) { c.initScale = s } }

// WithPrefix sets the prefix of the guide's parameter names (default
// "auto").
func WithPrefix(p string) Option { return func(c *config) { c.prefix = p } }

// softplusInv returns x with softplus(x) = y, for y > 0.
func softplusInv(y float64) float64 {
	if y > 30 {
		return y
	}
	return y + math.Log(-math.Expm1(-y))
}
