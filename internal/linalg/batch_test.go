package linalg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// randSPD returns a random symmetric positive-definite d x d matrix
// B Bᵀ + d/4 I, row-major.
func randSPD(rng *rand.Rand, d int) []float64 {
	b := make([]float64, d*d)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	a := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a[i*d+j] = Dot(b[i*d:(i+1)*d], b[j*d:(j+1)*d])
		}
		a[i*d+i] += float64(d) / 4
	}
	return a
}

// TestCholeskyGroup factors groups of random matrices of orders 1..64
// (positive definite, indefinite, with NaN or Inf, slightly asymmetric)
// and checks each factor against gonum's mat.Cholesky of the symmetric
// part, the success flags against it, and that a matrix's factor has the
// same bits in every lane position and group size.
func TestCholeskyGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 120; trial++ {
		d := 1 + rng.IntN(64)
		if trial < 64 {
			d = trial + 1
		}
		n := 1 + rng.IntN(GroupLanes)
		dd := d * d
		src := make([]float64, n*dd)
		for m := 0; m < n; m++ {
			a := randSPD(rng, d)
			switch rng.IntN(6) {
			case 0: // indefinite: a negative diagonal entry
				k := rng.IntN(d)
				a[k*d+k] = -1 - a[k*d+k]
			case 1:
				a[rng.IntN(dd)] = math.NaN()
			case 2:
				a[rng.IntN(dd)] = math.Inf(1 - 2*rng.IntN(2))
			case 3: // asymmetric by a little: the symmetric part is factored
				a[rng.IntN(dd)] += 1e-3
			}
			copy(src[m*dd:], a)
		}
		dst := make([]float64, n*dd)
		ok, isSym := make([]bool, n), make([]bool, n)
		work := make([]float64, CholeskyGroupWork(d))
		zeroed := trial%2 == 0
		if !zeroed {
			for k := range dst {
				dst[k] = math.NaN()
			}
		}
		CholeskyGroup(dst, src, n, d, ok, isSym, work, zeroed)
		for m := 0; m < n; m++ {
			a := src[m*dd : (m+1)*dd]
			sym := mat.NewSymDense(d, nil)
			for i := 0; i < d; i++ {
				for j := 0; j <= i; j++ {
					sym.SetSym(i, j, 0.5*(a[i*d+j]+a[j*d+i]))
				}
			}
			finite, exact := true, true
			for i, v := range a {
				finite = finite && !math.IsNaN(v) && !math.IsInf(v, 0)
				exact = exact && v == a[(i%d)*d+i/d]
			}
			require.Equal(t, finite && exact, isSym[m], "d=%d matrix %d: exactly symmetric and finite", d, m)
			var ch mat.Cholesky
			want := finite && ch.Factorize(sym)
			require.Equal(t, want, ok[m], "d=%d matrix %d: positive definite", d, m)
			wantOK, _, _ := CholeskySym(make([]float64, dd), a, d)
			require.Equal(t, wantOK, ok[m], "d=%d matrix %d: agrees with CholeskySym", d, m)
			if !want {
				continue
			}
			var l mat.TriDense
			ch.LTo(&l)
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					got := dst[m*dd+i*d+j]
					if j > i {
						require.Equal(t, 0.0, got, "d=%d (%d,%d): upper part", d, i, j)
						continue
					}
					require.InDelta(t, l.At(i, j), got, 1e-12*math.Sqrt(float64(d)*sym.At(i, i)), "d=%d matrix %d L(%d,%d)", d, m, i, j)
				}
			}
			// Alone in a group of one, the same bits.
			one := make([]float64, dd)
			CholeskyGroup(one, a, 1, d, ok[:1], nil, work, false)
			require.True(t, ok[0])
			for k := range one {
				require.Equal(t, math.Float64bits(dst[m*dd+k]), math.Float64bits(one[k]), "d=%d: lane position changed bits", d)
			}
		}
	}
}

// TestCholeskyGroupPacked checks the packed layout against CholeskyGroup
// on orders 1..40 and group sizes 1..GroupLanes: the same bits and flags,
// lanes from n on holding matrix 0, the identity in the padding and zero
// everywhere else, and DeinterleavePacked's row-major copy equal to
// CholeskyGroup's.
func TestCholeskyGroupPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for d := 1; d <= 40; d++ {
		n := 1 + (d-1)%GroupLanes
		dd := d * d
		src := make([]float64, n*dd)
		for m := 0; m < n; m++ {
			copy(src[m*dd:], randSPD(rng, d))
		}
		if d%5 == 0 {
			src[(n-1)*dd] = -1 // the last matrix is not positive definite
		}
		work := make([]float64, CholeskyGroupWork(d))
		want := make([]float64, n*dd)
		okWant, symWant := make([]bool, n), make([]bool, n)
		CholeskyGroup(want, src, n, d, okWant, symWant, work, false)

		dp := padOrder(d)
		p := dp / 4
		require.Equal(t, 8*GroupLanes*p*(p+1), PackedLen(d), "d=%d: PackedLen", d)
		packed := make([]float64, PackedLen(d))
		ok, isSym := make([]bool, n), make([]bool, n)
		for i := range work {
			work[i] = math.NaN() // work's old contents must not leak
		}
		CholeskyGroupPacked(packed, src, n, d, ok, isSym, work)
		require.Equal(t, okWant, ok, "d=%d: positive definite flags", d)
		require.Equal(t, symWant, isSym, "d=%d: symmetry flags", d)
		seen := 0
		for i := 0; i < dp; i++ {
			off, st := PackedRow(i / 4)
			require.Equal(t, (4*(i/4)+4)*GroupLanes, st, "stride of block row %d", i/4)
			for j := 0; j < 4*(i/4)+4; j++ {
				for l := 0; l < GroupLanes; l++ {
					got := packed[off+(i%4)*st+j*GroupLanes+l]
					seen++
					m := l
					if m >= n {
						m = 0
					}
					if !ok[m] {
						continue // a failed lane's values are undefined
					}
					switch {
					case i < d && j <= i:
						require.Equal(t, math.Float64bits(want[m*dd+i*d+j]), math.Float64bits(got), "d=%d lane %d (%d,%d)", d, l, i, j)
					case i >= d && i == j:
						require.Equal(t, 1.0, got, "d=%d lane %d (%d,%d): identity padding", d, l, i, j)
					default:
						require.Equal(t, 0.0, got, "d=%d lane %d (%d,%d): outside the factor", d, l, i, j)
					}
				}
			}
		}
		require.Equal(t, PackedLen(d), seen, "d=%d: the block rows tile the buffer", d)
		out := make([]float64, n*dd)
		DeinterleavePacked(out, packed, n, d, work)
		for m := 0; m < n; m++ {
			if ok[m] {
				require.Equal(t, want[m*dd:(m+1)*dd], out[m*dd:(m+1)*dd], "d=%d matrix %d: DeinterleavePacked", d, m)
			}
		}
	}
	require.Panics(t, func() {
		CholeskyGroupPacked(make([]float64, PackedLen(3)-1), make([]float64, 9), 1, 3, make([]bool, 1), nil, make([]float64, CholeskyGroupWork(3)))
	}, "short buffer")
}

func BenchmarkCholesky256x32(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 256, 32
	src := make([]float64, 0, n*d*d)
	for range n {
		src = append(src, randSPD(rng, d)...)
	}
	dst := make([]float64, n*d*d)
	b.Run("CholeskySym", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for m := 0; m < n; m++ {
				CholeskySym(dst[m*d*d:(m+1)*d*d], src[m*d*d:(m+1)*d*d], d)
			}
		}
	})
	b.Run("CholeskyGroup", func(b *testing.B) {
		b.ReportAllocs()
		work := make([]float64, CholeskyGroupWork(d))
		var ok [GroupLanes]bool
		for b.Loop() {
			for m := 0; m < n; m += GroupLanes {
				CholeskyGroup(dst[m*d*d:], src[m*d*d:], GroupLanes, d, ok[:], nil, work, false)
			}
		}
	})
}
