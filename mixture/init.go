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
	n, d, k := e.n, e.d, e.k
	switch cfg.Init {
	case KMeans:
		labels, err := kmeans(ctx, e.x, n, d, k, rng)
		if err != nil {
			return err
		}
		e.passResp(hard(labels))
	case Labels:
		e.passResp(hard(cfg.Labels))
	case KMeansPlusPlus, RandomFromData:
		var idx []int
		if cfg.Init == KMeansPlusPlus {
			_, idx = kmeansPlusPlus(e.x, n, d, k, rng)
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

// kmeansPlusPlus chooses k centres by greedy k-means++ seeding (Arthur and
// Vassilvitskii 2007, with 2 + ⌊ln k⌋ candidates per step and the one that
// lowers the potential most kept, as scikit-learn does) and returns them
// (k x d) with the indices of the chosen points.
func kmeansPlusPlus(x []float64, n, d, k int, rng *rand.Rand) ([]float64, []int) {
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

// kmeans runs k-means++ seeding and Lloyd's iterations until no label
// changes or the total squared centre shift falls below 1e-4 times the
// mean variance of the coordinates (scikit-learn's tol), at most 300
// iterations; an empty cluster is moved to the point farthest from its
// centre. It returns the labels.
func kmeans(ctx context.Context, x []float64, n, d, k int, rng *rand.Rand) ([]int, error) {
	centers, _ := kmeansPlusPlus(x, n, d, k, rng)
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

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		v := a[i] - b[i]
		s += v * v
	}
	return s
}
