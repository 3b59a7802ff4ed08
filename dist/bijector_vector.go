package dist

import (
	"fmt"
	"math"

	"github.com/kldiv/kldiv/ad"
)

// Vector bijectors map a whole row and may change its width. Each Forward
// and Inverse is one ad.Custom node with a hand-written vector-Jacobian
// product (O(width) per row, no per-element nodes), and each
// LogDetJacobian is one fused node over x.
//
// Where the constrained width differs from the unconstrained one, the
// Jacobian is not square; LogDetJacobian then returns log |det| of the
// Jacobian of x onto the free coordinates of y, the convention of Stan and
// torch.distributions:
//   - StickBreaking: the first K-1 entries of the K-simplex point (the
//     last is 1 minus their sum);
//   - LowerCholesky: the lower triangle, diagonal included, row-major;
//   - CorrCholesky: the strictly lower triangle, row-major (the diagonal
//     follows from the unit row norms).

// bijSigmoidParts returns log σ(a), log σ(-a), σ(a) and σ(-a) from one exp
// and one log1p: with e = exp(-|a|), log σ(±a) = -(max(∓a, 0) + log1p(e)).
func bijSigmoidParts(a float64) (ls, lsn, s, sn float64) {
	e := math.Exp(-math.Abs(a))
	l := math.Log1p(e)
	if a >= 0 {
		return -l, -a - l, 1 / (1 + e), e / (1 + e)
	}
	return a - l, -l, e / (1 + e), 1 / (1 + e)
}

// bijTanhParts returns tanh(a), log sech(a) and sech²(a) from one exp and
// one log1p: with e = exp(-2|a|), tanh|a| = (1-e)/(1+e), sech² a =
// 4e/(1+e)² and log sech a = log 2 - |a| - log1p(e).
func bijTanhParts(a float64) (th, ls, s2 float64) {
	x := math.Abs(a)
	e := math.Exp(-2 * x)
	th = math.Copysign((1-e)/(1+e), a)
	ls = math.Ln2 - x - math.Log1p(e)
	s2 = 4 * e / ((1 + e) * (1 + e))
	return th, ls, s2
}

// bijTriRoot returns K with K(K+1)/2 = m, panicking with a message naming the
// bijector if m is not a triangular number.
func bijTriRoot(name string, m int) int {
	k := int(math.Round((math.Sqrt(8*float64(m)+1) - 1) / 2))
	if k < 0 || k*(k+1)/2 != m {
		panic(fmt.Sprintf("dist: %s: width %d is not a triangular number K(K+1)/2", name, m))
	}
	return k
}

// bijSqRoot returns K with K*K = c, panicking if c is not a square.
func bijSqRoot(name string, c int) int {
	k := int(math.Round(math.Sqrt(float64(c))))
	if k < 0 || k*k != c {
		panic(fmt.Sprintf("dist: %s: width %d is not a square K*K", name, c))
	}
	return k
}

// StickBreaking maps R^(K-1) onto the K-simplex by stick breaking (Stan
// reference manual, "Unit simplex"; torch StickBreakingTransform):
// z_k = σ(x_k - log(K-1-k)) for k = 0..K-2, y_k = z_k Π_{j<k} (1 - z_j),
// and y_{K-1} = Π_{j<K-1} (1 - z_j). The offset log(K-1-k) maps x = 0 to
// the centre (1/K, ..., 1/K). The products are accumulated in log space so
// that no coordinate underflows early.
type StickBreaking struct{}

// Forward maps rows of K-1 unconstrained values to rows of K simplex
// coordinates.
func (StickBreaking) Forward(x ad.Var) ad.Var {
	r, n := x.Shape()
	k := n + 1
	xv := x.Value()
	t := x.Tape()
	y := t.Buffer(r * k)
	z := t.Buffer(r * n)
	off := stickOffsets(t, n)
	for i := 0; i < r; i++ {
		var logRem float64
		for j := 0; j < n; j++ {
			ls, lsn, s, _ := bijSigmoidParts(xv[i*n+j] - off[j])
			y[i*k+j] = math.Exp(logRem + ls)
			z[i*n+j] = s
			logRem += lsn
		}
		y[i*k+n] = math.Exp(logRem)
	}
	// ∂y_m/∂x_j = y_m (1 - z_j) for m = j, -y_m z_j for m > j, 0 for m < j.
	vjp := func(g []float64, in ad.Adjoints) {
		gx := in.Of(0)
		if gx == nil {
			return
		}
		for i := 0; i < r; i++ {
			s := g[i*k+n] * y[i*k+n] // Σ_{m>j} g_m y_m
			for j := n - 1; j >= 0; j-- {
				gy := g[i*k+j] * y[i*k+j]
				zj := z[i*n+j]
				gx[i*n+j] += gy*(1-zj) - zj*s
				s += gy
			}
		}
	}
	return ad.Custom(r, k, y, vjp, x)
}

// Inverse maps simplex rows back: x_k = log y_k - log(Σ_{m>k} y_m) +
// log(K-1-k), with the remaining stick taken as a suffix sum (not 1 minus
// a prefix sum, which cancels).
func (StickBreaking) Inverse(y ad.Var) ad.Var {
	r, k := y.Shape()
	if k < 1 {
		panic("dist: StickBreaking.Inverse: rows have no values")
	}
	n := k - 1
	yv := y.Value()
	t := y.Tape()
	x := t.Buffer(r * n)
	suf := t.Buffer(r * k) // suf[i*k+j] = Σ_{m>=j} y_m
	off := stickOffsets(t, n)
	for i := 0; i < r; i++ {
		row := yv[i*k : (i+1)*k]
		var s float64
		for j := n; j >= 0; j-- {
			s += row[j]
			suf[i*k+j] = s
		}
		for j := 0; j < n; j++ {
			x[i*n+j] = math.Log(row[j]/suf[i*k+j+1]) + off[j]
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		gy := in.Of(0)
		if gy == nil {
			return
		}
		for i := 0; i < r; i++ {
			row := yv[i*k : (i+1)*k]
			var p float64 // Σ_{j<m} g_j / S_{j+1}
			for m := 0; m < k; m++ {
				if m < n {
					gy[i*k+m] += g[i*n+m]/row[m] - p
					p += g[i*n+m] / suf[i*k+m+1]
				} else {
					gy[i*k+m] -= p
				}
			}
		}
	}
	return ad.Custom(r, n, x, vjp, y)
}

// LogDetJacobian returns Σ_k [log σ(a_k) + (K-1-k) log σ(-a_k)] with
// a_k = x_k - log(K-1-k): the log-determinant of the triangular Jacobian of
// x onto the first K-1 coordinates, Π_k z_k(1 - z_k) Π_{j<k} (1 - z_j).
func (StickBreaking) LogDetJacobian(x, _ ad.Var) ad.Var {
	r, n := x.Shape()
	f := ad.NewFused(r, n, ad.ReduceCols, x)
	out, px := f.Out(), f.Partial(0)
	xv := x.Value()
	off := stickOffsets(x.Tape(), n)
	for i := 0; i < r; i++ {
		var acc float64
		for j := 0; j < n; j++ {
			w := float64(n - j)
			ls, lsn, s, sn := bijSigmoidParts(xv[i*n+j] - off[j])
			acc += ls + w*lsn
			if px != nil {
				px[i*n+j] = sn - w*s
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// stickOffsets returns log(K-1-k) for k = 0..K-2 (n = K-1 values) in
// tape memory.
func stickOffsets(t *ad.Tape, n int) []float64 {
	off := t.Buffer(n)
	for j := range off {
		off[j] = math.Log(float64(n - j))
	}
	return off
}

// ForwardDim returns K = c + 1.
func (StickBreaking) ForwardDim(c int) int { return c + 1 }

// InverseDim returns K - 1.
func (StickBreaking) InverseDim(c int) int {
	if c < 1 {
		panic(fmt.Sprintf("dist: StickBreaking: simplex width %d", c))
	}
	return c - 1
}

// String implements Bijector.
func (StickBreaking) String() string { return "StickBreaking" }

// Ordered maps R^K onto strictly increasing vectors (Stan reference
// manual, "Ordered vector"): y_0 = x_0 and y_k = y_{k-1} + exp(x_k), with
// log |det J| = Σ_{k>=1} x_k.
type Ordered struct{}

// Forward returns the increasing rows y.
func (Ordered) Forward(x ad.Var) ad.Var { return orderedForward(x, false) }

// Inverse returns x_0 = y_0 and x_k = log(y_k - y_{k-1}).
func (Ordered) Inverse(y ad.Var) ad.Var { return orderedInverse(y, false) }

// LogDetJacobian returns Σ_{k>=1} x_k.
func (Ordered) LogDetJacobian(x, _ ad.Var) ad.Var { return orderedLogDet(x, false) }

// ForwardDim implements Bijector.
func (Ordered) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (Ordered) InverseDim(c int) int { return c }

// String implements Bijector.
func (Ordered) String() string { return "Ordered" }

// PositiveOrdered maps R^K onto strictly increasing vectors of positive
// numbers: y_k = Σ_{j<=k} exp(x_j) (Ordered after exp of the first
// element), with log |det J| = Σ_k x_k.
type PositiveOrdered struct{}

// Forward returns the cumulative sums of exp(x).
func (PositiveOrdered) Forward(x ad.Var) ad.Var { return orderedForward(x, true) }

// Inverse returns x_k = log(y_k - y_{k-1}) with y_{-1} = 0.
func (PositiveOrdered) Inverse(y ad.Var) ad.Var { return orderedInverse(y, true) }

// LogDetJacobian returns Σ_k x_k.
func (PositiveOrdered) LogDetJacobian(x, _ ad.Var) ad.Var { return orderedLogDet(x, true) }

// ForwardDim implements Bijector.
func (PositiveOrdered) ForwardDim(c int) int { return c }

// InverseDim implements Bijector.
func (PositiveOrdered) InverseDim(c int) int { return c }

// String implements Bijector.
func (PositiveOrdered) String() string { return "PositiveOrdered" }

func orderedForward(x ad.Var, pos bool) ad.Var {
	r, k := x.Shape()
	xv := x.Value()
	y := x.Tape().Buffer(r * k)
	for i := 0; i < r; i++ {
		var s float64
		for j := 0; j < k; j++ {
			v := xv[i*k+j]
			if j > 0 || pos {
				v = math.Exp(v)
			}
			s += v
			y[i*k+j] = s
		}
	}
	// ∂y_m/∂x_j = exp(x_j) for m >= j (1 for j = 0 without pos).
	vjp := func(g []float64, in ad.Adjoints) {
		gx := in.Of(0)
		if gx == nil {
			return
		}
		for i := 0; i < r; i++ {
			var s float64
			for j := k - 1; j >= 0; j-- {
				s += g[i*k+j]
				d := 1.0
				if j > 0 || pos {
					d = math.Exp(xv[i*k+j])
				}
				gx[i*k+j] += d * s
			}
		}
	}
	return ad.Custom(r, k, y, vjp, x)
}

func orderedInverse(y ad.Var, pos bool) ad.Var {
	r, k := y.Shape()
	yv := y.Value()
	x := y.Tape().Buffer(r * k)
	for i := 0; i < r; i++ {
		for j := 0; j < k; j++ {
			switch {
			case j > 0:
				x[i*k+j] = math.Log(yv[i*k+j] - yv[i*k+j-1])
			case pos:
				x[i*k] = math.Log(yv[i*k])
			default:
				x[i*k] = yv[i*k]
			}
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		gy := in.Of(0)
		if gy == nil {
			return
		}
		for i := 0; i < r; i++ {
			for j := 0; j < k; j++ {
				gj := g[i*k+j]
				switch {
				case j > 0:
					d := gj / (yv[i*k+j] - yv[i*k+j-1])
					gy[i*k+j] += d
					gy[i*k+j-1] -= d
				case pos:
					gy[i*k] += gj / yv[i*k]
				default:
					gy[i*k] += gj
				}
			}
		}
	}
	return ad.Custom(r, k, x, vjp, y)
}

func orderedLogDet(x ad.Var, pos bool) ad.Var {
	r, k := x.Shape()
	f := ad.NewFused(r, k, ad.ReduceCols, x)
	out, px := f.Out(), f.Partial(0)
	xv := x.Value()
	for i := 0; i < r; i++ {
		var acc float64
		for j := 0; j < k; j++ {
			if j == 0 && !pos {
				continue
			}
			acc += xv[i*k+j]
			if px != nil {
				px[i*k+j] = 1
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// LowerCholesky maps R^(K(K+1)/2) onto lower-triangular K x K matrices
// with positive diagonal (Stan's cholesky_factor_cov transform for square
// factors): the unconstrained values fill the lower triangle row by row,
// (0,0), (1,0), (1,1), (2,0), ..., and the diagonal entries are
// exponentiated. Each output row holds one matrix, row-major (K*K values,
// zeros above the diagonal). log |det J| is the sum of the diagonal's
// unconstrained values.
type LowerCholesky struct{}

// Forward fills the matrices.
func (LowerCholesky) Forward(x ad.Var) ad.Var {
	r, m := x.Shape()
	k := bijTriRoot("LowerCholesky", m)
	xv := x.Value()
	y := x.Tape().Buffer(r * k * k)
	clear(y)
	for i := 0; i < r; i++ {
		p, ym := i*m, y[i*k*k:(i+1)*k*k]
		for a := 0; a < k; a++ {
			for b := 0; b <= a; b++ {
				v := xv[p]
				if a == b {
					v = math.Exp(v)
				}
				ym[a*k+b] = v
				p++
			}
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		gx := in.Of(0)
		if gx == nil {
			return
		}
		for i := 0; i < r; i++ {
			p, o := i*m, i*k*k
			for a := 0; a < k; a++ {
				for b := 0; b <= a; b++ {
					d := g[o+a*k+b]
					if a == b {
						d *= y[o+a*k+b]
					}
					gx[p] += d
					p++
				}
			}
		}
	}
	return ad.Custom(r, k*k, y, vjp, x)
}

// Inverse reads the lower triangle back, taking logs of the diagonal; the
// entries above the diagonal are ignored.
func (LowerCholesky) Inverse(y ad.Var) ad.Var {
	r, c := y.Shape()
	k := bijSqRoot("LowerCholesky", c)
	m := k * (k + 1) / 2
	yv := y.Value()
	x := y.Tape().Buffer(r * m)
	for i := 0; i < r; i++ {
		p, o := i*m, i*c
		for a := 0; a < k; a++ {
			for b := 0; b <= a; b++ {
				v := yv[o+a*k+b]
				if a == b {
					v = math.Log(v)
				}
				x[p] = v
				p++
			}
		}
	}
	vjp := func(g []float64, in ad.Adjoints) {
		gy := in.Of(0)
		if gy == nil {
			return
		}
		for i := 0; i < r; i++ {
			p, o := i*m, i*c
			for a := 0; a < k; a++ {
				for b := 0; b <= a; b++ {
					d := g[p]
					if a == b {
						d /= yv[o+a*k+b]
					}
					gy[o+a*k+b] += d
					p++
				}
			}
		}
	}
	return ad.Custom(r, m, x, vjp, y)
}

// LogDetJacobian returns the sum of the unconstrained diagonal values: the
// Jacobian onto the lower triangle is diagonal with entries 1 and exp(x).
func (LowerCholesky) LogDetJacobian(x, _ ad.Var) ad.Var {
	r, m := x.Shape()
	k := bijTriRoot("LowerCholesky", m)
	f := ad.NewFused(r, m, ad.ReduceCols, x)
	out, px := f.Out(), f.Partial(0)
	xv := x.Value()
	for i := 0; i < r; i++ {
		var acc float64
		for a := 0; a < k; a++ {
			p := a*(a+1)/2 + a
			acc += xv[i*m+p]
			if px != nil {
				px[i*m+p] = 1
			}
		}
		out[i] = acc
	}
	return f.Var()
}

// ForwardDim returns K*K for c = K(K+1)/2; it panics if c is not
// triangular.
func (LowerCholesky) ForwardDim(c int) int { k := bijTriRoot("LowerCholesky", c); return k * k }

// InverseDim returns K(K+1)/2 for c = K*K; it panics if c is not a square.
func (LowerCholesky) InverseDim(c int) int {
	k := bijSqRoot("LowerCholesky", c)
	return k * (k + 1) / 2
}

// String implements Bijector.
func (LowerCholesky) String() string { return "LowerCholesky" }

// CorrCholesky maps R^(K(K-1)/2) onto Cholesky factors of K x K
// correlation matrices (lower-triangular, positive diagonal, rows of unit
// norm), as torch CorrCholeskyTransform and Stan's cholesky_factor_corr
// (Stan reference manual, "Cholesky factors of correlation matrices";
// Lewandowski, Kurowicka and Joe 2009): the values fill the strictly lower
// triangle row by row, (1,0), (2,0), (2,1), (3,0), ..., become canonical
// partial correlations z = tanh(x), and row i is built by stick breaking
// on the squares: y_il = z_il Π_{j<l} sqrt(1 - z_ij²) and y_ii =
// Π_{j<i} sqrt(1 - z_ij²). sqrt(1 - tanh² x) is computed as sech x, which
// does not cancel, so the diagonal stays positive where torch clamps.
// Each output row holds one matrix, row-major.
type CorrCholesky struct{}

// bijCorrPos returns the index of strictly-lower entry (i, l), l < i.
func bijCorrPos(i, l int) int { return i*(i-1)/2 + l }

// Forward builds the factors.
func (CorrCholesky) Forward(x ad.Var) ad.Var {
	r, m := x.Shape()
	k := bijCorrRoot(m)
	xv := x.Value()
	t := x.Tape()
	y := t.Buffer(r * k * k)
	clear(y)
	th := t.Buffer(r * m) // tanh x
	dd := t.Buffer(r * m) // ∂y_il/∂x_il = Π_{j<l} sech(x_ij) · sech²(x_il)
	for row := 0; row < r; row++ {
		xr, ym := xv[row*m:(row+1)*m], y[row*k*k:(row+1)*k*k]
		for i := 0; i < k; i++ {
			var logP float64
			for l := 0; l < i; l++ {
				p := bijCorrPos(i, l)
				tv, ls, s2 := bijTanhParts(xr[p])
				pl := math.Exp(logP)
				ym[i*k+l] = tv * pl
				th[row*m+p] = tv
				dd[row*m+p] = pl * s2
				logP += ls
			}
			ym[i*k+i] = math.Exp(logP)
		}
	}
	// For row i: ∂y_ij/∂x_il = -tanh(x_il) y_ij for l < j <= i, and the
	// stored dd for j = l.
	vjp := func(g []float64, in ad.Adjoints) {
		gx := in.Of(0)
		if gx == nil {
			return
		}
		for row := 0; row < r; row++ {
			o := row * k * k
			for i := 1; i < k; i++ {
				s := g[o+i*k+i] * y[o+i*k+i] // Σ_{j>l} g_ij y_ij
				for l := i - 1; l >= 0; l-- {
					p := row*m + bijCorrPos(i, l)
					gij := g[o+i*k+l]
					gx[p] += gij*dd[p] - th[p]*s
					s += gij * y[o+i*k+l]
				}
			}
		}
	}
	return ad.Custom(r, k*k, y, vjp, x)
}

// Inverse recovers x_il = atanh(z_il) with z_il = y_il / sqrt(S_il),
// S_il = Σ_{j=l..i} y_ij² (the remaining squared norm as a suffix sum), and
// atanh(z) = sign(z) (log1p|z| - ½ log(S_{i,l+1}/S_il)), which keeps its
// accuracy for |z| near 1. The entries above the diagonal are ignored.
func (CorrCholesky) Inverse(y ad.Var) ad.Var {
	r, c := y.Shape()
	k := bijSqRoot("CorrCholesky", c)
	m := k * (k - 1) / 2
	yv := y.Value()
	t := y.Tape()
	x := t.Buffer(r * m)
	suf := t.Buffer(r * c) // suf[o+i*k+l] = S_il
	for row := 0; row < r; row++ {
		o := row * c
		for i := 0; i < k; i++ {
			var s float64
			for l := i; l >= 0; l-- {
				v := yv[o+i*k+l]
				s += v * v
				suf[o+i*k+l] = s
			}
			for l := 0; l < i; l++ {
				sl, sn := suf[o+i*k+l], suf[o+i*k+l+1]
				z := yv[o+i*k+l] / math.Sqrt(sl)
				a := math.Log1p(math.Abs(z)) - 0.5*(math.Log(sn)-math.Log(sl))
				x[row*m+bijCorrPos(i, l)] = math.Copysign(a, z)
			}
		}
	}
	// ∂x_il/∂y_il = 1/sqrt(S_il); ∂x_il/∂y_ij = -y_il y_ij /
	// (S_{i,l+1} sqrt(S_il)) for l < j <= i.
	vjp := func(g []float64, in ad.Adjoints) {
		gy := in.Of(0)
		if gy == nil {
			return
		}
		for row := 0; row < r; row++ {
			o := row * c
			for i := 1; i < k; i++ {
				var p float64 // Σ_{l<j} g_l y_il / (S_{i,l+1} sqrt(S_il))
				for j := 0; j <= i; j++ {
					yij := yv[o+i*k+j]
					gy[o+i*k+j] -= yij * p
					if j < i {
						gl := g[row*m+bijCorrPos(i, j)]
						sl := math.Sqrt(suf[o+i*k+j])
						gy[o+i*k+j] += gl / sl
						p += gl * yij / (suf[o+i*k+j+1] * sl)
					}
				}
			}
		}
	}
	return ad.Custom(r, m, x, vjp, y)
}

// LogDetJacobian returns log |det| of the Jacobian of x onto the strictly
// lower triangle of y. It is triangular row by row with diagonal entries
// Π_{j<l} sech(x_ij) · sech²(x_il), so log |det J| = Σ_{l<i}
// (1 + (i-1-l)/2) log sech²(x_il): torch's ½ Σ log(1 - Σ_{j<l} y_ij²) plus
// the tanh terms, collected per unconstrained value.
func (CorrCholesky) LogDetJacobian(x, _ ad.Var) ad.Var {
	r, m := x.Shape()
	k := bijCorrRoot(m)
	f := ad.NewFused(r, m, ad.ReduceCols, x)
	out, px := f.Out(), f.Partial(0)
	xv := x.Value()
	for row := 0; row < r; row++ {
		var acc float64
		for i := 1; i < k; i++ {
			for l := 0; l < i; l++ {
				p := row*m + bijCorrPos(i, l)
				w := 1 + float64(i-1-l)/2
				tv, ls, _ := bijTanhParts(xv[p])
				acc += 2 * w * ls
				if px != nil {
					px[p] = -2 * w * tv
				}
			}
		}
		out[row] = acc
	}
	return f.Var()
}

// bijCorrRoot returns K with K(K-1)/2 = m.
func bijCorrRoot(m int) int {
	k := int(math.Round((1 + math.Sqrt(8*float64(m)+1)) / 2))
	if k < 1 || k*(k-1)/2 != m {
		panic(fmt.Sprintf("dist: CorrCholesky: width %d is not K(K-1)/2", m))
	}
	return k
}

// ForwardDim returns K*K for c = K(K-1)/2; it panics if c has no such K.
func (CorrCholesky) ForwardDim(c int) int { k := bijCorrRoot(c); return k * k }

// InverseDim returns K(K-1)/2 for c = K*K; it panics if c is not a square.
func (CorrCholesky) InverseDim(c int) int { k := bijSqRoot("CorrCholesky", c); return k * (k - 1) / 2 }

// String implements Bijector.
func (CorrCholesky) String() string { return "CorrCholesky" }

// OrderedVector is the set of rows with strictly increasing finite
// entries, the image of Ordered.
type OrderedVector struct{}

// String implements Support.
func (OrderedVector) String() string { return "ordered_vector" }

// Discrete implements Support.
func (OrderedVector) Discrete() bool { return false }

// Bijector implements Support.
func (OrderedVector) Bijector() Bijector { return Ordered{} }

// Check implements Support.
func (s OrderedVector) Check(x ad.Var) error {
	return checkIncreasingRows(s, x, math.Inf(-1))
}

// PositiveOrderedVector is the set of rows with strictly increasing
// positive finite entries, the image of PositiveOrdered.
type PositiveOrderedVector struct{}

// String implements Support.
func (PositiveOrderedVector) String() string { return "positive_ordered_vector" }

// Discrete implements Support.
func (PositiveOrderedVector) Discrete() bool { return false }

// Bijector implements Support.
func (PositiveOrderedVector) Bijector() Bijector { return PositiveOrdered{} }

// Check implements Support.
func (s PositiveOrderedVector) Check(x ad.Var) error {
	return checkIncreasingRows(s, x, 0)
}

// checkIncreasingRows checks that each row is finite and increases strictly
// from above lower.
func checkIncreasingRows(s Support, x ad.Var, lower float64) error {
	r, c := x.Shape()
	xv := x.Value()
	for i := 0; i < r; i++ {
		prev := lower
		for j, v := range xv[i*c : (i+1)*c] {
			if !(v > prev) || math.IsInf(v, 1) {
				return fmt.Errorf("dist: row %d is outside the support %s: element %d = %v after %v", i, s, j, v, prev)
			}
			prev = v
		}
	}
	return nil
}
