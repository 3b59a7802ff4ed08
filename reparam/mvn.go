package reparam

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kldiv/kldiv/ad"
)

// mvnShape returns the batch size B (rows of the parameters broadcast) and
// the event width D (columns of loc), panicking with a message naming the
// sampler when the shapes do not fit.
func mvnShape(name string, loc ad.Var, widths []int, ps ...ad.Var) (int, int) {
	b, d := loc.Shape()
	for k, p := range ps {
		r, c := p.Shape()
		if c != widths[k] {
			panic(fmt.Sprintf("reparam: %s: parameter %d has %d columns, want %d (D = %d)", name, k+1, c, widths[k], d))
		}
		if nb := bd(b, r); nb < 0 {
			panic(fmt.Sprintf("reparam: %s: parameter rows %d and %d do not broadcast", name, b, r))
		} else {
			b = nb
		}
	}
	return b, d
}

// rowAt returns row i mod rows of a rows x w row-major slice.
func rowAt(v []float64, rows, w, i int) []float64 {
	k := i % rows
	return v[k*w : (k+1)*w]
}

// MultivariateNormal returns n pathwise draws z = loc + L ε (ε standard
// normal, drawn row by row) from each batch member of a multivariate
// normal with lower-triangular scale L: loc is B x D (or 1 x D) and
// scaleTril is B x D*D (or 1 x D*D), row-major with its strictly upper part
// ignored. The result is n*B x D, row k*B+b drawn from member b. It is one
// node: ∂z/∂loc = I and ∂z_i/∂L_ij = ε_j (j <= i), so the backward pass
// adds z̄ to loc and tril(z̄ εᵀ) to L. It panics if the shapes do not fit.
func MultivariateNormal(rng *rand.Rand, loc, scaleTril ad.Var, n int) ad.Var {
	lr, d := loc.Shape()
	b, _ := mvnShape("MultivariateNormal", loc, []int{d * d}, scaleTril)
	if n < 0 {
		panic(fmt.Sprintf("reparam: MultivariateNormal: %d samples", n))
	}
	sr := scaleTril.Rows()
	rows := n * b
	t := tapeOf(loc, scaleTril)
	eps := t.Buffer(rows * d)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	val := t.Buffer(rows * d)
	lv, sv := loc.Value(), scaleTril.Value()
	dd := d * d
	for i := 0; i < rows; i++ {
		m, l := rowAt(lv, lr, d, i), rowAt(sv, sr, dd, i)
		e, z := eps[i*d:(i+1)*d], val[i*d:(i+1)*d]
		for p := 0; p < d; p++ {
			s := m[p]
			lp := l[p*d : p*d+p+1]
			for q, v := range lp {
				s += v * e[q]
			}
			z[p] = s
		}
	}
	return ad.Custom(rows, d, val, func(g []float64, in ad.Adjoints) {
		dl, ds := in.Of(0), in.Of(1)
		for i := 0; i < rows; i++ {
			gi := g[i*d : (i+1)*d]
			if dl != nil {
				k := (i % lr) * d
				for p, v := range gi {
					dl[k+p] += v
				}
			}
			if ds != nil {
				k := (i % sr) * dd
				e := eps[i*d : (i+1)*d]
				for p, v := range gi {
					row := ds[k+p*d : k+p*d+p+1]
					for q := range row {
						row[q] += v * e[q]
					}
				}
			}
		}
	}, loc, scaleTril)
}

// LowRankMultivariateNormal returns n pathwise draws
//
//	z = loc + W ε₁ + √diag ⊙ ε₂
//
// from each batch member of a normal with covariance W Wᵀ + diag(covDiag):
// loc is B x D, covFactor is B x D*K (W row-major, D x K per row), covDiag
// is B x D (each may have 1 row, shared). ε₁ (K values) and ε₂ (D values)
// are standard normal; all ε₁ of the n*B draws are drawn first, then all ε₂.
// The result is n*B x D, row k*B+b drawn from member b. Cost O(n B D K),
// against O(n B D²) for a dense Cholesky factor. Backward: loc̄ = z̄,
// W̄ = z̄ ε₁ᵀ, diaḡ = z̄ ⊙ ε₂ / (2√diag). It panics if the shapes do not
// fit.
func LowRankMultivariateNormal(rng *rand.Rand, loc, covFactor, covDiag ad.Var, n int) ad.Var {
	lr, d := loc.Shape()
	fr, fc := covFactor.Shape()
	if d == 0 || fc%d != 0 || fc == 0 {
		panic(fmt.Sprintf("reparam: LowRankMultivariateNormal: cov_factor has %d columns, want a positive multiple of D = %d", fc, d))
	}
	k := fc / d
	b, _ := mvnShape("LowRankMultivariateNormal", loc, []int{fc, d}, covFactor, covDiag)
	if n < 0 {
		panic(fmt.Sprintf("reparam: LowRankMultivariateNormal: %d samples", n))
	}
	dr := covDiag.Rows()
	rows := n * b
	t := tapeOf(loc, covFactor, covDiag)
	e1 := t.Buffer(rows * k)
	for i := range e1 {
		e1[i] = rng.NormFloat64()
	}
	e2 := t.Buffer(rows * d)
	for i := range e2 {
		e2[i] = rng.NormFloat64()
	}
	val := t.Buffer(rows * d)
	lv, wv, dv := loc.Value(), covFactor.Value(), covDiag.Value()
	for i := 0; i < rows; i++ {
		m, w, dg := rowAt(lv, lr, d, i), rowAt(wv, fr, fc, i), rowAt(dv, dr, d, i)
		a, c, z := e1[i*k:(i+1)*k], e2[i*d:(i+1)*d], val[i*d:(i+1)*d]
		for p := 0; p < d; p++ {
			s := m[p] + math.Sqrt(dg[p])*c[p]
			for q, v := range w[p*k : (p+1)*k] {
				s += v * a[q]
			}
			z[p] = s
		}
	}
	return ad.Custom(rows, d, val, func(g []float64, in ad.Adjoints) {
		dl, dw, dd := in.Of(0), in.Of(1), in.Of(2)
		for i := 0; i < rows; i++ {
			gi := g[i*d : (i+1)*d]
			if dl != nil {
				o := (i % lr) * d
				for p, v := range gi {
					dl[o+p] += v
				}
			}
			if dw != nil {
				o := (i % fr) * fc
				a := e1[i*k : (i+1)*k]
				for p, v := range gi {
					row := dw[o+p*k : o+(p+1)*k]
					for q := range row {
						row[q] += v * a[q]
					}
				}
			}
			if dd != nil {
				o := (i % dr) * d
				dg := dv[o : o+d]
				c := e2[i*d : (i+1)*d]
				for p, v := range gi {
					dd[o+p] += v * c[p] / (2 * math.Sqrt(dg[p]))
				}
			}
		}
	}, loc, covFactor, covDiag)
}
