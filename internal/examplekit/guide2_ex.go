package examplekit

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
	"github.com/kldiv/kldiv/vi"
)

// FullRank2 returns a full-rank Gaussian guide for a site "z" on R², written
// by hand (rather than autoguide.MultivariateNormal) for two reasons: its site
// carries its distribution, which the forward-KL objectives need to score
// target draws, and its parameters are easy to read back. It has location
// m, started at start, and the Cholesky factor L = [[e^a, 0], [c, e^d]] of
// the covariance, started at sd times the identity. Every run appends
// (m, a, c, d) to trail, so that the fit can be reported as the average of
// the last iterates (Averaged): Monte Carlo gradients leave the last
// iterate jittering around the optimum.
func FullRank2(start [2]float64, sd float64, trail *[][5]float64) vi.GuideFunc {
	return func(p *vi.Program) {
		m := p.Param("m", 1, 2, start[:], nil)
		l := p.Param("l", 1, 3, []float64{math.Log(sd), 0, math.Log(sd)}, nil) // a, c, d
		mv, lv := m.Value(), l.Value()
		*trail = append(*trail, [5]float64{mv[0], mv[1], lv[0], lv[1], lv[2]})
		tril := ad.ConcatCols(ad.Exp(ad.SliceCols(l, 0, 1)), ad.Scalar(0), ad.SliceCols(l, 1, 2), ad.Exp(ad.SliceCols(l, 2, 3)))
		p.Sample("z", dist.MultivariateNormal{Loc: m, ScaleTril: tril})
	}
}

// Averaged returns the Gaussian at the average of the last quarter of the
// iterates of a FullRank2 trail (Polyak-Ruppert averaging).
func Averaged(trail [][5]float64) Mix2 {
	last := trail[len(trail)-max(len(trail)/4, 1):]
	var v [5]float64
	for _, t := range last {
		for i := range v {
			v[i] += t[i] / float64(len(last))
		}
	}
	a, c, d := math.Exp(v[2]), v[3], math.Exp(v[4])
	// Σ = L Lᵀ with L = [[a, 0], [c, d]].
	return Gauss2([2]float64{v[0], v[1]}, a*a, a*c, c*c+d*d)
}

// AutoMixture2 reads a fitted autoguide.Mixture guide over one 2-D site back
// from its parameters (prefix.locs, prefix.scales through softplus,
// prefix.logits through softmax) as a Mix2 of axis-aligned Gaussians.
func AutoMixture2(st *vi.ParamStore, prefix string) (Mix2, error) {
	locs, ok1 := st.Value(prefix + ".locs")
	raw, ok2 := st.Value(prefix + ".scales")
	logits, ok3 := st.Value(prefix + ".logits")
	if !ok1 || !ok2 || !ok3 {
		return Mix2{}, fmt.Errorf("examplekit: no AutoMixture parameters under prefix %q", prefix)
	}
	if locs.Cols != 2 {
		return Mix2{}, fmt.Errorf("examplekit: AutoMixture over %d dimensions, want 2", locs.Cols)
	}
	return MixFromRaw(locs.Data, raw.Data, logits.Data), nil
}

// MixFromRaw builds the Mix2 of axis-aligned Gaussians with locations locs
// (k x 2, row-major), standard deviations softplus(raw) (k x 2) and weights
// softmax(logits): AutoMixture's parameterization.
func MixFromRaw(locs, raw, logits []float64) Mix2 {
	k := len(logits)
	mx := math.Inf(-1)
	for _, v := range logits {
		mx = math.Max(mx, v)
	}
	var d Mix2
	var tot float64
	for c := range k {
		w := math.Exp(logits[c] - mx)
		tot += w
		d.W = append(d.W, w)
		sx, sy := softplus(raw[2*c]), softplus(raw[2*c+1])
		d.Mean = append(d.Mean, [2]float64{locs[2*c], locs[2*c+1]})
		d.Cov = append(d.Cov, [3]float64{sx * sx, 0, sy * sy})
	}
	for c := range d.W {
		d.W[c] /= tot
	}
	return d
}

func softplus(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }
