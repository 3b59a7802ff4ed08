package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// declRowValue returns valid values of one batch element of parameter i
// of a declared family (event width D = 2), batch element r.
func declRowValue(p dist.ParamDecl, i, r int) []float64 {
	s := float64(r + 1)
	var x float64
	switch p.Constraint {
	case dist.ConstraintReal, dist.ConstraintBelowInf, dist.ConstraintLogSimplex:
		x = s * (-0.5 + float64(i))
	case dist.ConstraintUnitInterval, dist.ConstraintOpenUnitInterval, dist.ConstraintUnitIntervalNoZero, dist.ConstraintUnitIntervalNoOne:
		x = 0.15 * s * float64(i+1)
	case dist.ConstraintCount:
		x = 3 * s
	case dist.ConstraintLowerCholesky:
		return []float64{1.5 * s, 0, 0.3, 0.8 * s}
	case dist.ConstraintPositiveDefinite:
		return []float64{2 * s, 0.5, 0.5, s}
	default:
		x = s * (0.75 + float64(i))
	}
	switch p.Shape {
	case dist.ShapeVector, dist.ShapeFactor:
		return []float64{x, x + 0.25}
	}
	return []float64{x}
}

// torchList formats the values of one batch element as torch writes
// them: a number, [a, b] or [[a, b], [c, d]] (a D x D or D x 1 matrix).
func torchList(p dist.ParamDecl, v []float64) string {
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch p.Shape {
	case dist.ShapeScalar:
		return num(v[0])
	case dist.ShapeVector:
		return "[" + num(v[0]) + ", " + num(v[1]) + "]"
	case dist.ShapeFactor:
		return "[[" + num(v[0]) + "], [" + num(v[1]) + "]]"
	}
	return "[[" + num(v[0]) + ", " + num(v[1]) + "], [" + num(v[2]) + ", " + num(v[3]) + "]]"
}

// TestDeclarationsRoundTrip writes every declared family (each
// alternative of its parameters) as a torch spec with a batch of two,
// builds it and checks that it holds the parameters the Go constructor
// gives for the same values; an omitted defaulted argument takes its
// declared default; none of the alternatives is an error naming them.
func TestDeclarationsRoundTrip(t *testing.T) {
	known := Families()
	for _, f := range dist.Declarations() {
		assert.Contains(t, known, f.Name, "Build knows every declared family")
		alts := f.OneOf
		if len(alts) == 0 {
			alts = []string{""}
		}
		for _, alt := range alts {
			ps := make([]ad.Var, len(f.Params))
			var args []string
			for i, p := range f.Params {
				if slices.Contains(f.OneOf, p.Name) && p.Name != alt {
					continue
				}
				var rows []string
				var data []float64
				for r := range 2 {
					v := declRowValue(p, i, r)
					rows = append(rows, torchList(p, v))
					data = append(data, v...)
				}
				args = append(args, p.Name+"=["+strings.Join(rows, ", ")+"]")
				ps[i] = ad.Const(2, len(data)/2, data)
			}
			src := f.Name + "(" + strings.Join(args, ", ") + ")"
			want, err := f.New(ps)
			require.NoError(t, err, src)
			s, err := Parse(src)
			require.NoError(t, err, src)
			got, batch, err := Build(s)
			require.NoError(t, err, src)
			assert.Equal(t, []int{2}, batch, src)
			_, wp, ok := dist.ParamsOf(want)
			require.True(t, ok, src)
			gf, gp, ok := dist.ParamsOf(got)
			require.True(t, ok, "%s builds a declared family", src)
			require.Equal(t, f.Name, gf.Name, src)
			for i := range wp {
				if wp[i] == (ad.Var{}) {
					assert.Equal(t, ad.Var{}, gp[i], "%s: %s not set", src, f.Params[i].Name)
					continue
				}
				require.NotEqual(t, ad.Var{}, gp[i], "%s: %s set", src, f.Params[i].Name)
				wr, wc := wp[i].Shape()
				gr, gc := gp[i].Shape()
				assert.Equal(t, [2]int{wr, wc}, [2]int{gr, gc}, "%s: %s shape", src, f.Params[i].Name)
				assert.Equal(t, wp[i].Value(), gp[i].Value(), "%s: %s values", src, f.Params[i].Name)
			}
		}
		// An omitted defaulted argument takes its default.
		for i, p := range f.Params {
			if !p.HasDefault || f.Name == "Delta" {
				continue
			}
			var args []string
			for j, q := range f.Params {
				if j == i || slices.Contains(f.OneOf, q.Name) && q.Name != f.OneOf[0] {
					continue
				}
				args = append(args, q.Name+"="+torchList(q, declRowValue(q, j, 0)))
			}
			src := f.Name + "(" + strings.Join(args, ", ") + ")"
			s, err := Parse(src)
			require.NoError(t, err, src)
			got, _, err := Build(s)
			require.NoError(t, err, src)
			_, gp, _ := dist.ParamsOf(got)
			for _, v := range gp[i].Value() {
				assert.Equal(t, p.Default, v, "%s: default of %s", src, p.Name)
			}
		}
		if len(f.OneOf) > 0 {
			var args []string
			for j, q := range f.Params {
				if !slices.Contains(f.OneOf, q.Name) {
					args = append(args, q.Name+"="+torchList(q, declRowValue(q, j, 0)))
				}
			}
			src := f.Name + "(" + strings.Join(args, ", ") + ")"
			_, err := declBuildError(t, f, src)
			assert.Contains(t, err.Error(), fmt.Sprintf("needs exactly one of %s, got none", orList(f.OneOf)), src)
		}
	}
}

// declBuildError parses src and returns it with the error of Build,
// which must be a *BuildError of family f.
func declBuildError(t *testing.T, f dist.FamilyDecl, src string) (*Spec, error) {
	t.Helper()
	s, err := Parse(src)
	require.NoError(t, err, src)
	_, _, err = Build(s)
	var be *BuildError
	require.True(t, errors.As(err, &be), "%s: %v", src, err)
	assert.Equal(t, f.Name, be.Family, src)
	return s, err
}

// declSpec writes family f with alternative alt given (a batch of two),
// with row 1 of parameter bad changed by spoil (when bad >= 0).
func declSpec(f dist.FamilyDecl, alt string, bad int, spoil func(v []float64)) string {
	var args []string
	for i, p := range f.Params {
		if slices.Contains(f.OneOf, p.Name) && p.Name != alt {
			continue
		}
		var rows []string
		for r := range 2 {
			v := declRowValue(p, i, r)
			if i == bad && r == 1 {
				spoil(v)
			}
			rows = append(rows, torchList(p, v))
		}
		args = append(args, p.Name+"=["+strings.Join(rows, ", ")+"]")
	}
	return f.Name + "(" + strings.Join(args, ", ") + ")"
}

// TestDeclarationsBuildErrors: for every declared family and parameter,
// a value outside its constraint in batch element 1 is a *BuildError
// naming the family and the argument and wrapping the constructor's
// *dist.ParamError at an element of batch element 1, and Shapes accepts the spec (only values are wrong).
func TestDeclarationsBuildErrors(t *testing.T) {
	for _, f := range dist.Declarations() {
		alt := ""
		if len(f.OneOf) > 0 {
			alt = f.OneOf[len(f.OneOf)-1]
		}
		for bad, p := range f.Params {
			if slices.Contains(f.OneOf, p.Name) && p.Name != alt {
				continue
			}
			spoil := func(v []float64) {
				switch p.Constraint {
				case dist.ConstraintReal:
					v[0] = math.NaN()
				case dist.ConstraintBelowInf:
					v[0] = math.Inf(1)
				case dist.ConstraintUnitInterval, dist.ConstraintOpenUnitInterval, dist.ConstraintUnitIntervalNoZero, dist.ConstraintUnitIntervalNoOne:
					v[0] = 1.5
				case dist.ConstraintCount:
					v[0] = 2.5
				case dist.ConstraintSimplex:
					clear(v)
				case dist.ConstraintLogSimplex:
					for k := range v {
						v[k] = math.Inf(-1)
					}
				case dist.ConstraintLowerCholesky:
					v[1] = 0.5
				case dist.ConstraintPositiveDefinite:
					v[1] = 0.9
				default:
					v[0] = -1
				}
			}
			src := declSpec(f, alt, bad, spoil)
			s, err := declBuildError(t, f, src)
			var be *BuildError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, p.Name, be.Arg, src)
			var pe *dist.ParamError
			assert.True(t, errors.As(err, &pe), "%s wraps a ParamError: %v", src, err)
			assert.Contains(t, err.Error(), "element [1", "%s: the error points into batch element 1", src)
			assert.Positive(t, be.Pos, "%s: with its column", src)
			_, _, err = Shapes(s)
			assert.NoError(t, err, "%s: the shapes are right", src)
		}
	}
}
