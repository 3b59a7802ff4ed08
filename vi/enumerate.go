package vi

import (
	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// maxEnumValues bounds the support of a site enumerated in parallel.
const maxEnumValues = 1 << 16

// enumerateSite records the model site s (declared in a plate of plateLen
// elements at this step, with no guide counterpart) with all K values of
// its support broadcast over the plate: its value is K*R x 1, block k
// holding value k at each of the R = max(batch, particles*plateLen) rows
// (Pyro's parallel enumeration; Obermeyer et al. 2019, "Tensor variable
// elimination for plated factor graphs"). Downstream sites that use the
// value get K*R rows, and the objective sums the K blocks out per row.
func (p *Program) enumerateSite(s Site, plateLen int) ad.Var {
	d := s.Dist
	en, ok := d.(dist.Enumerable)
	if !ok {
		p.fail("vi: site %q (%T): no guide counterpart and not enumerable", s.Name, d)
	}
	b, c := d.Shape()
	if c != 1 {
		p.fail("vi: site %q: parallel enumeration takes scalar values, the distribution has %d columns", s.Name, c)
	}
	r := max(b, p.particles*plateLen)
	if r%b != 0 {
		p.fail("vi: site %q: batch %d does not divide the %d rows of the plate's particles", s.Name, b, r)
	}
	var vals []float64
	for mp := range en.Enumerate(0, 0) {
		if len(vals) >= maxEnumValues {
			p.fail("vi: site %q: more than %d values to enumerate", s.Name, maxEnumValues)
		}
		vals = append(vals, float64(mp.K))
	}
	k := len(vals)
	if k == 0 {
		p.fail("vi: site %q: empty support", s.Name)
	}
	buf := p.tape.Buffer(k * r)
	for j, v := range vals {
		for i := 0; i < r; i++ {
			buf[j*r+i] = v
		}
	}
	s.Value = p.tape.Const(k*r, 1, buf)
	s.Enumerated = k
	s.LogProb = d.LogProb(s.Value)
	p.trace.Sites = append(p.trace.Sites, s)
	return s.Value
}
