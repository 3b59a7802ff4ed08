package elbo

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// enumGroup is a model site enumerated in parallel inside a plate
// (vi.Site.Enumerated) with the sites of that plate whose log-densities
// depend on it (K*R rows).
type enumGroup struct {
	site  *vi.Site
	k, r  int
	sites []*vi.Site
}

// plateLogJoint returns the model's log-joint per particle (S x 1) with
// every site enumerated in parallel summed out per plate element:
//
//	Σ_plain sites Scale·log p + Σ_groups Scale·Σ_rows log Σ_k exp(Σ_group log p_k),
//
// the elimination of one discrete variable per plate element
// (Obermeyer et al. 2019, "Tensor variable elimination for plated factor
// graphs", for a single plate). bad names the first plain site with a
// non-finite log-density, or the enumerated site whose summed-out value is
// not finite.
func plateLogJoint(mt *vi.Trace, s int) (lj ad.Var, bad string, err error) {
	var groups []*enumGroup
	byPlate := map[string]*enumGroup{}
	for i := range mt.Sites {
		st := &mt.Sites[i]
		if st.Enumerated == 0 {
			continue
		}
		if g := byPlate[st.Plate]; g != nil {
			return ad.Var{}, "", fmt.Errorf("elbo: TraceEnum: sites %q and %q are both enumerated in plate %q; one discrete site per plate is supported", g.site.Name, st.Name, st.Plate)
		}
		rows := st.LogProb.Rows()
		g := &enumGroup{site: st, k: st.Enumerated, r: rows / st.Enumerated}
		byPlate[st.Plate] = g
		groups = append(groups, g)
	}
	var sum ad.Var
	add := func(v ad.Var) {
		if sum == (ad.Var{}) {
			sum = v
		} else {
			sum = ad.Add(sum, v)
		}
	}
	for i := range mt.Sites {
		st := &mt.Sites[i]
		if st.Kind == vi.Deterministic {
			continue
		}
		rows := st.LogProb.Rows()
		if g := byPlate[st.Plate]; g != nil && st.Plate != "" && rows == g.k*g.r {
			if st.Scale != g.site.Scale {
				return ad.Var{}, "", fmt.Errorf("elbo: TraceEnum: site %q has scale %g, its enumerated site %q %g", st.Name, st.Scale, g.site.Name, g.site.Scale)
			}
			g.sites = append(g.sites, st)
			continue
		}
		for _, g := range groups {
			if rows == g.k*g.r && rows > s {
				return ad.Var{}, "", fmt.Errorf("elbo: TraceEnum: site %q (plate %q) has the %d rows of the enumerated site %q of plate %q: a site that depends on an enumerated value must be in its plate", st.Name, st.Plate, rows, g.site.Name, g.site.Plate)
			}
		}
		if bad == "" && !allFinite(st.LogProb.Value()) {
			bad = st.Name
		}
		add(vi.ParticleLayout{S: s}.Sum(st.ScaledLogProb(), rows))
	}
	for _, g := range groups {
		var lp ad.Var
		for _, st := range g.sites {
			if lp == (ad.Var{}) {
				lp = st.LogProb
			} else {
				lp = ad.Add(lp, st.LogProb)
			}
		}
		// K*R x 1, block k = value k: to R x K, then log Σ_k per row.
		v := ad.LogSumExpCols(ad.Transpose(ad.Reshape(lp, g.k, g.r)))
		if bad == "" && !allFinite(v.Value()) {
			bad = g.site.Name
		}
		if g.site.Scale != 1 {
			v = ad.Scale(v, g.site.Scale)
		}
		add(vi.ParticleLayout{S: s}.Sum(v, g.r))
	}
	if sum == (ad.Var{}) {
		sum = ad.Full(s, 1, 0)
	}
	return sum, bad, nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
