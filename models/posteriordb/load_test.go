package posteriordb

import (
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNamesAndDims: the ten posteriors load, with the unconstrained
// dimensions of data/README.md and reference names that the model's
// reported sites produce.
func TestNamesAndDims(t *testing.T) {
	dims := map[string]int{
		"eight_schools-eight_schools_noncentered": 10,
		"eight_schools-eight_schools_centered":    10,
		"kilpisjarvi_mod-kilpisjarvi":             3,
		"earnings-logearn_interaction":            5,
		"sblrc-blr":                               6,
		"arK-arK":                                 7,
		"garch-garch11":                           4,
		"low_dim_gauss_mix-low_dim_gauss_mix":     5,
		"hmm_example-hmm_example":                 4,
		"gp_pois_regr-gp_pois_regr":               13,
	}
	names := Names()
	require.Len(t, names, len(dims))
	entries, err := fs.ReadDir(dataFS, ".")
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	assert.ElementsMatch(t, dirs, names, "one posterior per data directory")
	for _, n := range names {
		p, err := Load(n)
		require.NoError(t, err, n)
		assert.Equal(t, n, p.Name)
		assert.Equal(t, dims[n], p.Dim, n)
		assert.Equal(t, dims[n], p.Model.Dim, n)
		assert.Equal(t, refNames(p.Reference), reportedNames(p.spec), n)
		r, ok := p.Ref(p.Reference[0].Name)
		assert.True(t, ok)
		assert.Equal(t, p.Reference[0], r)
		_, ok = p.Ref("no such parameter")
		assert.False(t, ok)
	}
	p, err := Load("eight_schools-eight_schools_noncentered")
	require.NoError(t, err)
	// The first reference row, as in reference.json.
	assert.Equal(t, RefSummary{Name: "theta[1]", Mean: 6.150502293344254, SD: 5.615863418889274,
		Q05: -1.6806874923953714, Q50: 5.589011448936115, Q95: 16.329362155879497}, p.Reference[0])
	assert.Equal(t, []int{8}, p.Data["y"].Dims)
	assert.Equal(t, []float64{28, 8, -3, 7, -1, 1, 18, 12}, p.Data["y"].Values)
}

func TestLoadUnknown(t *testing.T) {
	_, err := Load("eight_schools")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown posterior "eight_schools"`)
	assert.Contains(t, err.Error(), "eight_schools-eight_schools_noncentered", "lists the known names")
}

// mutated returns a copy of the embedded files of posterior name with
// file (data.json or reference.json) replaced by edit's result.
func mutated(t *testing.T, name, file string, edit func(map[string]any)) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{"data.json", "reference.json"} {
		raw, err := fs.ReadFile(dataFS, path.Join(name, f))
		require.NoError(t, err)
		if f == file {
			var obj map[string]any
			require.NoError(t, json.Unmarshal(raw, &obj))
			edit(obj)
			raw, err = json.Marshal(obj)
			require.NoError(t, err)
		}
		m[path.Join(name, f)] = &fstest.MapFile{Data: raw}
	}
	return m
}

func TestLoadMalformedData(t *testing.T) {
	const es = "eight_schools-eight_schools_noncentered"
	cases := []struct {
		name, posterior string
		edit            func(map[string]any)
		want            []string
	}{
		{"missing field", es, func(d map[string]any) { delete(d, "sigma") }, []string{es, `missing "sigma"`}},
		{"short vector", es, func(d map[string]any) { d["y"] = []float64{1, 2} }, []string{`"y" has 2 values, want 8`}},
		{"scalar for vector", es, func(d map[string]any) { d["y"] = 3.0 }, []string{`"y" is a number, want a list`}},
		{"non-integer count", es, func(d map[string]any) { d["J"] = 8.5 }, []string{`"J" = 8.5, want a non-negative integer`}},
		{"non-positive scale", es, func(d map[string]any) { d["sigma"].([]any)[2] = -1.0 }, []string{"sigma[3] = -1, want > 0"}},
		{"not numbers", es, func(d map[string]any) { d["y"] = "abc" }, []string{`"y": not a number`}},
		{"ragged matrix", "sblrc-blr", func(d map[string]any) {
			x := d["X"].([]any)
			x[4] = x[4].([]any)[:3]
		}, []string{"sblrc-blr", `"X"`, "row 4 has 3 values, row 0 has 5"}},
		{"wrong matrix shape", "sblrc-blr", func(d map[string]any) { d["D"] = 4.0 }, []string{`"X" is 100x5, want 100x4`}},
		{"non-positive earnings", "earnings-logearn_interaction", func(d map[string]any) { d["earn"].([]any)[0] = 0.0 }, []string{"earn[1] = 0, want > 0"}},
		{"non-integer counts", "gp_pois_regr-gp_pois_regr", func(d map[string]any) { d["k"].([]any)[1] = 2.5 }, []string{"k[2] = 2.5, want a non-negative integer"}},
		{"hmm states", "hmm_example-hmm_example", func(d map[string]any) { d["K"] = 3.0 }, []string{"K = 3"}},
		{"AR order", "arK-arK", func(d map[string]any) { d["K"] = 200.0 }, []string{"K = 200 and T = 200"}},
		{"empty data", es, func(d map[string]any) { d["J"] = 0.0; d["y"] = []float64{}; d["sigma"] = []float64{} }, []string{`"J" = 0, want at least 1`}},
		{"null", es, func(d map[string]any) { d["y"].([]any)[0] = nil }, []string{`"y": null is not a number`}},
		{"garch scale", "garch-garch11", func(d map[string]any) { d["sigma1"] = 0.0 }, []string{`"sigma1" = 0, want > 0`}},
		{"kilpisjarvi prior scale", "kilpisjarvi_mod-kilpisjarvi", func(d map[string]any) { d["psbeta"] = -1.0 }, []string{`"psbeta" = -1, want > 0`}},
	}
	for _, c := range cases {
		_, err := load(mutated(t, c.posterior, "data.json", c.edit), c.posterior)
		require.Error(t, err, c.name)
		for _, w := range c.want {
			assert.Contains(t, err.Error(), w, c.name)
		}
	}
}

func TestLoadMalformedReference(t *testing.T) {
	const name = "kilpisjarvi_mod-kilpisjarvi"
	param := func(d map[string]any, i int) map[string]any {
		return d["parameters"].([]any)[i].(map[string]any)
	}
	cases := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no parameters", func(d map[string]any) { delete(d, "parameters") }, "no parameters"},
		{"missing sd", func(d map[string]any) { delete(param(d, 1), "sd") }, `parameter "beta": no sd`},
		{"zero sd", func(d map[string]any) { param(d, 2)["sd"] = 0.0 }, `parameter "sigma": sd = 0, want > 0`},
		{"no name", func(d map[string]any) { delete(param(d, 0), "name") }, "parameter 0 has no name"},
		{"other names", func(d map[string]any) { param(d, 0)["name"] = "alpha[1]" }, "the model reports [alpha beta sigma]"},
	}
	for _, c := range cases {
		_, err := load(mutated(t, name, "reference.json", c.edit), name)
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
		assert.Contains(t, err.Error(), "reference.json", c.name)
	}
	// Unparsable and missing files.
	m := mutated(t, name, "", nil).(fstest.MapFS)
	m[path.Join(name, "data.json")] = &fstest.MapFile{Data: []byte(`{"N": 62,`)}
	_, err := load(m, name)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data.json")
	delete(m, path.Join(name, "data.json"))
	_, err = load(m, name)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "data.json"), err.Error())
}

func TestParseData(t *testing.T) {
	d, err := ParseData([]byte(`{"a": 2, "b": [1, 2.5], "c": [[1, 2, 3], [4, 5, 6]], "e": []}`))
	require.NoError(t, err)
	assert.Equal(t, Array{Values: []float64{2}}, d["a"])
	assert.Equal(t, Array{Dims: []int{2}, Values: []float64{1, 2.5}}, d["b"])
	assert.Equal(t, Array{Dims: []int{2, 3}, Values: []float64{1, 2, 3, 4, 5, 6}}, d["c"])
	assert.Equal(t, []int{0}, d["e"].Dims)
	for _, bad := range []string{`[1, 2]`, `{"a": {"b": 1}}`, `{"a": [[1], [2, 3]]}`, `{"a": "x"}`, `null`, `{"a": null}`, `{"a": [1, null]}`, `{"a": 1} {"b": 2}`} {
		_, err := ParseData([]byte(bad))
		assert.Error(t, err, bad)
	}
}
