package mixture

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
)

// initialize sets m's parameters by one M step from the initial
// responsibilities cfg.Init asks for (scikit-learn's
// _initialize_parameters and _initialize).
func initialize(ctx context.Context, e *engine, m *Mixture, pr priors, cfg *Config, rng *rand.Rand) error {
	n, k := e.n, e.k
	switch cfg.Init {
	case KMeans:
		labels, err := e.kmeans(ctx, rng)
		if err != nil {
			return err
		}
		e.passResp(hard(labels))
	case Labels:
		e.passResp(hard(cfg.Labels))
	case KMeansPlusPlus, RandomFromData:
		var idx []int
		if cfg.Init == KMeansPlusPlus {
			_, idx = e.kmeansPlusPlus(rng)
		} else {
			idx = rng.Perm(n)[:k]
		}
		owner := make(map[int]int, k)
		for j, i := range idx {
			owner[i] = j
		}
		e.passResp(func(i int, r []float64) {
			clear(r)
			if j, ok := owner[i]; ok {
				r[j] = 1
			}
		})
	case Random:
		resp := make([]float64, n*k)
		for i := range n {
			row := resp[i*k : (i+1)*k]
			var s float64
			for j := range row {
				row[j] = rng.Float64()
				s += row[j]
			}
			for j := range row {
				row[j] /= s
			}
		}
		e.passResp(func(i int, r []float64) { copy(r, resp[i*k:(i+1)*k]) })
	}
	return m.mStep(e, pr, cfg.RegCovar)
}

// hard returns one-hot responsibilities from labels.
func hard(labels []int) func(i int, r []float64) {
	return func(i int, r []float64) {
		clear(r)
		r[labels[i]] = 1
	}
}

// kmState is the k-means state of an engine, allocated at the first
// k-means of a fit and reused by the next restarts.
type kmState struct {
	mode    int       // kmUpdate, kmPot, kmAssign or kmLabel
	xc      []float64 // the candidate centre of kmUpdate and kmPot
	centers []float64 // k x d
	closest []float64 // n: squared distance to the nearest chosen centre
	cum     []float64 // n: cumulative sums of closest
	dist    []float64 // n: squared distance to the assigned centre
	labels  []int     // n
}

// The passes of k-means, one chunk at a time (engine.kmChunk).
const (
	kmUpdate = iota // closest = min(closest, |x - xc|²)
	kmPot           // chunk potential Σ min(closest, |x - xc|²)
	kmAssign        // labels, dist, and per-chunk cluster sums and counts
	kmLabel         // labels only
)

// kmInit allocates the k-means state once per engine.
func (e *engine) kmInit() *kmState {
	km := &e.km
	if km.labels == nil {
		km.centers = make([]float64, e.k*e.d)
		km.closest = make([]float64, e.n)
		km.cum = make([]float64, e.n)
		km.dist = make([]float64, e.n)
		km.labels = make([]int, e.n)
	}
	return km
}

// kmRun runs one k-means pass over all chunks on the pool.
func (e *engine) kmRun(mode int) {
	e.km.mode, e.job = mode, e.kmJob
	e.run()
	e.job = e.statsJob
}

// kmChunk is the k-means pass e.km.mode over chunk c. Chunk results go to
// the chunk's statistics (pot and changed; cluster counts in r, sums in
// m), reduced by the caller in chunk order: the bits do not depend on the
// number of goroutines.
func (e *engine) kmChunk(c int, _ *scratch) {
	st := &e.chunks[c]
	km := &e.km
	d, k := e.d, e.k
	lo, hi := c*chunkSize, min((c+1)*chunkSize, e.n)
	switch km.mode {
	case kmUpdate:
		for i := lo; i < hi; i++ {
			km.closest[i] = math.Min(km.closest[i], sqDist(e.x[i*d:(i+1)*d], km.xc))
		}
	case kmPot:
		var p float64
		for i := lo; i < hi; i++ {
			p += math.Min(km.closest[i], sqDist(e.x[i*d:(i+1)*d], km.xc))
		}
		st.pot = p
	case kmAssign, kmLabel:
		sums, counts := st.m[:k*d], st.r[:k]
		clear(sums)
		clear(counts)
		changed := 0
		for i := lo; i < hi; i++ {
			xi := e.x[i*d : (i+1)*d]
			best, bd := 0, math.Inf(1)
			for j := range k {
				if v := sqDist(xi, km.centers[j*d:(j+1)*d]); v < bd {
					best, bd = j, v
				}
			}
			if km.labels[i] != best {
				changed++
				km.labels[i] = best
			}
			if km.mode == kmLabel {
				continue
			}
			km.dist[i] = bd
			counts[best]++
			sb := sums[best*d : (best+1)*d]
			for a, v := range xi {
				sb[a] += v
			}
		}
		st.changed = changed
	}
}

// kmeansPlusPlus chooses k centres by greedy k-means++ seeding (Arthur and
// Vassilvitskii 2007, with 2 + ⌊ln k⌋ candidates per step and the one that
// lowers the potential most kept, as scikit-learn does) and returns them
// (k x d, the engine's buffer) with the indices of the chosen points. The
// potentials of the candidates are computed in parallel over chunks; the
// chosen centre is then folded into the nearest distances in a second
// pass, so no per-candidate copy of the n distances is kept.
func (e *engine) kmeansPlusPlus(rng *rand.Rand) ([]float64, []int) {
	x, n, d, k := e.x, e.n, e.d, e.k
	km := e.kmInit()
	centers := km.centers
	idx := make([]int, 0, k)
	trials := 2 + int(math.Log(float64(k)))
	first := rng.IntN(n)
	idx = append(idx, first)
	copy(centers, x[first*d:(first+1)*d])
	for i := range km.closest {
		km.closest[i] = math.Inf(1)
	}
	km.xc = x[first*d : (first+1)*d]
	e.kmRun(kmUpdate)
	cum := km.cum
	for c := 1; c < k; c++ {
		s := 0.0
		for i, v := range km.closest {
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
			km.xc = x[ci*d : (ci+1)*d]
			e.kmRun(kmPot)
			p := 0.0
			for i := range e.chunks {
				p += e.chunks[i].pot
			}
			if p < bestPot || bestIdx < 0 { // p is +Inf when squared distances overflow
				bestPot, bestIdx = p, ci
			}
		}
		idx = append(idx, bestIdx)
		copy(centers[c*d:(c+1)*d], x[bestIdx*d:(bestIdx+1)*d])
		km.xc = x[bestIdx*d : (bestIdx+1)*d]
		e.kmRun(kmUpdate)
	}
	km.xc = nil
	return centers, idx
}

// kmeans runs k-means++ seeding and Lloyd's iterations until no label
// changes or the total squared centre shift falls below 1e-4 times the
// mean variance of the coordinates (scikit-learn's tol), at most 300
// iterations; an empty cluster is moved to the point farthest from its
// centre. The assignment step and the cluster sums run in parallel over
// chunks, reduced in chunk order. It returns the labels (the engine's
// buffer, valid until the next k-means).
func (e *engine) kmeans(ctx context.Context, rng *rand.Rand) ([]int, error) {
	x, n, d, k := e.x, e.n, e.d, e.k
	centers, _ := e.kmeansPlusPlus(rng)
	km := &e.km
	var tol float64
	{
		mean := e.xk[:d] // scratch: the M step overwrites it
		clear(mean)
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
	labels := km.labels
	for i := range labels {
		labels[i] = -1
	}
	sums, counts := e.chunks[0].m[:k*d], e.chunks[0].r[:k] // reduced into chunk 0
	for it := 0; it < 300; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e.kmRun(kmAssign)
		changed := e.chunks[0].changed
		for c := 1; c < len(e.chunks); c++ {
			st := &e.chunks[c]
			changed += st.changed
			for j, v := range st.r[:k] {
				counts[j] += v
			}
			for i, v := range st.m[:k*d] {
				sums[i] += v
			}
		}
		if changed == 0 {
			break
		}
		shift := 0.0
		for j := range k {
			c := centers[j*d : (j+1)*d]
			if counts[j] == 0 {
				// Relocate to the point farthest from its centre.
				far := 0
				for i := range km.dist {
					if km.dist[i] > km.dist[far] {
						far = i
					}
				}
				km.dist[far] = 0
				shift += sqDist(c, x[far*d:(far+1)*d])
				copy(c, x[far*d:(far+1)*d])
				continue
			}
			for a := range d {
				v := sums[j*d+a] / counts[j]
				shift += (v - c[a]) * (v - c[a])
				c[a] = v
			}
		}
		if shift <= tol {
			// One more assignment to the final centres.
			e.kmRun(kmLabel)
			break
		}
	}
	return labels, nil
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		v := a[i] - b[i]
		s += v * v
	}
	return s
}
