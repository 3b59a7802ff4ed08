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

// Packed layout: the interleaved factors of a group stored by block rows
// of 4 rows, block row I holding columns 0..4I+3 of its rows (the lower
// triangle and the diagonal block, nothing to its right), row stride
// (4I+4)*GroupLanes, block row I+1 right after block row I. It holds
// about half the values of the square layout.

// PackedLen returns the length of the packed factors of a group of order
// d.
func PackedLen(d int) int {
	p := padOrder(d) / 4
	return 8 * GroupLanes * p * (p + 1)
}

// PackedRow returns where block row bi of a group's packed factors starts
// and its row stride.
func PackedRow(bi int) (off, stride int) {
	return 8 * GroupLanes * bi * (bi + 1), (4*bi + 4) * GroupLanes
}

// CholeskyGroupPacked is CholeskyGroup leaving the factors interleaved in
// the packed layout (PackedRow): dst (PackedLen(d) values, zero on entry)
// receives element (i, j) of matrix m's factor, for j <= i < d, at
// column j of row i%4 of block row i/4, lane m; the identity in the
// padding rows (from d up to d rounded up to a multiple of 4), zero
// everywhere else. Lanes from n on hold matrix 0's factor; the lane of a matrix that is not positive definite (ok[m]
// false) holds undefined values. work must hold CholeskyGroupWork(d)
// values.
func CholeskyGroupPacked(dst, src []float64, n, d int, ok, sym []bool, work []float64) {
	const w = GroupLanes
	if n < 1 || n > w || len(src) < n*d*d || len(dst) < PackedLen(d) || len(ok) < n || (sym != nil && len(sym) < n) || len(work) < CholeskyGroupWork(d) {
		panic("linalg: CholeskyGroupPacked: bad arguments")
	}
	dp := padOrder(d)
	s := dp * w
	buf := work[:dp*s]
	factorGroup(buf, work[dp*s:dp*s+dp*w], src, n, d, s, ok, sym)
	for i := 0; i < dp; i++ {
		// Row i up to its diagonal; the rest of its packed row stays zero.
		off, st := PackedRow(i / 4)
		o := off + (i%4)*st
		copy(dst[o:o+(i+1)*w], buf[i*s:i*s+(i+1)*w])
	}
}

// DeinterleavePacked writes the n factors of packed group factors (from
// CholeskyGroupPacked) row-major into dst (n*d*d values, zero on entry),
// one after the other; work must hold CholeskyGroupWork(d) values.
func DeinterleavePacked(dst, packed []float64, n, d int, work []float64) {
	const w = GroupLanes
	if n < 1 || n > w || len(dst) < n*d*d || len(packed) < PackedLen(d) || len(work) < CholeskyGroupWork(d) {
		panic("linalg: DeinterleavePacked: bad arguments")
	}
	dp := padOrder(d)
	s := dp * w
	buf := work[:dp*s]
	clear(buf)
	for i := 0; i < d; i++ {
		off, st := PackedRow(i / 4)
		o := off + (i%4)*st
		copy(buf[i*s:i*s+(i+1)*w], packed[o:o+(i+1)*w])
	}
	off := groupOffsets(n, d)
	kernel.DeinterleaveLower(dst, &off, buf, d, d, s)
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
