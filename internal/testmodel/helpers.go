package testmodel

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/optim"
	"github.com/kldiv/kldiv/vi"
)

// Softplus is log(1 + exp(x)).
func Softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// ParamData returns the values of the parameter name, failing the test
// if there is none.
func ParamData(t testing.TB, ps *vi.ParamStore, name string) []float64 {
	t.Helper()
	v, ok := ps.Value(name)
	require.True(t, ok, "parameter %q exists", name)
	return v.Data
}

// DecayingAdam is Adam whose step size falls by a factor 100 over steps.
func DecayingAdam(lr float64, steps int) optim.Optimizer {
	return optim.NewExponentialDecay(optim.NewAdam(lr), math.Pow(0.01, 1/float64(steps)))
}

// FullCovFromTril returns L Lᵀ for the guide's 1 x d² raw Cholesky
// parameter (strict lower part as is, softplus on the diagonal).
func FullCovFromTril(raw []float64, d int) *mat.SymDense {
	l := mat.NewTriDense(d, mat.Lower, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < i; j++ {
			l.SetTri(i, j, raw[i*d+j])
		}
		l.SetTri(i, i, Softplus(raw[i*d+i]))
	}
	var cov mat.SymDense
	cov.SymOuterK(1, l)
	return &cov
}
