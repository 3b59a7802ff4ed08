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

// TestForNested runs parallel loops inside parallel loops: the callers
// work on their own chunks, so nothing waits for a busy worker.
func TestForNested(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	const n, m = 64, 1000
	seen := make([]int32, n*m)
	For(n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			For(m, 1, func(a, b int) {
				for k := a; k < b; k++ {
					atomic.AddInt32(&seen[i*m+k], 1)
				}
			})
		}
	})
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("index %d visited %d times", i, c)
		}
	}
}

// TestForAllocatesNothing checks that a parallel loop whose body is a func
// value built once allocates nothing per call after warm-up.
func TestForAllocatesNothing(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	out := make([]float64, 1<<12)
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = float64(i) * 0.5
		}
	}
	For(len(out), 1, body)
	n := testing.AllocsPerRun(200, func() { For(len(out), 1, body) })
	assert.Zero(t, n, "allocations per parallel loop")
	for i, v := range out {
		if v != float64(i)*0.5 {
			t.Fatalf("out[%d] = %v", i, v)
		}
	}
}
