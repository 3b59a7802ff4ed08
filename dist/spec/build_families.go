package spec

import (
	"slices"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// The families Build knows. Adding a family is one entry in familyTable.

// paramDef is one argument of a family, in torch's positional order.
type paramDef struct {
	name string
	// rank is the number of trailing dimensions of the argument that
	// belong to one distribution (MultivariateNormal's loc 1, its matrices
	// 2; 0 for the parameters of univariate families).
	rank int
	// def is the default value (when hasDef) for an omitted argument.
	def    float64
	hasDef bool
	// ignore: accepted and ignored (validate_args, lims).
	ignore bool
}

// scalarParam is a required argument of one number per distribution.
func scalarParam(name string) paramDef { return paramDef{name: name} }

// eventParam is a required argument whose trailing rank dimensions belong
// to one distribution (a vector for rank 1, a matrix for rank 2).
func eventParam(name string, rank int) paramDef { return paramDef{name: name, rank: rank} }

// defaultedParam is an argument that takes the value def when omitted.
func defaultedParam(name string, def float64) paramDef {
	return paramDef{name: name, def: def, hasDef: true}
}

// ignoredParam is an argument torch accepts that has no effect here.
func ignoredParam(name string) paramDef { return paramDef{name: name, ignore: true} }

var validateArgs = ignoredParam("validate_args")

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
	// event returns the event shape from the given arguments and checks
	// their trailing dimensions (joint families; nil means ()).
	event func(a leafArgs) ([]int, error)
	// make builds the distribution from the laid-out arguments (the keys
	// of v are the given or defaulted ones).
	make func(v map[string]ad.Var) (dist.Distribution, error)
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

// given returns the argument of oneOf that was given.
func (a leafArgs) given(names ...string) string {
	for _, n := range names {
		if _, ok := a.t[n]; ok {
			return n
		}
	}
	return ""
}

var familyTable = map[string]*familyDef{}

func registerFamily(f *familyDef) { familyTable[f.name] = f }

// uni registers a univariate family whose constructor takes its
// parameters in table order.
func uni(name string, params []paramDef, mk func(v []ad.Var) (dist.Distribution, error)) {
	registerFamily(&familyDef{name: name, params: append(params, validateArgs), make: func(m map[string]ad.Var) (dist.Distribution, error) {
		vs := make([]ad.Var, len(params))
		for i, pd := range params {
			vs[i] = m[pd.name]
		}
		return mk(vs)
	}})
}

// oneOfMake picks the constructor for probs or logits.
func oneOfMake[D dist.Distribution](m map[string]ad.Var, probs, logits func() (D, error)) (dist.Distribution, error) {
	if _, ok := m["probs"]; ok {
		return probs()
	}
	return logits()
}

// eventLast returns the event shape (K,) of a joint family whose
// distribution-defining argument has K categories in its last dimension.
func eventLast(names ...string) func(a leafArgs) ([]int, error) {
	return func(a leafArgs) ([]int, error) { return []int{a.last(a.given(names...), 1)}, nil }
}

func init() {
	// The univariate families with one set of parameters come from their
	// declarations in dist (names in torch's order, defaults).
	for _, f := range dist.Declarations() {
		params := make([]paramDef, len(f.Params))
		for k, p := range f.Params {
			params[k] = scalarParam(p.Name)
			if p.HasDefault {
				params[k] = defaultedParam(p.Name, p.Default)
			}
		}
		uni(f.Name, params, f.New)
	}

	// Families with probs or logits.
	registerFamily(&familyDef{name: "Bernoulli", params: []paramDef{scalarParam("probs"), scalarParam("logits"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return oneOfMake(m, func() (dist.Bernoulli, error) { return dist.BernoulliOf(m["probs"]) }, func() (dist.Bernoulli, error) { return dist.BernoulliLogitsOf(m["logits"]) })
		}})
	registerFamily(&familyDef{name: "Geometric", params: []paramDef{scalarParam("probs"), scalarParam("logits"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return oneOfMake(m, func() (dist.Geometric, error) { return dist.GeometricOf(m["probs"]) }, func() (dist.Geometric, error) { return dist.GeometricLogitsOf(m["logits"]) })
		}})
	// lims only tunes torch's Taylor switch near probs = 1/2; kldiv is
	// accurate there without it.
	registerFamily(&familyDef{name: "ContinuousBernoulli", params: []paramDef{scalarParam("probs"), scalarParam("logits"), ignoredParam("lims"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return oneOfMake(m, func() (dist.ContinuousBernoulli, error) { return dist.ContinuousBernoulliOf(m["probs"]) }, func() (dist.ContinuousBernoulli, error) {
				return dist.ContinuousBernoulliLogitsOf(m["logits"])
			})
		}})
	registerFamily(&familyDef{name: "Binomial", params: []paramDef{defaultedParam("total_count", 1), scalarParam("probs"), scalarParam("logits"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			n := m["total_count"]
			return oneOfMake(m, func() (dist.Binomial, error) { return dist.BinomialOf(n, m["probs"]) }, func() (dist.Binomial, error) { return dist.BinomialLogitsOf(n, m["logits"]) })
		}})
	registerFamily(&familyDef{name: "NegativeBinomial", params: []paramDef{scalarParam("total_count"), scalarParam("probs"), scalarParam("logits"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			n := m["total_count"]
			return oneOfMake(m, func() (dist.NegativeBinomial, error) { return dist.NegativeBinomialOf(n, m["probs"]) }, func() (dist.NegativeBinomial, error) { return dist.NegativeBinomialLogitsOf(n, m["logits"]) })
		}})
	registerFamily(&familyDef{name: "RelaxedBernoulli", params: []paramDef{scalarParam("temperature"), scalarParam("probs"), scalarParam("logits"), validateArgs}, oneOf: []string{"probs", "logits"},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			t := m["temperature"]
			return oneOfMake(m, func() (dist.RelaxedBernoulli, error) { return dist.RelaxedBernoulliOf(t, m["probs"]) }, func() (dist.RelaxedBernoulli, error) { return dist.RelaxedBernoulliLogitsOf(t, m["logits"]) })
		}})

	// Categorical families: probs or logits (..., K).
	registerFamily(&familyDef{name: "Categorical", params: []paramDef{eventParam("probs", 1), eventParam("logits", 1), validateArgs}, oneOf: []string{"probs", "logits"}, joint: true,
		event: func(leafArgs) ([]int, error) { return []int{}, nil },
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return oneOfMake(m, func() (dist.Categorical, error) { return dist.CategoricalOf(m["probs"]) }, func() (dist.Categorical, error) { return dist.CategoricalLogitsOf(m["logits"]) })
		}})
	registerFamily(&familyDef{name: "OneHotCategorical", params: []paramDef{eventParam("probs", 1), eventParam("logits", 1), validateArgs}, oneOf: []string{"probs", "logits"}, joint: true,
		event: eventLast("probs", "logits"),
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return oneOfMake(m, func() (dist.OneHotCategorical, error) { return dist.OneHotCategoricalOf(m["probs"]) }, func() (dist.OneHotCategorical, error) { return dist.OneHotCategoricalLogitsOf(m["logits"]) })
		}})
	registerFamily(&familyDef{name: "Multinomial", params: []paramDef{defaultedParam("total_count", 1), eventParam("probs", 1), eventParam("logits", 1), validateArgs}, oneOf: []string{"probs", "logits"}, joint: true,
		event: eventLast("probs", "logits"),
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			n := m["total_count"]
			return oneOfMake(m, func() (dist.Multinomial, error) { return dist.MultinomialOf(n, m["probs"]) }, func() (dist.Multinomial, error) { return dist.MultinomialLogitsOf(n, m["logits"]) })
		}})
	registerFamily(&familyDef{name: "RelaxedOneHotCategorical", params: []paramDef{scalarParam("temperature"), eventParam("probs", 1), eventParam("logits", 1), validateArgs}, oneOf: []string{"probs", "logits"}, joint: true,
		event: eventLast("probs", "logits"),
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			t := m["temperature"]
			return oneOfMake(m, func() (dist.RelaxedOneHotCategorical, error) { return dist.RelaxedOneHotCategoricalOf(t, m["probs"]) }, func() (dist.RelaxedOneHotCategorical, error) {
				return dist.RelaxedOneHotCategoricalLogitsOf(t, m["logits"])
			})
		}})
	registerFamily(&familyDef{name: "Dirichlet", params: []paramDef{eventParam("concentration", 1), validateArgs}, joint: true,
		event: eventLast("concentration"),
		make:  func(m map[string]ad.Var) (dist.Distribution, error) { return dist.DirichletOf(m["concentration"]) }})

	// Gaussians.
	registerFamily(&familyDef{name: "MultivariateNormal",
		params: []paramDef{eventParam("loc", 1), eventParam("covariance_matrix", 2), eventParam("precision_matrix", 2), eventParam("scale_tril", 2), validateArgs},
		oneOf:  []string{"covariance_matrix", "precision_matrix", "scale_tril"}, joint: true,
		event: func(a leafArgs) ([]int, error) {
			d := a.last("loc", 1)
			m := a.given("covariance_matrix", "precision_matrix", "scale_tril")
			if r, c := a.last(m, 2), a.last(m, 1); r != d || c != d {
				return nil, a.errf(m, "has trailing shape (%d, %d), want (%d, %d) for loc with %d entries", r, c, d, d, d)
			}
			return []int{d}, nil
		},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			loc := m["loc"]
			if v, ok := m["covariance_matrix"]; ok {
				return dist.MultivariateNormalCov(loc, v)
			}
			if v, ok := m["precision_matrix"]; ok {
				return dist.MultivariateNormalPrecision(loc, v)
			}
			return dist.MultivariateNormalScaleTril(loc, m["scale_tril"])
		}})
	registerFamily(&familyDef{name: "LowRankMultivariateNormal",
		params: []paramDef{eventParam("loc", 1), eventParam("cov_factor", 2), eventParam("cov_diag", 1), validateArgs}, joint: true,
		event: func(a leafArgs) ([]int, error) {
			d := a.last("loc", 1)
			if r := a.last("cov_factor", 2); r != d {
				return nil, a.errf("cov_factor", "has %d rows in its last two dimensions (D, K), want D = %d as loc", r, d)
			}
			if r := a.last("cov_diag", 1); r != d {
				return nil, a.errf("cov_diag", "has %d entries in its last dimension, want %d as loc", r, d)
			}
			return []int{d}, nil
		},
		make: func(m map[string]ad.Var) (dist.Distribution, error) {
			return dist.LowRankMultivariateNormalOf(m["loc"], m["cov_factor"], m["cov_diag"])
		}})
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
	if f.event != nil {
		if event, err = f.event(a); err != nil {
			return nil, err
		}
	}
	if _, ok := numelLimit(append(slices.Clone(batch), event...)); !ok {
		return nil, buildErr(f.name, "", s.Pos, "batch shape %s with event shape %s has more than %d elements", FormatShape(batch), FormatShape(event), maxBuildElements)
	}
	n := &node{family: f.name, pos: s.Pos, batch: batch, event: event, elementwise: !f.joint}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		if absorb > 0 && f.joint {
			return nil, buildErr(f.name, "", s.Pos, "cannot take batch dimensions into the event: kldiv scores a %s row jointly", f.name)
		}
		rows, cols := splitBatch(batch, nil, absorb)
		refs := map[string]laid{}
		vars := map[string]ad.Var{}
		maxRows, maxCols := 1, 1
		for _, pd := range order {
			l := layoutParam(a.t[pd.name], pd.rank, batch, absorb, false, false)
			refs[pd.name], vars[pd.name] = l, l.v
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
			refs[pd.name], vars[pd.name] = l, l.v
		}
		d, err := f.make(vars)
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
