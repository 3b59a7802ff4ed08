package dist

import (
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/reparam"
)

// Uniform is the continuous uniform distribution on [Low, High], applied
// independently to each column. Low and High broadcast: B x C, 1 x C,
// B x 1 or 1 x 1.
type Uniform struct{ Low, High ad.Var }

// NewUniform returns Uniform(low, high) with scalar parameters, or an error
// if either is not finite or low >= high.
func NewUniform(low, high float64) (Uniform, error) {
	return UniformOf(scalar(low), scalar(high))
}

// UniformOf returns Uniform(low, high) with parameters given as ad values
// (differentiable when recorded on a tape), or an error naming the first
// invalid parameter.
func UniformOf(low, high ad.Var) (Uniform, error) {
	d := Uniform{Low: low, High: high}
	return d, d.Validate()
}

// Validate checks that Low and High are finite, that Low < High element by
// element (the error names high) and that their shapes broadcast.
func (d Uniform) Validate() error {
	if err := validateDecl("Uniform", d.Low, d.High); err != nil {
		return err
	}
	return checkLess("Uniform", "low", "high", d.Low, d.High)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Uniform) Shape() (int, int) { return paramShape("Uniform", d.Low, d.High) }

// Support returns the interval [Low, High].
func (d Uniform) Support() Support { return Interval{Lower: d.Low, Upper: d.High} }

// LogProb returns Σ_j -log(high - low) for each row, -Inf where a value
// lies outside [low, high], as one fused node with analytic partials for
// x (0), low and high.
func (d Uniform) LogProb(x ad.Var) ad.Var {
	return fusedCells("Uniform", "LogProb", ad.ReduceCols, x, []ad.Var{d.Low, d.High}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		l, h := v[1], v[2]
		if !(xv >= l && xv <= h) {
			return math.Inf(-1)
		}
		w := h - l
		g[1], g[2] = 1/w, -1/w
		return -math.Log(w)
	})
}

// Sample draws n values per batch row as a free constant.
func (d Uniform) Sample(rng *rand.Rand, n int) ad.Var {
	return reparam.Uniform(rng, detach(d.Low), detach(d.High), n)
}

// Rsample draws n values per batch row as low + U (high - low), U uniform
// on (0, 1), differentiable with respect to low and high.
func (d Uniform) Rsample(rng *rand.Rand, n int) ad.Var {
	return reparam.Uniform(rng, d.Low, d.High, n)
}

// Mean returns (low + high)/2 broadcast to B x C.
func (d Uniform) Mean() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Add(d.Low, d.High), 0.5), b, c)
}

// Variance returns (high - low)²/12 broadcast to B x C.
func (d Uniform) Variance() ad.Var {
	b, c := d.Shape()
	return expand(ad.Scale(ad.Square(ad.Sub(d.High, d.Low)), 1.0/12), b, c)
}

// Entropy returns Σ_j log(high_j - low_j) for each batch row.
func (d Uniform) Entropy() ad.Var {
	b, c := d.Shape()
	return sumColsLike(ad.Log(ad.Sub(d.High, d.Low)), b, c)
}

// CDF returns (x - low)/(high - low) clamped to [0, 1], element-wise.
func (d Uniform) CDF(x ad.Var) ad.Var {
	return fusedCells("Uniform", "CDF", ad.Elementwise, x, []ad.Var{d.Low, d.High}, func(v, g *[4]float64, _ *[4]bool) float64 {
		xv := v[0]
		l, h := v[1], v[2]
		switch {
		case xv <= l:
			return 0
		case xv >= h:
			return 1
		}
		w := h - l
		g[0], g[1], g[2] = 1/w, (xv-h)/(w*w), -(xv-l)/(w*w)
		return (xv - l) / w
	})
}

// Quantile returns low + p (high - low) element-wise for probabilities p
// (a free constant; no gradient).
func (d Uniform) Quantile(p ad.Var) ad.Var {
	lv, hv := viewOf(d.Low), viewOf(d.High)
	return pointwise("Uniform", "Quantile", p, []ad.Var{d.Low, d.High}, func(i, j int, pv float64) float64 {
		l := lv.at(i, j)
		return l + pv*(hv.at(i, j)-l)
	})
}
