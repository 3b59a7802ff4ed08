package vi

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Guide is a variational family: a program that draws every latent site of
// the model, with parameters in a ParamStore.
type Guide interface {
	// Setup is called once before fitting. It receives a prototype trace of
	// the model (every latent site drawn from its prior with one particle),
	// so that automatic guides can create their parameters.
	Setup(s *Setup) error
	// Guide is the guide program: it must Sample (or SampleValue) every
	// latent site of the model.
	Guide(p *Program)
}

// Setup is what a Guide receives before fitting.
type Setup struct {
	Model  Model
	Proto  *Trace
	Params *ParamStore
	Rand   *rand.Rand
}

// GuideFunc makes a Guide from a program written by hand; its parameters
// are created by Program.Param on first use.
type GuideFunc func(p *Program)

// Setup does nothing: a hand-written guide creates its parameters itself.
func (GuideFunc) Setup(*Setup) error { return nil }

// Guide runs the function.
func (f GuideFunc) Guide(p *Program) { f(p) }

// latentInfo describes one latent site of a model for automatic guides.
type latentInfo struct {
	name    string
	support dist.Support
	bij     dist.Bijector
	batch   int // rows per particle
	cols    int // constrained width
	ucols   int // unconstrained width
	offset  int // offset in the flat unconstrained vector
	prior   dist.Distribution
}

// layout is the flat unconstrained vector of all latent sites of a model.
type layout struct {
	sites []latentInfo
	dim   int
}

func layoutFrom(proto *Trace) (layout, error) {
	var l layout
	for _, s := range proto.Latents() {
		bij := s.Support.Bijector()
		if bij == nil {
			return layout{}, fmt.Errorf("vi: latent site %q has discrete support %s: automatic guides need continuous latents", s.Name, s.Support)
		}
		r, c := s.Value.Shape()
		info := latentInfo{name: s.Name, support: s.Support, bij: bij, batch: r, cols: c, ucols: bij.InverseDim(c), prior: s.Dist}
		info.offset = l.dim
		l.dim += info.batch * info.ucols
		l.sites = append(l.sites, info)
	}
	if len(l.sites) == 0 {
		return layout{}, fmt.Errorf("vi: the model has no latent sites")
	}
	return l, nil
}

// InitStrategy chooses the initial unconstrained value of each latent site
// for automatic guides.
type InitStrategy interface {
	// Init returns the initial constrained value of the site (batch x cols,
	// row-major), given the model's prototype site.
	init(site *Site, rng *rand.Rand) ([]float64, error)
}

// InitToMedian initializes each site at the element-wise median of n draws
// from its prior (Pyro's default; n = 15 when n <= 0).
func InitToMedian(n int) InitStrategy { return initMedian{n: n} }

type initMedian struct{ n int }

func (s initMedian) init(site *Site, rng *rand.Rand) ([]float64, error) {
	n := s.n
	if n <= 0 {
		n = 15
	}
	draws := site.Dist.Sample(rng, n)
	b, c := site.Value.Shape()
	out := make([]float64, b*c)
	buf := make([]float64, n)
	dv := draws.Value()
	for k := range out {
		for i := 0; i < n; i++ {
			buf[i] = dv[i*b*c+k]
		}
		sort.Float64s(buf)
		out[k] = buf[n/2]
		if n%2 == 0 {
			out[k] = 0.5 * (buf[n/2-1] + buf[n/2])
		}
	}
	return out, nil
}

// InitToValues initializes the named sites at the given constrained values
// (batch x cols, row-major) and the others with fallback (InitToMedian(15)
// when nil).
func InitToValues(values map[string][]float64, fallback InitStrategy) InitStrategy {
	if fallback == nil {
		fallback = InitToMedian(15)
	}
	return initValues{values: values, fallback: fallback}
}

type initValues struct {
	values   map[string][]float64
	fallback InitStrategy
}

func (s initValues) init(site *Site, rng *rand.Rand) ([]float64, error) {
	v, ok := s.values[site.Name]
	if !ok {
		return s.fallback.init(site, rng)
	}
	if len(v) != site.Value.Len() {
		return nil, fmt.Errorf("vi: initial value of %q has %d elements, the site has %d", site.Name, len(v), site.Value.Len())
	}
	return append([]float64(nil), v...), nil
}

// initUnconstrained returns the flat unconstrained initial vector.
func initUnconstrained(l layout, proto *Trace, strat InitStrategy, rng *rand.Rand) ([]float64, error) {
	if strat == nil {
		strat = InitToMedian(15)
	}
	out := make([]float64, l.dim)
	for _, info := range l.sites {
		site := proto.Site(info.name)
		v, err := strat.init(site, rng)
		if err != nil {
			return nil, err
		}
		y := ad.Const(info.batch, info.cols, v)
		if err := info.support.Check(y); err != nil {
			return nil, fmt.Errorf("vi: initial value of %q: %w", info.name, err)
		}
		u := info.bij.Inverse(y).Value()
		for _, x := range u {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("vi: initial value of %q maps to %v in unconstrained space", info.name, x)
			}
		}
		copy(out[info.offset:info.offset+len(u)], u)
	}
	return out, nil
}
