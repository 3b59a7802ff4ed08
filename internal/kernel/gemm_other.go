//go:build purego || !amd64

package kernel

// micros lists the micro-kernels this build can run, for tests.
func micros() []micro { return []micro{goMicro} }

const logVec = false

func logAVX512(dst, x *float64, n int) { panic("kernel: logAVX512 without assembly") }
