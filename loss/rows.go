package loss

import (
	"fmt"
	"math"
)

// logSoftmaxRow writes z_j - logsumexp(z) into dst and returns the
// log-sum-exp. A row of -Inf gives NaN.
func logSoftmaxRow(dst, z []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - m)
	}
	lse := m + math.Log(s)
	for j, v := range z {
		dst[j] = v - lse
	}
	return lse
}

// checkCols panics unless n values form rows of cols columns and returns
// the number of rows.
func checkCols(name string, n, cols int) int {
	if cols <= 0 || n%cols != 0 {
		panic(fmt.Sprintf("loss: %s: %d values do not form rows of %d columns", name, n, cols))
	}
	return n / cols
}
