package dist

import "gonum.org/v1/gonum/mathext"

// stdNormalQuantile returns Φ⁻¹(p).
func stdNormalQuantile(p float64) float64 { return mathext.NormalQuantile(p) }
