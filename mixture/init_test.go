package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKMeansMatchesSerial: the parallel k-means (chunked assignment, sums
// reduced in chunk order) gives the labels of a plain serial
// implementation (the one before parallelization, below) for GOMAXPROCS
// 1, 2 and 8, on 5,000 points (5 chunks) in 2-D and 3,000 in 3-D; the
// k-means++ seeds are the same points.
func TestKMeansMatchesSerial(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	x2, _ := draw(rand.New(rand.NewPCG(11, 12)), 5000)
	rng := rand.New(rand.NewPCG(13, 14))
	x3 := make([]float64, 3*3000)
	for i := range x3 {
		x3[i] = rng.NormFloat64() + float64(i%7)
	}
	for _, tc := range []struct {
		x    []float64
		d, k int
	}{{x2, 2, 7}, {x3, 3, 5}} {
		n := len(tc.x) / tc.d
		wantC, wantIdx := kmeansPlusPlusSerial(tc.x, n, tc.d, tc.k, rand.New(rand.NewPCG(5, 6)))
		want, err := kmeansSerial(context.Background(), tc.x, n, tc.d, tc.k, rand.New(rand.NewPCG(5, 6)))
		require.NoError(t, err)
		for _, p := range []int{1, 2, 8} {
			runtime.GOMAXPROCS(p)
			e := newEngine(tc.x, n, tc.d, tc.k, Full)
			c, idx := e.kmeansPlusPlus(rand.New(rand.NewPCG(5, 6)))
			assert.Equal(t, wantIdx, idx, "d=%d GOMAXPROCS=%d: k-means++ seeds", tc.d, p)
			assert.Equal(t, wantC, c, "d=%d GOMAXPROCS=%d: k-means++ centres", tc.d, p)
			got, err := e.kmeans(context.Background(), rand.New(rand.NewPCG(5, 6)))
			require.NoError(t, err)
			assert.Equal(t, want, got, "d=%d GOMAXPROCS=%d: labels", tc.d, p)
			e.close()
		}
	}
}

// TestKMeansAllocatesNothingPerIteration: a k-means assignment pass on the
// pool allocates nothing.
func TestKMeansAllocatesNothingPerIteration(t *testing.T) {
	x, _ := draw(rand.New(rand.NewPCG(2, 3)), 5000)
	e := newEngine(x, 5000, 2, 5, Full)
	defer e.close()
	_, err := e.kmeans(context.Background(), rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(20, func() { e.kmRun(kmAssign) })
	assert.Zero(t, allocs, "allocations per k-means pass")
}

// kmeansPlusPlusSerial is the serial reference of engine.kmeansPlusPlus: it chooses k centres by greedy k-means++ seeding (Arthur and
// Vassilvitskii 2007, with 2 + ⌊ln k⌋ candidates per step and the one that
// lowers the potential most kept, as scikit-learn does) and returns them
// (k x d) with the indices of the chosen points.
func kmeansPlusPlusSerial(x []float64, n, d, k int, rng *rand.Rand) ([]float64, []int) {
	centers := make([]float64, k*d)
	idx := make([]int, 0, k)
	trials := 2 + int(math.Log(float64(k)))
	first := rng.IntN(n)
	idx = append(idx, first)
	copy(centers, x[first*d:(first+1)*d])
	closest := make([]float64, n)
	pot := 0.0
	for i := range n {
		closest[i] = sqDist(x[i*d:(i+1)*d], centers[:d])
		pot += closest[i]
	}
	cum := make([]float64, n)
	cand := make([]float64, n)
	bestD := make([]float64, n)
	for c := 1; c < k; c++ {
		s := 0.0
		for i, v := range closest {
			s += v
			cum[i] = s
		}
		bestPot, bestIdx := math.Inf(1), -1
		for range trials {
			var ci int
			if s > 0 {
				ci = sort.SearchFloat64s(cum, rng.Float64()*s)
				ci = min(ci, n-1)
			} else {
				ci = rng.IntN(n)
			}
			p := 0.0
			xc := x[ci*d : (ci+1)*d]
			for i := range n {
				cand[i] = math.Min(closest[i], sqDist(x[i*d:(i+1)*d], xc))
				p += cand[i]
			}
			if p < bestPot || bestIdx < 0 { // p is +Inf when squared distances overflow
				bestPot, bestIdx = p, ci
				copy(bestD, cand)
			}
		}
		idx = append(idx, bestIdx)
		copy(centers[c*d:(c+1)*d], x[bestIdx*d:(bestIdx+1)*d])
		copy(closest, bestD)
	}
	return centers, idx
}

// kmeansSerial is the serial reference of engine.kmeans: it runs k-means++ seeding and Lloyd's iterations until no label
// changes or the total squared centre shift falls below 1e-4 times the
// mean variance of the coordinates (scikit-learn's tol), at most 300
// iterations; an empty cluster is moved to the point farthest from its
// centre. It returns the labels.
func kmeansSerial(ctx context.Context, x []float64, n, d, k int, rng *rand.Rand) ([]int, error) {
	centers, _ := kmeansPlusPlusSerial(x, n, d, k, rng)
	var tol float64
	{
		mean := make([]float64, d)
		for i := range n {
			for a := range d {
				mean[a] += x[i*d+a] / float64(n)
			}
		}
		for i := range n {
			for a := range d {
				v := x[i*d+a] - mean[a]
				tol += v * v
			}
		}
		tol = tol / float64(n) / float64(d) * 1e-4
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = -1
	}
	dist := make([]float64, n)
	sums := make([]float64, k*d)
	counts := make([]int, k)
	for it := 0; it < 300; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		changed := 0
		for i := range n {
			xi := x[i*d : (i+1)*d]
			best, bd := 0, math.Inf(1)
			for j := range k {
				if v := sqDist(xi, centers[j*d:(j+1)*d]); v < bd {
					best, bd = j, v
				}
			}
			if labels[i] != best {
				changed++
				labels[i] = best
			}
			dist[i] = bd
		}
		if changed == 0 {
			break
		}
		clear(sums)
		clear(counts)
		for i, l := range labels {
			counts[l]++
			for a := range d {
				sums[l*d+a] += x[i*d+a]
			}
		}
		shift := 0.0
		for j := range k {
			c := centers[j*d : (j+1)*d]
			if counts[j] == 0 {
				// Relocate to the point farthest from its centre.
				far := 0
				for i := range dist {
					if dist[i] > dist[far] {
						far = i
					}
				}
				dist[far] = 0
				shift += sqDist(c, x[far*d:(far+1)*d])
				copy(c, x[far*d:(far+1)*d])
				continue
			}
			for a := range d {
				v := sums[j*d+a] / float64(counts[j])
				shift += (v - c[a]) * (v - c[a])
				c[a] = v
			}
		}
		if shift <= tol {
			// One more assignment to the final centres.
			for i := range n {
				xi := x[i*d : (i+1)*d]
				best, bd := 0, math.Inf(1)
				for j := range k {
					if v := sqDist(xi, centers[j*d:(j+1)*d]); v < bd {
						best, bd = j, v
					}
				}
				labels[i] = best
			}
			break
		}
	}
	return labels, nil
}
