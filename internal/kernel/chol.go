package kernel

import "math"

// Block kernels of the interleaved batched Cholesky factorization and
// triangular solve (linalg.CholeskyBatch, the MultivariateNormal KL).
//
// A group of Lanes matrices is stored interleaved: element (i, j) of
// lane l is at i*s + j*Lanes + l for a row stride s (a multiple of
// Lanes), so that one vector register holds the same element of Lanes
// matrices and the scalar algorithm runs unchanged, lane-parallel, with
// no horizontal reduction (the batched layout of Dongarra et al. 2017,
// "Optimized batched linear algebra for modern architectures", Euro-Par,
// where a group of small matrices is factored with SIMD lanes across the
// batch). Each kernel works on a 4 x 4 block: a product update over k
// columns held in 16 accumulators (one FMA chain per element, in the
// order p = 0, 1, ..., k-1), then a small triangular step. Every path
// (AVX-512, pure Go) does the same operations in the same order, so all
// paths give identical bits.

// Lanes is the number of matrices in an interleaved group.
const Lanes = 8

// cholAsm is true when the block kernels run in assembly (AVX-512), and
// trilAsm when TrilOK does (AVX-512 DQ).
var cholAsm, trilAsm bool

// BatchAsm reports whether the block kernels and copies of this file run
// in assembly on this CPU and build. Only then are the interleaved
// grouped paths worth taking: the pure-Go kernels (the reference the
// assembly is tested against) are slower than per-matrix code.
func BatchAsm() bool { return cholAsm }

// CholOff computes the off-diagonal 4 x 4 block L_IJ (I below J) of a
// left-looking blocked Cholesky factorization of a group: with a the
// first element of rows I (columns 0..k-1 are L_I's finished columns), b
// that of rows J (k = the first column of J, the 4 x 4 factor L_JJ at
// columns k..k+3), c the block A_IJ (overwritten by L_IJ) and inv the
// reciprocals of L_JJ's diagonal (4 x Lanes values),
//
//	C = (A_IJ - L_I,<k L_J,<kᵀ) L_JJ⁻ᵀ, by columns, multiplying by inv.
//
// s is the row stride; every slice must reach its last element.
func CholOff(k int, a, b, c []float64, s int, inv []float64) {
	checkBlock("CholOff", k, s, a, b, c, inv, 3*s+k*Lanes, 3*s+(k+4)*Lanes)
	if cholAsm {
		cholOffAsm(k, &a[0], &b[0], &c[0], s, &inv[0])
		return
	}
	cholOffGo(k, a, b, c, s, inv)
}

// CholDiag factors the diagonal 4 x 4 block of rows I: a is the first
// element of rows I (k finished columns), c the block A_II (its lower
// triangle overwritten by L_II; the strictly upper part is not touched),
// inv receives the reciprocals of L_II's diagonal:
//
//	L_II = chol(A_II - L_I,<k L_I,<kᵀ).
//
// A pivot that is not positive gives a NaN (or zero, or +Inf) diagonal,
// which the caller checks.
func CholDiag(k int, a, c []float64, s int, inv []float64) {
	checkBlock("CholDiag", k, s, a, a, c, inv, 3*s+k*Lanes, 3*s+k*Lanes)
	if cholAsm {
		cholDiagAsm(k, &a[0], &c[0], s, &inv[0])
		return
	}
	cholDiagGo(k, a, c, s, inv)
}

// TrsmLower computes the 4 x 4 block X_IJ of X = T⁻¹ F for lower
// triangular T, by block rows: a is T's element (I, K0) (rows I, columns
// K0..K0+k-1, then the diagonal block T_II at columns K0+k..K0+k+3), b
// X's element (K0, J) (rows K0..K0+k-1 already solved, columns J), c the
// block F_IJ (overwritten by X_IJ) and inv the reciprocals of T_II's
// diagonal:
//
//	X_IJ = T_II⁻¹ (F_IJ - T_I,K X_K,J), by rows, multiplying by inv.
//
// sa is the row stride of T (a), s that of X (b) and F (c); T may be
// stored apart from X, in a layout of its own.
func TrsmLower(k int, a []float64, sa int, b, c []float64, s int, inv []float64) {
	checkBlock("TrsmLower", k, s, a, b, c, inv, 3*sa+(k+4)*Lanes, max(k-1, 0)*s+4*Lanes)
	checkStride("TrsmLower", sa, k)
	if cholAsm {
		trsmLowerAsm(k, &a[0], sa, &b[0], &c[0], s, &inv[0])
		return
	}
	trsmLowerGo(k, a, sa, b, c, c, s, inv, false)
}

// checkStride panics unless sa is a row stride of T's rows: a multiple of
// Lanes that holds the k + 4 columns a kernel reads.
func checkStride(name string, sa, k int) {
	if sa < (k+4)*Lanes || sa%Lanes != 0 {
		panic("kernel: " + name + ": bad stride of a")
	}
}

// TrsmLowerSub is TrsmLower with F_IJ = F - T_IJ, F being the 4 x 4 block
// at f (row stride sa, like T; f may be c when sa = s) and T_IJ the 4 x 4
// block of T at a (columns K0..K0+3; here K0 = J): with
// F = L₁ and T = L₂ it solves for L₂⁻¹(L₁ - L₂) without forming the
// difference first, and without copying L₁ into the result. The
// subtraction is exact where the factors agree and rounded once otherwise,
// as a separate subtraction would be.
func TrsmLowerSub(k int, a []float64, sa int, b, f, c []float64, s int, inv []float64) {
	checkBlock("TrsmLowerSub", k, s, a, b, c, inv, 3*sa+(k+4)*Lanes, max(k-1, 0)*s+4*Lanes)
	checkStride("TrsmLowerSub", sa, k)
	if len(f) < 3*sa+4*Lanes {
		panic("kernel: TrsmLowerSub: bad block arguments")
	}
	if cholAsm {
		trsmLowerSubAVX512(k, &a[0], sa, &b[0], &f[0], &c[0], s, &inv[0])
		return
	}
	trsmLowerGo(k, a, sa, b, f, c, s, inv, true)
}

func checkBlock(name string, k, s int, a, b, c, inv []float64, na, nb int) {
	if k < 0 || s < 4*Lanes || s%Lanes != 0 || len(a) < max(na, 1) || len(b) < max(nb, 1) || len(c) < 3*s+4*Lanes || len(inv) < 4*Lanes {
		panic("kernel: " + name + ": bad block arguments")
	}
}

func cholOffGo(k int, a, b, c []float64, s int, inv []float64) {
	for l := 0; l < Lanes; l++ {
		var acc [4][4]float64
		for r := range 4 {
			for q := range 4 {
				acc[r][q] = c[r*s+q*Lanes+l]
			}
		}
		for p := 0; p < k; p++ {
			o := p*Lanes + l
			for r := range 4 {
				ar := a[r*s+o]
				for q := range 4 {
					acc[r][q] = math.FMA(-ar, b[q*s+o], acc[r][q])
				}
			}
		}
		for q := range 4 {
			for r := range 4 {
				v := acc[r][q]
				for t := 0; t < q; t++ {
					v = math.FMA(-acc[r][t], b[q*s+(k+t)*Lanes+l], v)
				}
				acc[r][q] = v * inv[q*Lanes+l]
			}
		}
		for r := range 4 {
			for q := range 4 {
				c[r*s+q*Lanes+l] = acc[r][q]
			}
		}
	}
}

func cholDiagGo(k int, a, c []float64, s int, inv []float64) {
	for l := 0; l < Lanes; l++ {
		var acc [4][4]float64
		for r := range 4 {
			for q := 0; q <= r; q++ {
				acc[r][q] = c[r*s+q*Lanes+l]
			}
		}
		for p := 0; p < k; p++ {
			o := p*Lanes + l
			for r := range 4 {
				ar := a[r*s+o]
				for q := 0; q <= r; q++ {
					acc[r][q] = math.FMA(-ar, a[q*s+o], acc[r][q])
				}
			}
		}
		for r := range 4 {
			for q := 0; q < r; q++ {
				v := acc[r][q]
				for t := 0; t < q; t++ {
					v = math.FMA(-acc[r][t], acc[q][t], v)
				}
				acc[r][q] = v * inv[q*Lanes+l]
			}
			v := acc[r][r]
			for t := 0; t < r; t++ {
				v = math.FMA(-acc[r][t], acc[r][t], v)
			}
			v = math.Sqrt(v)
			acc[r][r] = v
			inv[r*Lanes+l] = 1 / v
		}
		for r := range 4 {
			for q := 0; q <= r; q++ {
				c[r*s+q*Lanes+l] = acc[r][q]
			}
		}
	}
}

func trsmLowerGo(k int, a []float64, sa int, b, f, c []float64, s int, inv []float64, sub bool) {
	// f has row stride sa when sub is set (F = f - T_IJ), and is c (row
	// stride s) otherwise.
	sf := s
	if sub {
		sf = sa
	}
	for l := 0; l < Lanes; l++ {
		var acc [4][4]float64
		for r := range 4 {
			for q := range 4 {
				acc[r][q] = f[r*sf+q*Lanes+l]
				if sub {
					acc[r][q] -= a[r*sa+q*Lanes+l]
				}
			}
		}
		for p := 0; p < k; p++ {
			for r := range 4 {
				ar := a[r*sa+p*Lanes+l]
				for q := range 4 {
					acc[r][q] = math.FMA(-ar, b[p*s+q*Lanes+l], acc[r][q])
				}
			}
		}
		for r := range 4 {
			for q := range 4 {
				v := acc[r][q]
				for t := 0; t < r; t++ {
					v = math.FMA(-a[r*sa+(k+t)*Lanes+l], acc[t][q], v)
				}
				acc[r][q] = v * inv[r*Lanes+l]
			}
		}
		for r := range 4 {
			for q := range 4 {
				c[r*s+q*Lanes+l] = acc[r][q]
			}
		}
	}
}

// Interleave copies rows 0..n-1 of Lanes row-major matrices with d
// columns into the interleaved buffer buf (row stride s): matrix l is
// src[off[l]:], and buf[i*s+j*Lanes+l] = src[off[l]+i*d+j] for i < n,
// j < d.
func Interleave(buf, src []float64, off *[Lanes]int, d, n, s int) {
	interleave("Interleave", true, false, buf, src, off, d, n, s)
}

// InterleaveLower is Interleave for lower-triangular matrices: row i is
// copied only up to column min(d, 8(⌊i/8⌋+1)) - 1, which includes the
// diagonal; the rest of buf is not written.
func InterleaveLower(buf, src []float64, off *[Lanes]int, d, n, s int) {
	interleave("InterleaveLower", true, true, buf, src, off, d, n, s)
}

// Deinterleave is the inverse copy of Interleave: src[off[l]+i*d+j] =
// buf[i*s+j*Lanes+l] for i < n, j < d. The offsets must not make the
// matrices overlap.
func Deinterleave(src []float64, off *[Lanes]int, buf []float64, d, n, s int) {
	interleave("Deinterleave", false, false, buf, src, off, d, n, s)
}

// DeinterleaveLower is Deinterleave for the columns InterleaveLower
// copies; the rest of src is not written.
func DeinterleaveLower(src []float64, off *[Lanes]int, buf []float64, d, n, s int) {
	interleave("DeinterleaveLower", false, true, buf, src, off, d, n, s)
}

func interleave(name string, in, lower bool, buf, src []float64, off *[Lanes]int, d, n, s int) {
	idx := checkInterleave(name, buf, src, off, d, n, s)
	asm := cholAsm && d >= 8 && n > 0
	if asm {
		switch {
		case in && lower:
			interleaveLowerAVX512(&buf[0], &src[0], &idx[0], d, n, s)
		case in:
			interleaveAVX512(&buf[0], &src[0], &idx[0], d, n, s)
		case lower:
			deinterleaveLowerAVX512(&buf[0], &src[0], &idx[0], d, n, s)
		default:
			deinterleaveAVX512(&buf[0], &src[0], &idx[0], d, n, s)
		}
	}
	for i := 0; i < n; i++ {
		lim := d
		if lower {
			lim = min(d, (i/8+1)*8)
		}
		j0 := 0
		if asm {
			j0 = min(d&^7, lim)
		}
		if j0 == lim {
			continue
		}
		for l, o := range off {
			row, m := buf[i*s:], src[o+i*d:o+i*d+d]
			if in {
				for j := j0; j < lim; j++ {
					row[j*Lanes+l] = m[j]
				}
			} else {
				for j := j0; j < lim; j++ {
					m[j] = row[j*Lanes+l]
				}
			}
		}
	}
}

func checkInterleave(name string, buf, src []float64, off *[Lanes]int, d, n, s int) [Lanes]int64 {
	if d < 1 || n < 0 || s < d*Lanes || (n > 0 && len(buf) < (n-1)*s+d*Lanes) {
		panic("kernel: " + name + ": bad arguments")
	}
	var idx [Lanes]int64
	for l, o := range off {
		if o < 0 || o+n*d > len(src) {
			panic("kernel: " + name + ": matrix outside src")
		}
		idx[l] = int64(o) * 8
	}
	return idx
}

// SymLower replaces the strictly lower part of the interleaved d x d
// matrices in buf (row stride s) by their symmetric part,
// buf_ij = 0.5*(buf_ij + buf_ji) for j < i, and sets the strictly upper
// part to zero. sym[l] reports whether matrix l was exactly symmetric
// with finite entries.
func SymLower(buf []float64, d, s int, sym *[Lanes]bool) {
	if d < 1 || s < d*Lanes || len(buf) < (d-1)*s+d*Lanes {
		panic("kernel: SymLower: bad arguments")
	}
	var asym [Lanes]float64
	if cholAsm && d%8 == 0 {
		symLowerTiledAVX512(&buf[0], d, s, &asym[0])
	} else if cholAsm {
		symLowerAVX512(&buf[0], d, s, &asym[0])
	} else {
		for i := 0; i < d; i++ {
			x := buf[i*s+i*Lanes : i*s+i*Lanes+Lanes]
			for l, v := range x {
				asym[l] += v - v
			}
		}
		for i := 1; i < d; i++ {
			for j := 0; j < i; j++ {
				x, y := buf[i*s+j*Lanes:i*s+j*Lanes+Lanes], buf[j*s+i*Lanes:j*s+i*Lanes+Lanes]
				for l := range x {
					asym[l] += math.Abs(x[l] - y[l])
					x[l] = 0.5 * (x[l] + y[l])
					y[l] = 0
				}
			}
		}
	}
	for l, a := range asym {
		sym[l] = a == 0
	}
}

// SumSqLower sets out[l] to the sum of squares of the strictly lower
// part of interleaved matrix l in buf (row stride s), accumulated by one
// FMA chain in row order.
func SumSqLower(out *[Lanes]float64, buf []float64, d, s int) {
	if d < 1 || s < d*Lanes || len(buf) < (d-1)*s+d*Lanes {
		panic("kernel: SumSqLower: bad arguments")
	}
	if cholAsm {
		sumSqLowerAVX512(&out[0], &buf[0], d, s)
		return
	}
	*out = [Lanes]float64{}
	for i := 1; i < d; i++ {
		for j := 0; j < i; j++ {
			x := buf[i*s+j*Lanes : i*s+j*Lanes+Lanes]
			for l, v := range x {
				out[l] = math.FMA(v, v, out[l])
			}
		}
	}
}

// TrilOK reports whether the d x d row-major matrix m (d*d values) is
// lower triangular with finite entries and a positive diagonal: every
// entry on or below the diagonal finite, every entry above it zero (of
// either sign), every diagonal entry > 0. Branch-free over the entries
// (AVX-512 for d a multiple of 8), then the d diagonal entries.
func TrilOK(m []float64, d int) bool {
	m = m[:d*d]
	if d == 0 {
		return true
	}
	if trilAsm && d%8 == 0 {
		if !trilOKAVX512(&m[0], d) {
			return false
		}
	} else {
		// e + 2^52 has bit 63 set exactly when e is the all-ones exponent.
		const expMask, sign = 0x7FF0000000000000, 1 << 63
		var nonfin, up uint64
		for i := 0; i < d; i++ {
			row := m[i*d : (i+1)*d]
			for _, v := range row[:i+1] {
				nonfin |= math.Float64bits(v)&expMask + 1<<52
			}
			for _, v := range row[i+1:] {
				up |= math.Float64bits(v) &^ sign
			}
		}
		if nonfin&sign != 0 || up != 0 {
			return false
		}
	}
	for i := 0; i < d; i++ {
		if !(m[i*d+i] > 0) {
			return false
		}
	}
	return true
}
