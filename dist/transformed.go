package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"github.com/kldiv/kldiv/ad"
)

// TransformedDistribution is the distribution of y = T_n(...T_1(x)) for x
// drawn from Base (torch.distributions.TransformedDistribution). Its
// log-density is the change of variables
//
//	log p(y) = log p_Base(x_0) - Σ_i log |det J_{T_i}(x_{i-1})|,
//
// with x_n = y and x_{i-1} = T_i⁻¹(x_i); for the vector bijectors that
// change the width, log |det J| is taken onto the free coordinates (see
// bijector_vector.go), the usual convention of Stan and torch.
//
// Bijector parameters (Affine's Loc and Scale) broadcast: their rows are 1
// or Base's batch and their columns 1 or the width at that step; they may
// not widen the event. Support is the image of the last transform that is
// not the identity (Exp and Softplus give Positive, Sigmoid the unit
// interval, Tanh (-1, 1), Affine maps the bounds of the support before it,
// StickBreaking gives Simplex, and so on); for a bijector kldiv does not
// know, Real. No closed-form entropy or moments are offered.
type TransformedDistribution struct {
	Base       Distribution
	Transforms []Bijector
}

// NewTransformed returns the distribution of transforms applied in order
// to draws of base, or an error if base or a transform is invalid.
func NewTransformed(base Distribution, transforms ...Bijector) (TransformedDistribution, error) {
	d := TransformedDistribution{Base: base, Transforms: transforms}
	return d, d.Validate()
}

// Validate checks Base, then every transform against the width it
// receives: Affine's Loc must be finite and its Scale finite and non-zero
// (a *ParamError naming transforms[i].loc or .scale), and shapes must fit.
func (d TransformedDistribution) Validate() error {
	if deref(d.Base) == nil {
		return fmt.Errorf("dist: TransformedDistribution: base is missing")
	}
	if err := d.Base.Validate(); err != nil {
		return err
	}
	b, w := d.Base.Shape()
	for i, t := range d.Transforms {
		var err error
		if w, err = checkBijector(t, b, w, fmt.Sprintf("transforms[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// checkBijector validates t for rows of width w in a batch of b and
// returns the width it produces.
func checkBijector(t Bijector, b, w int, name string) (int, error) {
	const fam = "TransformedDistribution"
	switch x := t.(type) {
	case nil:
		return 0, fmt.Errorf("dist: %s: %s is nil", fam, name)
	case Affine:
		for _, p := range []struct {
			n string
			v ad.Var
		}{{"loc", x.Loc}, {"scale", x.Scale}} {
			if p.v == (ad.Var{}) {
				return 0, fmt.Errorf("dist: %s: %s.%s is missing", fam, name, p.n)
			}
			r, c := p.v.Shape()
			if (r != 1 && r != b) || (c != 1 && c != w) {
				return 0, fmt.Errorf("dist: %s: %s.%s is %dx%d, which does not broadcast to %dx%d", fam, name, p.n, r, c, b, w)
			}
		}
		err := firstErr(
			checkReal(fam, name+".loc", x.Loc),
			check(fam, name+".scale", x.Scale, "a finite non-zero number", func(v float64) bool { return v != 0 && finite(v) }),
		)
		return w, err
	case Compose:
		for j, c := range x {
			var err error
			if w, err = checkBijector(c, b, w, fmt.Sprintf("%s[%d]", name, j)); err != nil {
				return 0, err
			}
		}
		return w, nil
	case LowerCholesky:
		if k := int(math.Round((math.Sqrt(8*float64(w)+1) - 1) / 2)); k*(k+1)/2 != w {
			return 0, fmt.Errorf("dist: %s: %s (LowerCholesky) receives width %d, not K(K+1)/2", fam, name, w)
		}
	case CorrCholesky:
		if k := int(math.Round((1 + math.Sqrt(8*float64(w)+1)) / 2)); k*(k-1)/2 != w {
			return 0, fmt.Errorf("dist: %s: %s (CorrCholesky) receives width %d, not K(K-1)/2", fam, name, w)
		}
	}
	return t.ForwardDim(w), nil
}

// Shape returns Base's batch and the width after the transforms.
func (d TransformedDistribution) Shape() (int, int) {
	b, c := d.Base.Shape()
	for _, t := range d.Transforms {
		c = t.ForwardDim(c)
	}
	return b, c
}

// Support returns the image of the transforms (see the type's
// documentation).
func (d TransformedDistribution) Support() Support {
	s := d.Base.Support()
	for _, t := range d.Transforms {
		s = imageOf(t, s)
	}
	return s
}

// imageOf returns the support that b maps dom onto.
func imageOf(b Bijector, dom Support) Support {
	switch x := b.(type) {
	case Identity:
		return dom
	case Exp, Softplus:
		return Positive()
	case Sigmoid:
		return UnitInterval()
	case Tanh:
		return Interval{Lower: scalar(-1), Upper: scalar(1)}
	case Affine:
		return affineImage(x, dom)
	case Compose:
		for _, c := range x {
			dom = imageOf(c, dom)
		}
		return dom
	case StickBreaking:
		return Simplex{}
	case Ordered:
		return OrderedVector{}
	case PositiveOrdered:
		return PositiveOrderedVector{}
	case LowerCholesky:
		return LowerCholeskySupport{}
	case CorrCholesky:
		return CorrCholeskySupport{}
	}
	return Real{}
}

// affineImage maps the bounds of an interval-like support through
// loc + scale*x; the order of the bounds flips when every scale is
// negative. A scale of mixed signs, or another support, gives Real.
func affineImage(a Affine, dom Support) Support {
	loc, sc := detach(a.Loc), detach(a.Scale)
	pos, neg := true, true
	for _, v := range sc.Value() {
		pos = pos && v > 0
		neg = neg && v < 0
	}
	f := func(v ad.Var) ad.Var { return ad.Add(loc, ad.Mul(sc, v)) }
	switch s := dom.(type) {
	case GreaterThan:
		if pos {
			return GreaterThan{Lower: f(s.Lower)}
		}
		if neg {
			return LessThan{Upper: f(s.Lower)}
		}
	case LessThan:
		if pos {
			return LessThan{Upper: f(s.Upper)}
		}
		if neg {
			return GreaterThan{Lower: f(s.Upper)}
		}
	case Interval:
		if pos {
			return Interval{Lower: f(s.Lower), Upper: f(s.Upper)}
		}
		if neg {
			return Interval{Lower: f(s.Upper), Upper: f(s.Lower)}
		}
	}
	return Real{}
}

// tiled returns the transforms with every batched Affine parameter (more
// than one row) tiled k times, for values that stack k copies of the
// batch.
func (d TransformedDistribution) tiled(k int) []Bijector {
	if k == 1 {
		return d.Transforms
	}
	ts := make([]Bijector, len(d.Transforms))
	for i, t := range d.Transforms {
		ts[i] = tileBijector(t, k)
	}
	return ts
}

func tileBijector(t Bijector, k int) Bijector {
	tile := func(v ad.Var) ad.Var {
		if v.Rows() > 1 {
			return ad.TileRows(v, k)
		}
		return v
	}
	switch x := t.(type) {
	case Affine:
		return Affine{Loc: tile(x.Loc), Scale: tile(x.Scale)}
	case Compose:
		c := make(Compose, len(x))
		for i, p := range x {
			c[i] = tileBijector(p, k)
		}
		return c
	}
	return t
}

// LogProb returns log p_Base(x_0) - Σ log |det J| for each row of y, R x 1.
// Rows outside Support get -Inf (and no gradient), never NaN. A one-row y
// is scored against every batch member; a one-column y is broadcast over
// the columns when every transform is element-wise.
func (d TransformedDistribution) LogProb(y ad.Var) ad.Var {
	b, c := d.Shape()
	y = tileValueRows("TransformedDistribution", y, b)
	r, k := y.Shape()
	if k != c {
		if k != 1 || !elementwiseBijector(Compose(d.Transforms)) {
			panic(fmt.Sprintf("dist: TransformedDistribution.LogProb: value has %d columns, distribution has %d", k, c))
		}
		y = ad.Add(y, zerosLike(y, r, c))
	}
	ts := d.tiled(r / b)
	out := rowsOutside(d.Support(), y)
	lp, boundary := d.logProbRows(ts, y, out)
	if boundary != nil {
		// Points on the boundary of the support (0 or 1 under a Sigmoid, a
		// vertex of the simplex) map to infinite base values: their density
		// is 0, so score them as outside.
		if out == nil {
			out = boundary
		} else {
			for i, v := range boundary {
				out[i] = out[i] || v
			}
		}
		lp, _ = d.logProbRows(ts, y, out)
	}
	return lp
}

// logProbRows computes the log-density with the rows flagged in out
// replaced by a valid point and masked to -Inf, and reports the rows whose
// base value is not finite (nil when there are none).
func (d TransformedDistribution) logProbRows(ts []Bijector, y ad.Var, out []bool) (ad.Var, []bool) {
	r := y.Rows()
	if out != nil {
		// Score a valid point in those rows (the image of 0) and mask.
		_, c0 := d.Base.Shape()
		fill := ad.Full(r, c0, 0)
		for _, t := range ts {
			fill = detach(t.Forward(fill))
		}
		y = selectValidRows(y, fill, out)
	}
	cur := y
	var ld ad.Var
	for i := len(ts) - 1; i >= 0; i-- {
		x := ts[i].Inverse(cur)
		l := ts[i].LogDetJacobian(x, cur)
		if ld == (ad.Var{}) {
			ld = l
		} else {
			ld = ad.Add(ld, l)
		}
		cur = x
	}
	var boundary []bool
	cc := cur.Cols()
	cv := cur.Value()
	for i := 0; i < r; i++ {
		if out != nil && out[i] {
			continue
		}
		for _, v := range cv[i*cc : (i+1)*cc] {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				if boundary == nil {
					boundary = make([]bool, r)
				}
				boundary[i] = true
				break
			}
		}
	}
	lp := d.Base.LogProb(cur)
	if ld != (ad.Var{}) {
		lp = ad.Sub(lp, ld)
	}
	if out != nil {
		lp = maskInvalidRows(lp, out)
	}
	return lp, boundary
}

// rowsOutside returns, for each row of y, whether it is outside s, or nil
// when every row is inside. Bounds of interval-like supports with more
// than one row are matched to the value's rows (row i against bound row
// i mod rows).
func rowsOutside(s Support, y ad.Var) []bool {
	if s.Check(y) == nil {
		return nil
	}
	r, c := y.Shape()
	yv := y.Value()
	out := make([]bool, r)
	for i := range r {
		out[i] = supportRow(s, i).Check(ad.Const(1, c, yv[i*c:(i+1)*c])) != nil
	}
	return out
}

func supportRow(s Support, i int) Support {
	row := func(v ad.Var) ad.Var {
		r, c := v.Shape()
		if r <= 1 {
			return v
		}
		k := i % r
		return ad.Const(1, c, v.Value()[k*c:(k+1)*c])
	}
	switch x := s.(type) {
	case GreaterThan:
		return GreaterThan{Lower: row(x.Lower)}
	case LessThan:
		return LessThan{Upper: row(x.Upper)}
	case Interval:
		return Interval{Lower: row(x.Lower), Upper: row(x.Upper)}
	}
	return s
}

// selectValidRows returns y with the rows where out is true replaced by those
// of fill (a constant); no gradient flows to y from the replaced rows.
func selectValidRows(y, fill ad.Var, out []bool) ad.Var {
	r, c := y.Shape()
	yv, fv := y.Value(), fill.Value()
	v := y.Tape().Buffer(r * c)
	for i := range r {
		src := yv
		if out[i] {
			src = fv
		}
		copy(v[i*c:(i+1)*c], src[i*c:(i+1)*c])
	}
	return ad.Custom(r, c, v, func(g []float64, in ad.Adjoints) {
		gy := in.Of(0)
		if gy == nil {
			return
		}
		for i := range r {
			if !out[i] {
				for j := i * c; j < (i+1)*c; j++ {
					gy[j] += g[j]
				}
			}
		}
	}, y)
}

// maskInvalidRows returns lp (R x 1) with -Inf in the rows where out is true and
// no gradient through them.
func maskInvalidRows(lp ad.Var, out []bool) ad.Var {
	r := lp.Rows()
	lv := lp.Value()
	v := lp.Tape().Buffer(r)
	for i := range r {
		v[i] = lv[i]
		if out[i] {
			v[i] = math.Inf(-1)
		}
	}
	return ad.Custom(r, 1, v, func(g []float64, in ad.Adjoints) {
		gl := in.Of(0)
		if gl == nil {
			return
		}
		for i := range r {
			if !out[i] {
				gl[i] += g[i]
			}
		}
	}, lp)
}

// Sample pushes n base draws per batch row through the transforms, as a
// free constant.
func (d TransformedDistribution) Sample(rng *rand.Rand, n int) ad.Var {
	x := d.Base.Sample(rng, n)
	for _, t := range d.tiled(n) {
		x = t.Forward(x)
	}
	return detach(x)
}

// Rsample pushes n pathwise base draws per batch row through the
// transforms, differentiable with respect to Base's parameters and the
// transforms'. It panics if Base is not Reparameterized (see Provides).
func (d TransformedDistribution) Rsample(rng *rand.Rand, n int) ad.Var {
	b, ok := deref(d.Base).(Reparameterized)
	if !ok || !Provides[Reparameterized](d.Base) {
		panicMissing("TransformedDistribution", d.Base, "Rsample")
	}
	x := b.Rsample(rng, n)
	for _, t := range d.tiled(n) {
		x = t.Forward(x)
	}
	return x
}

func (d TransformedDistribution) provides(t reflect.Type) bool {
	return wrapperProvides(d, d.Base, t)
}

// expandTo expands Base: to (batch, event) when every transform is
// element-wise, and to batch rows only (event must be the current width)
// otherwise.
func (d TransformedDistribution) expandTo(batch, event int, build bool) (Distribution, error) {
	_, c := d.Shape()
	_, c0 := d.Base.Shape()
	be := event
	if isJointDist(d) {
		if event != c {
			return nil, fmt.Errorf("dist: Expand: TransformedDistribution has event width %d, which does not broadcast to %d", c, event)
		}
		be = c0
	}
	base, err := expandDist(d.Base, batch, be, build)
	if err != nil || !build {
		return nil, err
	}
	return TransformedDistribution{Base: base, Transforms: d.Transforms}, nil
}
