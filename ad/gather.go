package ad

import "fmt"

// GatherRows returns the len(idx) x C matrix whose row i is row idx[i] of
// a (R x C): a table lookup, differentiable with respect to a (the
// gradient of a row is the sum of the gradients of the rows that read
// it). Models use it to pick per-component parameters by a discrete
// value, e.g. the means of the enumerated assignments of a mixture. It
// panics if an index is out of range.
func GatherRows(a Var, idx []int) Var {
	r, c := a.Shape()
	av := a.Value()
	out := make([]float64, len(idx)*c)
	for i, k := range idx {
		if k < 0 || k >= r {
			panic(fmt.Sprintf("ad: GatherRows: index %d at %d out of range for %d rows", k, i, r))
		}
		copy(out[i*c:(i+1)*c], av[k*c:(k+1)*c])
	}
	ix := append([]int(nil), idx...)
	return Custom(len(idx), c, out, func(g []float64, in Adjoints) {
		ga := in.Of(0)
		if len(ga) == 0 {
			return
		}
		for i, k := range ix {
			dst := ga[k*c : (k+1)*c]
			for j, v := range g[i*c : (i+1)*c] {
				dst[j] += v
			}
		}
	}, a)
}
