//go:build purego || !amd64

package kernel

// In this build the block kernels are pure Go (cholAsm stays false).

func cholOffAsm(k int, a, b, c *float64, s int, inv *float64) {
	panic("kernel: cholOffAsm without assembly")
}

func cholDiagAsm(k int, a, c *float64, s int, inv *float64) {
	panic("kernel: cholDiagAsm without assembly")
}

func trsmLowerAsm(k int, a *float64, sa int, b, c *float64, s int, inv *float64) {
	panic("kernel: trsmLowerAsm without assembly")
}

func interleaveAVX512(buf, src *float64, off *int64, d, n, s int) {
	panic("kernel: interleaveAVX512 without assembly")
}

func deinterleaveAVX512(buf, src *float64, off *int64, d, n, s int) {
	panic("kernel: deinterleaveAVX512 without assembly")
}

func symLowerAVX512(buf *float64, d, s int, asym *float64) {
	panic("kernel: symLowerAVX512 without assembly")
}

func symLowerTiledAVX512(buf *float64, d, s int, asym *float64) {
	panic("kernel: symLowerTiledAVX512 without assembly")
}

func interleaveLowerAVX512(buf, src *float64, off *int64, d, n, s int) {
	panic("kernel: interleaveLowerAVX512 without assembly")
}

func deinterleaveLowerAVX512(buf, src *float64, off *int64, d, n, s int) {
	panic("kernel: deinterleaveLowerAVX512 without assembly")
}

func sumSqLowerAVX512(out, buf *float64, d, s int) {
	panic("kernel: sumSqLowerAVX512 without assembly")
}

func trilOKAVX512(m *float64, d int) bool { panic("kernel: trilOKAVX512 without assembly") }

func trsmLowerSubAVX512(k int, a *float64, sa int, b, f, c *float64, s int, inv *float64) {
	panic("kernel: trsmLowerSubAVX512 without assembly")
}

func cholPaths() map[string]func() { return map[string]func(){"go": func() {}} }

func resetChol() {}
