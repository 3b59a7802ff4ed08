package spec

import (
	"slices"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// The families Build knows: every family declared in dist (dist.Declarations:
// names in torch's order, shapes, defaults, alternatives) except Delta,
// whose event_dim is not a tensor (build_structural.go), and the
// structural families.

// paramDef is one argument of a family, in torch's positional order.
type paramDef struct {
	name string
	// rank is the number of trailing dimensions of the argument that
	// belong to one distribution (MultivariateNormal's loc 1, its matrices
	// 2; 0 for the parameters of univariate families).
	rank int
	// shape is the declared shape (vector, square or factor matrix).
	shape dist.ParamShape
	// def is the default value (when hasDef) for an omitted argument.
	def    float64
	hasDef bool
	// ignore: accepted and ignored (validate_args, lims).
	ignore bool
}

// ignoredParam is an argument torch accepts that has no effect here.
func ignoredParam(name string) paramDef { return paramDef{name: name, ignore: true} }

var validateArgs = ignoredParam("validate_args")

// ignoredArgs are the torch arguments of declared families that tune
// torch's numerics only, accepted before validate_args and ignored. lims
// only tunes torch's Taylor switch near probs = 1/2; kldiv is accurate
// there without it.
var ignoredArgs = map[string][]string{"ContinuousBernoulli": {"lims"}}

// builtByHand are the declared families whose torch signature has
// arguments that are not tensors (Delta's event_dim).
var builtByHand = map[string]bool{"Delta": true}

// declaredNames returns the names of the declared parameters of family.
func declaredNames(family string) []string {
	f, _ := dist.Declaration(family)
	names := make([]string, len(f.Params))
	for i, p := range f.Params {
		names[i] = p.Name
	}
	return names
}

// familyDef describes how to build one family.
type familyDef struct {
	name   string
	params []paramDef
	// oneOf lists arguments of which exactly one must be given (probs or
	// logits; the MultivariateNormal matrices). They have no default.
	oneOf []string
	// joint: the family scores a row jointly (multivariate); its
	// arguments' own dimensions become the parameter columns.
	joint bool
	// eventRank is torch's len(event_shape) (0 or 1).
	eventRank int
	// declared is the number of declared parameters (the first ones of
	// params; the ignored ones follow).
	declared int
	// make builds the distribution from the laid-out arguments (the
	// zero ad.Var for an alternative not given), in declaration order.
	make func(v []ad.Var) (dist.Distribution, error)
}

// leafArgs are the tensors of a family's arguments, by name.
type leafArgs struct {
	family string
	t      map[string]*tensor
}

// last returns the size of the k-th dimension from the end of argument
// name (k = 1 for the last).
func (a leafArgs) last(name string, k int) int {
	s := a.t[name].shape
	return s[len(s)-k]
}

func (a leafArgs) errf(name, format string, args ...any) error {
	return buildErr(a.family, name, a.t[name].at, format, args...)
}

var familyTable = map[string]*familyDef{}

func init() {
	for _, f := range dist.Declarations() {
		if builtByHand[f.Name] {
			continue
		}
		fd := &familyDef{name: f.Name, oneOf: f.OneOf, joint: f.Joint(), eventRank: f.EventRank, make: f.New, declared: len(f.Params)}
		for _, p := range f.Params {
			fd.params = append(fd.params, paramDef{name: p.Name, rank: p.Shape.Rank(), shape: p.Shape, def: p.Default, hasDef: p.HasDefault})
		}
		for _, n := range ignoredArgs[f.Name] {
			fd.params = append(fd.params, ignoredParam(n))
		}
		fd.params = append(fd.params, validateArgs)
		familyTable[f.Name] = fd
	}
}

// event returns the event shape of a joint family from its given
// arguments: (D,) from the first vector argument, whose last dimension
// the other vectors share and the matrices have as rows ((D, D) for the
// square ones); () when the event rank is 0 (Categorical).
func (f *familyDef) event(a leafArgs) ([]int, error) {
	d, first := 0, ""
	for _, pd := range f.params {
		if _, ok := a.t[pd.name]; !ok || pd.ignore || pd.rank == 0 {
			continue
		}
		if first == "" {
			d, first = a.last(pd.name, 1), pd.name
			continue
		}
		switch pd.shape {
		case dist.ShapeVector:
			if r := a.last(pd.name, 1); r != d {
				return nil, a.errf(pd.name, "has %d entries in its last dimension, want %d as %s", r, d, first)
			}
		case dist.ShapeSquare:
			if r, c := a.last(pd.name, 2), a.last(pd.name, 1); r != d || c != d {
				return nil, a.errf(pd.name, "has trailing shape (%d, %d), want (%d, %d) for %s with %d entries", r, c, d, d, first, d)
			}
		case dist.ShapeFactor:
			if r := a.last(pd.name, 2); r != d {
				return nil, a.errf(pd.name, "has %d rows in its last two dimensions (D, K), want D = %d as %s", r, d, first)
			}
		}
	}
	if f.eventRank == 0 {
		return []int{}, nil
	}
	return []int{d}, nil
}

// node builds the node of a family's specification: it binds and checks
// the arguments and computes the shapes; the constructor runs in build.
func (f *familyDef) node(s *Spec) (*node, error) {
	names := make([]string, len(f.params))
	for i, pd := range f.params {
		names[i] = pd.name
	}
	vals, err := bindArgs(s, names)
	if err != nil {
		return nil, err
	}
	a := leafArgs{family: f.name, t: map[string]*tensor{}}
	var order []paramDef // present arguments, in table order
	for _, pd := range f.params {
		if pd.ignore {
			continue
		}
		v, ok := vals[pd.name]
		if !ok {
			if pd.hasDef {
				a.t[pd.name] = scalarTensor(pd.def, -1)
				a.t[pd.name].at = s.Pos
				order = append(order, pd)
				continue
			}
			if slices.Contains(f.oneOf, pd.name) {
				continue
			}
			return nil, missingArg(s, names, pd.name)
		}
		t, err := toTensor(f.name, pd.name, v)
		if err != nil {
			return nil, err
		}
		if len(t.shape) < pd.rank {
			what := "a vector"
			if pd.rank == 2 {
				what = "a matrix"
			}
			return nil, buildErr(f.name, pd.name, v.Pos, "expected %s (at least %d dimensions), found shape %s", what, pd.rank, FormatShape(t.shape))
		}
		a.t[pd.name] = t
		order = append(order, pd)
	}
	if len(f.oneOf) > 0 {
		var got []string
		for _, n := range f.oneOf {
			if _, ok := a.t[n]; ok {
				got = append(got, n)
			}
		}
		switch {
		case len(got) == 0:
			return nil, buildErr(f.name, "", s.Pos, "needs exactly one of %s, got none", orList(f.oneOf))
		case len(got) > 1:
			return nil, buildErr(f.name, got[1], a.t[got[1]].at, "needs exactly one of %s, got %s", orList(f.oneOf), strings.Join(got, " and "))
		}
	}
	// Batch shape: the broadcast of the arguments' batch parts.
	batch := []int{}
	var prev string
	for _, pd := range order {
		t := a.t[pd.name]
		part := t.shape[:len(t.shape)-pd.rank]
		b, ok := broadcastShapes(batch, part)
		if !ok {
			return nil, buildErr(f.name, pd.name, t.at, "batch shape %s does not broadcast with %s (from %s)", FormatShape(part), FormatShape(batch), prev)
		}
		batch = b
		prev = pd.name
	}
	event := []int{}
	if f.joint {
		if event, err = f.event(a); err != nil {
			return nil, err
		}
	}
	if _, ok := numelLimit(append(slices.Clone(batch), event...)); !ok {
		return nil, buildErr(f.name, "", s.Pos, "batch shape %s with event shape %s has more than %d elements", FormatShape(batch), FormatShape(event), maxBuildElements)
	}
	index := make(map[string]int, len(f.params))
	for i, pd := range f.params {
		index[pd.name] = i
	}
	n := &node{family: f.name, pos: s.Pos, batch: batch, event: event, elementwise: !f.joint}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		if absorb > 0 && f.joint {
			return nil, buildErr(f.name, "", s.Pos, "cannot take batch dimensions into the event: kldiv scores a %s row jointly", f.name)
		}
		rows, cols := splitBatch(batch, nil, absorb)
		refs := map[string]laid{}
		vars := make([]ad.Var, len(f.params))
		maxRows, maxCols := 1, 1
		for _, pd := range order {
			l := layoutParam(a.t[pd.name], pd.rank, batch, absorb, false, false)
			refs[pd.name], vars[index[pd.name]] = l, l.v
			maxRows = max(maxRows, l.rows)
			if pd.rank == 0 {
				maxCols = max(maxCols, l.cols)
			}
		}
		// Make sure the distribution has the whole layout even where every
		// argument is shared.
		if len(order) > 0 && (maxRows < rows || !f.joint && maxCols < cols) {
			pd := order[0]
			l := layoutParam(a.t[pd.name], pd.rank, batch, absorb, true, !f.joint)
			refs[pd.name], vars[index[pd.name]] = l, l.v
		}
		d, err := f.make(vars[:f.declared])
		if err != nil {
			return nil, wrapErr(f.name, s.Pos, refs, err)
		}
		return d, nil
	}
	return n, nil
}

func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
