package spec

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	s, err := Parse("Normal(loc=0, scale=1)")
	require.NoError(t, err)
	assert.Equal(t, "Normal", s.Family)
	require.Len(t, s.Kwargs, 2)
	assert.Equal(t, "scale", s.Kwargs[1].Name)
	assert.Equal(t, 1.0, s.Kwargs[1].Value.Num)

	s, err = Parse("  torch.distributions.Normal( -1.5e-3 , +2, )")
	require.NoError(t, err)
	assert.Equal(t, "Normal", s.Family)
	require.Len(t, s.Args, 2)
	assert.Equal(t, -1.5e-3, s.Args[0].Num)

	s, err = Parse("Independent(Normal(loc=[0,0], scale=[1, 1]), 1)")
	require.NoError(t, err)
	require.Len(t, s.Args, 2)
	inner := s.Args[0].Spec
	require.NotNil(t, inner)
	assert.Equal(t, "Normal", inner.Family)
	assert.Len(t, inner.Kwargs[0].Value.List, 2)

	s, err = Parse("MultivariateNormal([0, 0], covariance_matrix=[[1, 0.5], [0.5, 2]])")
	require.NoError(t, err)
	cov := s.Kwargs[0].Value
	require.Len(t, cov.List, 2)
	assert.Equal(t, 0.5, cov.List[1].List[0].Num)

	s, err = Parse("Uniform(-inf, inf)")
	require.NoError(t, err)
	assert.True(t, math.IsInf(s.Args[0].Num, -1))
	assert.True(t, math.IsInf(s.Args[1].Num, 1))

	s, err = Parse("Normal(torch.tensor([1., 2.]), 1)")
	require.NoError(t, err)
	assert.Len(t, s.Args[0].List, 2)

	// Round trip through String.
	for _, src := range []string{
		"Normal(0, 1)",
		"MixtureSameFamily(Categorical(probs=[0.3, 0.7]), Normal([-1, 2], [1, 0.5]))",
		"TransformedDistribution(Normal(0, 1), [ExpTransform()])",
		"Uniform(low=-inf, high=1e+300)",
	} {
		s, err := Parse(src)
		require.NoError(t, err, src)
		again, err := Parse(s.String())
		require.NoError(t, err, s.String())
		assert.Equal(t, s.String(), again.String())
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ src, col, want string }{
		{"", "column 1", "expected a distribution name"},
		{"Normal", "column 7", "expected '(' after Normal"},
		{"Normal(0, 1", "column 12", "expected ',' or ')'"},
		{"Normal(0 1)", "column 10", "expected ',' or ')'"},
		{"Normal(loc=, scale=1)", "column 12", "expected a number"},
		{"Normal(loc=0, 1)", "column 15", "positional argument after keyword"},
		{"Normal(loc=1e, scale=1)", "column 12", "is not a number"},
		{"Normal([1, 2, scale=1)", "column 15", "expected ',' or ']' in the list opened at column 8"},
		{"Normal(0, 1) extra", "column 14", "unexpected"},
		{"Normal(loc=0, loc=1)", "column 15", "keyword loc given twice"},
		{"3(0, 1)", "column 1", "expected a distribution name"},
		{"Normal(" + strings.Repeat("[", 100) + "0" + strings.Repeat("]", 100) + ")", "column", "nesting deeper"},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		require.Error(t, err, c.src)
		var se *SyntaxError
		require.ErrorAs(t, err, &se, c.src)
		assert.Contains(t, err.Error(), c.col, c.src)
		assert.Contains(t, err.Error(), c.want, c.src)
	}
}

// FuzzParse: the parser never panics, and whatever it accepts prints
// back to a specification that parses to the same text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Normal(0, 1)", "Normal(loc=[0,1], scale=[[1,2],[3,4]])", "Independent(Normal(0,1),1)",
		"Uniform(-inf, inf)", "MixtureSameFamily(Categorical(probs=[0.3,0.7]), Normal([-1,2],[1,0.5]))",
		"Normal(", "Normal(0,,1)", "[[[", "Normal(1e309, -0x1p3)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !asSyntaxError(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out := s.String()
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", src, out, err)
		}
		if s2.String() != out {
			t.Fatalf("%q -> %q -> %q", src, out, s2.String())
		}
	})
}

func asSyntaxError(err error, target **SyntaxError) bool {
	se, ok := err.(*SyntaxError)
	if ok {
		*target = se
	}
	return ok
}
