package loss

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmooth checks both rules against their formulas written out and
// that the result is a probability row.
func TestSmooth(t *testing.T) {
	q := []float64{0.6, 0.4, 0, 0}
	add, err := Smooth(nil, q, 0.1, Additive)
	require.NoError(t, err)
	// (q + 0.1)/(1 + 0.4)
	for j, want := range []float64{0.7 / 1.4, 0.5 / 1.4, 0.1 / 1.4, 0.1 / 1.4} {
		assert.InDelta(t, want, add[j], 1e-15, "additive q'[%d]", j)
	}
	lab, err := Smooth(make([]float64, 4), q, 0.2, Label)
	require.NoError(t, err)
	// 0.8 q + 0.05
	for j, want := range []float64{0.53, 0.37, 0.05, 0.05} {
		assert.InDelta(t, want, lab[j], 1e-15, "label q'[%d]", j)
	}
	require.NoError(t, CheckProbs("additive", add, 4))
	require.NoError(t, CheckProbs("label", lab, 4))

	for _, c := range []struct {
		eps  float64
		how  Smoothing
		p    []float64
		want string
	}{
		{0, Additive, q, "eps = 0"},
		{-1, Label, q, "eps = -1"},
		{math.Inf(1), Additive, q, "eps = +Inf"},
		{1.5, Label, q, "eps = 1.5"},
		{math.NaN(), Label, q, "eps = NaN"},
		{0.1, Label, []float64{0.5, -0.1, 0.6}, "p[1] = -0.1"},
	} {
		_, err := Smooth(nil, c.p, c.eps, c.how)
		require.Error(t, err, "eps %v %v", c.eps, c.how)
		assert.Contains(t, err.Error(), c.want)
	}
}

// TestSmoothKL: a support mismatch makes the raw KL infinite; the smoothed
// KL is the KL to the smoothed row (computed here by a direct loop), the
// uncovered mass is p's mass where q is 0, and the moved mass is the total
// variation between q and q', which has a closed form for both rules.
func TestSmoothKL(t *testing.T) {
	p := []float64{0.5, 0.3, 0.2}
	q := []float64{0.6, 0.4, 0}
	const c = 3
	for _, how := range []Smoothing{Additive, Label} {
		for _, eps := range []float64{1e-6, 1e-3, 0.1} {
			res, err := SmoothKL(p, q, eps, how)
			require.NoError(t, err)
			qs := make([]float64, c)
			var tvU float64 // ½ Σ |q_j − 1/C|
			for j := range q {
				if how == Additive {
					qs[j] = (q[j] + eps) / (1 + c*eps)
				} else {
					qs[j] = (1-eps)*q[j] + eps/c
				}
				tvU += 0.5 * math.Abs(q[j]-1.0/c)
			}
			var kl float64
			for j := range p {
				kl += p[j] * math.Log(p[j]/qs[j])
			}
			// q' − q = ε(1/C − q) for Label and Cε/(1+Cε)·(1/C − q) for Additive.
			moved := eps * tvU
			if how == Additive {
				moved = c * eps / (1 + c*eps) * tvU
			}
			assert.InDelta(t, kl, res.KL, 1e-12, "%v eps %g: KL", how, eps)
			assert.True(t, math.IsInf(res.Raw, 1), "%v: raw KL %v, want +Inf", how, res.Raw)
			assert.True(t, math.IsInf(res.Change, -1), "%v: change %v, want -Inf", how, res.Change)
			assert.InDelta(t, 0.2, res.Uncovered, 1e-15, "%v: uncovered mass", how)
			assert.InDelta(t, moved, res.Moved, 1e-15, "%v eps %g: moved mass", how, eps)
		}
	}
}

// TestSmoothKLChangeSmall: without a support mismatch the change is
// first order in ε, with the derivative of ε ↦ KL(p ‖ (1−ε)q + ε/C) at 0,
// 1 − Σ_j p_j/(C q_j), derived by hand.
func TestSmoothKLChangeSmall(t *testing.T) {
	p := []float64{0.1, 0.2, 0.7}
	q := []float64{0.3, 0.3, 0.4}
	var d float64 = 1
	for j := range p {
		d -= p[j] / (3 * q[j])
	}
	const eps = 1e-6
	res, err := SmoothKL(p, q, eps, Label)
	require.NoError(t, err)
	assert.InDelta(t, KLProbs(p, q), res.Raw, 1e-15, "raw KL")
	assert.InDelta(t, d, res.Change/eps, 1e-5, "dKL/dε at 0")
	assert.Zero(t, res.Uncovered, "no mass uncovered")
	assert.Greater(t, res.KL, res.Raw, "the derivative is %g > 0 here: smoothing moves q away from p", d)

	_, err = SmoothKL(p, q[:2], eps, Label)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "3 categories and q 2")
	_, err = SmoothKL(p, []float64{0.5, 0.5, 0.5}, eps, Label)
	var ie *InputError
	require.ErrorAs(t, err, &ie, "q does not sum to 1")
	assert.Equal(t, "q", ie.Arg)
}

func floatsFrom(raw []byte) []float64 {
	x := make([]float64, len(raw)/8)
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return x
}

func floatBytes(x []float64) []byte {
	out := make([]byte, 8*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(v))
	}
	return out
}

// FuzzCheckRows: CheckLogProbs and CheckProbs never panic on hostile
// values, return only *InputError, and whatever they accept really is a
// matrix of (log-)probability rows.
func FuzzCheckRows(f *testing.F) {
	b := func(x ...float64) []byte { return floatBytes(x) }
	f.Add(b(0.25, 0.75, 0.5, 0.5), uint8(2))
	f.Add(b(math.Log(0.25), math.Log(0.75)), uint8(2))
	f.Add(b(math.NaN(), 1, math.Inf(-1), 0), uint8(1))
	f.Add(b(1, 0, 0, math.Inf(1)), uint8(4))
	f.Fuzz(func(t *testing.T, raw []byte, cols uint8) {
		x := floatsFrom(raw)
		c := int(cols%8) + 1
		x = x[:len(x)/c*c]
		for _, logs := range []bool{false, true} {
			var err error
			if logs {
				err = CheckLogProbs("x", x, c)
			} else {
				err = CheckProbs("x", x, c)
			}
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) || ie.Arg != "x" {
					t.Fatalf("error %v is not an *InputError naming x", err)
				}
				continue
			}
			for i := 0; i < len(x); i += c {
				var s float64
				for _, v := range x[i : i+c] {
					if logs {
						if !(v <= NormTol) {
							t.Fatalf("accepted log-probability %v", v)
						}
						v = math.Exp(v)
					}
					if !(v >= 0) {
						t.Fatalf("accepted probability %v", v)
					}
					s += v
				}
				if math.Abs(s-1) > NormTol*float64(c) {
					t.Fatalf("accepted row summing to %v", s)
				}
			}
		}
	})
}

// FuzzSmoothKL: Smooth and SmoothKL never panic; an accepted eps gives a
// probability row, a finite non-negative smoothed KL, and moved and
// uncovered masses in [0, 1].
func FuzzSmoothKL(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{3, 0, 1}, 0.01, false)
	f.Add([]byte{0, 0, 9}, []byte{9, 0, 0}, 0.5, true)
	f.Add([]byte{5}, []byte{5}, -1.0, true)
	f.Fuzz(func(t *testing.T, rp, rq []byte, eps float64, label bool) {
		n := min(len(rp), len(rq))
		if n == 0 {
			return
		}
		norm := func(r []byte) []float64 {
			x := make([]float64, n)
			var s float64
			for j := range x {
				x[j] = float64(r[j])
				s += x[j]
			}
			if s == 0 {
				x[0], s = 1, 1
			}
			for j := range x {
				x[j] /= s
			}
			return x
		}
		how := Additive
		if label {
			how = Label
		}
		p, q := norm(rp), norm(rq)
		res, err := SmoothKL(p, q, eps, how)
		if err != nil {
			return
		}
		qs, err := Smooth(nil, q, eps, how)
		if err != nil {
			t.Fatalf("SmoothKL accepted eps %v but Smooth did not: %v", eps, err)
		}
		if err := CheckProbs("q'", qs, n); err != nil {
			t.Fatalf("smoothed row: %v", err)
		}
		if math.IsNaN(res.KL) || math.IsInf(res.KL, 0) || res.KL < -1e-12 {
			t.Fatalf("smoothed KL %v", res.KL)
		}
		if !(res.Moved >= 0 && res.Moved <= 1+1e-12) || !(res.Uncovered >= 0 && res.Uncovered <= 1+1e-12) {
			t.Fatalf("moved %v, uncovered %v", res.Moved, res.Uncovered)
		}
	})
}
