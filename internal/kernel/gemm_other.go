//go:build purego || !amd64

package kernel

// micros lists the micro-kernels this build can run, for tests.
func micros() []micro { return []micro{goMicro} }
