package kernel

import "unsafe"

func unsafeSlice(p *float64, n int) []float64 { return unsafe.Slice(p, n) }
