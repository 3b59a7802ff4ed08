package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCholBlockPaths runs the three block kernels on random blocks (random
// k and row stride, NaN and Inf sprinkled in) on every path this CPU has
// and requires identical bits to the pure-Go kernels, which are checked
// against a direct evaluation of their formulas in TestCholBlockFormulas.
func TestCholBlockPaths(t *testing.T) {
	defer resetChol()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		k := rng.IntN(20)
		s := (k + 4 + rng.IntN(5)) * Lanes
		n := (k + 8) * s
		a, b, c, inv := randBuf(rng, n), randBuf(rng, n), randBuf(rng, 3*s+4*Lanes), randBuf(rng, 4*Lanes)
		// The solves read T and F with a row stride of their own.
		sa := s + Lanes*rng.IntN(3)
		f := randBuf(rng, 3*sa+4*Lanes)
		if trial%10 == 0 {
			a[rng.IntN(len(a))] = math.NaN()
			b[rng.IntN(len(b))] = math.Inf(1)
		}
		// Positive diagonal-block entries so that CholDiag mostly succeeds.
		cd := slices.Clone(c)
		for r := range 4 {
			for l := range Lanes {
				cd[r*s+r*Lanes+l] = float64(k+4) * 4
			}
		}
		type res struct{ c, inv []float64 }
		run := func() [4]res {
			var out [4]res
			c4, i4 := slices.Clone(c), slices.Clone(inv)
			TrsmLowerSub(k, a, sa, b, slices.Clone(f), c4, s, i4)
			out[3] = res{c4, i4}
			c1, i1 := slices.Clone(c), slices.Clone(inv)
			CholOff(k, a, b, c1, s, i1)
			out[0] = res{c1, i1}
			c2, i2 := slices.Clone(cd), slices.Clone(inv)
			CholDiag(k, a, c2, s, i2)
			out[1] = res{c2, i2}
			c3, i3 := slices.Clone(c), slices.Clone(inv)
			TrsmLower(k, a, sa, b, c3, s, i3)
			out[2] = res{c3, i3}
			return out
		}
		cholAsm = false
		want := run()
		for name, sel := range cholPaths() {
			sel()
			got := run()
			for m := range got {
				require.Equal(t, bits(want[m].c), bits(got[m].c), "path %s kernel %d k=%d s=%d: block", name, m, k, s)
				require.Equal(t, bits(want[m].inv), bits(got[m].inv), "path %s kernel %d k=%d s=%d: inv", name, m, k, s)
			}
		}
	}
}

// TestCholBlockFormulas checks the pure-Go kernels against the formulas
// of their doc comments evaluated directly (plain sums, divisions), to a
// relative 1e-12.
func TestCholBlockFormulas(t *testing.T) {
	defer resetChol()
	cholAsm = false
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		k := rng.IntN(12)
		s := (k + 4 + rng.IntN(3)) * Lanes
		a, b := randBuf(rng, (k+8)*s), randBuf(rng, (k+8)*s)
		c := randBuf(rng, 3*s+4*Lanes)
		at := func(x []float64, i, j, l int) float64 { return x[i*s+j*Lanes+l] }
		// CholOff: L_JJ lower with diagonal 1/inv; C L_JJᵀ = A - L_I L_Jᵀ.
		inv := make([]float64, 4*Lanes)
		for q := range 4 {
			for l := range Lanes {
				b[q*s+(k+q)*Lanes+l] = 2 + rng.Float64()
				inv[q*Lanes+l] = 1 / b[q*s+(k+q)*Lanes+l]
			}
		}
		got := slices.Clone(c)
		CholOff(k, a, b, got, s, inv)
		for l := range Lanes {
			for r := range 4 {
				for q := range 4 {
					// (C L_JJᵀ)_rq = Σ_{t<=q} C_rt L_JJ[q][t].
					var lhs float64
					for tt := 0; tt <= q; tt++ {
						lhs += at(got, r, tt, l) * at(b, q, k+tt, l)
					}
					rhs := at(c, r, q, l)
					for p := 0; p < k; p++ {
						rhs -= at(a, r, p, l) * at(b, q, p, l)
					}
					require.InDelta(t, rhs, lhs, 1e-12*(1+math.Abs(rhs))*float64(k+4), "CholOff lane %d (%d,%d)", l, r, q)
				}
			}
		}
		// CholDiag: L L_IIᵀ = A_II - L_I L_Iᵀ for a positive-definite block.
		cd := slices.Clone(c)
		for r := range 4 {
			for l := range Lanes {
				cd[r*s+r*Lanes+l] = float64(k+4) * 8
			}
			for q := 0; q < r; q++ {
				for l := range Lanes {
					cd[q*s+r*Lanes+l] = cd[r*s+q*Lanes+l]
				}
			}
		}
		got = slices.Clone(cd)
		CholDiag(k, a, got, s, inv)
		for l := range Lanes {
			for r := range 4 {
				require.InDelta(t, 1/at(got, r, r, l), inv[r*Lanes+l], 1e-15, "CholDiag inv")
				for q := 0; q <= r; q++ {
					var lhs float64
					for tt := 0; tt <= q; tt++ {
						lhs += at(got, r, tt, l) * at(got, q, tt, l)
					}
					rhs := at(cd, r, q, l)
					for p := 0; p < k; p++ {
						rhs -= at(a, r, p, l) * at(a, q, p, l)
					}
					require.InDelta(t, rhs, lhs, 1e-12*(1+math.Abs(rhs))*float64(k+4), "CholDiag lane %d (%d,%d)", l, r, q)
				}
				for q := r + 1; q < 4; q++ {
					require.Equal(t, cd[r*s+q*Lanes+l], got[r*s+q*Lanes+l], "CholDiag must not touch the upper part")
				}
			}
		}
		// TrsmLower: T_II X = F - T_IK X_K.
		for r := range 4 {
			for l := range Lanes {
				a[r*s+(k+r)*Lanes+l] = 2 + rng.Float64()
				inv[r*Lanes+l] = 1 / a[r*s+(k+r)*Lanes+l]
			}
		}
		gotSub := slices.Clone(c)
		TrsmLowerSub(k, a, s, b, gotSub, gotSub, s, inv)
		cs := slices.Clone(c)
		for r := range 4 {
			for q := range 4 {
				for l := range Lanes {
					cs[r*s+q*Lanes+l] -= a[r*s+q*Lanes+l]
				}
			}
		}
		want := slices.Clone(cs)
		TrsmLower(k, a, s, b, want, s, inv)
		require.Equal(t, bits(want), bits(gotSub), "TrsmLowerSub is TrsmLower of C - A_IJ")
		// From a separate source: the same block, the source untouched.
		src, dst := slices.Clone(c), randBuf(rng, len(c))
		TrsmLowerSub(k, a, s, b, src, dst, s, inv)
		require.Equal(t, bits(c), bits(src), "TrsmLowerSub must not write f")
		// T and F in a layout of their own (row stride sa): the same bits.
		sa := (k + 4 + rng.IntN(3)) * Lanes
		restride := func(x []float64, cols int) []float64 {
			y := randBuf(rng, 3*sa+cols*Lanes)
			for r := range 4 {
				copy(y[r*sa:r*sa+cols*Lanes], x[r*s:r*s+cols*Lanes])
			}
			return y
		}
		aT, fT := restride(a, k+4), restride(c, 4)
		dstT := randBuf(rng, len(c))
		TrsmLowerSub(k, aT, sa, b, fT, dstT, s, inv)
		gotT := slices.Clone(c)
		TrsmLower(k, aT, sa, b, gotT, s, inv)
		wantT := slices.Clone(c)
		TrsmLower(k, a, s, b, wantT, s, inv)
		for r := range 4 {
			for q := range 4 {
				for l := range Lanes {
					o := r*s + q*Lanes + l
					require.Equal(t, math.Float64bits(want[o]), math.Float64bits(dstT[o]), "TrsmLowerSub with sa=%d: (%d,%d) lane %d", sa, r, q, l)
					require.Equal(t, math.Float64bits(wantT[o]), math.Float64bits(gotT[o]), "TrsmLower with sa=%d: (%d,%d) lane %d", sa, r, q, l)
				}
			}
		}
		for r := range 4 {
			for q := range 4 {
				for l := range Lanes {
					o := r*s + q*Lanes + l
					require.Equal(t, math.Float64bits(want[o]), math.Float64bits(dst[o]), "TrsmLowerSub from f: (%d,%d) lane %d", r, q, l)
				}
			}
		}
		got = slices.Clone(c)
		TrsmLower(k, a, s, b, got, s, inv)
		for l := range Lanes {
			for r := range 4 {
				for q := range 4 {
					var lhs float64
					for tt := 0; tt <= r; tt++ {
						lhs += at(a, r, k+tt, l) * at(got, tt, q, l)
					}
					rhs := at(c, r, q, l)
					for p := 0; p < k; p++ {
						rhs -= at(a, r, p, l) * at(b, p, q, l)
					}
					require.InDelta(t, rhs, lhs, 1e-12*(1+math.Abs(rhs))*float64(k+4), "TrsmLower lane %d (%d,%d)", l, r, q)
				}
			}
		}
	}
}

func randBuf(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// bits returns the bit patterns of x with every NaN made the same (NaN
// signs and payloads differ between FMA implementations).
func bits(x []float64) []uint64 {
	b := make([]uint64, len(x))
	for i, v := range x {
		b[i] = math.Float64bits(v)
		if v != v {
			b[i] = 0x7FF8000000000001
		}
	}
	return b
}

// TestInterleavePaths checks Interleave, Deinterleave, SymLower and
// SumSqLower on every path against their definitions (SumSqLower: the
// same bits as its FMA chain written out).
func TestInterleavePaths(t *testing.T) {
	defer resetChol()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{1, 2, 3, 7, 8, 9, 16, 17, 31, 32, 33, 40} {
		n := 1 + rng.IntN(d)
		src := randBuf(rng, 9*d*d+5)
		var off [Lanes]int
		for l := range off {
			off[l] = rng.IntN(len(src) - n*d + 1)
		}
		s := (d + rng.IntN(3)) * Lanes
		for name, sel := range cholPaths() {
			sel()
			for _, lower := range []bool{false, true} {
				lim := func(i int) int {
					if lower {
						return min(d, (i/8+1)*8)
					}
					return d
				}
				buf := randBuf(rng, d*s)
				keep := slices.Clone(buf)
				if lower {
					InterleaveLower(buf, src, &off, d, n, s)
				} else {
					Interleave(buf, src, &off, d, n, s)
				}
				for k := range buf {
					i, j, l := k/s, (k%s)/Lanes, k%Lanes
					if i < n && j < lim(i) {
						require.Equal(t, src[off[l]+i*d+j], buf[k], "%s d=%d lower=%v Interleave (%d,%d) lane %d", name, d, lower, i, j, l)
					} else {
						require.Equal(t, keep[k], buf[k], "%s d=%d lower=%v Interleave wrote outside", name, d, lower)
					}
				}
				dst := randBuf(rng, Lanes*n*d+3)
				var off2 [Lanes]int
				for l := range off2 {
					off2[l] = l*n*d + 1
				}
				keep = slices.Clone(dst)
				if lower {
					DeinterleaveLower(dst, &off2, buf, d, n, s)
				} else {
					Deinterleave(dst, &off2, buf, d, n, s)
				}
				for k := range dst {
					l := (k - 1) / (n * d)
					e := (k - 1) % (n * d)
					if k >= 1 && l < Lanes && e%d < lim(e/d) {
						require.Equal(t, buf[(e/d)*s+(e%d)*Lanes+l], dst[k], "%s d=%d lower=%v Deinterleave", name, d, lower)
					} else {
						require.Equal(t, keep[k], dst[k], "%s d=%d lower=%v Deinterleave wrote outside", name, d, lower)
					}
				}
			}
			buf := randBuf(rng, d*s)
			keep := slices.Clone(buf)
			Interleave(buf, src, &off, d, n, s)
			for k := range buf {
				i, j, l := k/s, (k%s)/Lanes, k%Lanes
				if i < n && j < d {
					require.Equal(t, src[off[l]+i*d+j], buf[k], "%s d=%d Interleave (%d,%d) lane %d", name, d, i, j, l)
				} else {
					require.Equal(t, keep[k], buf[k], "%s d=%d Interleave wrote outside", name, d)
				}
			}
			// Deinterleave into disjoint matrices.
			dst := randBuf(rng, Lanes*n*d+3)
			var off2 [Lanes]int
			for l := range off2 {
				off2[l] = l*n*d + 1
			}
			keep = slices.Clone(dst)
			Deinterleave(dst, &off2, buf, d, n, s)
			for k := range dst {
				l := (k - 1) / (n * d)
				if k >= 1 && l < Lanes {
					e := (k - 1) % (n * d)
					require.Equal(t, buf[(e/d)*s+(e%d)*Lanes+l], dst[k], "%s d=%d Deinterleave", name, d)
				} else {
					require.Equal(t, keep[k], dst[k], "%s d=%d Deinterleave wrote outside", name, d)
				}
			}
			buf = randBuf(rng, d*s)
			for i := 0; i < d; i++ { // lane 1 symmetric, lane 2 also but with an Inf
				for j := 0; j < i; j++ {
					buf[j*s+i*Lanes+1] = buf[i*s+j*Lanes+1]
					buf[j*s+i*Lanes+2] = buf[i*s+j*Lanes+2]
				}
			}
			buf[(d-1)*s+2] = math.Inf(1)
			if d > 1 {
				buf[2*Lanes+2] = math.Inf(1)
			}
			sym := slices.Clone(buf)
			var isSym [Lanes]bool
			SymLower(sym, d, s, &isSym)
			require.Equal(t, true, isSym[1], "%s SymLower: lane 1 is symmetric", name)
			require.Equal(t, false, isSym[2], "%s SymLower: lane 2 has an Inf", name)
			require.Equal(t, d == 1, isSym[0], "%s SymLower: lane 0 is not symmetric", name)
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					for l := 0; l < Lanes; l++ {
						got := sym[i*s+j*Lanes+l]
						switch {
						case j < i:
							require.Equal(t, 0.5*(buf[i*s+j*Lanes+l]+buf[j*s+i*Lanes+l]), got, "%s SymLower", name)
						case j == i:
							require.Equal(t, buf[i*s+j*Lanes+l], got, "%s SymLower diagonal", name)
						default:
							require.Equal(t, 0.0, got, "%s SymLower upper", name)
						}
					}
				}
			}
			var ss [Lanes]float64
			SumSqLower(&ss, buf, d, s)
			for l := 0; l < Lanes; l++ {
				var want float64
				for i := 1; i < d; i++ {
					for j := 0; j < i; j++ {
						v := buf[i*s+j*Lanes+l]
						want = math.FMA(v, v, want)
					}
				}
				require.Equal(t, want, ss[l], "%s SumSqLower lane %d", name, l)
			}
		}
	}
}

// TestTrilOK checks TrilOK on every path against a direct check, on
// valid lower-triangular matrices of orders 1..40 with one entry spoiled
// (NaN, ±Inf, a non-zero above the diagonal, a diagonal <= 0, -0 above
// the diagonal which is fine, a subnormal).
func TestTrilOK(t *testing.T) {
	defer resetChol()
	rng := rand.New(rand.NewPCG(9, 9))
	spoil := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, -2, 0, math.Copysign(0, -1), 5e-324}
	for d := 1; d <= 40; d++ {
		for trial := 0; trial < 30; trial++ {
			m := make([]float64, d*d)
			for i := 0; i < d; i++ {
				for j := 0; j < i; j++ {
					m[i*d+j] = rng.NormFloat64()
				}
				m[i*d+i] = 0.5 + rng.Float64()
			}
			if trial > 0 {
				m[rng.IntN(d*d)] = spoil[rng.IntN(len(spoil))]
			}
			want := true
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					v := m[i*d+j]
					switch {
					case j > i:
						want = want && v == 0
					case j == i:
						want = want && v > 0 && !math.IsInf(v, 1)
					default:
						want = want && !math.IsNaN(v) && !math.IsInf(v, 0)
					}
				}
			}
			for name, sel := range cholPaths() {
				sel()
				require.Equal(t, want, TrilOK(m, d), "%s d=%d trial %d", name, d, trial)
			}
		}
	}
}
