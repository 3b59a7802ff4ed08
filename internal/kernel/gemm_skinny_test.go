package kernel

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// skinnyMicros lists the micro-kernels with a skinny path, and the pure-Go
// one with the pure-Go skinny kernels (the reference, not used in
// production).
func skinnyMicros() []micro {
	goSk := goMicro
	goSk.name, goSk.sk = "go+skinny", &goSkinny
	ms := []micro{goSk}
	for _, mk := range micros() {
		if mk.sk != nil {
			ms = append(ms, mk)
		}
	}
	return ms
}

// TestDgemmSkinny checks the skinny path (m <= 16: the Cᵀ kernels for a
// transposed op(B), the in-place nn kernels otherwise; n <= 16 < m: the
// direct kernels) against the triple
// loop within the blocked-summation bound and against the packed path bit
// for bit, for every micro-kernel, transpose combination, odd and edge
// sizes, several k blocks, strided operands and GOMAXPROCS 1, 2 and 8.
func TestDgemmSkinny(t *testing.T) {
	big := gemmArgs{m: 8, n: 100, k: 1 << 18, transB: true, sk: &goSkinny}
	require.False(t, big.useSkinny(), "a packed op(A)ᵀ over 8 MB takes the packed path")
	big.transB = false
	require.True(t, big.useSkinny(), "the nn kernels pack nothing")
	rng := rand.New(rand.NewPCG(11, 12))
	ms := []int{1, 2, 3, 7, 8, 9, 15, 16}
	ns := []int{1, 3, 8, 16, 17, 31, 32, 50, 63, 200, 1001}
	ks := []int{1, 2, 5, 50, 255, 256, 257, 700}
	for _, mk := range skinnyMicros() {
		packed := mk
		packed.sk = nil
		for trial := 0; trial < 160; trial++ {
			tA, tB := trial&1 == 1, trial&2 == 2
			m, n, k := ms[rng.IntN(len(ms))], ns[rng.IntN(len(ns))], ks[rng.IntN(len(ks))]
			if tB && n < skinnyMR {
				n += skinnyMR // the Cᵀ kernels need 16 columns of C
			}
			if trial%3 == 2 {
				// Few columns: the direct kernels.
				m, n = n+skinnyMaxM+1, ms[rng.IntN(len(ms))]
			}
			s := randShape(rng, tA, tB, m, n, k, trial%3)
			s.alpha = []float64{1, -0.5, 2.25}[trial%3]
			s.beta = []float64{0, 1, 0.75}[(trial/3)%3]
			g := gemmArgs{m: m, n: n, sk: mk.sk}
			require.True(t, g.useSkinny(), "m=%d n=%d takes the skinny path", m, n)
			want, bound := naive(s.tA, s.tB, m, n, k, s.alpha, s.a, s.lda, s.b, s.ldb, s.beta, s.c, s.ldc)
			ref := append([]float64(nil), s.c...)
			withMicro(packed, func() { s.run(ref) })
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				c := append([]float64(nil), s.c...)
				withMicro(mk, func() { s.run(c) })
				runtime.GOMAXPROCS(prev)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						tol := float64(k+2)*0x1p-53*bound[i*n+j] + 1e-300
						require.InDelta(t, want[i*n+j], c[i*s.ldc+j], tol, "%s tA=%v tB=%v m=%d n=%d k=%d (%d,%d)", mk.name, tA, tB, m, n, k, i, j)
					}
				}
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(ref[i]) {
						t.Fatalf("%s tA=%v tB=%v m=%d n=%d k=%d GOMAXPROCS %d: skinny %v != packed %v at %d (padding included)", mk.name, tA, tB, m, n, k, procs, c[i], ref[i], i)
					}
				}
			}
		}
	}
}

// TestDgemmSkinnyNaNInf: NaN and Inf in either operand reach exactly the
// elements of C they should on the skinny path.
func TestDgemmSkinnyNaNInf(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, mk := range skinnyMicros() {
		for _, tB := range []bool{false, true} {
			withMicro(mk, func() {
				s := randShape(rng, false, tB, 8, 40, 30, 1)
				s.a[2*s.lda+3] = math.NaN() // row 2 of C is NaN
				if tB {
					s.b[7*s.ldb+5] = math.Inf(1) // column 7 is ±Inf
				} else {
					s.b[5*s.ldb+7] = math.Inf(1)
				}
				requireNaNRowInfCol(t, mk.name, s)
			})
		}
	}
}

func TestDgemmSkinnyAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, tB := range []bool{false, true} {
		s := randShape(rng, false, tB, 8, 1000, 300, 0)
		c := make([]float64, len(s.c))
		s.run(c)
		allocs := testing.AllocsPerRun(20, func() { s.run(c) })
		require.Zero(t, allocs, "skinny Dgemm allocates in steady state (tB=%v)", tB)
	}
}

// BenchmarkDgemmSkinny times W3's two products (8 weight draws, a
// 10,000 x 50 design): the logits W Xᵀ and the gradient G X, on the
// skinny path and, for comparison, on the packed path.
func BenchmarkDgemmSkinny(b *testing.B) {
	shapes := []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{
		{"NT_8x10000x50", false, true, 8, 10000, 50},
		{"NN_8x50x10000", false, false, 8, 50, 10000},
		{"NN_8x10000x50", false, false, 8, 10000, 50},
		{"NT_10000x8x50", false, true, 10000, 8, 50},
	}
	for _, sh := range shapes {
		a, lda, bb, ldb, c := benchOperands(sh.tA, sh.tB, sh.m, sh.n, sh.k)
		for _, path := range []string{"skinny", "packed"} {
			mk := active
			if path == "packed" {
				mk.sk = nil
			}
			b.Run(sh.name+"/"+path, func(b *testing.B) {
				withMicro(mk, func() {
					b.ReportAllocs()
					for b.Loop() {
						Dgemm(sh.tA, sh.tB, sh.m, sh.n, sh.k, 1, a, lda, bb, ldb, 0, c, sh.n)
					}
				})
			})
		}
	}
}
