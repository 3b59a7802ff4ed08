package estimators

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withProcs runs f with GOMAXPROCS set to n, restoring it afterwards.
func withProcs(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}

// Results for a seed are bit-identical whatever GOMAXPROCS is: KL (each
// estimator, batch 1 and batch 3), JS and SymmetricKL, over enough draws
// for many blocks.
func TestResultsIdenticalAcrossGOMAXPROCS(t *testing.T) {
	p1, q1 := normal1(0, 1), normal1(0.4, 1.2)
	pb := normal(t, 3, 2, []float64{0, 1, -1, 2, 0.3, 0}, []float64{1, 0.9, 1.1, 1, 0.8, 1.05})
	qb := normal(t, 1, 2, []float64{0.2, 0.1}, []float64{1, 1.1})
	type result struct {
		kl  [][]Estimate
		js  []Estimate
		skl []Estimate
	}
	run := func() result {
		var r result
		for _, est := range []KLEstimator{K1, K2, K3} {
			e, err := KL(newRNG(42), p1, q1, 10*BlockSize+17, est)
			require.NoError(t, err)
			r.kl = append(r.kl, e)
			e, err = KL(newRNG(43), pb, qb, 5*BlockSize+3, est)
			require.NoError(t, err)
			r.kl = append(r.kl, e)
		}
		var err error
		r.js, err = JS(newRNG(44), pb, qb, 3*BlockSize)
		require.NoError(t, err)
		r.skl, err = SymmetricKL(newRNG(45), p1, q1, 4*BlockSize, K3)
		require.NoError(t, err)
		return r
	}
	var results []result
	for _, procs := range []int{1, 2, 8} {
		withProcs(procs, func() { results = append(results, run()) })
	}
	for i := 1; i < len(results); i++ {
		assert.Equal(t, results[0], results[i], "GOMAXPROCS 1 against run %d", i)
	}
	// Blocks itself returns the same slice for each GOMAXPROCS.
	fn := func(rng *rand.Rand, b, lo, hi int) [3]uint64 {
		return [3]uint64{rng.Uint64(), uint64(lo), uint64(hi)}
	}
	var ref [][3]uint64
	withProcs(1, func() { ref = Blocks(7, 1000, 64, fn) })
	for _, procs := range []int{2, 8} {
		withProcs(procs, func() {
			assert.Equal(t, ref, Blocks(7, 1000, 64, fn), "Blocks with GOMAXPROCS %d", procs)
		})
	}
}

// Blocks covers [0, n) with consecutive blocks, in order, each with the
// stream BlockRNG(seed, block).
func TestBlocksCoverInOrder(t *testing.T) {
	withProcs(8, func() {
		type blk struct {
			b, lo, hi int
			first     uint64
		}
		got := Blocks(3, 1001, 100, func(rng *rand.Rand, b, lo, hi int) blk {
			return blk{b, lo, hi, rng.Uint64()}
		})
		require.Len(t, got, 11)
		for i, g := range got {
			assert.Equal(t, i, g.b)
			assert.Equal(t, i*100, g.lo)
			assert.Equal(t, min(i*100+100, 1001), g.hi)
			assert.Equal(t, BlockRNG(3, i).Uint64(), g.first)
		}
		assert.Empty(t, Blocks(3, 0, 10, func(*rand.Rand, int, int, int) int { return 0 }))
	})
	assert.Panics(t, func() { Blocks(1, 10, 0, func(*rand.Rand, int, int, int) int { return 0 }) })
}

// Streams differ between blocks and between seeds (first draws, and no
// overlap among the first 10,000 values of neighbouring streams), and are
// reproducible.
func TestBlockRNGStreams(t *testing.T) {
	seen := map[uint64]string{}
	for _, s := range []struct {
		seed uint64
		i    int
	}{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 2}} {
		r := BlockRNG(s.seed, s.i)
		for k := range 10000 {
			v := r.Uint64()
			if prev, ok := seen[v]; ok {
				t.Fatalf("stream (%d, %d) draw %d repeats a value of %s", s.seed, s.i, k, prev)
			}
			seen[v] = "another stream"
		}
	}
	assert.Equal(t, BlockRNG(5, 9).Uint64(), BlockRNG(5, 9).Uint64())
}

// A panic in a block reaches the caller's goroutine.
func TestBlocksPanicPropagates(t *testing.T) {
	withProcs(4, func() {
		assert.PanicsWithValue(t, "boom", func() {
			Blocks(1, 100, 10, func(_ *rand.Rand, b, _, _ int) int {
				if b == 5 {
					panic("boom")
				}
				return b
			})
		})
	})
}
