package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Building distributions from specifications (Spec, from Parse or
// FromJSON) with torch.distributions semantics.
//
// Shapes. A torch distribution has a batch shape and an event shape. Build
// flattens the batch dimensions (row-major) into rows and the event
// dimensions into columns: Normal(loc=[0, 1, 2], scale=1) has batch (3,)
// and event (), so 3 rows of 1 column; Independent(Normal(loc=[0, 0],
// scale=[1, 1]), 1) has batch () and event (2,), so 1 row of 2 columns.
// Parameters broadcast with numpy's rules. A univariate family's
// parameters are laid out on that grid (shared parameters stay 1 x 1, or
// 1 x C, B x 1, ...); a multivariate family's own trailing dimensions
// (MultivariateNormal's loc (..., D) and matrices (..., D, D),
// LowRankMultivariateNormal's cov_factor (..., D, K), the categorical
// families' (..., K)) become its parameter columns, row-major.
//
// Internally every specification becomes a node that knows its torch
// shapes and can build its distribution broadcast to a larger batch and
// with its trailing batch dimensions moved into the columns (what
// Independent and TransformedDistribution need). Only families whose
// columns are independent components (the univariate families and
// wrappers of them with element-wise transforms) can take batch
// dimensions into their columns; kldiv scores a multivariate row jointly,
// so Independent over the batch of a MultivariateNormal, Dirichlet,
// categorical family or mixture is reported as an error.

// maxBuildElements bounds the number of parameter values a Build may
// materialize, so that broadcasting cannot exhaust memory.
const maxBuildElements = 1 << 22

// BuildError reports why a Spec does not describe a distribution: the
// family (or transform) being built, the argument concerned, the byte
// offset of the offending value in the parsed source (or -1 when the
// Spec did not come from Parse), and what was wrong. Invalid
// parameter values wrap the *ParamError of the family's constructor.
type BuildError struct {
	Family string // e.g. "Normal", "AffineTransform"
	Arg    string // torch argument name, e.g. "scale"; "" for the whole spec
	Pos    int    // byte offset in the source, or -1
	Msg    string // what was wrong
	Err    error  // the underlying error (a *ParamError), or nil
}

// Error implements error.
func (e *BuildError) Error() string {
	var b strings.Builder
	b.WriteString("spec: ")
	b.WriteString(e.Family)
	if e.Arg != "" {
		b.WriteString(": argument ")
		b.WriteString(e.Arg)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Pos >= 0 {
		fmt.Fprintf(&b, " (column %d)", e.Pos+1)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *BuildError) Unwrap() error { return e.Err }

func buildErr(family, arg string, pos int, format string, args ...any) *BuildError {
	return &BuildError{Family: family, Arg: arg, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Build constructs the distribution s describes, with torch.distributions
// semantics (see the comment at the top of build.go for the layout), and
// returns it with its torch batch shape (empty for a single
// distribution). The distribution has one row per batch element
// (row-major over the batch shape) and one column per event element.
//
// Positional arguments follow torch's parameter order and keywords use
// torch's names; validate_args is accepted and ignored; defaults are
// torch's. Errors are *BuildError values naming the family, the argument
// and what was wrong, with the column of the offending value when s came
// from Parse; Build never panics.
func Build(s *Spec) (dist.Distribution, []int, error) {
	n, err := buildNode(s, 0)
	if err != nil {
		return nil, nil, err
	}
	d, err := n.build(n.batch, 0)
	if err != nil {
		return nil, nil, err
	}
	return d, slices.Clone(n.batch), nil
}

// BuildBatch is Build with the distribution broadcast to the torch batch
// shape batch, as torch's Distribution.expand(batch): s's batch shape
// must broadcast to batch (numpy rules, without changing batch). The
// result has numel(batch) rows.
func BuildBatch(s *Spec, batch []int) (dist.Distribution, error) {
	n, err := buildNode(s, 0)
	if err != nil {
		return nil, err
	}
	if err := checkExpand(n, batch); err != nil {
		return nil, err
	}
	return n.build(slices.Clone(batch), 0)
}

// Shapes returns the torch batch and event shapes of the distribution
// s describes, with the errors Build would return for the arguments.
func Shapes(s *Spec) (batch, event []int, err error) {
	n, err := buildNode(s, 0)
	if err != nil {
		return nil, nil, err
	}
	return slices.Clone(n.batch), slices.Clone(n.event), nil
}

// BroadcastShapes returns the numpy broadcast of two shapes, or false when
// they do not broadcast.
func BroadcastShapes(a, b []int) ([]int, bool) { return broadcastShapes(a, b) }

// FormatShape formats a shape as torch prints it: (), (3,), (2, 3).
func FormatShape(s []int) string {
	switch len(s) {
	case 0:
		return "()"
	case 1:
		return fmt.Sprintf("(%d,)", s[0])
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func checkExpand(n *node, batch []int) error {
	for _, d := range batch {
		if d < 1 {
			return buildErr(n.family, "", n.pos, "cannot expand to the batch shape %s: dimensions must be positive", FormatShape(batch))
		}
	}
	if b, ok := broadcastShapes(n.batch, batch); !ok || !slices.Equal(b, batch) {
		return buildErr(n.family, "", n.pos, "batch shape %s does not broadcast to %s", FormatShape(n.batch), FormatShape(batch))
	}
	if _, ok := numelLimit(append(slices.Clone(batch), n.event...)); !ok {
		return buildErr(n.family, "", n.pos, "batch shape %s with event shape %s has more than %d elements", FormatShape(batch), FormatShape(n.event), maxBuildElements)
	}
	return nil
}

// node is a specification turned into torch shapes and a constructor.
type node struct {
	family string
	pos    int
	batch  []int
	event  []int
	// elementwise: the columns are independent components, so trailing
	// batch dimensions can be moved into the columns.
	elementwise bool
	// build returns the distribution broadcast to the batch shape batch
	// (which n.batch broadcasts to) with its last absorb batch dimensions
	// moved into the columns: numel(batch[:len-absorb]) rows and
	// numel(batch[len-absorb:]) * numel(event) columns. absorb > 0 only
	// when elementwise.
	build func(batch []int, absorb int) (dist.Distribution, error)
}

// splitBatch returns the number of rows and columns of a layout.
func splitBatch(batch, event []int, absorb int) (rows, cols int) {
	n := len(batch)
	rows, _ = numelLimit(batch[:n-absorb])
	cols, _ = numelLimit(batch[n-absorb:])
	e, _ := numelLimit(event)
	return rows, cols * e
}

// buildNode turns s into a node.
func buildNode(s *Spec, depth int) (*node, error) {
	if s == nil {
		return nil, buildErr("?", "", -1, "missing specification")
	}
	if depth > maxDepth {
		return nil, buildErr(s.Family, "", s.Pos, "nesting deeper than %d", maxDepth)
	}
	if sb, ok := structuralBuilders[s.Family]; ok {
		return sb(s, depth)
	}
	if f, ok := familyTable[s.Family]; ok {
		return f.node(s)
	}
	if _, ok := transformTable[s.Family]; ok {
		return nil, buildErr(s.Family, "", s.Pos, "%s is a transform, not a distribution (transforms go in TransformedDistribution(base, [...]))", s.Family)
	}
	return nil, buildErr(s.Family, "", s.Pos, "unknown distribution family%s; known families: %s", suggest(s.Family, Families()), strings.Join(Families(), ", "))
}

// Families returns the names of the distribution families Build knows,
// sorted.
func Families() []string {
	var out []string
	for k := range familyTable {
		out = append(out, k)
	}
	for k := range structuralBuilders {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Transforms returns the names of the transforms Build knows, sorted.
func Transforms() []string {
	var out []string
	for k := range transformTable {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest returns " (did you mean X?)" for a close name, or "".
func suggest(name string, known []string) string {
	best, bd := "", 3
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return fmt.Sprintf(" (did you mean %s?)", k)
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bd {
			best, bd = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ---- arguments ----

// bindArgs matches s's positional and keyword arguments with names, in
// torch's positional order, and returns the given ones by name.
func bindArgs(s *Spec, names []string) (map[string]Value, error) {
	out := make(map[string]Value, len(names))
	if len(s.Args) > len(names) {
		return nil, buildErr(s.Family, "", s.Args[len(names)].Pos, "takes at most %d positional arguments (%s), got %d", len(names), strings.Join(names, ", "), len(s.Args))
	}
	for i, a := range s.Args {
		out[names[i]] = a
	}
	for _, k := range s.Kwargs {
		if !slices.Contains(names, k.Name) {
			return nil, buildErr(s.Family, "", k.Pos, "unknown argument %s%s; %s takes %s", k.Name, suggest(k.Name, names), s.Family, strings.Join(names, ", "))
		}
		if _, dup := out[k.Name]; dup {
			return nil, buildErr(s.Family, k.Name, k.Pos, "given twice (positionally and by keyword)")
		}
		out[k.Name] = k.Value
	}
	return out, nil
}

// requireArg returns the argument name, or an error if it was not given.
func requireArg(s *Spec, vals map[string]Value, names []string, name string) (Value, error) {
	v, ok := vals[name]
	if !ok {
		return Value{}, missingArg(s, names, name)
	}
	return v, nil
}

func missingArg(s *Spec, names []string, name string) error {
	return buildErr(s.Family, name, s.Pos, "is missing; %s takes %s", s.Family, strings.Join(names, ", "))
}

// intArg reads a non-negative integer argument.
func intArg(family, name string, v Value, limit int) (int, error) {
	if v.Kind != NumberValue {
		return 0, buildErr(family, name, v.Pos, "expected a non-negative integer, found %s", describe(v))
	}
	x := v.Num
	if !(x >= 0) || x != math.Trunc(x) || x > float64(limit) {
		return 0, buildErr(family, name, v.Pos, "expected an integer between 0 and %d, found %v", limit, x)
	}
	return int(x), nil
}

// specArg reads a nested specification argument.
func specArg(family, name string, v Value, what string) (*Spec, error) {
	if v.Kind != SpecValue || v.Spec == nil {
		return nil, buildErr(family, name, v.Pos, "expected %s, found %s", what, describe(v))
	}
	return v.Spec, nil
}

// describe names what a value is, for error messages.
func describe(v Value) string {
	switch v.Kind {
	case NumberValue:
		return "the number " + v.String()
	case BoolValue:
		return v.String()
	case SpecValue:
		if v.Spec == nil {
			return "an empty specification"
		}
		return "the specification " + v.Spec.Family + "(...)"
	}
	return "a list"
}

// ---- tensors ----

// tensor is a numeric argument: a number or a (nested, rectangular) list.
type tensor struct {
	shape []int
	data  []float64
	pos   []int // source offset of each element (-1 when unknown)
	at    int   // source offset of the whole value
}

func scalarTensor(x float64, pos int) *tensor {
	return &tensor{shape: []int{}, data: []float64{x}, pos: []int{pos}, at: pos}
}

// toTensor converts a number or a nested list of numbers.
func toTensor(family, arg string, v Value) (*tensor, error) {
	t := &tensor{at: v.Pos}
	shape, err := tensorShape(family, arg, v, 0)
	if err != nil {
		return nil, err
	}
	t.shape = shape
	if err := fillTensor(t, v); err != nil {
		return nil, err
	}
	if _, ok := numelLimit(shape); !ok {
		return nil, buildErr(family, arg, v.Pos, "more than %d elements", maxBuildElements)
	}
	return t, nil
}

func tensorShape(family, arg string, v Value, depth int) ([]int, error) {
	if depth > maxDepth {
		return nil, buildErr(family, arg, v.Pos, "nesting deeper than %d", maxDepth)
	}
	switch v.Kind {
	case NumberValue:
		return []int{}, nil
	case ListValue:
		if len(v.List) == 0 {
			return nil, buildErr(family, arg, v.Pos, "empty list: expected a number or a non-empty list of numbers")
		}
		inner, err := tensorShape(family, arg, v.List[0], depth+1)
		if err != nil {
			return nil, err
		}
		for i, e := range v.List[1:] {
			s, err := tensorShape(family, arg, e, depth+1)
			if err != nil {
				return nil, err
			}
			if !slices.Equal(s, inner) {
				return nil, buildErr(family, arg, e.Pos, "ragged list: element %d has shape %s but element 0 has shape %s", i+1, FormatShape(s), FormatShape(inner))
			}
		}
		return append([]int{len(v.List)}, inner...), nil
	}
	return nil, buildErr(family, arg, v.Pos, "expected a number or a list of numbers, found %s", describe(v))
}

func fillTensor(t *tensor, v Value) error {
	if v.Kind == NumberValue {
		t.data = append(t.data, v.Num)
		t.pos = append(t.pos, v.Pos)
		return nil
	}
	for _, e := range v.List {
		if err := fillTensor(t, e); err != nil {
			return err
		}
	}
	return nil
}

// numelLimit returns the product of the dimensions, and false when it
// exceeds maxBuildElements (or a dimension is not positive).
func numelLimit(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 1 || d > maxBuildElements {
			return 0, false
		}
		n *= d
		if n > maxBuildElements {
			return 0, false
		}
	}
	return n, true
}

// broadcastShapes returns the numpy broadcast of shapes.
func broadcastShapes(shapes ...[]int) ([]int, bool) {
	n := 0
	for _, s := range shapes {
		n = max(n, len(s))
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := n - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case o == d || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, false
			}
		}
	}
	return out, true
}

// srcStrides returns, for each dimension of target, the stride of t's
// data along it (0 where t is broadcast). t's shape is right-aligned with
// target and must broadcast to it.
func srcStrides(shape, target []int) []int {
	st := make([]int, len(target))
	off := len(target) - len(shape)
	stride := 1
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] != 1 {
			st[off+i] = stride
		}
		stride *= shape[i]
	}
	return st
}

// broadcastData returns t's values broadcast to target, row-major.
func broadcastData(t *tensor, target []int) []float64 {
	n, _ := numelLimit(target)
	if len(t.data) == n {
		return slices.Clone(t.data)
	}
	out := make([]float64, n)
	st := srcStrides(t.shape, target)
	idx := make([]int, len(target))
	src := 0
	for k := range out {
		out[k] = t.data[src]
		for d := len(target) - 1; d >= 0; d-- {
			idx[d]++
			src += st[d]
			if idx[d] < target[d] {
				break
			}
			src -= st[d] * idx[d]
			idx[d] = 0
		}
	}
	return out
}

// sourceIndex maps a row-major index into target (to which t was
// broadcast) to the index of t's element.
func sourceIndex(t *tensor, target []int, flat int) int {
	st := srcStrides(t.shape, target)
	src := 0
	for d := len(target) - 1; d >= 0; d-- {
		src += (flat % target[d]) * st[d]
		flat /= target[d]
	}
	return src
}

// multiIndex formats the multi-index of element k of a tensor of shape s.
func multiIndex(s []int, k int) string {
	idx := make([]string, len(s))
	for d := len(s) - 1; d >= 0; d-- {
		idx[d] = fmt.Sprint(k % s[d])
		k /= s[d]
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

// laid is a parameter laid out for a dist constructor.
type laid struct {
	v      ad.Var
	t      *tensor
	target []int // the shape t was broadcast to; v's data is it, row-major
	rows   int
	cols   int
}

// layoutParam lays t out for a distribution broadcast to batch with its
// last absorb batch dimensions in the columns. rank is the number of t's
// trailing dimensions that are its own (a multivariate parameter's event
// part). Rows (columns) that t does not vary along are kept at 1 unless
// fullRows (fullCols) is set; the own dimensions are always laid out.
func layoutParam(t *tensor, rank int, batch []int, absorb int, fullRows, fullCols bool) laid {
	n := len(batch)
	p := t.shape[:len(t.shape)-rank]
	own := t.shape[len(t.shape)-rank:]
	off := n - len(p)
	pdim := func(i int) int {
		if i >= off {
			return p[i-off]
		}
		return 1
	}
	rowsOne, colsOne := true, true
	for i := range n {
		if pdim(i) != 1 {
			if i < n-absorb {
				rowsOne = false
			} else {
				colsOne = false
			}
		}
	}
	target := make([]int, 0, n+rank)
	for i := range n {
		d := batch[i]
		if i < n-absorb && rowsOne && !fullRows || i >= n-absorb && colsOne && !fullCols && rank == 0 {
			d = 1
		}
		target = append(target, d)
	}
	target = append(target, own...)
	rows, _ := numelLimit(target[:n-absorb])
	cols, _ := numelLimit(target[n-absorb:])
	data := broadcastData(t, target)
	return laid{v: ad.Const(rows, cols, data), t: t, target: target, rows: rows, cols: cols}
}

// wrapErr turns the error of a dist constructor into a *BuildError,
// locating a *ParamError's element in the source through refs.
func wrapErr(family string, pos int, refs map[string]laid, err error) error {
	if err == nil {
		return nil
	}
	var be *BuildError
	if errors.As(err, &be) {
		return err
	}
	var pe *dist.ParamError
	if errors.As(err, &pe) {
		e := &BuildError{Family: family, Arg: pe.Param, Pos: pos, Err: err}
		where := ""
		if l, ok := refs[pe.Param]; ok {
			e.Pos = l.t.at
			if pe.Index >= 0 && pe.Index < len(l.v.Value()) {
				src := sourceIndex(l.t, l.target, pe.Index)
				if len(l.t.shape) > 0 {
					where = " " + multiIndex(l.t.shape, src)
				}
				if l.t.pos[src] >= 0 {
					e.Pos = l.t.pos[src]
				}
			}
		} else if pe.Index > 0 {
			where = fmt.Sprintf(" [%d]", pe.Index)
		}
		e.Msg = fmt.Sprintf("element%s is %v, want %s", where, pe.Value, pe.Want)
		if where == "" {
			e.Msg = fmt.Sprintf("is %v, want %s", pe.Value, pe.Want)
		}
		return e
	}
	return &BuildError{Family: family, Pos: pos, Msg: strings.TrimPrefix(err.Error(), "dist: "), Err: err}
}

// bindRequired binds s's arguments to names (bindArgs) and returns, in the
// order asked, the values of the required arguments, or an error naming the
// first one missing.
func bindRequired(s *Spec, names []string, required ...string) (map[string]Value, []Value, error) {
	vals, err := bindArgs(s, names)
	if err != nil {
		return nil, nil, err
	}
	req := make([]Value, len(required))
	for i, name := range required {
		if req[i], err = requireArg(s, vals, names, name); err != nil {
			return nil, nil, err
		}
	}
	return vals, req, nil
}
