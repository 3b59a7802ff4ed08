package posteriordb

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/kldiv/kldiv/ad"
	"github.com/kldiv/kldiv/vi"
)

// gaussianTarget is the log-density of N(0, Σ) over z (S x D), up to a
// constant.
func gaussianTarget(sigma *mat.SymDense) vi.LogDensity {
	d := sigma.SymmetricDim()
	var ch mat.Cholesky
	if !ch.Factorize(sigma) {
		panic("gaussianTarget: Σ not positive definite")
	}
	var prec mat.SymDense
	if err := ch.InverseTo(&prec); err != nil {
		panic(err)
	}
	p := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			p[i*d+j] = prec.At(i, j)
		}
	}
	return vi.LogDensity{Dim: d, LogJoint: func(t *ad.Tape, z ad.Var) ad.Var {
		zp := ad.MatMul(z, t.Const(d, d, p))
		return ad.Scale(ad.SumCols(ad.Mul(zp, z)), -0.5)
	}}
}

// TestChooseGuideGaussians: on a Gaussian target with correlations 0.9
// the mean-field family loses KL(q || p) = -½ log det R (R the correlation
// matrix; 2.4 nats here), so ChooseGuide must pick the full-rank guide; on
// an independent Gaussian with unequal scales every family contains the
// target, and it must keep the mean-field guide. The flow contains the
// Gaussian too and must not be picked on either.
func TestChooseGuideGaussians(t *testing.T) {
	const d = 4
	corr := mat.NewSymDense(d, nil)
	indep := mat.NewSymDense(d, nil)
	scales := []float64{0.5, 1, 2, 4}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			r := 0.9
			if i == j {
				r = 1
				indep.SetSym(i, i, scales[i]*scales[i])
			}
			corr.SetSym(i, j, r*scales[i]*scales[j])
		}
	}
	o := FitOptions{Steps: 2000, Draws: 4000}
	for _, tc := range []struct {
		name  string
		sigma *mat.SymDense
		want  Guide
	}{{"correlated", corr, FullRank}, {"independent", indep, MeanField}} {
		c, err := ChooseGuide(context.Background(), gaussianTarget(tc.sigma).Model(), o)
		require.NoError(t, err, tc.name)
		for _, cd := range c.Candidates {
			require.NoError(t, cd.Err, "%s %s", tc.name, cd.Guide)
			t.Logf("%s: %-24s ELBO %.4f ± %.4f k-hat %.2f", tc.name, cd.Name, cd.Result.ELBO, cd.Result.ELBOStdErr, cd.Result.KHat)
		}
		assert.Equal(t, tc.want, c.Best().Guide, "%s: guide picked", tc.name)
	}
}

// TestChooseGuideFunnel: on Neal's funnel (v ~ N(0, 1), x_i | v ~
// N(0, e^{v/2}), i = 1..3) no normal represents the dependence of x's
// scale on v, and ChooseGuide must pick the flow; the flow must recover
// v's sd (1) within 15% and x's sd, E[e^v]^{1/2} = e^{1/4}, within 15%.
func TestChooseGuideFunnel(t *testing.T) {
	const k = 3
	funnel := vi.LogDensity{Dim: k + 1, LogJoint: func(t *ad.Tape, z ad.Var) ad.Var {
		v := ad.ColOf(z, 0)
		x := ad.SliceCols(z, 1, k+1)
		lv := ad.Scale(ad.Square(v), -0.5)
		// log N(x; 0, e^{v/2}) = -x² e^{-v}/2 - v/2 per coordinate.
		lx := ad.Sub(ad.Scale(ad.Mul(ad.SumCols(ad.Square(x)), ad.Exp(ad.Neg(v))), -0.5), ad.Scale(v, 0.5*k))
		return ad.Add(lv, lx)
	}}
	c, err := ChooseGuide(context.Background(), funnel.Model(), FitOptions{Steps: 5000, Draws: 10000})
	require.NoError(t, err)
	for _, cd := range c.Candidates {
		t.Logf("funnel: %-24s ELBO %.4f ± %.4f k-hat %.2f", cd.Name, cd.Result.ELBO, cd.Result.ELBOStdErr, cd.Result.KHat)
	}
	require.Equal(t, Flow, c.Best().Guide, "guide picked on the funnel")
	z := c.Best().Result.Draws["z"]
	col := func(j int) (m, s float64) {
		for i := 0; i < z.Rows; i++ {
			m += z.Data[i*z.Cols+j]
		}
		m /= float64(z.Rows)
		for i := 0; i < z.Rows; i++ {
			dv := z.Data[i*z.Cols+j] - m
			s += dv * dv
		}
		return m, math.Sqrt(s / float64(z.Rows-1))
	}
	_, sv := col(0)
	assert.InEpsilon(t, 1, sv, 0.15, "sd of v")
	for j := 1; j <= k; j++ {
		_, sx := col(j)
		assert.InEpsilon(t, math.Exp(0.25), sx, 0.15, "sd of x[%d]", j)
	}
}

// TestIndependence: for the draws of an exact fit of N(0, Σ) with the
// equicorrelation 0.9 in D = 4 the measure is the conditional over the
// marginal sd, √(1 - ρ²_{j·rest}) = √(1/(R⁻¹)_jj) = 0.3042 (Σ⁻¹ of the
// equicorrelation matrix has diagonal (1+(D-2)ρ)/((1-ρ)(1+(D-1)ρ))), within
// 3% for 4,000 draws; 1 within 3% for an independent target.
func TestIndependence(t *testing.T) {
	const d, rho = 4, 0.9
	sigma := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := rho
			if i == j {
				v = 1
			}
			sigma.SetSym(i, j, v)
		}
	}
	o := FitOptions{Steps: 200, Draws: 4000}
	res, _, err := fitModel(context.Background(), gaussianTarget(sigma).Model(), FullRank, o)
	require.NoError(t, err)
	want := math.Sqrt((1 - rho) * (1 + (d-1)*rho) / (1 + (d-2)*rho))
	assert.InEpsilon(t, want, Independence(res), 0.03, "equicorrelated")
	diag := mat.NewSymDense(d, []float64{1, 0, 0, 0, 0, 4, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0.25})
	res, _, err = fitModel(context.Background(), gaussianTarget(diag).Model(), FullRank, o)
	require.NoError(t, err)
	assert.InEpsilon(t, 1, Independence(res), 0.03, "independent")
}
