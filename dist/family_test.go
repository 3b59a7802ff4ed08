package dist

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// validValue returns a value inside c for parameter number i of a family
// (distinct per parameter so that an order mix-up shows; Uniform's high
// is above its low).
func validValue(c Constraint, i int) float64 {
	if c == ConstraintReal {
		return -0.5 + float64(i)
	}
	return 0.75 + float64(i)
}

func TestDeclarationsRoundTrip(t *testing.T) {
	decls := Declarations()
	require.NotEmpty(t, decls)
	for k, f := range decls {
		if k > 0 {
			assert.Less(t, decls[k-1].Name, f.Name, "sorted by name")
		}
		g, ok := Declaration(f.Name)
		require.True(t, ok, f.Name)
		assert.Equal(t, f.Name, g.Name)
		tp := ad.NewTape()
		ps := make([]ad.Var, len(f.Params))
		for i, p := range f.Params {
			ps[i] = tp.Param(ad.NewParam(p.Name, 1, 2, []float64{validValue(p.Constraint, i), 2 * validValue(p.Constraint, i)}))
			assert.NotEmpty(t, p.Doc, "%s.%s has a doc", f.Name, p.Name)
		}
		d, err := f.New(ps)
		require.NoError(t, err, f.Name)
		got, back, ok := ParamsOf(d)
		require.True(t, ok, f.Name)
		assert.Equal(t, f.Name, got.Name)
		require.Len(t, back, len(ps))
		for i := range ps {
			assert.Equal(t, ps[i].Value(), back[i].Value(), "%s parameter %d in declaration order", f.Name, i)
			assert.NotNil(t, back[i].Tape(), "%s parameter %d recorded", f.Name, i)
		}
		dd, ok := Detach(d)
		require.True(t, ok, f.Name)
		_, db, _ := ParamsOf(dd)
		for i := range ps {
			assert.Equal(t, ps[i].Value(), db[i].Value(), "%s detached parameter %d keeps its value", f.Name, i)
		}
		// The log-density of the detached copy equals the original's, and
		// no gradient reaches the parameters through it.
		x := ad.Const(1, 2, []float64{1.1, 1.3})
		switch f.Name {
		case "Uniform":
			x = ad.Const(1, 2, []float64{0, 0.1})
		case "Beta", "Kumaraswamy":
			x = ad.Const(1, 2, []float64{0.3, 0.6})
		case "Poisson":
			x = ad.Const(1, 2, []float64{1, 2})
		}
		lp, lpd := d.LogProb(x), dd.LogProb(x)
		assert.Equal(t, lp.Value(), lpd.Value(), "%s detached LogProb", f.Name)
		gd := tp.Gradient(ad.Sum(lpd), ps...)
		for i := range ps {
			for _, g := range gd[i] {
				assert.Zero(t, g, "%s: no gradient through detached parameter %d", f.Name, i)
			}
		}
		go0 := tp.Gradient(ad.Sum(lp), ps...)
		nonzero := false
		for i := range ps {
			for _, v := range go0[i] {
				nonzero = nonzero || v != 0
			}
		}
		assert.True(t, nonzero, "%s: the original LogProb has a gradient", f.Name)
	}
	_, ok := Declaration("NoSuchFamily")
	assert.False(t, ok)
	_, _, ok = ParamsOf(Delta{V: ad.Scalar(1)})
	assert.False(t, ok, "Delta is not a declared univariate family")
}

// TestDeclarationsValidate checks that Validate reports each declared
// parameter outside its constraint by name, index and value, and a
// missing one by name.
func TestDeclarationsValidate(t *testing.T) {
	for _, f := range Declarations() {
		for bad := range f.Params {
			ps := make([]ad.Var, len(f.Params))
			for i, p := range f.Params {
				ps[i] = ad.Const(1, 2, []float64{validValue(p.Constraint, i), 2 * validValue(p.Constraint, i)})
			}
			ps[bad] = ad.Const(1, 2, []float64{validValue(f.Params[bad].Constraint, bad), math.NaN()})
			_, err := f.New(ps)
			var pe *ParamError
			require.True(t, errors.As(err, &pe), "%s with %s = NaN: %v", f.Name, f.Params[bad].Name, err)
			assert.Equal(t, f.Params[bad].Name, pe.Param, f.Name)
			assert.Equal(t, 1, pe.Index, f.Name)
			ps[bad] = ad.Var{}
			_, err = f.New(ps)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "parameter "+f.Params[bad].Name+" is missing", f.Name)
		}
	}
}
