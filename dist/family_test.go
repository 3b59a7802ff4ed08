package dist

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// declRows is the number of batch rows of the parameters the declaration
// tests build; declD is the event width D of the vector families.
const (
	declRows = 2
	declD    = 2
)

// validValue returns a value inside the element-wise constraint c for
// parameter number i of a family and batch row r (distinct per parameter
// so that an order mix-up shows; Uniform's high is above its low).
func validValue(c Constraint, i, r int) float64 {
	s := float64(r + 1)
	switch c {
	case ConstraintReal, ConstraintBelowInf, ConstraintLogSimplex:
		return s * (-0.5 + float64(i))
	case ConstraintUnitInterval, ConstraintOpenUnitInterval, ConstraintUnitIntervalNoZero, ConstraintUnitIntervalNoOne:
		return 0.15 * s * float64(i+1)
	case ConstraintCount:
		return 3 * s
	}
	return s * (0.75 + float64(i))
}

// declAlternatives returns the ways to give f's parameters: one per
// alternative of OneOf (the others left out), or the one full set.
func declAlternatives(f FamilyDecl) []string {
	if len(f.OneOf) == 0 {
		return []string{""}
	}
	return f.OneOf
}

// given reports whether parameter p is given when alternative alt is.
func given(f FamilyDecl, p ParamDecl, alt string) bool {
	for _, o := range f.OneOf {
		if o == p.Name {
			return o == alt
		}
	}
	return true
}

// validParam returns a valid declRows-row value of parameter i of f
// (univariate parameters one column, vectors D, matrices D*D or D*1).
func validParam(f FamilyDecl, i int) (rows, cols int, data []float64) {
	p := f.Params[i]
	switch p.Shape {
	case ShapeScalar:
		rows, cols = declRows, 1
		for r := range declRows {
			data = append(data, validValue(p.Constraint, i, r))
		}
	case ShapeVector, ShapeFactor:
		rows, cols = declRows, declD
		for r := range declRows {
			for k := range declD {
				data = append(data, validValue(p.Constraint, i+k, r))
			}
		}
	case ShapeSquare:
		rows, cols = declRows, declD*declD
		for r := range declRows {
			s := float64(r + 1)
			if p.Constraint == ConstraintLowerCholesky {
				data = append(data, 1.5*s, 0, 0.3, 0.8*s)
			} else {
				data = append(data, 2*s, 0.5, 0.5, s)
			}
		}
	}
	return rows, cols, data
}

// declParams returns valid parameters of f with alternative alt given,
// recorded on tp when tp is not nil.
func declParams(tp *ad.Tape, f FamilyDecl, alt string) []ad.Var {
	ps := make([]ad.Var, len(f.Params))
	for i, p := range f.Params {
		if !given(f, p, alt) {
			continue
		}
		r, c, data := validParam(f, i)
		if tp != nil {
			ps[i] = tp.Param(ad.NewParam(p.Name, r, c, data))
		} else {
			ps[i] = ad.Const(r, c, data)
		}
	}
	return ps
}

// badValue returns a value outside the element-wise constraint c.
func badValue(c Constraint) float64 {
	switch c {
	case ConstraintReal, ConstraintLogSimplex:
		return math.NaN()
	case ConstraintBelowInf:
		return math.Inf(1)
	case ConstraintUnitInterval, ConstraintOpenUnitInterval, ConstraintUnitIntervalNoZero, ConstraintUnitIntervalNoOne:
		return 1.5
	case ConstraintCount:
		return 2.5
	}
	return -1
}

// TestDeclarations builds every declared family (each alternative of its
// parameters) from valid parameters, reads them back with ParamsOf,
// rebuilds it from them, and detaches it: the detached copy keeps the
// values and the log-density, and no gradient reaches the parameters
// through it.
func TestDeclarations(t *testing.T) {
	decls := Declarations()
	require.NotEmpty(t, decls)
	rng := rand.New(rand.NewPCG(1, 2))
	for k, f := range decls {
		if k > 0 {
			assert.Less(t, decls[k-1].Name, f.Name, "sorted by name")
		}
		g, ok := Declaration(f.Name)
		require.True(t, ok, f.Name)
		assert.Equal(t, f.Name, g.Name)
		assert.NotEmpty(t, f.Doc, "%s has a doc", f.Name)
		for _, p := range f.Params {
			assert.NotEmpty(t, p.Doc, "%s.%s has a doc", f.Name, p.Name)
		}
		for _, alt := range declAlternatives(f) {
			name := f.Name + "(" + alt + ")"
			tp := ad.NewTape()
			ps := declParams(tp, f, alt)
			d, err := f.New(ps)
			require.NoError(t, err, name)
			got, back, ok := ParamsOf(d)
			require.True(t, ok, name)
			assert.Equal(t, f.Name, got.Name)
			require.Len(t, back, len(ps))
			recorded := 0
			for i := range ps {
				if back[i] == (ad.Var{}) {
					continue
				}
				if ps[i] != (ad.Var{}) {
					assert.Equal(t, ps[i].Value(), back[i].Value(), "%s parameter %d in declaration order", name, i)
				}
				assert.NotNil(t, back[i].Tape(), "%s parameter %d recorded", name, i)
				recorded++
			}
			assert.Positive(t, recorded, name)
			rebuilt, err := f.New(back)
			require.NoError(t, err, "%s from ParamsOf", name)
			dd, ok := Detach(d)
			require.True(t, ok, name)
			_, db, _ := ParamsOf(dd)
			for i := range back {
				if back[i] != (ad.Var{}) {
					assert.Equal(t, back[i].Value(), db[i].Value(), "%s detached parameter %d keeps its value", name, i)
				}
			}
			// The log-density of the detached copy (and of the rebuilt
			// one) equals the original's, and no gradient reaches the
			// parameters through the detached copy.
			x := d.Sample(rng, 1)
			lp, lpd := d.LogProb(x), dd.LogProb(x)
			require.Equal(t, lp.Value(), lpd.Value(), "%s detached LogProb", name)
			assert.Equal(t, lp.Value(), rebuilt.LogProb(x).Value(), "%s rebuilt LogProb", name)
			for _, v := range lp.Value() {
				require.False(t, math.IsInf(v, 0) || math.IsNaN(v), "%s: LogProb of its own draw %v", name, lp.Value())
			}
			var wrt []ad.Var
			for _, p := range ps {
				if p != (ad.Var{}) {
					wrt = append(wrt, p)
				}
			}
			for i, g := range tp.Gradient(ad.Sum(lpd), wrt...) {
				for _, x := range g {
					assert.Zero(t, x, "%s: no gradient through detached parameter %d", name, i)
				}
			}
			nonzero := false
			for _, g := range tp.Gradient(ad.Sum(lp), wrt...) {
				for _, v := range g {
					nonzero = nonzero || v != 0
				}
			}
			assert.True(t, nonzero, "%s: the original LogProb has a gradient", name)
		}
	}
	_, ok := Declaration("NoSuchFamily")
	assert.False(t, ok)
	_, _, ok = ParamsOf(Independent{Base: Normal{Loc: ad.Scalar(0), Scale: ad.Scalar(1)}, ReinterpretedBatchNdims: 1})
	assert.False(t, ok, "Independent is a wrapper, not a declared family")
}

// TestDeclarationsValidate checks that Validate reports each declared
// parameter outside its constraint by family, name, index and value, a
// missing one by name, and none or several of the alternatives naming
// them all.
func TestDeclarationsValidate(t *testing.T) {
	for _, f := range Declarations() {
		for _, alt := range declAlternatives(f) {
			name := f.Name + "(" + alt + ")"
			for bad, p := range f.Params {
				if !given(f, p, alt) {
					continue
				}
				ps := declParams(nil, f, alt)
				r, c, data := validParam(f, bad)
				wantIndex := 1
				switch p.Constraint {
				case ConstraintSimplex:
					data[0], data[1] = 0, 0 // the first row sums to 0
					wantIndex = 0
				case ConstraintLogSimplex:
					data[0], data[1] = math.Inf(-1), math.Inf(-1)
					wantIndex = 0
				case ConstraintLowerCholesky:
					data[1] = 0.5 // above the diagonal
				case ConstraintPositiveDefinite:
					data[1] = 0.9 // not symmetric: (0, 1) = 0.9, (1, 0) = 0.5
					wantIndex = -1
				default:
					data[1] = badValue(p.Constraint)
				}
				ps[bad] = ad.Const(r, c, data)
				_, err := f.New(ps)
				var pe *ParamError
				require.True(t, errors.As(err, &pe), "%s with %s = %v: %v", name, p.Name, data, err)
				assert.Equal(t, f.Name, pe.Family, name)
				assert.Equal(t, p.Name, pe.Param, name)
				if wantIndex >= 0 {
					assert.Equal(t, wantIndex, pe.Index, name)
				}
				assert.Contains(t, err.Error(), f.Name+": "+p.Name, name)
				if p.Constraint == ConstraintPositiveDefinite {
					// Symmetric but indefinite: the factorization reports it.
					ps[bad] = ad.Const(r, c, []float64{1, 2, 2, 1, 1, 0, 0, 1})
					_, err := f.New(ps)
					require.True(t, errors.As(err, &pe), "%s indefinite %s: %v", name, p.Name, err)
					assert.Equal(t, p.Name, pe.Param, name)
					assert.Contains(t, err.Error(), "positive-definite", name)
				}
				// Wrong widths: a vector or matrix with one column too many.
				if p.Shape != ShapeScalar && declWidthBefore(f, alt, bad) {
					ps[bad] = ad.Const(r, c+1, make([]float64, r*(c+1)))
					_, err := f.New(ps)
					require.Error(t, err, "%s: %s with %d columns", name, p.Name, c+1)
					assert.Contains(t, err.Error(), p.Name, name)
				}
				ps[bad] = ad.Var{}
				_, err = f.New(ps)
				if p.Optional {
					assert.NoError(t, err, "%s without the optional %s", name, p.Name)
					continue
				}
				require.Error(t, err, "%s without %s", name, p.Name)
				assert.Contains(t, err.Error(), p.Name, name)
				assert.Contains(t, err.Error(), "is missing", name)
				if !slices.Contains(f.OneOf, p.Name) {
					assert.Contains(t, err.Error(), "parameter "+p.Name+" is missing", name)
				}
			}
		}
		if len(f.OneOf) > 0 {
			// None of the alternatives, and two of them.
			ps := declParams(nil, f, f.OneOf[0])
			for i, p := range f.Params {
				if p.Name == f.OneOf[0] {
					ps[i] = ad.Var{}
				}
			}
			_, err := f.New(ps)
			require.Error(t, err, f.Name)
			for _, o := range f.OneOf {
				assert.Contains(t, err.Error(), o, "%s: none given names every alternative", f.Name)
			}
			assert.Contains(t, err.Error(), "missing", f.Name)
			both := declParams(nil, f, f.OneOf[0])
			other := declParams(nil, f, f.OneOf[1])
			for i, p := range f.Params {
				if p.Name == f.OneOf[1] {
					both[i] = other[i]
				}
			}
			_, err = f.New(both)
			require.Error(t, err, f.Name)
			assert.Contains(t, err.Error(), "exactly one of", f.Name)
			assert.Contains(t, err.Error(), f.OneOf[0], f.Name)
			assert.Contains(t, err.Error(), f.OneOf[1], f.Name)
		}
	}
}

// declWidthBefore reports whether a vector or matrix parameter before
// parameter i is given with alternative alt (it fixes D).
func declWidthBefore(f FamilyDecl, alt string, i int) bool {
	for _, p := range f.Params[:i] {
		if p.Shape != ShapeScalar && given(f, p, alt) {
			return true
		}
	}
	return false
}

// FuzzDeclaredNew drives every declaration's constructor with arbitrary
// values: it must not panic, an error must name the family, and a
// family it accepts validates again, reads back its values and detaches.
func FuzzDeclaredNew(f *testing.F) {
	decls := Declarations()
	for k, d := range decls {
		for a, alt := range declAlternatives(d) {
			var vals []float64
			for _, p := range declParams(nil, d, alt) {
				if p != (ad.Var{}) {
					vals = append(vals, p.Value()...)
				}
			}
			f.Add(uint8(k), uint8(a), uint8(declRows), encodeFloats(vals))
		}
	}
	f.Add(uint8(0), uint8(0), uint8(1), []byte{})
	f.Fuzz(func(t *testing.T, fam, alt, rows uint8, raw []byte) {
		decl := decls[int(fam)%len(decls)]
		alts := declAlternatives(decl)
		a := alts[int(alt)%len(alts)]
		r := 1 + int(rows)%3
		vals := decodeFloats(raw)
		next := func() float64 {
			if len(vals) == 0 {
				return 1
			}
			v := vals[0]
			vals = vals[1:]
			return v
		}
		ps := make([]ad.Var, len(decl.Params))
		for i, p := range decl.Params {
			if !given(decl, p, a) {
				continue
			}
			c := 1
			switch p.Shape {
			case ShapeVector, ShapeFactor:
				c = declD
			case ShapeSquare:
				c = declD * declD
			}
			data := make([]float64, r*c)
			for j := range data {
				data[j] = next()
			}
			ps[i] = ad.Const(r, c, data)
		}
		d, err := decl.New(ps)
		if err != nil {
			require.Contains(t, err.Error(), decl.Name)
			return
		}
		if v, ok := d.(interface{ Validate() error }); ok {
			require.NoError(t, v.Validate())
		}
		_, back, ok := ParamsOf(d)
		require.True(t, ok)
		dd, ok := Detach(d)
		require.True(t, ok)
		_, db, _ := ParamsOf(dd)
		for i := range back {
			if back[i] != (ad.Var{}) {
				require.Equal(t, len(back[i].Value()), len(db[i].Value()))
			}
		}
	})
}

func encodeFloats(xs []float64) []byte {
	out := make([]byte, 0, 8*len(xs))
	for _, x := range xs {
		b := math.Float64bits(x)
		for k := range 8 {
			out = append(out, byte(b>>(8*k)))
		}
	}
	return out
}

func decodeFloats(raw []byte) []float64 {
	var out []float64
	for len(raw) >= 8 {
		var b uint64
		for k := range 8 {
			b |= uint64(raw[k]) << (8 * k)
		}
		out = append(out, math.Float64frombits(b))
		raw = raw[8:]
	}
	return out
}

// TestDetachUnvalidated: Detach copies a struct literal as it is (no
// validation), detaching each parameter that is set.
func TestDetachUnvalidated(t *testing.T) {
	tp := ad.NewTape()
	loc := tp.Input(1, 1, []float64{0.5})
	d, ok := Detach(Normal{Loc: loc, Scale: ad.Scalar(-1)})
	require.True(t, ok)
	n := d.(Normal)
	assert.Equal(t, []float64{0.5}, n.Loc.Value())
	assert.Equal(t, []float64{-1.0}, n.Scale.Value(), "invalid values are kept, not checked")
	g := tp.Gradient(ad.Mul(n.Loc, loc), loc)
	assert.Equal(t, []float64{0.5}, g[0], "d/dloc (detach(loc) * loc) = loc: the copy carries no gradient")
	b, ok := Detach(Bernoulli{Logits: loc})
	require.True(t, ok)
	assert.Equal(t, ad.Var{}, b.(Bernoulli).Probs, "an alternative not set stays unset")
}
