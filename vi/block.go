package vi

import (
	"slices"

	"github.com/kldiv/kldiv/ad"
)

// Selector picks the sites that a Block hides, as the arguments of
// NumPyro's numpyro.handlers.block do: by name (Hide, NumPyro's hide),
// every site but some names (Expose, expose) or kinds (ExposeKinds,
// expose_types), by a predicate (HideFunc, hide_fn), or every site
// (HideAll, hide_all; the zero Selector).
type Selector struct {
	mode  selectorMode
	names []string
	kinds []SiteKind
	fn    func(name string, kind SiteKind) bool
}

type selectorMode uint8

const (
	selectAll selectorMode = iota
	selectHide
	selectExpose
	selectExposeKinds
	selectFunc
)

// HideAll selects every site (the zero Selector).
func HideAll() Selector { return Selector{} }

// Hide selects the sites with the given names. Every name must be declared
// inside the Block (as a site of any kind): a name that is not fails the
// run, so that a misspelt name cannot silently leave a site counted.
func Hide(names ...string) Selector {
	return Selector{mode: selectHide, names: slices.Clone(names)}
}

// Expose selects every site except those with the given names, each of
// which must be declared inside the Block (as for Hide).
func Expose(names ...string) Selector {
	return Selector{mode: selectExpose, names: slices.Clone(names)}
}

// ExposeKinds selects every site whose kind is not among kinds: for
// example ExposeKinds(Observed, Factor) keeps the likelihood of a block
// and hides its latent and deterministic sites.
func ExposeKinds(kinds ...SiteKind) Selector {
	return Selector{mode: selectExposeKinds, kinds: slices.Clone(kinds)}
}

// HideFunc selects the sites for which hide returns true. hide must depend
// only on its arguments (it is asked more than once about a site). It
// panics if hide is nil.
func HideFunc(hide func(name string, kind SiteKind) bool) Selector {
	if hide == nil {
		panic("vi: HideFunc: nil function")
	}
	return Selector{mode: selectFunc, fn: hide}
}

// hides reports whether s selects the site.
func (s Selector) hides(name string, kind SiteKind) bool {
	switch s.mode {
	case selectHide:
		return slices.Contains(s.names, name)
	case selectExpose:
		return !slices.Contains(s.names, name)
	case selectExposeKinds:
		return !slices.Contains(s.kinds, kind)
	case selectFunc:
		return s.fn(name, kind)
	}
	return true
}

// Block returns the handler that hides the sites sel selects from
// everything outside it (NumPyro's block): a hidden latent site is not
// seen by the handlers pushed before the Block (Replay, Substitute, Scale,
// Reparam, Enumerate further out do not act on it: in a model run it is
// drawn from its own distribution, not replayed), an observed or factor
// site hidden by it is not scaled by the Scale handlers outside it, and
// when the Block's scope ends (the body of a model wrapped with Handle, or
// the whole run for a handler passed to Env.RunGuideWith or RunModelWith)
// every hidden site is removed from the trace. Inside the scope the hidden
// sites are sites like any other: handlers pushed after the Block act on
// them, and Program.Trace lists them. A hidden site therefore contributes
// nothing to the objectives, which read the finished traces: hide what
// the objective must not count (a guide's auxiliary draw whose density
// the guide records otherwise, a model's internal computation), not what
// it must. A hidden name may be declared again after the scope ends.
//
// Order matters as for every handler: Handle(Handle(m, Block(Hide("a"))),
// Substitute(va)) draws a (the Substitute outside does not see it), while
// Handle(Handle(m, Substitute(va)), Block(Hide("a"))) fixes a to va and
// then hides it; likewise a Scale inside the Block scales a hidden site as
// seen inside, and one outside does not. Parameters (Program.Param) and
// particle weights (Program.SetParticleWeights) are not sites and are not
// hidden, and Program.Drawing (a property of the run) is unaffected. A
// Hide or Expose name that no site inside the scope declares fails the
// run with an error naming it.
func Block(sel Selector) Handler { return block{sel} }

type block struct{ sel Selector }

func (h block) Sample(_ *Program, m *Message) (ad.Var, bool) {
	if h.sel.hides(m.Name, Latent) {
		m.stop = true
	}
	return ad.Var{}, false
}

// blockScope is an open Block of a program run: where its sites start in
// the trace, and which of its selector's names were declared.
type blockScope struct {
	sel   Selector
	start int
	seen  []bool
}

// within runs body with h pushed on the handler stack, opening and closing
// the scope of a Block.
func (p *Program) within(h Handler, body func(*Program)) {
	b, isBlock := h.(block)
	p.handlers = append(p.handlers, h)
	var sc *blockScope
	if isBlock {
		sc = &blockScope{sel: b.sel, start: len(p.trace.Sites)}
		if m := b.sel.mode; m == selectHide || m == selectExpose {
			sc.seen = make([]bool, len(b.sel.names))
		}
		p.blocks = append(p.blocks, sc)
	}
	defer func() {
		p.handlers = p.handlers[:len(p.handlers)-1]
		if isBlock {
			p.blocks = p.blocks[:len(p.blocks)-1]
		}
	}()
	body(p)
	if isBlock {
		p.closeBlock(sc)
	}
}

// nest runs body under the handlers hs, outermost first.
func (p *Program) nest(hs []Handler, body func(*Program)) {
	if len(hs) == 0 {
		body(p)
		return
	}
	p.within(hs[0], func(q *Program) { q.nest(hs[1:], body) })
}

// runUnder runs body with the handlers hs (outermost first): pushed as
// they are when none is a Block, or nested so that each Block's scope
// closes at the end of the run.
func (p *Program) runUnder(hs []Handler, body func(*Program)) error {
	if !slices.ContainsFunc(hs, func(h Handler) bool { _, ok := h.(block); return ok }) {
		p.handlers = hs
		return p.run(body)
	}
	return p.run(func(q *Program) { q.nest(hs, body) })
}

// declared notes the site name for the open Blocks that name it.
func (p *Program) declared(name string) {
	for _, sc := range p.blocks {
		if sc.seen == nil {
			continue
		}
		for i, n := range sc.sel.names {
			if n == name {
				sc.seen[i] = true
			}
		}
	}
}

// closeBlock checks that the scope declared every name of its selector and
// removes the sites it hides from the trace.
func (p *Program) closeBlock(sc *blockScope) {
	for i, ok := range sc.seen {
		if !ok {
			verb := "hidden"
			if sc.sel.mode == selectExpose {
				verb = "exposed"
			}
			p.fail("vi: Block: %s site %q is not declared inside the block", verb, sc.sel.names[i])
		}
	}
	sites := p.trace.Sites
	kept := sites[:sc.start]
	for _, s := range sites[sc.start:] {
		if !sc.sel.hides(s.Name, s.Kind) {
			kept = append(kept, s)
		}
	}
	clear(sites[len(kept):])
	p.trace.Sites = kept
}

// hiddenAt returns the index on the handler stack of the innermost Block
// that hides the site, or -1.
func (p *Program) hiddenAt(name string, kind SiteKind) int {
	if len(p.blocks) == 0 {
		return -1
	}
	for i := len(p.handlers) - 1; i >= 0; i-- {
		if b, ok := p.handlers[i].(block); ok && b.sel.hides(name, kind) {
			return i
		}
	}
	return -1
}
