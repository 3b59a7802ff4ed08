package par

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, 1000, 100003} {
			seen := make([]int32, n)
			var calls atomic.Int32
			For(n, 10, func(lo, hi int) {
				calls.Add(1)
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&seen[i], 1)
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d visited %d times", procs, n, i, c)
				}
			}
			if n < 10 || procs == 1 {
				assert.LessOrEqual(t, calls.Load(), int32(1), "small loops run on the caller")
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}
