package autoguide

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// InitStrategy chooses the initial unconstrained value of each latent site
// for automatic guides. The strategies of this package implement it.
type InitStrategy interface {
	// init returns the initial constrained value of the site (batch x
	// cols, row-major), given the model's prototype site.
	init(site *vi.Site, rng *rand.Rand) ([]float64, error)
}

// wholeInit is an initialization strategy that needs the whole model (MAP).
type wholeInit interface {
	initAll(s *vi.Setup, l layout) ([]float64, error)
}

// InitToMedian initializes each site at the element-wise median of n draws
// from its prior (Pyro's default; n = 15 when n <= 0).
func InitToMedian(n int) InitStrategy { return initMedian{n: n} }

type initMedian struct{ n int }

func (s initMedian) init(site *vi.Site, rng *rand.Rand) ([]float64, error) {
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

func (s initValues) init(site *vi.Site, rng *rand.Rand) ([]float64, error) {
	v, ok := s.values[site.Name]
	if !ok {
		return s.fallback.init(site, rng)
	}
	if len(v) != site.Value.Len() {
		return nil, fmt.Errorf("autoguide: initial value of %q has %d elements, the site has %d", site.Name, len(v), site.Value.Len())
	}
	return append([]float64(nil), v...), nil
}

// initFlat returns the flat unconstrained initial vector for a guide.
func initFlat(s *vi.Setup, l layout, strat InitStrategy) ([]float64, error) {
	if w, ok := strat.(wholeInit); ok {
		return w.initAll(s, l)
	}
	return initUnconstrained(l, s.Proto, strat, s.Rand)
}

// initUnconstrained returns the flat unconstrained initial vector, site by
// site.
func initUnconstrained(l layout, proto *vi.Trace, strat InitStrategy, rng *rand.Rand) ([]float64, error) {
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
			return nil, fmt.Errorf("autoguide: initial value of %q: %w", info.name, err)
		}
		u := info.bij.Inverse(y).Value()
		for _, x := range u {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("autoguide: initial value of %q maps to %v in unconstrained space", info.name, x)
			}
		}
		copy(out[info.offset:info.offset+len(u)], u)
	}
	return out, nil
}
