package posteriordb

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/internal/lbfgs"

	"github.com/kldiv/kldiv/ad"
)

// TestLBFGSRosenbrock: the minimizer of the Rosenbrock function from the
// classic start (-1.2, 1), and of an ill-conditioned quadratic.
func TestLBFGSRosenbrock(t *testing.T) {
	rosen := func(x, g []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
		return a*a + 100*b*b
	}
	x, f, err := lbfgs.Minimize(rosen, []float64{-1.2, 1}, 1e-10, 10, 1000)
	require.NoError(t, err)
	assert.InDelta(t, 1, x[0], 1e-8)
	assert.InDelta(t, 1, x[1], 1e-8)
	assert.InDelta(t, 0, f, 1e-16)

	// f = ½ Σ_i 10^i (x_i - i)², condition number 1e6.
	quad := func(x, g []float64) float64 {
		var f float64
		for i := range x {
			h := math.Pow(10, float64(i))
			d := x[i] - float64(i)
			f += 0.5 * h * d * d
			g[i] = h * d
		}
		return f
	}
	x, _, err = lbfgs.Minimize(quad, make([]float64, 7), 1e-9, 10, 1000)
	require.NoError(t, err)
	for i, v := range x {
		assert.InDelta(t, float64(i), v, 1e-9, "x[%d]", i)
	}

	// A function with no minimum makes it fail, not loop forever.
	lin := func(x, g []float64) float64 { g[0] = -1; return -x[0] }
	_, _, err = lbfgs.Minimize(lin, []float64{0}, 1e-9, 10, 50)
	assert.Error(t, err)
	bad := func(x, g []float64) float64 { return math.Inf(1) }
	_, _, err = lbfgs.Minimize(bad, []float64{0}, 1e-9, 10, 50)
	assert.Error(t, err)
}

// TestModeEarnings: with flat priors on β and σ, the mode over
// z = (β, log σ) is β = least squares and σ² = RSS/(N-1) (the log-Jacobian
// log σ removes one power of σ).
func TestModeEarnings(t *testing.T) {
	p, err := Load("earnings-logearn_interaction")
	require.NoError(t, err)
	var d struct {
		N      int       `json:"N"`
		Earn   []float64 `json:"earn"`
		Height []float64 `json:"height"`
		Male   []float64 `json:"male"`
	}
	raw, err := os.ReadFile(filepath.Join("data", p.Name, "data.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &d))
	x := mat.NewDense(d.N, 4, nil)
	y := mat.NewVecDense(d.N, nil)
	for i := range d.N {
		x.SetRow(i, []float64{1, d.Height[i], d.Male[i], d.Height[i] * d.Male[i]})
		y.SetVec(i, math.Log(d.Earn[i]))
	}
	var qr mat.QR
	qr.Factorize(x)
	var b mat.VecDense
	require.NoError(t, qr.SolveVecTo(&b, false, y))
	var r mat.VecDense
	r.MulVec(x, &b)
	r.SubVec(y, &r)
	sigma := math.Sqrt(mat.Dot(&r, &r) / float64(d.N-1))

	z, lp, err := p.Mode(nil, 0)
	require.NoError(t, err)
	// The log-density (about -1539) resolves the location along the
	// valley of the correlated coefficients to about 1e-6 of their sd.
	for k := range 4 {
		r, _ := p.Ref(vecName("beta", k+1))
		assert.InDelta(t, b.AtVec(k), z[k], 1e-5*r.SD, "beta[%d]", k+1)
	}
	assert.InEpsilon(t, sigma, math.Exp(z[4]), 1e-8, "sigma")
	tape := ad.NewTape()
	assert.InEpsilon(t, p.Model.LogJoint(tape, tape.Const(1, 5, z)).Scalar(), lp, 1e-14)
}

// TestModeAll: at the mode of every posterior that has one, the gradient
// vanishes and random perturbations lower the log-density; the centered
// eight schools has none (its density is unbounded as τ → 0).
func TestModeAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, p := range loadAll(t) {
		z, lp, err := p.Mode(nil, 0)
		if p.Name == "eight_schools-eight_schools_centered" {
			assert.Error(t, err, p.Name)
			continue
		}
		require.NoError(t, err, p.Name)
		tape := ad.NewTape()
		zv := tape.Input(1, p.Dim, z)
		v := p.Model.LogJoint(tape, zv)
		tape.Backward(v)
		assert.Equal(t, lp, v.Scalar(), p.Name)
		// The gradient is at the rounding level of the log-density: the
		// largest relative to the curvature scale of the coordinate.
		_, scale := typicalPoint(t, p)
		for i, g := range zv.Grad() {
			assert.LessOrEqual(t, math.Abs(g)*scale[i], 1e-5*math.Max(1, math.Abs(lp)), "%s: d/dz[%d] = %g", p.Name, i, g)
		}
		for range 20 {
			w := make([]float64, p.Dim)
			for i := range w {
				w[i] = z[i] + 0.01*scale[i]*rng.NormFloat64()
			}
			tape.Reset()
			assert.Less(t, p.Model.LogJoint(tape, tape.Const(1, p.Dim, w)).Scalar(), lp, p.Name)
		}
	}
	p, err := Load("arK-arK")
	require.NoError(t, err)
	_, _, err = p.Mode([]float64{1, 2}, 0)
	assert.ErrorContains(t, err, "start has 2 values, want 7")
}
