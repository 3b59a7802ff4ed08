package par

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, fine := range []bool{false, true} {
		for _, procs := range []int{1, 2, 8} {
			checkCovers(t, fine, procs)
		}
	}
}

// checkCovers checks For (or ForFine) at procs processors: every index
// once, small loops on the caller, and ForFine's chunk count.
func checkCovers(t *testing.T, fine bool, procs int) {
	prev := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(prev)
	loop := For
	if fine {
		loop = ForFine
	}
	for _, n := range []int{0, 1, 7, 32, 1000, 100003} {
		seen := make([]int32, n)
		var calls atomic.Int32
		loop(n, 10, func(lo, hi int) {
			calls.Add(1)
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("fine %v, GOMAXPROCS %d, n %d: index %d visited %d times", fine, procs, n, i, c)
			}
		}
		if n < 10 || procs == 1 {
			assert.LessOrEqual(t, calls.Load(), int32(1), "small loops run on the caller")
		} else if fine && n == 32 {
			// 32 items over 4 chunks per processor: chunks of
			// ceil(32 / (4 procs)) items.
			chunk := (32 + 4*procs - 1) / (4 * procs)
			assert.Equal(t, int32((32+chunk-1)/chunk), calls.Load(), "ForFine's chunks at GOMAXPROCS %d", procs)
		}
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
