package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBitChecksAgreeWithPredicates compares the branch-free scans with the
// plain predicates on every special value at every position of short and
// long slices.
func TestBitChecksAgreeWithPredicates(t *testing.T) {
	specials := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 2.2250738585072014e-308, 1, -1,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0xFFF8000000000001)}
	for _, n := range []int{1, 3, 4, 5, 9, 17} {
		for pos := 0; pos < n; pos++ {
			for _, v := range specials {
				x := make([]float64, n)
				for i := range x {
					x[i] = 0.5 + float64(i)
				}
				x[pos] = v
				wantF, wantP := true, true
				for _, e := range x {
					wantF = wantF && finite(e)
					wantP = wantP && positive(e)
				}
				assert.Equal(t, wantF, allFinite(x), "allFinite with %v at %d of %d", v, pos, n)
				assert.Equal(t, wantP, allPositive(x), "allPositive with %v at %d of %d", v, pos, n)
			}
		}
	}
	assert.True(t, allFinite(nil))
	assert.True(t, allPositive(nil))
}
