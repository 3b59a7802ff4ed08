package estimators

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/dist"
)

// Test-only distributions (dist has only Normal on this branch) and
// helpers for the estimators tests. Log-densities and samplers come from
// gonum distuv, an independent implementation.

// estStudentT is a univariate Student-t distribution (1x1, event width 1)
// implementing dist.Distribution with gonum's StudentsT.
type estStudentT struct{ df, loc, scale float64 }

func (d estStudentT) Shape() (int, int)     { return 1, 1 }
func (d estStudentT) Support() dist.Support { return dist.Real{} }
func (d estStudentT) Validate() error {
	if !(d.df > 0) || !(d.scale > 0) || math.IsInf(d.loc, 0) || math.IsNaN(d.loc) {
		return &dist.ParamError{Family: "estStudentT", Param: "df/scale", Value: d.df, Want: "> 0"}
	}
	return nil
}
func (d estStudentT) gonum(rng *rand.Rand) distuv.StudentsT {
	t := distuv.StudentsT{Mu: d.loc, Sigma: d.scale, Nu: d.df}
	if rng != nil {
		t.Src = rng
	}
	return t
}
func (d estStudentT) LogProb(x ad.Var) ad.Var {
	return colLogProb(x, d.gonum(nil).LogProb)
}
func (d estStudentT) Sample(rng *rand.Rand, n int) ad.Var {
	g := d.gonum(rng)
	out := make([]float64, n)
	for i := range out {
		out[i] = g.Rand()
	}
	return ad.Const(n, 1, out)
}

// estUniform is the uniform distribution on [lo, hi] (1x1).
type estUniform struct{ lo, hi float64 }

func (d estUniform) Shape() (int, int)     { return 1, 1 }
func (d estUniform) Support() dist.Support { return dist.Real{} }
func (d estUniform) Validate() error {
	if !(d.hi > d.lo) {
		return fmt.Errorf("estUniform: hi %v <= lo %v", d.hi, d.lo)
	}
	return nil
}
func (d estUniform) LogProb(x ad.Var) ad.Var {
	return colLogProb(x, distuv.Uniform{Min: d.lo, Max: d.hi}.LogProb)
}
func (d estUniform) Sample(rng *rand.Rand, n int) ad.Var {
	out := make([]float64, n)
	for i := range out {
		out[i] = d.lo + (d.hi-d.lo)*rng.Float64()
	}
	return ad.Const(n, 1, out)
}

// colLogProb applies a scalar log-density to an R x 1 value.
func colLogProb(x ad.Var, lp func(float64) float64) ad.Var {
	r, c := x.Shape()
	if c != 1 {
		panic(fmt.Sprintf("test distribution: value has %d columns", c))
	}
	out := make([]float64, r)
	for i, v := range x.Value() {
		out[i] = lp(v)
	}
	return ad.Const(r, 1, out)
}

// normal returns a Normal with matrix parameters (rows x cols each).
func normal(t *testing.T, rows, cols int, loc, scale []float64) dist.Normal {
	t.Helper()
	d, err := dist.NormalOf(ad.Const(rows, cols, loc), ad.Const(rows, cols, scale))
	require.NoError(t, err)
	return d
}

// normal1 returns a scalar Normal.
func normal1(loc, scale float64) dist.Normal { return dist.Must(dist.NewNormal(loc, scale)) }

// newRNG returns a seeded generator.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x5deece66d)) }

// quadKL returns KL(p || q) = ∫ p (log p - log q) for 1x1 univariate
// distributions by Gauss-Legendre quadrature on [lo, hi] split into many
// pieces (the integrands here are negligible outside).
func quadKL(p, q dist.Distribution, lo, hi float64) float64 {
	return integrate(func(x float64) float64 {
		lp := logProbAt(p, x)
		if math.IsInf(lp, -1) {
			return 0
		}
		return math.Exp(lp) * (lp - logProbAt(q, x))
	}, lo, hi)
}

// quadJS returns JS(p, q) by quadrature on [lo, hi], with log m by
// log-sum-exp.
func quadJS(p, q dist.Distribution, lo, hi float64) float64 {
	return integrate(func(x float64) float64 {
		lp, lq := logProbAt(p, x), logProbAt(q, x)
		hi, lo := math.Max(lp, lq), math.Min(lp, lq)
		lm := hi + math.Log1p(math.Exp(lo-hi)) - math.Ln2
		var s float64
		if !math.IsInf(lp, -1) {
			s += 0.5 * math.Exp(lp) * (lp - lm)
		}
		if !math.IsInf(lq, -1) {
			s += 0.5 * math.Exp(lq) * (lq - lm)
		}
		return s
	}, lo, hi)
}

// integrate is composite 64-point Gauss-Legendre quadrature over 400
// pieces of [lo, hi] (gonum quad).
func integrate(f func(float64) float64, lo, hi float64) float64 {
	const pieces = 400
	h := (hi - lo) / pieces
	var s float64
	for i := range pieces {
		s += quad.Fixed(f, lo+float64(i)*h, lo+float64(i+1)*h, 64, quad.Legendre{}, 0)
	}
	return s
}

func logProbAt(d dist.Distribution, x float64) float64 {
	return d.LogProb(ad.Scalar(x)).Scalar()
}

// meanVar returns the sample mean and (n-1) variance.
func meanVar(x []float64) (float64, float64) {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, s / float64(len(x)-1)
}
