package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Builders of the structural families (Independent, MixtureSameFamily,
// TransformedDistribution, Expanded) and of Delta, whose event_dim
// argument is not a tensor, and the transforms.

var structuralBuilders map[string]func(s *Spec, depth int) (*node, error)

func init() {
	structuralBuilders = map[string]func(s *Spec, depth int) (*node, error){
		"Independent":             buildIndependent,
		"MixtureSameFamily":       buildMixture,
		"TransformedDistribution": buildTransformed,
		"Expanded":                buildExpanded,
		"Delta":                   buildDelta,
	}
}

// bindWrapper binds the arguments of a wrapper family fam to names (the
// first "base_distribution", the second the wrapper's own required
// argument), builds the base distribution and returns it with the value
// of the second argument.
func bindWrapper(s *Spec, fam string, names []string, depth int) (*node, Value, error) {
	_, req, err := bindRequired(s, names, names[0], names[1])
	if err != nil {
		return nil, Value{}, err
	}
	base, err := buildDistArg(fam, names[0], req[0], depth)
	if err != nil {
		return nil, Value{}, err
	}
	return base, req[1], nil
}

// buildIndependent: Independent(base_distribution, reinterpreted_batch_ndims).
func buildIndependent(s *Spec, depth int) (*node, error) {
	const fam = "Independent"
	base, nv, err := bindWrapper(s, fam, []string{"base_distribution", "reinterpreted_batch_ndims", "validate_args"}, depth)
	if err != nil {
		return nil, err
	}
	k, err := intArg(fam, "reinterpreted_batch_ndims", nv, len(base.batch))
	if err != nil {
		if nv.Kind == NumberValue {
			return nil, buildErr(fam, "reinterpreted_batch_ndims", nv.Pos, "is %v, want an integer between 0 and %d, the number of batch dimensions of the base (batch shape %s)", nv.Num, len(base.batch), FormatShape(base.batch))
		}
		return nil, err
	}
	if k > 0 && !base.elementwise {
		return nil, buildErr(fam, "reinterpreted_batch_ndims", nv.Pos, "cannot reinterpret batch dimensions of %s as event dimensions: kldiv scores a %s row jointly, so a row cannot hold several independent %s draws", base.family, base.family, base.family)
	}
	nb := len(base.batch) - k
	re := slices.Clone(base.batch[nb:])
	n := &node{family: fam, pos: s.Pos, batch: slices.Clone(base.batch[:nb]), event: append(slices.Clone(re), base.event...), elementwise: base.elementwise}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		d, err := base.build(append(slices.Clone(batch), re...), absorb+k)
		if err != nil {
			return nil, err
		}
		ind, err := dist.NewIndependent(d, k)
		return ind, wrapErr(fam, s.Pos, nil, err)
	}
	return n, nil
}

// buildExpanded: Expanded(base_distribution, batch_shape), torch's
// base_distribution.expand(batch_shape).
func buildExpanded(s *Spec, depth int) (*node, error) {
	const fam = "Expanded"
	base, sv, err := bindWrapper(s, fam, []string{"base_distribution", "batch_shape"}, depth)
	if err != nil {
		return nil, err
	}
	var shape []int
	switch sv.Kind {
	case NumberValue:
		d, err := intArg(fam, "batch_shape", sv, maxBuildElements)
		if err != nil {
			return nil, err
		}
		shape = []int{d}
	case ListValue:
		for _, e := range sv.List {
			d, err := intArg(fam, "batch_shape", e, maxBuildElements)
			if err != nil {
				return nil, err
			}
			shape = append(shape, d)
		}
	default:
		return nil, buildErr(fam, "batch_shape", sv.Pos, "expected a list of positive integers, found %s", describe(sv))
	}
	if shape == nil {
		shape = []int{}
	}
	for _, d := range shape {
		if d < 1 {
			return nil, buildErr(fam, "batch_shape", sv.Pos, "dimensions must be positive, got %s", FormatShape(shape))
		}
	}
	if b, ok := broadcastShapes(base.batch, shape); !ok || !slices.Equal(b, shape) {
		return nil, buildErr(fam, "batch_shape", sv.Pos, "the base's batch shape %s does not expand to %s", FormatShape(base.batch), FormatShape(shape))
	}
	if _, ok := numelLimit(append(slices.Clone(shape), base.event...)); !ok {
		return nil, buildErr(fam, "batch_shape", sv.Pos, "more than %d elements", maxBuildElements)
	}
	n := &node{family: fam, pos: s.Pos, batch: shape, event: slices.Clone(base.event), elementwise: base.elementwise}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		if nb, _ := numelLimit(base.batch); nb == 1 && (absorb == 0 || len(base.event) == 0) {
			// A shared base: dist.Expanded broadcasts it.
			d, err := base.build(base.batch, 0)
			if err != nil {
				return nil, err
			}
			rows, cols := splitBatch(batch, base.event, absorb)
			e, err := dist.Expand(d, rows, cols)
			return e, wrapErr(fam, s.Pos, nil, err)
		}
		return base.build(batch, absorb)
	}
	return n, nil
}

// buildDelta: Delta(v, log_density=0, event_dim=0), pyro's point mass.
func buildDelta(s *Spec, _ int) (*node, error) {
	const fam = "Delta"
	// The declared parameters (v, log_density), then torch's event_dim,
	// which is not a tensor.
	names := append(declaredNames(fam), "event_dim", "validate_args")
	vals, req, err := bindRequired(s, names, "v")
	if err != nil {
		return nil, err
	}
	vv := req[0]
	v, err := toTensor(fam, "v", vv)
	if err != nil {
		return nil, err
	}
	ed := 0
	if ev, ok := vals["event_dim"]; ok {
		if ed, err = intArg(fam, "event_dim", ev, len(v.shape)); err != nil {
			return nil, err
		}
	}
	var ld *tensor
	if lv, ok := vals["log_density"]; ok {
		if ld, err = toTensor(fam, "log_density", lv); err != nil {
			return nil, err
		}
	}
	nb := len(v.shape) - ed
	event := slices.Clone(v.shape[nb:])
	batch := slices.Clone(v.shape[:nb])
	if ld != nil {
		b, ok := broadcastShapes(batch, ld.shape)
		if !ok {
			return nil, buildErr(fam, "log_density", ld.at, "shape %s does not broadcast with the batch shape %s of v", FormatShape(ld.shape), FormatShape(batch))
		}
		batch = b
	}
	if _, ok := numelLimit(append(slices.Clone(batch), event...)); !ok {
		return nil, buildErr(fam, "", s.Pos, "more than %d elements", maxBuildElements)
	}
	n := &node{family: fam, pos: s.Pos, batch: batch, event: event, elementwise: true}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		rows, cols := splitBatch(batch, event, absorb)
		// v with its event dimensions appended to the batch: a univariate
		// layout over batch + event with absorb + ed column dimensions.
		full := append(slices.Clone(batch), event...)
		lv := layoutParam(v, 0, full, absorb+ed, false, false)
		if lv.rows != rows || lv.cols != cols {
			lv = layoutParam(v, 0, full, absorb+ed, true, true)
		}
		refs := map[string]laid{"v": lv}
		var ldv ad.Var
		if ld != nil {
			if ed == 0 {
				l := layoutParam(ld, 0, batch, absorb, false, false)
				refs["log_density"], ldv = l, l.v
			} else {
				// One log-density per event: put it in the first column of
				// each event's block of columns (a row's log-density is the
				// sum over its columns).
				l := layoutParam(ld, 0, batch, absorb, true, true)
				e, _ := numelLimit(event)
				src := l.v.Value()
				data := make([]float64, rows*cols)
				for i := range rows {
					for a := range cols / e {
						data[i*cols+a*e] = src[i*(cols/e)+a]
					}
				}
				ldv = ad.Const(rows, cols, data)
			}
		}
		d, err := dist.DeltaOf(lv.v, ldv)
		if err != nil {
			return nil, wrapErr(fam, s.Pos, refs, err)
		}
		return d, nil
	}
	return n, nil
}

// buildMixture: MixtureSameFamily(mixture_distribution=Categorical(...),
// component_distribution=...). The components' batch (..., K) becomes
// rows b*K+k.
func buildMixture(s *Spec, depth int) (*node, error) {
	const fam = "MixtureSameFamily"
	names := []string{"mixture_distribution", "component_distribution", "validate_args"}
	_, req, err := bindRequired(s, names, "mixture_distribution", "component_distribution")
	if err != nil {
		return nil, err
	}
	mv, cv := req[0], req[1]
	ms, err := specArg(fam, "mixture_distribution", mv, "Categorical(probs=...) or Categorical(logits=...)")
	if err != nil {
		return nil, err
	}
	if ms.Family != "Categorical" {
		return nil, buildErr(fam, "mixture_distribution", mv.Pos, "expected Categorical(probs=...) or Categorical(logits=...), found %s", ms.Family)
	}
	cs, err := specArg(fam, "component_distribution", cv, "a distribution")
	if err != nil {
		return nil, err
	}
	// The mixing weights: Categorical's own node checks the arguments.
	if _, err := familyTable["Categorical"].node(ms); err != nil {
		return nil, err
	}
	cvals, _ := bindArgs(ms, []string{"probs", "logits", "validate_args"})
	wname := "probs"
	wv, ok := cvals["probs"]
	if !ok {
		wname, wv = "logits", cvals["logits"]
	}
	w, err := toTensor("Categorical", wname, wv)
	if err != nil {
		return nil, err
	}
	comp, err := buildNode(cs, depth+1)
	if err != nil {
		return nil, err
	}
	if len(comp.batch) == 0 {
		return nil, buildErr(fam, "component_distribution", cv.Pos, "needs a batch dimension of components, but %s has batch shape ()", comp.family)
	}
	k := comp.batch[len(comp.batch)-1]
	if km := w.shape[len(w.shape)-1]; km != k {
		return nil, buildErr(fam, "component_distribution", cv.Pos, "has %d components (batch shape %s) but the mixture_distribution has %d categories", k, FormatShape(comp.batch), km)
	}
	mb := w.shape[:len(w.shape)-1]
	cb := comp.batch[:len(comp.batch)-1]
	batch, ok := broadcastShapes(mb, cb)
	if !ok {
		return nil, buildErr(fam, "component_distribution", cv.Pos, "batch shape %s (without the component dimension) does not broadcast with the mixture_distribution's %s", FormatShape(cb), FormatShape(mb))
	}
	if _, ok := numelLimit(append(append(slices.Clone(batch), k), comp.event...)); !ok {
		return nil, buildErr(fam, "", s.Pos, "more than %d elements", maxBuildElements)
	}
	n := &node{family: fam, pos: s.Pos, batch: batch, event: slices.Clone(comp.event)}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		if absorb > 0 {
			return nil, buildErr(fam, "", s.Pos, "cannot take batch dimensions into the event: kldiv scores a mixture row jointly")
		}
		rows, _ := numelLimit(batch)
		compBatch := append(slices.Clone(batch), k)
		shared := false
		if nc, _ := numelLimit(cb); nc == 1 {
			// Components shared by every mixture: K rows.
			compBatch, shared = slices.Clone(comp.batch), true
		}
		l := layoutParam(w, 1, batch, 0, false, false)
		if shared && l.rows < rows {
			l = layoutParam(w, 1, batch, 0, true, false)
		}
		c, err := comp.build(compBatch, 0)
		if err != nil {
			return nil, err
		}
		var d dist.MixtureSameFamily
		if wname == "probs" {
			d, err = dist.MixtureProbs(l.v, c)
		} else {
			d, err = dist.MixtureLogits(l.v, c)
		}
		if err != nil {
			return nil, wrapErr("Categorical", ms.Pos, map[string]laid{wname: l}, err)
		}
		return d, nil
	}
	return n, nil
}

// ---- transforms ----

type transformKind uint8

const (
	tExp transformKind = iota
	tSigmoid
	tTanh
	tSoftplus
	tAffine
	tStickBreaking
	tCompose
)

// transformTable maps torch's transform names to their kinds.
var transformTable = map[string]transformKind{
	"ExpTransform":           tExp,
	"SigmoidTransform":       tSigmoid,
	"TanhTransform":          tTanh,
	"SoftplusTransform":      tSoftplus,
	"AffineTransform":        tAffine,
	"StickBreakingTransform": tStickBreaking,
	"ComposeTransform":       tCompose,
}

// tnode is a parsed transform.
type tnode struct {
	name       string
	pos        int
	kind       transformKind
	loc, scale *tensor // AffineTransform
	eventDim   int     // AffineTransform's event_dim
	parts      []*tnode
}

// buildTransform parses a transform specification.
func buildTransform(v Value, depth int) (*tnode, error) {
	if depth > maxDepth {
		return nil, buildErr("TransformedDistribution", "transforms", v.Pos, "nesting deeper than %d", maxDepth)
	}
	if v.Kind != SpecValue || v.Spec == nil {
		return nil, buildErr("TransformedDistribution", "transforms", v.Pos, "expected a transform such as ExpTransform(), found %s", describe(v))
	}
	s := v.Spec
	kind, ok := transformTable[s.Family]
	if !ok {
		if _, isDist := familyTable[s.Family]; isDist || structuralBuilders[s.Family] != nil {
			return nil, buildErr(s.Family, "", s.Pos, "%s is a distribution, not a transform; transforms: %s", s.Family, strings.Join(Transforms(), ", "))
		}
		return nil, buildErr(s.Family, "", s.Pos, "unknown transform%s; transforms: %s", suggest(s.Family, Transforms()), strings.Join(Transforms(), ", "))
	}
	t := &tnode{name: s.Family, pos: s.Pos, kind: kind}
	switch kind {
	case tAffine:
		names := []string{"loc", "scale", "event_dim", "cache_size"}
		vals, err := bindArgs(s, names)
		if err != nil {
			return nil, err
		}
		for _, a := range []string{"loc", "scale"} {
			av, err := requireArg(s, vals, names, a)
			if err != nil {
				return nil, err
			}
			x, err := toTensor(s.Family, a, av)
			if err != nil {
				return nil, err
			}
			if a == "loc" {
				t.loc = x
			} else {
				t.scale = x
			}
		}
		if ev, ok := vals["event_dim"]; ok {
			if t.eventDim, err = intArg(s.Family, "event_dim", ev, maxDepth); err != nil {
				return nil, err
			}
		}
	case tCompose:
		names := []string{"parts", "cache_size"}
		_, req, err := bindRequired(s, names, "parts")
		if err != nil {
			return nil, err
		}
		pv := req[0]
		if t.parts, err = transformList(pv, depth+1); err != nil {
			return nil, err
		}
	default:
		if _, err := bindArgs(s, []string{"cache_size"}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// transformList parses a transform or a list of transforms.
func transformList(v Value, depth int) ([]*tnode, error) {
	if v.Kind != ListValue {
		t, err := buildTransform(v, depth)
		if err != nil {
			return nil, err
		}
		return []*tnode{t}, nil
	}
	out := make([]*tnode, 0, len(v.List))
	for _, e := range v.List {
		t, err := buildTransform(e, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// eventDims returns torch's transform.domain.event_dim and
// transform.codomain.event_dim of a list of transforms applied in order
// (ComposeTransform's rule: the domain's from the last back to the first,
// the codomain's from the first on).
func eventDims(ts []*tnode) (dom, cod int) {
	if len(ts) == 0 {
		return 0, 0
	}
	_, dom = ts[len(ts)-1].eventDims()
	for i := len(ts) - 1; i >= 0; i-- {
		d, c := ts[i].eventDims()
		dom = max(dom+d-c, d)
	}
	cod, _ = ts[0].eventDims()
	for _, t := range ts {
		d, c := t.eventDims()
		cod = max(cod+c-d, c)
	}
	return dom, cod
}

// eventDims returns the domain and codomain event dims of t.
func (t *tnode) eventDims() (dom, cod int) {
	switch t.kind {
	case tAffine:
		return t.eventDim, t.eventDim
	case tStickBreaking:
		return 1, 1
	case tCompose:
		return eventDims(t.parts)
	}
	return 0, 0
}

func (t *tnode) elementwise() bool {
	switch t.kind {
	case tStickBreaking:
		return false
	case tCompose:
		for _, p := range t.parts {
			if !p.elementwise() {
				return false
			}
		}
	}
	return true
}

// shapeThrough returns the shape after the transforms (forward) or
// before them (inverse), as torch's forward_shape and inverse_shape.
func shapeThrough(ts []*tnode, shape []int, forward bool) ([]int, error) {
	shape = slices.Clone(shape)
	for i := range ts {
		t := ts[i]
		if !forward {
			t = ts[len(ts)-1-i]
		}
		var err error
		switch t.kind {
		case tAffine:
			b, ok := broadcastShapes(shape, t.loc.shape, t.scale.shape)
			if !ok {
				return nil, buildErr(t.name, "", t.pos, "loc %s and scale %s do not broadcast with the shape %s they are applied to", FormatShape(t.loc.shape), FormatShape(t.scale.shape), FormatShape(shape))
			}
			shape = b
		case tStickBreaking:
			if len(shape) == 0 {
				return nil, buildErr(t.name, "", t.pos, "needs a vector: the shape it is applied to is ()")
			}
			if forward {
				shape[len(shape)-1]++
			} else {
				if shape[len(shape)-1] < 2 {
					return nil, buildErr(t.name, "", t.pos, "maps onto vectors of at least 2 entries, not %d", shape[len(shape)-1])
				}
				shape[len(shape)-1]--
			}
		case tCompose:
			shape, err = shapeThrough(t.parts, shape, forward)
			if err != nil {
				return nil, err
			}
		}
	}
	if _, ok := numelLimit(shape); !ok {
		return nil, buildErr("TransformedDistribution", "transforms", -1, "shape %s has more than %d elements", FormatShape(shape), maxBuildElements)
	}
	return shape, nil
}

// bijector returns the dist bijector of t for values of the given full
// shape (batch + event) with cd trailing dimensions in the columns, and
// the shape after it. name is the name dist gives it in errors
// (transforms[i] or transforms[i][j]).
func (t *tnode) bijector(shape []int, cd int, name string, refs map[string]laid) (dist.Bijector, []int, error) {
	switch t.kind {
	case tExp:
		return dist.Exp{}, shape, nil
	case tSigmoid:
		return dist.Sigmoid{}, shape, nil
	case tTanh:
		return dist.Tanh{}, shape, nil
	case tSoftplus:
		return dist.Softplus{}, shape, nil
	case tStickBreaking:
		out, err := shapeThrough([]*tnode{t}, shape, true)
		return dist.StickBreaking{}, out, err
	case tAffine:
		if b, ok := broadcastShapes(shape, t.loc.shape, t.scale.shape); !ok || !slices.Equal(b, shape) {
			return nil, nil, buildErr(t.name, "", t.pos, "loc %s and scale %s do not broadcast to the shape %s", FormatShape(t.loc.shape), FormatShape(t.scale.shape), FormatShape(shape))
		}
		loc := layoutParam(t.loc, 0, shape, cd, false, false)
		sc := layoutParam(t.scale, 0, shape, cd, false, false)
		refs[name+".loc"], refs[name+".scale"] = loc, sc
		return dist.Affine{Loc: loc.v, Scale: sc.v}, shape, nil
	}
	c := make(dist.Compose, len(t.parts))
	for j, p := range t.parts {
		var err error
		if c[j], shape, err = p.bijector(shape, cd, fmt.Sprintf("%s[%d]", name, j), refs); err != nil {
			return nil, nil, err
		}
	}
	return c, shape, nil
}

// buildTransformed: TransformedDistribution(base_distribution, transforms)
// with torch's shape rules: the base is expanded to the shape the
// transforms' parameters broadcast to, and batch dimensions of the base
// are reinterpreted as event dimensions when the transforms act on more
// dimensions than the base's event.
func buildTransformed(s *Spec, depth int) (*node, error) {
	const fam = "TransformedDistribution"
	base, tv, err := bindWrapper(s, fam, []string{"base_distribution", "transforms", "validate_args"}, depth)
	if err != nil {
		return nil, err
	}
	ts, err := transformList(tv, depth+1)
	if err != nil {
		return nil, err
	}
	baseShape := append(slices.Clone(base.batch), base.event...)
	domEv, codEv := eventDims(ts)
	baseEv := len(base.event)
	if len(baseShape) < domEv {
		return nil, buildErr(fam, "transforms", tv.Pos, "act on %d-dimensional events but the base %s has shape %s", domEv, base.family, FormatShape(baseShape))
	}
	fwd, err := shapeThrough(ts, baseShape, true)
	if err != nil {
		return nil, err
	}
	if domEv > baseEv && !base.elementwise {
		return nil, buildErr(fam, "transforms", tv.Pos, "act on %d-dimensional events, so batch dimensions of %s would become event dimensions: kldiv scores a %s row jointly", domEv, base.family, base.family)
	}
	elementwise := base.elementwise
	for _, t := range ts {
		elementwise = elementwise && t.elementwise()
	}
	evDim := max(codEv, baseEv+codEv-domEv)
	if evDim > len(fwd) || evDim < baseEv {
		return nil, buildErr(fam, "transforms", tv.Pos, "unsupported event dimensions (%d from a base with %d)", evDim, baseEv)
	}
	cut := len(fwd) - evDim
	n := &node{family: fam, pos: s.Pos, batch: slices.Clone(fwd[:cut]), event: slices.Clone(fwd[cut:]), elementwise: elementwise}
	n.build = func(batch []int, absorb int) (dist.Distribution, error) {
		if absorb > 0 && !elementwise {
			return nil, buildErr(fam, "", s.Pos, "cannot take batch dimensions into the event: the transforms map whole rows")
		}
		full := append(slices.Clone(batch), n.event...)
		cd := absorb + len(n.event)
		fb, err := shapeThrough(ts, full, false)
		if err != nil {
			return nil, err
		}
		b, err := base.build(fb[:len(fb)-baseEv], cd-baseEv)
		if err != nil {
			return nil, err
		}
		refs := map[string]laid{}
		bij := make([]dist.Bijector, len(ts))
		shape := fb
		for i, t := range ts {
			if bij[i], shape, err = t.bijector(shape, cd, fmt.Sprintf("transforms[%d]", i), refs); err != nil {
				return nil, err
			}
		}
		d, err := dist.NewTransformed(b, bij...)
		if err != nil {
			return nil, wrapErr(fam, s.Pos, refs, err)
		}
		return d, nil
	}
	return n, nil
}

// buildDistArg builds a nested distribution argument (base_distribution,
// component_distribution) of a structural family.
func buildDistArg(fam, name string, v Value, depth int) (*node, error) {
	ds, err := specArg(fam, name, v, "a distribution")
	if err != nil {
		return nil, err
	}
	return buildNode(ds, depth+1)
}
