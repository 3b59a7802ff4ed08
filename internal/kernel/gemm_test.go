package kernel

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// naive computes C = alpha op(A) op(B) + beta C by the triple loop, and the
// bound sum_p |op(A)[i][p]| |op(B)[p][j]| for the error estimate.
func naive(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) (want, bound []float64) {
	want = make([]float64, m*n)
	bound = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if tA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
				abs += math.Abs(av * bv)
			}
			w := alpha * s
			if beta != 0 {
				w += beta * c[i*ldc+j]
			}
			want[i*n+j] = w
			bound[i*n+j] = math.Abs(alpha)*abs + math.Abs(beta*c[i*ldc+j])
		}
	}
	return want, bound
}

type shape struct {
	tA, tB        bool
	m, n, k       int
	lda, ldb, ldc int
	alpha, beta   float64
	a, b, c       []float64
}

func randShape(rng *rand.Rand, tA, tB bool, m, n, k int, pad int) shape {
	s := shape{tA: tA, tB: tB, m: m, n: n, k: k, alpha: 1, beta: 0}
	ra, ca := m, k
	if tA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if tB {
		rb, cb = n, k
	}
	s.lda, s.ldb, s.ldc = max(ca, 1)+pad, max(cb, 1)+pad, max(n, 1)+pad
	fill := func(r, ld int) []float64 {
		d := make([]float64, r*ld)
		for i := range d {
			d[i] = rng.NormFloat64()
		}
		return d
	}
	s.a, s.b, s.c = fill(ra, s.lda), fill(rb, s.ldb), fill(m, s.ldc)
	return s
}

func (s shape) run(c []float64) {
	Dgemm(s.tA, s.tB, s.m, s.n, s.k, s.alpha, s.a, s.lda, s.b, s.ldb, s.beta, c, s.ldc)
}

func withMicro(mk micro, f func()) {
	old := active
	active = mk
	defer func() { active = old }()
	f()
}

func TestDgemmAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dims := []int{1, 2, 3, 5, 7, 8, 9, 13, 24, 25, 31, 47, 65, 200}
	for _, mk := range micros() {
		withMicro(mk, func() {
			for trial := 0; trial < 60; trial++ {
				tA, tB := trial&1 == 1, trial&2 == 2
				m, n, k := dims[rng.IntN(len(dims))], dims[rng.IntN(len(dims))], dims[rng.IntN(len(dims))]
				if trial%7 == 0 {
					k = gemmKC + 1 + rng.IntN(300) // several k blocks
				}
				s := randShape(rng, tA, tB, m, n, k, trial%3)
				s.alpha = []float64{1, -0.5, 2.25}[trial%3]
				s.beta = []float64{0, 1, 0.75}[trial%3]
				want, bound := naive(s.tA, s.tB, m, n, k, s.alpha, s.a, s.lda, s.b, s.ldb, s.beta, s.c, s.ldc)
				c := append([]float64(nil), s.c...)
				s.run(c)
				// Error bound for recursive or blocked summation:
				// |err| <= (k+2) u sum |a||b| (Higham 2002, eq. 3.5).
				u := 0x1p-53
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						tol := float64(k+2)*u*bound[i*n+j] + 1e-300
						require.InDelta(t, want[i*n+j], c[i*s.ldc+j], tol, "%s tA=%v tB=%v m=%d n=%d k=%d (%d,%d)", mk.name, tA, tB, m, n, k, i, j)
					}
					// Padding past n is untouched.
					for j := n; j < s.ldc && i*s.ldc+j < len(c); j++ {
						require.Equal(t, s.c[i*s.ldc+j], c[i*s.ldc+j], "%s: padding written at (%d,%d)", mk.name, i, j)
					}
				}
			}
		})
	}
}

// TestDgemmPathsIdentical checks that every micro-kernel and every
// GOMAXPROCS gives the same bits.
func TestDgemmPathsIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 8; trial++ {
		tA, tB := trial&1 == 1, trial&2 == 2
		s := randShape(rng, tA, tB, 50+rng.IntN(100), 60+rng.IntN(200), 100+rng.IntN(500), trial%2)
		s.beta = 0.5
		var ref []float64
		for _, mk := range micros() {
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				c := append([]float64(nil), s.c...)
				withMicro(mk, func() { s.run(c) })
				runtime.GOMAXPROCS(prev)
				if ref == nil {
					ref = c
					continue
				}
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(ref[i]) {
						t.Fatalf("trial %d: %s GOMAXPROCS %d differs at %d: %v vs %v", trial, mk.name, procs, i, c[i], ref[i])
					}
				}
			}
		}
	}
}

func TestDgemmNaNInf(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, mk := range micros() {
		withMicro(mk, func() {
			s := randShape(rng, false, false, 13, 29, 17, 0)
			s.a[2*s.lda+3] = math.NaN()  // row 2 of C is NaN
			s.b[5*s.ldb+7] = math.Inf(1) // column 7 is ±Inf (or NaN at row 2)
			requireNaNRowInfCol(t, mk.name, s)
			// beta = 0 ignores NaN already in C.
			c := make([]float64, len(s.c))
			for i := range c {
				c[i] = math.NaN()
			}
			s.a[2*s.lda+3], s.b[5*s.ldb+7] = 1, 1
			s.run(c)
			for i := 0; i < s.m; i++ {
				for j := 0; j < s.n; j++ {
					require.False(t, math.IsNaN(c[i*s.ldc+j]), "%s: beta=0 read C at (%d,%d)", mk.name, i, j)
				}
			}
		})
	}
}

func TestDgemmAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := randShape(rng, true, false, 128, 400, 300, 0)
	c := make([]float64, len(s.c))
	s.run(c)
	allocs := testing.AllocsPerRun(20, func() { s.run(c) })
	require.Zero(t, allocs, "Dgemm allocates in steady state")
}

func TestDgemmPanics(t *testing.T) {
	a := make([]float64, 6)
	require.PanicsWithValue(t, "kernel: Dgemm: negative dimension m=-1 n=2 k=3", func() {
		Dgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2)
	})
	require.Panics(t, func() { Dgemm(false, false, 2, 2, 3, 1, a, 3, a[:5], 2, 0, a, 2) }, "short b")
	require.Panics(t, func() { Dgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }, "lda < k")
}

// requireNaNRowInfCol runs s and checks the product of an A with a NaN
// in row 2 and a B with +Inf in column 7: row 2 of C is NaN, column 7
// ±Inf, everything else finite.
func requireNaNRowInfCol(t *testing.T, name string, s shape) {
	t.Helper()
	c := make([]float64, len(s.c))
	s.run(c)
	for i := 0; i < s.m; i++ {
		for j := 0; j < s.n; j++ {
			v := c[i*s.ldc+j]
			switch {
			case i == 2:
				require.True(t, math.IsNaN(v), "%s: (%d,%d) = %v, want NaN", name, i, j, v)
			case j == 7:
				require.True(t, math.IsInf(v, 0), "%s: (%d,%d) = %v, want Inf", name, i, j, v)
			default:
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s: (%d,%d) = %v", name, i, j, v)
			}
		}
	}
}
