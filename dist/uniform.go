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
	if err := firstErr(
		checkShapes("Uniform", []string{"low", "high"}, d.Low, d.High),
		checkReal("Uniform", "low", d.Low),
		checkReal("Uniform", "high", d.High),
	); err != nil {
		return err
	}
	return checkLessLoc("Uniform", "low", "high", d.Low, d.High)
}

// Shape returns the broadcast batch size and event width of the parameters.
func (d Uniform) Shape() (int, int) { return paramShape("Uniform", d.Low, d.High) }

// Support returns the interval [Low, High].
func (d Uniform) Support() Support { return Interval{Lower: d.Low, Upper: d.High} }

// LogProb returns Σ_j -log(high - low) for each row, -Inf where a value
// lies outside [low, high], as one fused node with analytic partials for
// x (0), low and high.
func (d Uniform) LogProb(x ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Uniform", "LogProb", x, b, c)
	f := ad.NewFused(r, c, ad.ReduceCols, x, d.Low, d.High)
	out, pl, ph := f.Out(), f.Partial(1), f.Partial(2)
	xv, lv, hv := viewOf(x), viewOf(d.Low), viewOf(d.High)
	for i := 0; i < r; i++ {
		var acc float64
		xo, lo, ho := xv.row(i), lv.row(i), hv.row(i)
		for j := 0; j < c; j++ {
			xx, l, h := xv.v[xo+j*xv.cs], lv.v[lo+j*lv.cs], hv.v[ho+j*hv.cs]
			if !(xx >= l && xx <= h) {
				acc = math.Inf(-1)
				continue
			}
			w := h - l
			acc -= math.Log(w)
			k := i*c + j
			if pl != nil {
				pl[k] = 1 / w
			}
			if ph != nil {
				ph[k] = -1 / w
			}
		}
		out[i] = acc
	}
	return f.Var()
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
	b, c := d.Shape()
	r, c := grid("Uniform", "CDF", x, b, c)
	f := ad.NewFused(r, c, ad.Elementwise, x, d.Low, d.High)
	out, px, pl, ph := f.Out(), f.Partial(0), f.Partial(1), f.Partial(2)
	xv, lv, hv := viewOf(x), viewOf(d.Low), viewOf(d.High)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			xx, l, h := xv.at(i, j), lv.at(i, j), hv.at(i, j)
			k := i*c + j
			switch {
			case xx <= l:
				out[k] = 0
				continue
			case xx >= h:
				out[k] = 1
				continue
			}
			w := h - l
			out[k] = (xx - l) / w
			if px != nil {
				px[k] = 1 / w
			}
			if pl != nil {
				pl[k] = (xx - h) / (w * w)
			}
			if ph != nil {
				ph[k] = -(xx - l) / (w * w)
			}
		}
	}
	return f.Var()
}

// Quantile returns low + p (high - low) element-wise for probabilities p
// (a free constant; no gradient).
func (d Uniform) Quantile(p ad.Var) ad.Var {
	b, c := d.Shape()
	r, c := grid("Uniform", "Quantile", p, b, c)
	out := make([]float64, r*c)
	pv, lv, hv := viewOf(p), viewOf(d.Low), viewOf(d.High)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			l := lv.at(i, j)
			out[i*c+j] = l + pv.at(i, j)*(hv.at(i, j)-l)
		}
	}
	return ad.Const(r, c, out)
}
