package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kldiv/kldiv/ad"
)

func TestDeltaLogProb(t *testing.T) {
	v := ad.Const(2, 2, []float64{1, 2, -3, 0.5})
	ld := ad.Const(2, 2, []float64{0.1, 0.2, -1, 0})
	d := Must(DeltaOf(v, ld))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 2}, [2]int{b, c})
	// Rows tile the batch: row i against V's row i mod 2.
	x := ad.Const(4, 2, []float64{1, 2, -3, 0.5, 1, 2.0000001, 1, 2})
	lp := d.LogProb(x).Value()
	assert.InDelta(t, 0.3, lp[0], 1e-15)
	assert.InDelta(t, -1.0, lp[1], 1e-15)
	assert.Equal(t, math.Inf(-1), lp[2], "one coordinate off")
	assert.Equal(t, math.Inf(-1), lp[3], "row of the other batch member")
	// Default log-density 0.
	d0 := Must(NewDelta(1.5))
	assert.Equal(t, 0.0, logProbAt(d0, 1.5))
	assert.Equal(t, math.Inf(-1), logProbAt(d0, 1.4))
	// Moments, entropy, samples.
	assert.Equal(t, v.Value(), d.Mean().Value())
	assert.Equal(t, []float64{0, 0, 0, 0}, d.Variance().Value())
	assert.Equal(t, []float64{0, 0}, d.Entropy().Value())
	s := d.Sample(newRNG(1), 3)
	require.Equal(t, [2]int{6, 2}, [2]int{s.Rows(), s.Cols()})
	for k := range 3 {
		assert.Equal(t, v.Value(), s.Value()[k*4:(k+1)*4], "draw %d", k)
	}
	assert.Equal(t, 0, d.Sample(nil, 0).Rows())
	assert.Equal(t, "real", d.Support().String())
}

func TestDeltaGradients(t *testing.T) {
	// LogProb at the point: derivative 1 with respect to each LogDensity
	// component, and the value is fixed (the density is a step).
	err := ad.CheckGrad(func(_ *ad.Tape, p []ad.Var) ad.Var {
		return Delta{V: ad.Row([]float64{1, 2}), LogDensity: p[0]}.LogProb(ad.Const(2, 2, []float64{1, 2, 1, 2}))
	}, []ad.Matrix{row(0.3, -0.2)}, nil)
	assert.NoError(t, err, "LogProb gradient")
	// Rsample is V itself for every draw: the gradient of Σ w z is Σ_draws w.
	err = ad.CheckGrad(func(_ *ad.Tape, p []ad.Var) ad.Var {
		return Delta{V: p[0]}.Rsample(nil, 3)
	}, []ad.Matrix{{Rows: 2, Cols: 2, Data: []float64{1, 2, 3, 4}}}, nil)
	assert.NoError(t, err, "Rsample gradient")
	tp := ad.NewTape()
	vp := tp.Input(1, 1, []float64{0.7})
	tp.Backward(ad.Sum(Delta{V: vp}.Rsample(nil, 5)))
	assert.Equal(t, []float64{5}, vp.Grad())
}

func TestDeltaValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewDelta(math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "v", pe.Param)
	_, err = DeltaOf(scalar(0), scalar(math.Inf(1)))
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "log_density", pe.Param)
	_, err = DeltaOf(ad.Row([]float64{0, 1}), ad.Row([]float64{0, 1, 2}))
	assert.ErrorContains(t, err, "does not broadcast")
	_, err = DeltaOf(scalar(0), scalar(math.Inf(-1)))
	assert.NoError(t, err, "a -Inf log-density is allowed")
}

func TestKLDelta(t *testing.T) {
	q := Must(NewNormal(0.5, 2))
	ref := distuv.Normal{Mu: 0.5, Sigma: 2}
	for _, v := range []float64{-3, 0.5, 4} {
		p := Must(NewDelta(v))
		assertRel(t, -ref.LogProb(v), klScalar(t, p, q), 1e-14, "KL(δ_%v || N) = -log q(v)", v)
		// With a log-density: KL = LogDensity - log q(v).
		pl := Must(DeltaOf(scalar(v), scalar(1.25)))
		assertRel(t, 1.25-ref.LogProb(v), klScalar(t, pl, q), 1e-14, "KL with log-density at %v", v)
	}
	assert.True(t, HasKL(Must(NewDelta(0)), q))
	// Batches: a 2-row Delta of 2 columns against a shared Normal row.
	pv := ad.Const(2, 2, []float64{0, 1, -1, 3})
	qn := Must(NormalOf(ad.Row([]float64{0.2, 0.4}), ad.Row([]float64{1, 3})))
	kl := klValueStruct(t, Must(DeltaOf(pv, ad.Var{})), qn)
	for i := range 2 {
		want := -distuv.Normal{Mu: 0.2, Sigma: 1}.LogProb(pv.At(i, 0)) - distuv.Normal{Mu: 0.4, Sigma: 3}.LogProb(pv.At(i, 1))
		assertRel(t, want, kl[i], 1e-14, "batched row %d", i)
	}
	// One Delta against a batch of Normals.
	qb := Must(NormalOf(ad.Col([]float64{0, 1, 2}), scalar(1)))
	kl = klValueStruct(t, Must(NewDelta(0.5)), qb)
	require.Len(t, kl, 3)
	for i := range 3 {
		assertRel(t, -distuv.Normal{Mu: float64(i), Sigma: 1}.LogProb(0.5), kl[i], 1e-14, "against batch row %d", i)
	}
	// Outside q's support: +Inf. Against a Delta: 0 at the same point,
	// +Inf elsewhere.
	ln := Must(NewTransformed(Must(NewNormal(0, 1)), Exp{}))
	assert.Equal(t, math.Inf(1), klScalar(t, Must(NewDelta(-1)), ln))
	assert.Equal(t, 0.0, klScalar(t, Must(NewDelta(2)), Must(NewDelta(2))))
	assert.Equal(t, math.Inf(1), klScalar(t, Must(NewDelta(2)), Must(NewDelta(3))))
	// Gradients with respect to the point, its log-density and q.
	checkKLGrad(t, func(v []ad.Var) (Distribution, Distribution) {
		return Delta{V: v[0], LogDensity: v[1]}, Normal{Loc: v[2], Scale: v[3]}
	}, []ad.Matrix{row(0.3, -1), mat(0.2), row(1, 0), row(0.5, 2)}, nil)
}
