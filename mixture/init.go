package mixture

import (
	"math"
)

// initialize sets the parameters from initial responsibilities chosen by
// cfg.Init (scikit-learn's _initialize_parameters), then runs the M-step.
func (f *fitter) initialize() error {
	n, k := f.n, f.k
	f.labels, f.resp = nil, nil
	switch {
	case f.cfg.InitLabels != nil:
		f.labels = f.cfg.InitLabels
		return f.initFrom()
	}
	switch f.cfg.Init {
	case KMeans:
		f.labels = f.kmeans()
	case KMeansPlusPlus:
		f.labels = make([]int, n)
		for i := range f.labels {
			f.labels[i] = -1
		}
		for j, i := range f.kmeansPP() {
			f.labels[i] = j
		}
	case Random:
		f.resp = make([]float64, n*k)
		for i := range n {
			var s float64
			for j := range k {
				v := f.rng.Float64()
				f.resp[i*k+j] = v
				s += v
			}
			for j := range k {
				f.resp[i*k+j] /= s
			}
		}
	case RandomFromData:
		f.labels = make([]int, n)
		for i := range f.labels {
			f.labels[i] = -1
		}
		perm := f.rng.Perm(n)
		for j := range k {
			f.labels[perm[j]] = j
		}
	}
	return f.initFrom()
}

// initFrom runs the M-step on f.labels or f.resp.
func (f *fitter) initFrom() error {
	f.pool.run(f.initF)
	f.reduce()
	f.tot[0] = 0
	return f.mstep()
}

func (f *fitter) dist2(i int, c []float64) float64 {
	d := f.d
	p := f.x[i*d : (i+1)*d]
	var s float64
	for a := range d {
		r := p[a] - c[a]
		s += r * r
	}
	return s
}

// kmeansPP returns the indices of K points chosen by greedy k-means++
// (Arthur and Vassilvitskii 2007, with 2 + floor(ln K) candidate draws per
// centre keeping the one that lowers the potential most, as scikit-learn).
func (f *fitter) kmeansPP() []int {
	n, d, k := f.n, f.d, f.k
	trials := 2 + int(math.Log(float64(k)))
	idx := make([]int, 0, k)
	first := f.rng.IntN(n)
	idx = append(idx, first)
	closest := make([]float64, n)
	var pot float64
	c0 := f.x[first*d : (first+1)*d]
	for i := range n {
		closest[i] = f.dist2(i, c0)
		pot += closest[i]
	}
	cand := make([]float64, n)
	bestD := make([]float64, n)
	for len(idx) < k {
		bestIdx, bestPot := -1, math.Inf(1)
		for range trials {
			// Draw a point with probability proportional to closest.
			u := f.rng.Float64() * pot
			ci := n - 1
			var acc float64
			for i, v := range closest {
				acc += v
				if acc > u {
					ci = i
					break
				}
			}
			c := f.x[ci*d : (ci+1)*d]
			var p float64
			for i := range n {
				cand[i] = min(closest[i], f.dist2(i, c))
				p += cand[i]
			}
			if p < bestPot || bestIdx < 0 {
				bestPot, bestIdx = p, ci
				copy(bestD, cand)
			}
		}
		idx = append(idx, bestIdx)
		copy(closest, bestD)
		pot = bestPot
	}
	return idx
}

// kmeans runs Lloyd's algorithm from a greedy k-means++ seeding and
// returns the labels (scikit-learn's KMeans(n_init=1): at most 300
// iterations, stopping when the labels stop changing or the centres move
// by less than 1e-4 times the mean coordinate variance in total squared
// distance).
func (f *fitter) kmeans() []int {
	n, d, k := f.n, f.d, f.k
	centers := make([]float64, k*d)
	for j, i := range f.kmeansPP() {
		copy(centers[j*d:(j+1)*d], f.x[i*d:(i+1)*d])
	}
	var tol float64
	for a := range d {
		var s, s2 float64
		for i := range n {
			v := f.x[i*d+a]
			s += v
			s2 += v * v
		}
		mu := s / float64(n)
		tol += s2/float64(n) - mu*mu
	}
	tol = 1e-4 * tol / float64(d)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = -1
	}
	// Per-chunk sums: [count(K), sum(K*d)].
	stride := k + k*d
	sums := make([]float64, f.nchunk*stride)
	changed := make([]int, f.nchunk)
	assign := func(c, w int) {
		s := sums[c*stride : (c+1)*stride]
		clear(s)
		changed[c] = 0
		lo, hi := c*f.chunk, min((c+1)*f.chunk, n)
		for i := lo; i < hi; i++ {
			bj, bd := 0, math.Inf(1)
			for j := range k {
				if dd := f.dist2(i, centers[j*d:(j+1)*d]); dd < bd {
					bj, bd = j, dd
				}
			}
			if labels[i] != bj {
				changed[c]++
				labels[i] = bj
			}
			s[bj]++
			p := f.x[i*d : (i+1)*d]
			for a := range d {
				s[k+bj*d+a] += p[a]
			}
		}
	}
	tot := make([]float64, stride)
	for it := range 300 {
		f.pool.run(assign)
		nch := 0
		clear(tot)
		for c := range f.nchunk {
			nch += changed[c]
			for i, v := range sums[c*stride : (c+1)*stride] {
				tot[i] += v
			}
		}
		if it > 0 && nch == 0 {
			break
		}
		var shift float64
		for j := range k {
			if tot[j] == 0 {
				// Empty cluster: move it to the point farthest from its
				// current centre.
				fi, fd := 0, -1.0
				for i := range n {
					if dd := f.dist2(i, centers[labels[i]*d:(labels[i]+1)*d]); dd > fd {
						fi, fd = i, dd
					}
				}
				copy(centers[j*d:(j+1)*d], f.x[fi*d:(fi+1)*d])
				shift = math.Inf(1)
				continue
			}
			for a := range d {
				v := tot[k+j*d+a] / tot[j]
				r := v - centers[j*d+a]
				shift += r * r
				centers[j*d+a] = v
			}
		}
		if shift <= tol {
			f.pool.run(assign)
			break
		}
	}
	return labels
}
