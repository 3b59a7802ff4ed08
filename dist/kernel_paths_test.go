package dist

import (
	"math"
	"runtime"
	"testing"

	"github.com/kldiv/kldiv/ad"
	"github.com/stretchr/testify/require"
)

// TestKernelPathsDeterministic checks that Normal.LogProb (normalLogProbRows,
// full-grid scale through kernel.Log) and the Bernoulli-with-logits
// log-density (bernoulliLogitsRow) give the same bits, values and
// gradients, for GOMAXPROCS 1, 2 and 8, on grids large enough to be split
// over goroutines, and that they match their scalar formulas.
func TestKernelPathsDeterministic(t *testing.T) {
	const r, c = 3000, 700 // rows wider than the 512-column blocks
	rng := newRNG(43)
	x, loc, scale, y := make([]float64, r*c), make([]float64, r*c), make([]float64, r*c), make([]float64, r*c)
	for k := range x {
		x[k], loc[k] = 3*rng.NormFloat64(), rng.NormFloat64()
		scale[k] = math.Exp(rng.NormFloat64())
		y[k] = float64(rng.IntN(2))
	}
	run := func() [][]float64 {
		tp := ad.NewTape()
		xv, lv, sv := tp.Input(r, c, x), tp.Input(r, c, loc), tp.Input(r, c, scale)
		lp := Normal{Loc: lv, Scale: sv}.LogProb(xv)
		bl := Bernoulli{Logits: xv}.LogProb(tp.Const(r, c, y))
		tp.Backward(ad.Add(ad.Sum(lp), ad.Sum(bl)))
		return [][]float64{append([]float64(nil), lp.Value()...), append([]float64(nil), bl.Value()...),
			append([]float64(nil), xv.Grad()...), append([]float64(nil), lv.Grad()...), append([]float64(nil), sv.Grad()...)}
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := run()
	runtime.GOMAXPROCS(2)
	two := run()
	runtime.GOMAXPROCS(8)
	eight := run()
	require.Equal(t, one, two, "GOMAXPROCS 1 vs 2")
	require.Equal(t, one, eight, "GOMAXPROCS 1 vs 8")
	for i := 0; i < r; i += 97 {
		var wn, wb float64
		for j := range c {
			k := i*c + j
			z := (x[k] - loc[k]) / scale[k]
			wn += -0.5*z*z - math.Log(scale[k]) - logSqrt2Pi
			l := x[k]
			wb += y[k]*l - (max(l, 0) + math.Log1p(math.Exp(-math.Abs(l))))
		}
		require.InEpsilon(t, wn, one[0][i], 1e-12, "Normal row %d", i)
		require.InEpsilon(t, wb, one[1][i], 1e-12, "Bernoulli row %d", i)
	}
}
