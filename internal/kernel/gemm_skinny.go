package kernel

import "math"

// The skinny path of Dgemm, for products with few rows (m <= skinnyMaxM):
// the particles x parameters products of variational inference, such as
// the logits W Xᵀ of a logistic regression with S weight draws (S x N by
// an N x D design) and their gradient G X. The packed path would copy
// (and for Xᵀ transpose) the large operand once per product, which costs
// more than the product itself when m is small. The skinny path computes
// Cᵀ = op(B)ᵀ op(A)ᵀ instead: op(B)ᵀ, the large operand, is read in place
// by the micro-kernel (its elements broadcast from memory, whether B is
// stored transposed or not), op(A)ᵀ is packed into k x 8 panels (m k
// values, few), and each 16 x 8 tile of Cᵀ is transposed in registers and
// folded into C. Each element is the same FMA chain over each block of
// gemmKC steps as on the packed path, folded into C in the same order, so
// the two paths give identical bits.
const (
	skinnyMaxM = 16
	skinnyMR   = 16
	skinnyNR   = 8
)

// skinnyMicro is a skinny micro-kernel: rows reads a'(i, p) = a[i*lda+p],
// cols reads a'(i, p) = a[p*lda+i]; both add alpha times the 16 x 8
// product of a' and the packed k x 8 panel b into c transposed
// (c[s*ldc+i]).
type skinnyMicro struct {
	name       string
	rows, cols func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64)
	// nnRows and nnCols add alpha times the 8 x 16 product of a'(s, p)
	// (a[s*lda+p], a[p*lda+s]) and b[p*ldb+j] into c[s*ldc+j], for the
	// columns whose bits are set in m0 (j < 8) and m1 (j >= 8).
	nnRows, nnCols func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64, m0, m1 uint32)
	// rowsD and colsD are rows and cols storing the tile directly,
	// c[i*ldc+s], for products with few columns.
	rowsD, colsD func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64)
}

// goSkinny holds the pure-Go skinny kernels: the reference the tests
// check the assembly against (goMicro itself takes the packed path).
var goSkinny = skinnyMicro{
	name: "go",
	rows: func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64) {
		skinnyGo(k, a, lda, 1, b, c, ldc, 1, alpha)
	},
	cols: func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64) {
		skinnyGo(k, a, 1, lda, b, c, ldc, 1, alpha)
	},
	rowsD: func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64) {
		skinnyGo(k, a, lda, 1, b, c, 1, ldc, alpha)
	},
	colsD: func(k int, a *float64, lda int, b, c *float64, ldc int, alpha float64) {
		skinnyGo(k, a, 1, lda, b, c, 1, ldc, alpha)
	},
	nnRows: func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64, m0, m1 uint32) {
		skinnyNNGo(k, a, lda, 1, b, ldb, c, ldc, alpha, m0|m1<<8)
	},
	nnCols: func(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha float64, m0, m1 uint32) {
		skinnyNNGo(k, a, 1, lda, b, ldb, c, ldc, alpha, m0|m1<<8)
	},
}

// skinnyNNGo is the pure-Go in-place micro-kernel, a'(s, p) = a[s*ri+p*rp],
// for the columns j < 16 whose bit is set in mask.
func skinnyNNGo(k int, a *float64, ri, rp int, b *float64, ldb int, c *float64, ldc int, alpha float64, mask uint32) {
	nw := 0
	for mask>>nw&1 == 1 {
		nw++
	}
	as := unsafeSlice(a, 7*ri+(k-1)*rp+1)
	bs := unsafeSlice(b, (k-1)*ldb+nw)
	cs := unsafeSlice(c, 7*ldc+nw)
	for s := 0; s < skinnyNR; s++ {
		for j := 0; j < nw; j++ {
			var acc float64
			for p := 0; p < k; p++ {
				acc = math.FMA(as[s*ri+p*rp], bs[p*ldb+j], acc)
			}
			cs[s*ldc+j] = math.FMA(alpha, acc, cs[s*ldc+j])
		}
	}
}

// skinnyGo is the pure-Go skinny micro-kernel with a'(i, p) =
// a[i*ri+p*rp], element (i, s) folded into c[s*cs+i*ci]; math.FMA makes
// its bits those of the assembly kernels.
func skinnyGo(k int, a *float64, ri, rp int, b, c *float64, cs, ci int, alpha float64) {
	as := unsafeSlice(a, (skinnyMR-1)*ri+(k-1)*rp+1)
	bs := unsafeSlice(b, skinnyNR*k)
	cc := unsafeSlice(c, (skinnyNR-1)*cs+(skinnyMR-1)*ci+1)
	for i := 0; i < skinnyMR; i++ {
		var c0, c1, c2, c3, c4, c5, c6, c7 float64
		for p := 0; p < k; p++ {
			av := as[i*ri+p*rp]
			bp := bs[8*p : 8*p+8 : 8*p+8]
			c0, c1, c2, c3 = math.FMA(av, bp[0], c0), math.FMA(av, bp[1], c1), math.FMA(av, bp[2], c2), math.FMA(av, bp[3], c3)
			c4, c5, c6, c7 = math.FMA(av, bp[4], c4), math.FMA(av, bp[5], c5), math.FMA(av, bp[6], c6), math.FMA(av, bp[7], c7)
		}
		for s, v := range [8]float64{c0, c1, c2, c3, c4, c5, c6, c7} {
			cc[s*cs+i*ci] = math.FMA(alpha, v, cc[s*cs+i*ci])
		}
	}
}

// useSkinny reports whether Dgemm takes the skinny path for g: few rows,
// and op(B) either stored untransposed (read in place by the nn kernels,
// nothing packed) or wide enough for 16-row tiles of Cᵀ; or few columns.
func (g *gemmArgs) useSkinny() bool {
	if g.sk == nil {
		return false
	}
	if g.m > skinnyMaxM {
		// Few columns: the direct kernels, which pack all of op(B).
		return g.n <= skinnyMaxM && roundUp(g.n, skinnyNR)*g.k <= skinnyMaxPack
	}
	if !g.transB {
		return true
	}
	// The Cᵀ kernels pack all of op(A)ᵀ up front: bound that buffer.
	return g.n >= skinnyMR && roundUp(g.m, skinnyNR)*g.k <= skinnyMaxPack
}

// skinnyDirect reports whether the skinny path runs the direct kernels
// (more than 16 rows, at most 16 columns): 16 x 8 tiles of C with op(A)
// read in place and op(B) packed.
func (g *gemmArgs) skinnyDirect() bool { return g.m > skinnyMaxM }

// skinnyMaxPack bounds the packed op(A)ᵀ of the Cᵀ kernels (8 MB); longer
// inner dimensions take the packed path, which packs block by block.
const skinnyMaxPack = 1 << 20

// skinnyNN reports whether the skinny path runs the in-place nn kernels
// (op(B) untransposed; C in 8 x 16 tiles) rather than the Cᵀ kernels.
func (g *gemmArgs) skinnyNN() bool { return !g.transB && g.m <= skinnyMaxM }

// skinnyNNCols is the tile width of the nn kernels.
const skinnyNNCols = 16

// runSkinnyNN computes columns [n0, n1) of C by the in-place nn kernels:
// op(A) and op(B) are read where they are; edge columns are masked, and
// a group of fewer than 8 rows runs on copies (zero-padded rows of op(A)
// and a tile of C), so that every element has the bits of a full tile.
func (g *gemmArgs) runSkinnyNN(n0, n1 int) {
	sk := g.sk
	groups := (g.m + skinnyNR - 1) / skinnyNR
	var bufs *packBufs
	for pc := 0; pc < g.k; pc += gemmKC {
		kc := min(gemmKC, g.k-pc)
		for q := 0; q < groups; q++ {
			mw := min(skinnyNR, g.m-q*skinnyNR)
			var ap *float64
			lda, rowsLayout := g.lda, !g.transA
			if mw == skinnyNR {
				if g.transA {
					ap = &g.a[pc*g.lda+q*skinnyNR] // op(A)(s, p) = a[p*lda+s]
				} else {
					ap = &g.a[q*skinnyNR*g.lda+pc] // op(A)(s, p) = a[s*lda+p]
				}
			} else {
				if bufs == nil {
					bufs = getBufs()
					bufs.a = grow(bufs.a, skinnyNR*min(gemmKC, g.k))
					bufs.tile = grow(bufs.tile, skinnyNR*skinnyNNCols)
				}
				pan := bufs.a[:skinnyNR*kc]
				clear(pan)
				for s := 0; s < mw; s++ {
					i := q*skinnyNR + s
					for p := 0; p < kc; p++ {
						if g.transA {
							pan[s*kc+p] = g.a[(pc+p)*g.lda+i]
						} else {
							pan[s*kc+p] = g.a[i*g.lda+pc+p]
						}
					}
				}
				ap, lda, rowsLayout = &pan[0], kc, true
			}
			kern := sk.nnCols
			if rowsLayout {
				kern = sk.nnRows
			}
			for j0 := n0; j0 < n1; j0 += skinnyNNCols {
				nw := min(skinnyNNCols, n1-j0)
				mask := uint32(1)<<nw - 1
				bp := &g.b[pc*g.ldb+j0]
				ci := q*skinnyNR*g.ldc + j0
				if mw == skinnyNR {
					kern(kc, ap, lda, bp, g.ldb, &g.c[ci], g.ldc, g.alpha, mask&0xFF, mask>>8)
					continue
				}
				t := bufs.tile
				clear(t)
				for s := 0; s < mw; s++ {
					copy(t[s*skinnyNNCols:s*skinnyNNCols+nw], g.c[ci+s*g.ldc:ci+s*g.ldc+nw])
				}
				kern(kc, ap, lda, bp, g.ldb, &t[0], skinnyNNCols, g.alpha, mask&0xFF, mask>>8)
				for s := 0; s < mw; s++ {
					copy(g.c[ci+s*g.ldc:ci+s*g.ldc+nw], t[s*skinnyNNCols:s*skinnyNNCols+nw])
				}
			}
		}
	}
	if bufs != nil {
		putBufs(bufs)
	}
}

// skinnySmall returns the operand the Cᵀ and direct kernels pack, its
// element (s, p) being v[s*ss+p*ps], and its number of columns s: op(A)ᵀ
// (m of them) for the Cᵀ kernels, op(B) (n) for the direct ones.
func (g *gemmArgs) skinnySmall() (v []float64, ss, ps, cols int) {
	switch {
	case g.skinnyDirect() && g.transB:
		return g.b, g.ldb, 1, g.n
	case g.skinnyDirect():
		return g.b, 1, g.ldb, g.n
	case g.transA:
		return g.a, 1, g.lda, g.m
	}
	return g.a, g.lda, 1, g.m
}

// packSkinny packs the small operand (skinnySmall) into dst: for each
// group of 8 of its columns, a k x 8 panel (p*8+s, zero past the last
// column), group after group.
func (g *gemmArgs) packSkinny(dst []float64) {
	v, ss, ps, cols := g.skinnySmall()
	groups := (cols + skinnyNR - 1) / skinnyNR
	dst = dst[:groups*g.k*skinnyNR]
	for q := 0; q < groups; q++ {
		panel := dst[q*g.k*skinnyNR : (q+1)*g.k*skinnyNR]
		rows := min(skinnyNR, cols-q*skinnyNR)
		if rows < skinnyNR {
			clear(panel)
		}
		for s := 0; s < rows; s++ {
			i := q*skinnyNR + s
			for p := 0; p < g.k; p++ {
				panel[p*skinnyNR+s] = v[i*ss+p*ps]
			}
		}
	}
}

// runSkinny computes, on the Cᵀ or direct kernels with the small operand
// packed in g.bp, the part of C along rows [lo, hi) of the large operand:
// columns of C for the Cᵀ kernels (the large operand is op(B)ᵀ), rows of
// C for the direct ones (op(A)). Edge tiles (fewer than 16 rows of the
// large operand or 8 columns of the small one) run the full kernel on
// copies, so that their bits match a full tile's.
func (g *gemmArgs) runSkinny(lo, hi int) {
	sk := g.sk
	direct := g.skinnyDirect()
	// The large operand: element (i, p) at big[i*ld+p] (rows layout) or
	// big[p*ld+i].
	big, ld, rowsLayout := g.b, g.ldb, g.transB
	kRows, kCols := sk.rows, sk.cols
	if direct {
		big, ld, rowsLayout = g.a, g.lda, !g.transA
		kRows, kCols = sk.rowsD, sk.colsD
	}
	ri, rp := 1, ld // big(i, p) = big[i*ri+p*rp]
	if rowsLayout {
		ri, rp = ld, 1
	}
	_, _, _, smallCols := g.skinnySmall()
	groups := (smallCols + skinnyNR - 1) / skinnyNR
	bufs := getBufs()
	bufs.a = grow(bufs.a, min(gemmKC, g.k)*skinnyMR)
	bufs.tile = grow(bufs.tile, skinnyMR*skinnyNR)
	for pc := 0; pc < g.k; pc += gemmKC {
		kc := min(gemmKC, g.k-pc)
		for j0 := lo; j0 < hi; j0 += skinnyMR {
			nw := min(skinnyMR, hi-j0)
			for q := 0; q < groups; q++ {
				bp := &g.bp[(q*g.k+pc)*skinnyNR]
				mw := min(skinnyNR, smallCols-q*skinnyNR)
				// Element (i, s) of the tile (i < 16 along the large
				// operand, s < 8) is C[ci + s*cs + i*cst].
				ci, cs, cst := q*skinnyNR*g.ldc+j0, g.ldc, 1
				if direct {
					ci, cs, cst = j0*g.ldc+q*skinnyNR, 1, g.ldc
				}
				kern := kCols
				if rowsLayout {
					kern = kRows
				}
				if nw == skinnyMR && mw == skinnyNR {
					kern(kc, &big[j0*ri+pc*rp], ld, bp, &g.c[ci], g.ldc, g.alpha)
					continue
				}
				ap, lda := &big[j0*ri+pc*rp], ld
				if nw < skinnyMR {
					// Copy the nw rows of the large operand into a
					// zero-padded kc x 16 panel read by the cols kernel.
					pan := bufs.a[:kc*skinnyMR]
					clear(pan)
					for p := 0; p < kc; p++ {
						for jj := 0; jj < nw; jj++ {
							pan[p*skinnyMR+jj] = big[(j0+jj)*ri+(pc+p)*rp]
						}
					}
					ap, lda, kern = &pan[0], skinnyMR, kCols
				}
				// The tile in scratch, laid out as the kernel stores it:
				// t[s*16+i] (Cᵀ kernels) or t[i*8+s] (direct).
				t := bufs.tile
				clear(t)
				ts, tst, tld := skinnyMR, 1, skinnyMR
				if direct {
					ts, tst, tld = 1, skinnyNR, skinnyNR
				}
				for s := 0; s < mw; s++ {
					for i := 0; i < nw; i++ {
						t[s*ts+i*tst] = g.c[ci+s*cs+i*cst]
					}
				}
				kern(kc, ap, lda, bp, &t[0], tld, g.alpha)
				for s := 0; s < mw; s++ {
					for i := 0; i < nw; i++ {
						g.c[ci+s*cs+i*cst] = t[s*ts+i*tst]
					}
				}
			}
		}
	}
	putBufs(bufs)
}
