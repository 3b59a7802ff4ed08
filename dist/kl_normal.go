package dist

import (
	"math"
	"sync/atomic"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/internal/kernel"
	"github.com/kldiv/kldiv/internal/par"
	"github.com/kldiv/kldiv/internal/special"
)

func init() {
	RegisterKL(klNormalNormal)
	registerValidating(klNormalValidating)
}

// klNormalNormal is KL(N(m1, s1) || N(m2, s2)) = ½(r² - 1 - log r² + δ²)
// with r = s1/s2 and δ = (m1 - m2)/s2, summed over columns. Within 25% of
// s1 = s2, r² - 1 - log r² is evaluated as expm1(d) - d with
// d = 2 log1p((s1-s2)/s2) (special.LogRatioM1), which keeps full relative
// accuracy where the naive form cancels; farther away the naive form is
// accurate and costs one logarithm. When every parameter is a full grid
// (the batched case W1 times) the terms come from kernel.NormalKL, the
// vectorized form of the same computation (series within 50% of s1 = s2).
func klNormalNormal(p, q Normal) (ad.Var, error) {
	v, _ := klNormalRun(p, q, false)
	return v, nil
}

// klNormalValidating is KL(p || q) for two Normals that have not been
// validated, when every parameter is the same full B x C grid: the vector
// kernel validates while it computes (one pass over the data instead of
// three: W1's case). It reports false, and computes nothing, for other
// shapes. When a parameter is out of range it returns the error of
// Validate; the node it recorded then stays on the tape, unused.
func klNormalValidating(p, q Normal) (ad.Var, bool, error) {
	ps := [4]ad.Var{p.Loc, p.Scale, q.Loc, q.Scale}
	r, c := ps[0].Shape()
	for _, x := range ps {
		if x == (ad.Var{}) {
			return ad.Var{}, false, nil
		}
		if xr, xc := x.Shape(); xr != r || xc != c {
			return ad.Var{}, false, nil
		}
	}
	v, ok := klNormalRun(p, q, true)
	if ok {
		return v, true, nil
	}
	if err := p.Validate(); err != nil {
		return ad.Var{}, true, err
	}
	if err := q.Validate(); err != nil {
		return ad.Var{}, true, err
	}
	return v, true, nil // not reached: the kernel checks what Validate does
}

// klNormalRun computes KL(p || q); with check and full grids it also
// reports whether every location was finite and every scale finite and
// > 0 (true otherwise).
func klNormalRun(p, q Normal, check bool) (ad.Var, bool) {
	b, c := paramShape("KL(Normal || Normal)", p.Loc, p.Scale, q.Loc, q.Scale)
	f := ad.NewFused(b, c, ad.ReduceCols, p.Loc, p.Scale, q.Loc, q.Scale)
	j := normalKLJobs.Get()
	j.out, j.c = f.Out(), c
	j.dm1, j.ds1, j.dm2, j.ds2 = f.Partial(0), f.Partial(1), f.Partial(2), f.Partial(3)
	j.m1, j.s1, j.m2, j.s2 = viewOf(p.Loc), viewOf(p.Scale), viewOf(q.Loc), viewOf(q.Scale)
	// full: every parameter is B x C, so element (i, j) is at i*C + j.
	j.full = j.m1.rows == b && j.m1.cols == c && j.s1.rows == b && j.s1.cols == c &&
		j.m2.rows == b && j.m2.cols == c && j.s2.rows == b && j.s2.cols == c
	if j.full {
		par.For(b, (1<<13)/c+1, j.fn)
	} else {
		par.For(b, 1<<13, j.fn)
	}
	ok := !j.bad.Load()
	*j = normalKLJob{fn: j.fn}
	normalKLJobs.Put(j)
	return f.Var(), ok || !check
}

// normalKLJob holds the operands of one klNormalNormal call; jobs are
// pooled, with the row loop bound once as fn, so that the call allocates
// nothing in steady state.
type normalKLJob struct {
	m1, s1, m2, s2     view
	out                []float64
	dm1, ds1, dm2, ds2 []float64
	c                  int
	full               bool
	// bad is set by a chunk whose parameters are out of range (full
	// grids only).
	bad atomic.Bool
	fn  func(lo, hi int)
}

var normalKLJobs = par.Pool[normalKLJob]{New: func() *normalKLJob {
	j := new(normalKLJob)
	j.fn = j.rows
	return j
}}

// rows computes rows [lo, hi): through the vector kernel when every
// parameter is a full grid, cell by cell (broadcast parameters) otherwise.
func (k *normalKLJob) rows(lo, hi int) {
	m1, s1, m2, s2, c := k.m1, k.s1, k.m2, k.s2, k.c
	dm1, ds1, dm2, ds2 := k.dm1, k.ds1, k.dm2, k.ds2
	if k.full {
		if !klNormalRows(k.out, dm1, ds1, dm2, ds2, m1.v, s1.v, m2.v, s2.v, c, lo, hi) {
			k.bad.Store(true)
		}
		return
	}
	for i := lo; i < hi; i++ {
		var acc float64
		for j := 0; j < c; j++ {
			acc += klNormalCell(m1.at(i, j), s1.at(i, j), m2.at(i, j), s2.at(i, j), i*c+j, dm1, ds1, dm2, ds2)
		}
		k.out[i] = acc
	}
}

// klNormalRows computes rows lo..hi-1 of klNormalNormal when every
// parameter is a full B x C grid (element (i, j) at i*C + j): the terms
// come from the vector kernel kernel.NormalKL in blocks of klBlock
// elements, summed per row in column order like klNormalCell's loop. It
// reports whether every location was finite and every scale finite and
// > 0 (kernel.NormalKLChecked).
func klNormalRows(out, dm1, ds1, dm2, ds2, m1, s1, m2, s2 []float64, c, lo, hi int) bool {
	const klBlock = 512
	var term, eb [klBlock]float64
	var e []float64
	if ds1 != nil || ds2 != nil {
		e = eb[:]
	}
	if c != 1 {
		for i := lo; i < hi; i++ {
			out[i] = 0
		}
	}
	ok := true
	for k0 := lo * c; k0 < hi*c; k0 += klBlock {
		k1 := min(k0+klBlock, hi*c)
		t := term[:k1-k0]
		if c == 1 {
			t = out[k0:k1] // one term per row: straight into out
		}
		var es []float64
		if e != nil {
			es = e[:k1-k0]
		}
		if !kernel.NormalKLChecked(t, es, m1[k0:k1], s1[k0:k1], m2[k0:k1], s2[k0:k1]) {
			ok = false
		}
		if c != 1 {
			for k := k0; k < k1; k++ {
				out[k/c] += t[k-k0]
			}
		}
		if dm1 == nil && dm2 == nil && e == nil {
			continue
		}
		for k := k0; k < k1; k++ {
			sb := s2[k]
			delta := (m1[k] - m2[k]) / sb
			if dm1 != nil {
				dm1[k] = delta / sb
			}
			if dm2 != nil {
				dm2[k] = -delta / sb
			}
			if e != nil {
				ek := es[k-k0]
				if ds1 != nil {
					ds1[k] = ek / s1[k] // (r² - 1)/s1
				}
				if ds2 != nil {
					ds2[k] = -(ek + delta*delta) / sb
				}
			}
		}
	}
	return ok
}

// klNormalCell returns the KL term of one grid cell (a, sa) || (bb, sb)
// and writes its partials at index k of the partial slices that are not
// nil. Near sa = sb: d = 2 log(sa/sb) as 2 log1p((sa-sb)/sb) (sa-sb is
// exact there) and r² - 1 - d by LogRatioM1, which keep full relative
// accuracy. Away from it nothing cancels: r² - 1 directly, one log and no
// exp.
func klNormalCell(a, sa, bb, sb float64, k int, dm1, ds1, dm2, ds2 []float64) float64 {
	var d, e, lr float64
	if diff := sa - sb; math.Abs(diff) < 0.25*sb {
		d = 2 * math.Log1p(diff/sb)
		lr = special.LogRatioM1(d)
		if ds1 != nil || ds2 != nil {
			e = math.Expm1(d)
		}
	} else {
		ratio := sa / sb
		d = 2 * math.Log(ratio)
		e = ratio*ratio - 1
		lr = e - d
	}
	delta := (a - bb) / sb
	if dm1 != nil {
		dm1[k] = delta / sb
	}
	if dm2 != nil {
		dm2[k] = -delta / sb
	}
	if ds1 != nil {
		ds1[k] = e / sa // (r² - 1)/s1
	}
	if ds2 != nil {
		ds2[k] = -(e + delta*delta) / sb
	}
	return 0.5 * (lr + delta*delta)
}
