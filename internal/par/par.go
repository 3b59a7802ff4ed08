// Package par splits loops over independent items across goroutines.
// Results never depend on the number of goroutines: each item is computed
// by exactly one worker and nothing is reduced across workers.
package par

import (
	"runtime"
	"sync"
)

// For calls body(lo, hi) over consecutive chunks that cover [0, n). When n
// is below minPar, or only one processor is available, it calls
// body(0, n) on the calling goroutine.
func For(n, minPar int, body func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < minPar || w < 2 || n < 2 {
		body(0, n)
		return
	}
	w = min(w, n)
	chunk := (n + w - 1) / w
	var wg sync.WaitGroup
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	body(0, min(chunk, n))
	wg.Wait()
}
