package dist

import (
	"math"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/par"
)

// The fused-loop helpers of the univariate families. A family's LogProb,
// CDF and Quantile (and its Entropy or a KL pair) give only the formula of
// one grid cell and its partials; the helpers here own the bookkeeping:
// the broadcast grid (grid, paramShape), the fused node (ad.NewFused), the
// per-cell partial slots, the row reduction and its infinite rows, and the
// split of large grids across goroutines (par.For; rows are independent,
// so results do not depend on GOMAXPROCS).

// cellTerm (fusedTerms) computes the term at grid cell (i, j) for the value xv: it
// returns the term and writes its partial with respect to the value into
// g[0] and with respect to params[k] into g[k+1]. g is zeroed before each
// call; need[k] says whether anyone reads g[k] (a term may skip a costly
// partial that is not needed). A term must be safe for concurrent calls
// on different rows.
type cellTerm func(i, j int, xv float64, g []float64, need []bool) float64

// cellFunc computes the term of one grid cell of a univariate family:
// v[k] is the k-th input at the cell (for fusedCells v[0] is the value
// and v[k] the k-th parameter, for paramCells v[k] is params[k]); it
// returns the term and writes its partial with respect to v[k] into g[k]. g is
// zeroed before each call; need[k] says whether anyone reads g[k] (a term
// may skip a costly partial that is not needed). A term must be safe for
// concurrent calls on different rows.
type cellFunc func(v, g *[4]float64, need *[4]bool) float64

// fusedCells records one fused node over the R x C grid on which x is
// scored against at most three params (broadcast like a univariate
// family's, see grid): with ad.ReduceCols one sum of the terms per row,
// with ad.Elementwise the terms themselves. The partials are the ones
// term writes, also in a row whose sum is infinite. A term outside the
// support returns -Inf and leaves its partials 0; a row holding one is
// -Inf even if another term is +Inf (a density infinite at a boundary,
// such as Weibull's at 0). The cell values are read with row offsets
// hoisted out of the column loop, so that a cheap kernel (Normal) costs
// little more than the formula.
func fusedCells(family, method string, red ad.Reduction, x ad.Var, params []ad.Var, term cellFunc) ad.Var {
	if len(params) > 3 {
		panic("dist: fusedCells: more than three parameters")
	}
	b, c := paramShape(family, params...)
	r, c := grid(family, method, x, b, c)
	return cells(r, c, red, densityRows, 0, append([]ad.Var{x}, params...), term)
}

// paramCells records one fused node over the broadcast B x C grid of at
// most four params alone, named name in errors: a family's Mean,
// Variance or Entropy, or the KL divergence between two families (for a
// location-scale pair the params of p then those of q). v[k] is params[k]
// at the cell and g[k] its partial. With ad.ReduceCols one sum of the
// terms per row, reduced by rows (densityRows for an entropy,
// divergenceRows for a KL pair); with ad.Elementwise the terms. Grids of
// 8192 cells or more are split across goroutines.
func paramCells(name string, red ad.Reduction, rows rowRule, params []ad.Var, term cellFunc) ad.Var {
	return paramCellsPar(name, red, rows, 0, params, term)
}

// paramCellsPar is paramCells for a costly term: batches of minRows rows
// or more are split across goroutines (minRows <= 0: paramCells' rule).
func paramCellsPar(name string, red ad.Reduction, rows rowRule, minRows int, params []ad.Var, term cellFunc) ad.Var {
	if len(params) > 4 {
		panic("dist: paramCells: more than four parameters")
	}
	b, c := paramShape(name, params...)
	return cells(b, c, red, rows, minRows, params, term)
}

// rowRule says how cells reduces a row (ad.ReduceCols) that holds an
// infinite term.
type rowRule uint8

const (
	// densityRows: a -Inf term (a value outside the support) makes the
	// row -Inf even beside a +Inf one; the partials stay as written.
	densityRows rowRule = iota
	// divergenceRows: a +Inf term (p not absolutely continuous with
	// respect to q) makes the row +Inf and all its partials 0, since
	// the divergence does not depend on the parameters there.
	divergenceRows
)

// cells is the loop of fusedCells and paramCells: one fused node over
// the R x C grid of ins (at most four), term called on each cell with
// v[k] = ins[k] at the cell. Batches of minRows rows or more (minRows <=
// 0: 8192 cells or more) are split across goroutines (par.For).
func cells(r, c int, red ad.Reduction, rows rowRule, minRows int, ins []ad.Var, term cellFunc) ad.Var {
	if minRows <= 0 {
		minRows = (1<<13)/c + 1
	}
	f := ad.NewFused(r, c, red, ins...)
	l := cellLoop{c: c, n: len(ins), red: red, rows: rows, out: f.Out(), term: term, inf: math.Inf(-1)}
	if rows == divergenceRows {
		l.inf = math.Inf(1)
	}
	for k, in := range ins {
		l.parts[k] = f.Partial(k)
		l.views[k] = viewOf(in)
		l.need[k] = l.parts[k] != nil
		l.any = l.any || l.need[k]
	}
	if r < minRows || r < 2 {
		l.run(0, r) // l stays on the stack
	} else {
		lp := new(cellLoop)
		*lp = l
		par.For(r, minRows, lp.run)
	}
	return f.Var()
}

// cellLoop holds what the rows of one cells call share.
type cellLoop struct {
	c, n  int
	red   ad.Reduction
	rows  rowRule
	inf   float64 // the term that makes its row infinite
	any   bool    // some partial is read
	out   []float64
	parts [4][]float64
	views [4]view
	need  [4]bool
	term  cellFunc
}

// cellScratch is one goroutine's cell values and partials.
type cellScratch struct {
	v, g [4]float64
	need [4]bool
}

// run evaluates rows lo to hi-1, reading the cell values with row offsets
// hoisted out of the column loop.
func (l *cellLoop) run(lo, hi int) {
	c, n, red, inf, any, out, term := l.c, l.n, l.red, l.inf, l.any, l.out, l.term
	parts, views := l.parts, l.views
	sc := &cellScratch{need: l.need}
	var base [4]int
	for i := lo; i < hi; i++ {
		for k := 0; k < n; k++ {
			base[k] = views[k].row(i)
		}
		var acc float64
		outside := false
		for j := 0; j < c; j++ {
			for k := 0; k < n; k++ {
				sc.v[k] = views[k].v[base[k]+j*views[k].cs]
			}
			sc.g = [4]float64{}
			t := term(&sc.v, &sc.g, &sc.need)
			kk := i*c + j
			switch {
			case red == ad.Elementwise:
				out[kk] = t
			case t == inf:
				outside = true
			default:
				acc += t
			}
			if any {
				for k := 0; k < n; k++ {
					if parts[k] != nil {
						parts[k][kk] = sc.g[k]
					}
				}
			}
		}
		if red == ad.Elementwise {
			continue
		}
		out[i] = acc
		if !outside {
			continue
		}
		out[i] = inf
		if l.rows == divergenceRows {
			for k := 0; k < n; k++ {
				if parts[k] != nil {
					clear(parts[k][i*c : (i+1)*c])
				}
			}
		}
	}
}

// fusedTerms is fusedCells for terms that read the parameters themselves
// (through views, by grid cell (i, j): the discrete families and the
// relaxed ones, with any number of parameters), except that with
// ad.ReduceCols a row whose sum is -Inf has all its partials set to 0 (a
// value outside the support makes the mass of the row 0 whatever the
// parameters).
func fusedTerms(family, method string, red ad.Reduction, x ad.Var, params []ad.Var, term cellTerm) ad.Var {
	b, c := paramShape(family, params...)
	r, c := grid(family, method, x, b, c)
	ins := append([]ad.Var{x}, params...)
	f := ad.NewFused(r, c, red, ins...)
	out := f.Out()
	parts := make([][]float64, len(ins))
	need := make([]bool, len(ins))
	any := false
	for k := range ins {
		parts[k] = f.Partial(k)
		need[k] = parts[k] != nil
		any = any || need[k]
	}
	xv := viewOf(x)
	par.For(r, (1<<13)/c+1, func(lo, hi int) {
		g := make([]float64, len(ins))
		for i := lo; i < hi; i++ {
			var acc float64
			outside := false // a -Inf term wins over a +Inf one (a boundary)
			for j := 0; j < c; j++ {
				clear(g)
				v := term(i, j, xv.at(i, j), g, need)
				k := i*c + j
				if red == ad.Elementwise {
					out[k] = v
				} else if math.IsInf(v, -1) {
					outside = true
				} else {
					acc += v
				}
				if any {
					for m, p := range parts {
						if p != nil {
							p[k] = g[m]
						}
					}
				}
			}
			if red == ad.Elementwise {
				continue
			}
			if outside {
				acc = math.Inf(-1)
			}
			out[i] = acc
			if any && math.IsInf(acc, -1) {
				for _, p := range parts {
					if p != nil {
						clear(p[i*c : (i+1)*c])
					}
				}
			}
		}
	})
	return f.Var()
}

// klGrid records the fused node of a KL divergence between two univariate
// families over the broadcast grid of all their parameters: term writes
// the divergence of cell (i, j) and its partials (g[k] with respect to
// params[k]). A row whose divergence is +Inf gets partials 0. Rows may
// be evaluated concurrently.
func klGrid(name string, params []ad.Var, term func(i, j int, g []float64, need []bool) float64) ad.Var {
	b, c := paramShape(name, params...)
	f := ad.NewFused(b, c, ad.ReduceCols, params...)
	out := f.Out()
	parts := make([][]float64, len(params))
	need := make([]bool, len(params))
	any := false
	for k := range params {
		parts[k] = f.Partial(k)
		need[k] = parts[k] != nil
		any = any || need[k]
	}
	// Rows are independent: large batches are split across goroutines
	// (par.For), each with its own scratch; term must be safe for that.
	par.For(b, (1<<13)/c+1, func(lo, hi int) {
		g := make([]float64, len(params))
		for i := lo; i < hi; i++ {
			var acc float64
			for j := 0; j < c; j++ {
				clear(g)
				v := term(i, j, g, need)
				acc += v
				if any && !math.IsInf(v, 1) {
					k := i*c + j
					for m, p := range parts {
						if p != nil {
							p[k] = g[m]
						}
					}
				}
			}
			out[i] = acc
			if any && math.IsInf(acc, 1) {
				for _, p := range parts {
					if p != nil {
						clear(p[i*c : (i+1)*c])
					}
				}
			}
		}
	})
	return f.Var()
}

// pointwise returns the free constant f(i, j, x_ij) over the R x C grid on
// which x meets params (a Quantile: no gradient flows to x or to the
// parameters).
func pointwise(family, method string, x ad.Var, params []ad.Var, f func(i, j int, xv float64) float64) ad.Var {
	b, c := paramShape(family, params...)
	r, c := grid(family, method, x, b, c)
	out := make([]float64, r*c)
	xv := viewOf(x)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = f(i, j, xv.at(i, j))
		}
	}
	return ad.Const(r, c, out)
}
