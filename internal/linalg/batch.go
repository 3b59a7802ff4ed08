package linalg

import (
	"math"

	"github.com/kldiv/kldiv/internal/kernel"
)

// Batched factorization: groups of kernel.Lanes matrices are copied into
// an interleaved buffer (element (i, j) of the group's matrices side by
// side) and factored together by the blocked left-looking algorithm of
// kernel.CholOff and kernel.CholDiag, one SIMD lane per matrix. The order
// is padded to a multiple of 4 with an identity block, and the lanes of a
// short group repeat its first matrix; neither changes the real entries.

// GroupLanes is the number of matrices CholeskyGroup factors at once.
const GroupLanes = kernel.Lanes

// GroupFast reports whether CholeskyGroup runs on assembly kernels here
// (kernel.BatchAsm); callers use the grouped paths only then.
func GroupFast() bool { return kernel.BatchAsm() }

// GroupMinRows is the number of matrices from which callers use
// CholeskyGroup: a group costs about four per-matrix factorizations
// (CholeskySym), whatever the number of its matrices.
const GroupMinRows = 4

// GroupMaxOrder is the largest order for which callers use CholeskyGroup
// (its buffer holds GroupLanes whole matrices: 1 MB at this order);
// beyond it the per-matrix CholeskySym (LAPACK's blocked dpotrf) is the
// better choice.
const GroupMaxOrder = 128

// padOrder returns d rounded up to a multiple of 4.
func padOrder(d int) int { return (d + 3) &^ 3 }

// CholeskyGroupWork returns the length of the work slice CholeskyGroup
// needs for order d.
func CholeskyGroupWork(d int) int {
	dp := padOrder(d)
	return dp*dp*GroupLanes + dp*GroupLanes
}

// CholeskyGroup factors the n <= GroupLanes d x d matrices held one after
// the other in src (row-major, d*d values each) like CholeskySym: the
// lower Cholesky factor of each matrix's symmetric part ½(A + Aᵀ) goes to
// the same place in dst (strictly upper part zero), and ok[m] reports
// whether matrix m is numerically positive definite (every pivot positive
// and finite; when it is not, its dst values are undefined). work must
// hold CholeskyGroupWork(d) values. The result does not depend on n or on
// a matrix's position in the group.
//
// sym, when not nil, receives whether each matrix is exactly symmetric
// with finite entries (the check costs nothing extra). zeroed says that
// dst is zero on entry: then the strictly upper part is left as it is
// beyond the 8-column chunk holding the diagonal, which saves writing it.
func CholeskyGroup(dst, src []float64, n, d int, ok, sym []bool, work []float64, zeroed bool) {
	const w = GroupLanes
	if n < 1 || n > w || len(src) < n*d*d || len(dst) < n*d*d || len(ok) < n || (sym != nil && len(sym) < n) {
		panic("linalg: CholeskyGroup: bad arguments")
	}
	dp := padOrder(d)
	s := dp * w
	buf := work[:dp*s]
	factorGroup(buf, work[dp*s:dp*s+dp*w], src, n, d, s, ok, sym)
	off := groupOffsets(n, d)
	if zeroed {
		kernel.DeinterleaveLower(dst, &off, buf, d, d, s)
	} else {
		kernel.Deinterleave(dst, &off, buf, d, d, s)
	}
}

// GroupStride returns the row stride of the interleaved factors that
// CholeskyGroupInterleaved writes for order d: the padded order and 4
// more columns, GroupLanes values each (the extra block of columns is
// where a triangular solve can keep a right-hand side).
func GroupStride(d int) int { return (padOrder(d) + 4) * GroupLanes }

// GroupLen returns the length of the buffer CholeskyGroupInterleaved
// fills for order d: PadOrder(d) rows of GroupStride(d) values.
func GroupLen(d int) int { return padOrder(d) * GroupStride(d) }

// PadOrder returns d rounded up to a multiple of 4, the order of the
// interleaved factors.
func PadOrder(d int) int { return padOrder(d) }

// CholeskyGroupInterleaved is CholeskyGroup leaving the factors in the
// interleaved layout the group kernels work in: buf (GroupLen(d) values,
// zero on entry) receives element (i, j) of matrix m's factor at
// buf[i*GroupStride(d) + j*GroupLanes + m] for j <= i < d, the identity
// in rows and columns d..PadOrder(d)-1, and zero everywhere else; lanes
// from n on hold matrix 0's factor. The lane of a matrix that is not
// positive definite (ok[m] false) holds undefined values. inv (PadOrder(d)*GroupLanes values)
// is scratch. DeinterleaveGroup writes the factors out row-major.
func CholeskyGroupInterleaved(buf, src []float64, n, d int, ok, sym []bool, inv []float64) {
	const w = GroupLanes
	if n < 1 || n > w || len(src) < n*d*d || len(buf) < GroupLen(d) || len(ok) < n || (sym != nil && len(sym) < n) || len(inv) < padOrder(d)*w {
		panic("linalg: CholeskyGroupInterleaved: bad arguments")
	}
	factorGroup(buf, inv, src, n, d, GroupStride(d), ok, sym)
}

// DeinterleaveGroup writes the n factors of a buffer filled by
// CholeskyGroupInterleaved row-major into dst (n*d*d values, zero on
// entry), one after the other.
func DeinterleaveGroup(dst, buf []float64, n, d int) {
	if n < 1 || n > GroupLanes || len(dst) < n*d*d || len(buf) < GroupLen(d) {
		panic("linalg: DeinterleaveGroup: bad arguments")
	}
	off := groupOffsets(n, d)
	kernel.DeinterleaveLower(dst, &off, buf, d, d, GroupStride(d))
}

// groupOffsets returns the offsets of n matrices of order d held one after
// the other; lanes from n on repeat matrix 0 (and rewrite its result with
// the same bits: the lanes are independent).
func groupOffsets(n, d int) [GroupLanes]int {
	var off [GroupLanes]int
	for l := range n {
		off[l] = l * d * d
	}
	return off
}

// factorGroup interleaves the n matrices of src into buf (row stride s),
// replaces them by the lower Cholesky factors of their symmetric parts,
// padded to order padOrder(d) with the identity, and sets ok and sym (see
// CholeskyGroup); inv (padOrder(d)*GroupLanes values) is scratch. What
// buf holds outside the factors' lower triangles and the padding rows up
// to their diagonal is left as it was, except for the strictly upper part
// of the first d columns, which becomes zero.
func factorGroup(buf, inv, src []float64, n, d, s int, ok, sym []bool) {
	const w = GroupLanes
	dp := padOrder(d)
	off := groupOffsets(n, d)
	kernel.Interleave(buf, src, &off, d, d, s)
	var isSym [w]bool
	kernel.SymLower(buf, d, s, &isSym)
	if sym != nil {
		copy(sym[:n], isSym[:n])
	}
	for i := d; i < dp; i++ {
		row := buf[i*s : i*s+(i+1)*w]
		clear(row)
		for l := 0; l < w; l++ {
			row[i*w+l] = 1
		}
	}
	for i0 := 0; i0 < dp; i0 += 4 {
		ri := buf[i0*s:]
		for j0 := 0; j0 < i0; j0 += 4 {
			kernel.CholOff(j0, ri, buf[j0*s:], ri[j0*w:], s, inv[j0*w:])
		}
		kernel.CholDiag(i0, ri, ri[i0*w:], s, inv[i0*w:])
	}
	for m := 0; m < n; m++ {
		good := true
		for i := 0; i < d; i++ {
			v := buf[i*s+i*w+m]
			good = good && v > 0 && v <= math.MaxFloat64
		}
		ok[m] = good
	}
}
