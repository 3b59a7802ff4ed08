package kernel

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Blocking of the product (Goto and van de Geijn 2008; van Zee and van de
// Geijn 2015, "BLIS: A framework for rapidly instantiating BLAS
// functionality"). A kc x nc block of op(B) is packed into micro-panels of
// nr columns, an mc x kc block of op(A) into micro-panels of mr rows; the
// micro-kernel multiplies one of each into an mr x nr tile of C held in
// registers. gemmKC fixes the summation order and so the bits: it is the
// same for every micro-kernel.
const (
	gemmKC = 256
	gemmMC = 192
	gemmNC = 480
	// gemmParMin is the number of multiply-adds above which a product is
	// split over goroutines.
	gemmParMin = 1 << 16
	// gemmMaxPieces bounds the number of pieces a product is split into.
	gemmMaxPieces = 4
)

// micro describes a micro-kernel: fn adds alpha times the product of a
// packed mr x k panel and a packed k x nr panel into an mr x nr tile.
type micro struct {
	name   string
	mr, nr int
	fn     func(k int, a, b, c *float64, ldc int, alpha float64)
	// sk is the skinny micro-kernel used with this one for products with
	// few rows (gemm_skinny.go), nil if those take the packed path too.
	sk *skinnyMicro
}

// active is the micro-kernel in use, chosen at start-up from the CPU's
// features (see gemm_amd64.go).
var active = goMicro

// goMicro takes the packed path for skinny products too: the pure-Go
// skinny kernels (goSkinny) are references for the tests, slower than the
// register-blocked packed kernel.
var goMicro = micro{name: "go", mr: 4, nr: 4, fn: gemmKernelGo}

// Impl names the micro-kernel in use ("avx512", "avx2" or "go").
func Impl() string { return active.name }

// gemmKernelGo is the pure-Go 4x4 micro-kernel. math.FMA makes its bits
// those of the assembly kernels.
func gemmKernelGo(k int, a, b, c *float64, ldc int, alpha float64) {
	as := unsafeSlice(a, 4*k)
	bs := unsafeSlice(b, 4*k)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float64
	for p := 0; p < k; p++ {
		ap := as[4*p : 4*p+4 : 4*p+4]
		bp := bs[4*p : 4*p+4 : 4*p+4]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00, c01, c02, c03 = math.FMA(a0, b0, c00), math.FMA(a0, b1, c01), math.FMA(a0, b2, c02), math.FMA(a0, b3, c03)
		c10, c11, c12, c13 = math.FMA(a1, b0, c10), math.FMA(a1, b1, c11), math.FMA(a1, b2, c12), math.FMA(a1, b3, c13)
		c20, c21, c22, c23 = math.FMA(a2, b0, c20), math.FMA(a2, b1, c21), math.FMA(a2, b2, c22), math.FMA(a2, b3, c23)
		c30, c31, c32, c33 = math.FMA(a3, b0, c30), math.FMA(a3, b1, c31), math.FMA(a3, b2, c32), math.FMA(a3, b3, c33)
	}
	cs := unsafeSlice(c, 3*ldc+4)
	row := func(r []float64, x0, x1, x2, x3 float64) {
		r = r[:4:4]
		r[0] = math.FMA(alpha, x0, r[0])
		r[1] = math.FMA(alpha, x1, r[1])
		r[2] = math.FMA(alpha, x2, r[2])
		r[3] = math.FMA(alpha, x3, r[3])
	}
	row(cs[0:], c00, c01, c02, c03)
	row(cs[ldc:], c10, c11, c12, c13)
	row(cs[2*ldc:], c20, c21, c22, c23)
	row(cs[3*ldc:], c30, c31, c32, c33)
}

// Dgemm computes C = alpha op(A) op(B) + beta C for row-major matrices,
// where op(A) is m x k, op(B) is k x n and C is m x n; op transposes when
// its flag is set. A is stored with row stride lda (k columns, or m when
// transA), B with row stride ldb, C with row stride ldc. As in BLAS, C is
// not read when beta is 0, and A and B are not read when alpha is 0 or k
// is 0.
//
// Large products are split over up to min(GOMAXPROCS, 4) goroutines of a
// persistent pool; the result does not depend on the split. Dgemm
// allocates nothing in steady state. It panics, with a message starting
// "kernel:", if a dimension is negative or a stride or slice too small.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkDims(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if beta != 1 {
		for i := 0; i < m; i++ {
			r := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(r)
			} else {
				for j := range r {
					r[j] *= beta
				}
			}
		}
	}
	if k == 0 || alpha == 0 {
		return
	}
	g := gemmArgs{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, mk: active, sk: active.sk}
	pieces := 1
	if m*n*k >= gemmParMin {
		pieces = min(runtime.GOMAXPROCS(0), gemmMaxPieces)
	}
	// Split the longer of the two output dimensions into pieces that are
	// whole micro-tiles.
	splitN := n >= m
	unit, total := g.mk.mr, m
	if splitN {
		unit, total = g.mk.nr, n
	}
	if g.useSkinny() {
		// The skinny path splits the columns of C (the rows for the
		// direct kernels) into whole tiles of 16; the small operand of
		// the Cᵀ and direct kernels is packed once for all pieces.
		if !g.skinnyNN() {
			pk := getBufs()
			defer putBufs(pk)
			_, _, _, cols := g.skinnySmall()
			pk.b = grow(pk.b, roundUp(cols, skinnyNR)*k)
			g.bp = pk.b
			g.packSkinny(g.bp)
		}
		splitN, unit, total = true, skinnyMR, n
		if g.skinnyDirect() {
			splitN, total = false, m
		}
	} else {
		g.sk = nil
	}
	tiles := (total + unit - 1) / unit
	pieces = min(pieces, tiles)
	if pieces <= 1 {
		g.run(0, m, 0, n)
		return
	}
	callMu.Lock()
	var call *gemmCall
	if n := len(callFree); n > 0 {
		call, callFree = callFree[n-1], callFree[:n-1]
	} else {
		call = new(gemmCall)
	}
	callMu.Unlock()
	call.g = g
	call.wg.Add(pieces - 1)
	startWorkers(pieces - 1)
	per := (tiles + pieces - 1) / pieces
	bound := func(p int) int { return min(p*per*unit, total) }
	for p := 1; p < pieces; p++ {
		lo, hi := bound(p), bound(p+1)
		if splitN {
			jobs <- job{call: call, m0: 0, m1: m, n0: lo, n1: hi}
		} else {
			jobs <- job{call: call, m0: lo, m1: hi, n0: 0, n1: n}
		}
	}
	if splitN {
		g.run(0, m, 0, bound(1))
	} else {
		g.run(0, bound(1), 0, n)
	}
	call.wg.Wait()
	call.g = gemmArgs{}
	callMu.Lock()
	callFree = append(callFree, call)
	callMu.Unlock()
}

func checkDims(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: Dgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ra, ca := m, k
	if transA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if transB {
		rb, cb = n, k
	}
	check := func(name string, r, cols int, d []float64, ld int) {
		if ld < max(cols, 1) {
			panic(fmt.Sprintf("kernel: Dgemm: %s stride %d < %d columns", name, ld, cols))
		}
		if r > 0 && cols > 0 && len(d) < (r-1)*ld+cols {
			panic(fmt.Sprintf("kernel: Dgemm: %s has %d elements, %dx%d with stride %d needs %d", name, len(d), r, cols, ld, (r-1)*ld+cols))
		}
	}
	check("a", ra, ca, a, lda)
	check("b", rb, cb, b, ldb)
	check("c", m, n, c, ldc)
}

type gemmArgs struct {
	transA, transB bool
	m, n, k        int
	alpha          float64
	a              []float64
	lda            int
	b              []float64
	ldb            int
	c              []float64
	ldc            int
	mk             micro
	// sk and bp are set on the skinny path: its micro-kernel and op(A)ᵀ
	// packed (gemm_skinny.go).
	sk *skinnyMicro
	bp []float64
}

// packBufs holds the packed panels of one goroutine.
type packBufs struct {
	a, b []float64
	tile []float64
}

// bufFree is a free list of pack buffers. Unlike a sync.Pool it is not
// emptied by the garbage collector, so products allocate nothing after
// warm-up. It holds at most one set per concurrent piece.
var (
	bufMu   sync.Mutex
	bufFree []*packBufs
)

func getBufs() *packBufs {
	bufMu.Lock()
	defer bufMu.Unlock()
	if n := len(bufFree); n > 0 {
		b := bufFree[n-1]
		bufFree = bufFree[:n-1]
		return b
	}
	return new(packBufs)
}

func putBufs(b *packBufs) {
	bufMu.Lock()
	bufFree = append(bufFree, b)
	bufMu.Unlock()
}

// run computes rows [m0, m1) and columns [n0, n1) of C.
func (g *gemmArgs) run(m0, m1, n0, n1 int) {
	if m0 >= m1 || n0 >= n1 {
		return
	}
	if g.sk != nil {
		switch {
		case g.skinnyNN():
			g.runSkinnyNN(n0, n1)
		case g.skinnyDirect():
			g.runSkinny(m0, m1)
		default:
			g.runSkinny(n0, n1)
		}
		return
	}
	mr, nr := g.mk.mr, g.mk.nr
	bufs := getBufs()
	mcMax := min(gemmMC, roundUp(m1-m0, mr))
	ncMax := min(gemmNC, roundUp(n1-n0, nr))
	kcMax := min(gemmKC, g.k)
	bufs.a = grow(bufs.a, mcMax*kcMax)
	bufs.b = grow(bufs.b, ncMax*kcMax)
	bufs.tile = grow(bufs.tile, mr*nr)
	for jc := n0; jc < n1; jc += gemmNC {
		nc := min(gemmNC, n1-jc)
		for pc := 0; pc < g.k; pc += gemmKC {
			kc := min(gemmKC, g.k-pc)
			g.packB(bufs.b, pc, kc, jc, nc, nr)
			for ic := m0; ic < m1; ic += gemmMC {
				mc := min(gemmMC, m1-ic)
				g.packA(bufs.a, ic, mc, pc, kc, mr)
				for jr := 0; jr < nc; jr += nr {
					bp := &bufs.b[jr*kc]
					nw := min(nr, nc-jr)
					for ir := 0; ir < mc; ir += mr {
						ap := &bufs.a[ir*kc]
						mw := min(mr, mc-ir)
						ci := (ic+ir)*g.ldc + jc + jr
						if mw == mr && nw == nr {
							g.mk.fn(kc, ap, bp, &g.c[ci], g.ldc, g.alpha)
							continue
						}
						// Edge tile: run the full kernel on a copy so
						// that the bits match those of a full tile.
						t := bufs.tile
						clear(t)
						for i := 0; i < mw; i++ {
							copy(t[i*nr:i*nr+nw], g.c[ci+i*g.ldc:ci+i*g.ldc+nw])
						}
						g.mk.fn(kc, ap, bp, &t[0], nr, g.alpha)
						for i := 0; i < mw; i++ {
							copy(g.c[ci+i*g.ldc:ci+i*g.ldc+nw], t[i*nr:i*nr+nw])
						}
					}
				}
			}
		}
	}
	putBufs(bufs)
}

// packA packs op(A)[i0:i0+mc, p0:p0+kc] into micro-panels of mr rows:
// panel r holds, for each p, the mr values of rows r*mr.. (zero past mc).
func (g *gemmArgs) packA(dst []float64, i0, mc, p0, kc, mr int) {
	a, lda := g.a, g.lda
	for r := 0; r < mc; r += mr {
		panel := dst[r*kc : (r+mr)*kc]
		rows := min(mr, mc-r)
		if rows < mr {
			clear(panel)
		}
		for ii := 0; ii < rows; ii++ {
			i := i0 + r + ii
			if g.transA {
				// op(A)[i][p] = a[p*lda+i]
				for p := 0; p < kc; p++ {
					panel[p*mr+ii] = a[(p0+p)*lda+i]
				}
			} else {
				src := a[i*lda+p0 : i*lda+p0+kc]
				for p, v := range src {
					panel[p*mr+ii] = v
				}
			}
		}
	}
}

// packB packs op(B)[p0:p0+kc, j0:j0+nc] into micro-panels of nr columns:
// panel s holds, for each p, the nr values of columns s*nr.. (zero past nc).
func (g *gemmArgs) packB(dst []float64, p0, kc, j0, nc, nr int) {
	b, ldb := g.b, g.ldb
	for s := 0; s < nc; s += nr {
		panel := dst[s*kc : (s+nr)*kc]
		cols := min(nr, nc-s)
		if cols < nr {
			clear(panel)
		}
		if g.transB {
			// op(B)[p][j] = b[j*ldb+p]
			for jj := 0; jj < cols; jj++ {
				src := b[(j0+s+jj)*ldb+p0 : (j0+s+jj)*ldb+p0+kc]
				for p, v := range src {
					panel[p*nr+jj] = v
				}
			}
		} else {
			for p := 0; p < kc; p++ {
				off := (p0+p)*ldb + j0 + s
				copy(panel[p*nr:p*nr+cols], b[off:off+cols])
			}
		}
	}
}

func roundUp(x, u int) int { return (x + u - 1) / u * u }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// The worker pool: goroutines started once, fed pieces of products.
type gemmCall struct {
	g  gemmArgs
	wg sync.WaitGroup
}

type job struct {
	call           *gemmCall
	m0, m1, n0, n1 int
}

var (
	callMu    sync.Mutex
	callFree  []*gemmCall
	jobs      = make(chan job, gemmMaxPieces)
	poolMu    sync.Mutex
	poolCount int
)

func startWorkers(n int) {
	poolMu.Lock()
	for poolCount < n {
		poolCount++
		go worker()
	}
	poolMu.Unlock()
}

func worker() {
	for j := range jobs {
		j.call.g.run(j.m0, j.m1, j.n0, j.n1)
		j.call.wg.Done()
	}
}
