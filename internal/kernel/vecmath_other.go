//go:build purego || !amd64

package kernel

// In this build the elementwise kernels are pure Go (vecLanes stays 0),
// so callVec and adamVec are never called.

func callVec(op vecOp, dst, x *float64, n int) { panic("kernel: callVec without assembly") }

func adamVec(p, m, v, g *float64, n int, c *[9]float64) { panic("kernel: adamVec without assembly") }

func normalKLPreVec(y, w, r, m1, s1, m2, s2 *float64, n int, chk *[16]float64) {
	panic("kernel: normalKLPreVec without assembly")
}

func normalKLPostVec(dst, e, l, w, r *float64, n int) {
	panic("kernel: normalKLPostVec without assembly")
}

func vecPaths() map[string]func() { return map[string]func(){"go": func() {}} }

func resetVec() {}

func bernoulliLogitsVec(g, y, l, e, sp *float64, n int, acc *[24]float64) {
	panic("kernel: bernoulliLogitsVec without assembly")
}
