package estimators

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// BlockSize is the number of rows (draws times batch size, see KL) that
// the Monte Carlo estimators of this package draw per block. Each block has
// its own random stream (BlockRNG), so a block's draws, and therefore an
// estimate, depend on the seed, the sample size and the batch size only,
// never on how many goroutines ran the blocks.
const BlockSize = 4096

// BlockRNG returns the random stream of block i of a run seeded with seed:
// a PCG generator (math/rand/v2) whose two state words are derived from
// (seed, i) by the SplitMix64 finalizer, so that neighbouring blocks and
// neighbouring seeds start from unrelated states.
func BlockRNG(seed uint64, i int) *rand.Rand {
	s1 := splitmix64(seed ^ splitmix64(uint64(i)+0x632be59bd9b4e019))
	s2 := splitmix64(s1 ^ 0x9e3779b97f4a7c15 ^ uint64(i))
	return rand.New(rand.NewPCG(s1, s2))
}

// splitmix64 is the output function of Steele, Lea and Flood's SplitMix64
// ("Fast splittable pseudorandom number generators", OOPSLA 2014), a
// bijective 64-bit mixer.
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Blocks splits the items [0, n) into consecutive blocks of size items
// (the last one shorter), calls fn(rng, block, lo, hi) for each block with
// rng = BlockRNG(seed, block), and returns the results in block order.
// Blocks run on up to GOMAXPROCS goroutines; since each block's result
// depends only on (seed, block, lo, hi), the returned slice is the same
// whatever GOMAXPROCS is, and a caller that combines it in order gets
// bit-identical results. fn must be safe for concurrent use (it must not
// record on a shared ad.Tape, for example). A panic in fn is re-raised on
// the calling goroutine. Blocks panics if n < 0 or size < 1.
func Blocks[T any](seed uint64, n, size int, fn func(rng *rand.Rand, block, lo, hi int) T) []T {
	return runBlocks(seed, n, size, runtime.GOMAXPROCS(0), fn)
}

// runBlocks is Blocks with an explicit number of workers (1: on the
// calling goroutine).
func runBlocks[T any](seed uint64, n, size, workers int, fn func(rng *rand.Rand, block, lo, hi int) T) []T {
	if n < 0 || size < 1 {
		panic(fmt.Sprintf("estimators: Blocks: %d items in blocks of %d", n, size))
	}
	nb := (n + size - 1) / size
	out := make([]T, nb)
	run := func(b int) {
		lo := b * size
		out[b] = fn(BlockRNG(seed, b), b, lo, min(lo+size, n))
	}
	workers = min(workers, nb)
	if workers <= 1 {
		for b := range nb {
			run(b)
		}
		return out
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		panicked atomic.Value
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					panicked.CompareAndSwap(nil, panicValue{r})
				}
			}()
			for {
				b := int(next.Add(1) - 1)
				if b >= nb || panicked.Load() != nil {
					return
				}
				run(b)
			}
		}()
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(p.(panicValue).v)
	}
	return out
}

// panicValue boxes a recovered value so that atomic.Value always stores
// one concrete type.
type panicValue struct{ v any }
