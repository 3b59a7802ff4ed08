package posteriordb

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

//go:embed data
var embedded embed.FS

// dataFS is the embedded data directory seen from inside: one directory
// per posterior.
var dataFS = mustSub(embedded, "data")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// builders maps every posterior name to the function that makes its
// model from the parsed data.
var builders = map[string]func(Data) (spec, error){
	"eight_schools-eight_schools_noncentered": newEightSchoolsNoncentered,
	"eight_schools-eight_schools_centered":    newEightSchoolsCentered,
	"kilpisjarvi_mod-kilpisjarvi":             newKilpisjarvi,
	"earnings-logearn_interaction":            newEarnings,
	"sblrc-blr":                               newSblrc,
	"arK-arK":                                 newArK,
	"garch-garch11":                           newGarch,
	"low_dim_gauss_mix-low_dim_gauss_mix":     newGaussMix,
	"hmm_example-hmm_example":                 newHMM,
	"gp_pois_regr-gp_pois_regr":               newGPPoisRegr,
}

// Names returns the names of the ten posteriors, sorted, e.g.
// "eight_schools-eight_schools_noncentered".
func Names() []string {
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Posterior is one posteriordb posterior: its data, its reference
// posterior summaries and the model as a log-density over an unconstrained
// vector.
type Posterior struct {
	// Name is the posteriordb name, "<data>-<model>".
	Name string
	// Data is the parsed data.json.
	Data Data
	// Reference holds the reference summaries of every reported parameter,
	// in posteriordb's order and with its names ("theta[1]", "mu", ...).
	Reference []RefSummary
	// Dim is the dimension of the unconstrained space.
	Dim int
	// Model is the log-density over unconstrained z (S particles as the
	// rows of an S x Dim value): LogJoint includes the log-Jacobians of
	// Stan's constraining transforms; Constrain records every reference
	// parameter in constrained space as a deterministic site (site "theta"
	// with S x 8 values for "theta[1]".."theta[8]": column j is index j+1).
	Model vi.LogDensity

	spec spec
}

// RefSummary is the reference summary of one parameter, computed from
// 10,000 pooled Stan NUTS draws (see data/README.md): mean, standard
// deviation (n-1 denominator) and the 5%, 50% and 95% quantiles (R type 7).
type RefSummary struct {
	Name          string
	Mean, SD      float64
	Q05, Q50, Q95 float64
}

// Ref returns the reference summary of the named parameter.
func (p *Posterior) Ref(name string) (RefSummary, bool) {
	for _, r := range p.Reference {
		if r.Name == name {
			return r, true
		}
	}
	return RefSummary{}, false
}

// ParamNames returns the names of the reference parameters in order.
func (p *Posterior) ParamNames() []string {
	out := make([]string, len(p.Reference))
	for i, r := range p.Reference {
		out[i] = r.Name
	}
	return out
}

// Load returns the posterior with the given name (one of Names). It
// returns an error for an unknown name and for data or reference files
// that do not parse or do not fit the model (missing fields, wrong
// lengths, values outside their declared constraints).
func Load(name string) (*Posterior, error) {
	return load(dataFS, name)
}

// load reads the posterior from fsys (a directory per posterior).
func load(fsys fs.FS, name string) (*Posterior, error) {
	build, ok := builders[name]
	if !ok {
		return nil, fmt.Errorf("posteriordb: unknown posterior %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	raw, err := fs.ReadFile(fsys, path.Join(name, "data.json"))
	if err != nil {
		return nil, fmt.Errorf("posteriordb: %s: %w", name, err)
	}
	data, err := ParseData(raw)
	if err != nil {
		return nil, fmt.Errorf("posteriordb: %s: data.json: %w", name, err)
	}
	s, err := build(data)
	if err != nil {
		return nil, fmt.Errorf("posteriordb: %s: data.json: %w", name, err)
	}
	raw, err = fs.ReadFile(fsys, path.Join(name, "reference.json"))
	if err != nil {
		return nil, fmt.Errorf("posteriordb: %s: %w", name, err)
	}
	ref, err := parseReference(raw)
	if err != nil {
		return nil, fmt.Errorf("posteriordb: %s: reference.json: %w", name, err)
	}
	if want := reportedNames(s); !slices.Equal(want, refNames(ref)) {
		return nil, fmt.Errorf("posteriordb: %s: reference.json reports %v, the model reports %v", name, refNames(ref), want)
	}
	p := &Posterior{Name: name, Data: data, Reference: ref, Dim: s.dim(), spec: s}
	p.Model = logDensity(s)
	return p, nil
}

func refNames(ref []RefSummary) []string {
	out := make([]string, len(ref))
	for i, r := range ref {
		out[i] = r.Name
	}
	return out
}

// reportedNames returns the reference names that the model's reported
// sites produce: "name" for a one-column site, "name[1]".."name[C]"
// otherwise.
func reportedNames(s spec) []string {
	z := ad.Const(1, s.dim(), make([]float64, s.dim()))
	c, _ := s.constrain(z)
	var out []string
	for _, st := range s.report(c) {
		out = append(out, elementNames(st.name, st.value.Cols())...)
	}
	return out
}

func elementNames(name string, cols int) []string {
	if cols == 1 {
		return []string{name}
	}
	out := make([]string, cols)
	for j := range out {
		out[j] = fmt.Sprintf("%s[%d]", name, j+1)
	}
	return out
}

type refFile struct {
	Parameters []struct {
		Name *string  `json:"name"`
		Mean *float64 `json:"mean"`
		SD   *float64 `json:"sd"`
		Q05  *float64 `json:"q05"`
		Q50  *float64 `json:"q50"`
		Q95  *float64 `json:"q95"`
	} `json:"parameters"`
}

func parseReference(raw []byte) ([]RefSummary, error) {
	var f refFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	if len(f.Parameters) == 0 {
		return nil, fmt.Errorf("no parameters")
	}
	out := make([]RefSummary, len(f.Parameters))
	for i, p := range f.Parameters {
		if p.Name == nil || *p.Name == "" {
			return nil, fmt.Errorf("parameter %d has no name", i)
		}
		fields := []struct {
			name string
			v    *float64
			dst  *float64
		}{{"mean", p.Mean, &out[i].Mean}, {"sd", p.SD, &out[i].SD}, {"q05", p.Q05, &out[i].Q05}, {"q50", p.Q50, &out[i].Q50}, {"q95", p.Q95, &out[i].Q95}}
		for _, fl := range fields {
			if fl.v == nil {
				return nil, fmt.Errorf("parameter %q: no %s", *p.Name, fl.name)
			}
			if math.IsNaN(*fl.v) || math.IsInf(*fl.v, 0) {
				return nil, fmt.Errorf("parameter %q: %s = %v", *p.Name, fl.name, *fl.v)
			}
			*fl.dst = *fl.v
		}
		if !(out[i].SD > 0) {
			return nil, fmt.Errorf("parameter %q: sd = %v, want > 0", *p.Name, out[i].SD)
		}
		out[i].Name = *p.Name
	}
	return out, nil
}

// Data is a parsed data.json: every entry as an Array.
type Data map[string]Array

// Array is a number (Dims empty), a list of numbers (Dims [n]) or a list of
// equally long lists of numbers (Dims [n, m], Values row-major).
type Array struct {
	Dims   []int
	Values []float64
}

// ParseData parses a posteriordb data.json: an object whose entries are
// numbers, lists of numbers or rectangular lists of lists of numbers.
func ParseData(raw []byte) (Data, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	d := Data{}
	for k, v := range obj {
		a, err := parseArray(v)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
		d[k] = a
	}
	return d, nil
}

func parseArray(raw json.RawMessage) (Array, error) {
	if bytes.Contains(raw, []byte("null")) {
		return Array{}, fmt.Errorf("null is not a number")
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err == nil {
		return Array{Values: []float64{x}}, nil
	}
	var v []float64
	if err := json.Unmarshal(raw, &v); err == nil {
		return Array{Dims: []int{len(v)}, Values: v}, nil
	}
	var m [][]float64
	if err := json.Unmarshal(raw, &m); err != nil {
		return Array{}, fmt.Errorf("not a number, a list of numbers or a list of lists of numbers")
	}
	a := Array{Dims: []int{len(m), 0}}
	for i, row := range m {
		if i == 0 {
			a.Dims[1] = len(row)
		} else if len(row) != a.Dims[1] {
			return Array{}, fmt.Errorf("row %d has %d values, row 0 has %d", i, len(row), a.Dims[1])
		}
		a.Values = append(a.Values, row...)
	}
	return a, nil
}

// get returns the entry name with the given number of dimensions.
func (d Data) get(name string, ndim int) (Array, error) {
	a, ok := d[name]
	if !ok {
		return Array{}, fmt.Errorf("missing %q", name)
	}
	if len(a.Dims) != ndim {
		kinds := []string{"a number", "a list", "a matrix"}
		return Array{}, fmt.Errorf("%q is %s, want %s", name, kinds[len(a.Dims)], kinds[ndim])
	}
	return a, nil
}

// scalar returns the number name.
func (d Data) scalar(name string) (float64, error) {
	a, err := d.get(name, 0)
	if err != nil {
		return 0, err
	}
	return a.Values[0], nil
}

// count returns the number name, which must be a non-negative integer.
func (d Data) count(name string) (int, error) {
	x, err := d.scalar(name)
	if err != nil {
		return 0, err
	}
	if x < 0 || x != math.Trunc(x) || x > 1<<30 {
		return 0, fmt.Errorf("%q = %v, want a non-negative integer", name, x)
	}
	return int(x), nil
}

// size returns the count name, which must be at least 1.
func (d Data) size(name string) (int, error) {
	n, err := d.count(name)
	if err == nil && n < 1 {
		err = fmt.Errorf("%q = %d, want at least 1", name, n)
	}
	return n, err
}

// vector returns the list name, which must have n values.
func (d Data) vector(name string, n int) ([]float64, error) {
	a, err := d.get(name, 1)
	if err != nil {
		return nil, err
	}
	if len(a.Values) != n {
		return nil, fmt.Errorf("%q has %d values, want %d", name, len(a.Values), n)
	}
	return a.Values, nil
}

// matrix returns the r x c matrix name, row-major.
func (d Data) matrix(name string, r, c int) ([]float64, error) {
	a, err := d.get(name, 2)
	if err != nil {
		return nil, err
	}
	if a.Dims[0] != r || a.Dims[1] != c {
		return nil, fmt.Errorf("%q is %dx%d, want %dx%d", name, a.Dims[0], a.Dims[1], r, c)
	}
	return a.Values, nil
}

// check returns an error naming the first element of x that fails ok.
func check(name string, x []float64, ok func(float64) bool, want string) error {
	for i, v := range x {
		if !ok(v) {
			return fmt.Errorf("%s[%d] = %v, want %s", name, i+1, v, want)
		}
	}
	return nil
}

func positive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

func isCount(x float64) bool { return x >= 0 && x == math.Trunc(x) && x < 1<<53 }
