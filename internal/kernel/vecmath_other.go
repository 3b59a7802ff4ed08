//go:build purego || !amd64

package kernel

// The elementwise kernels: always pure Go in this build.
var logVecK, expVec, expm1Vec, log1pVec vecFunc

func vecPaths() map[string]func() { return map[string]func(){"go": func() {}} }

func resetVec() {}
