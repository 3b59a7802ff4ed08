package loss

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleLabels draws a label per row from softmax(z/T).
func sampleLabels(rng *rand.Rand, z []float64, c int, T float64) []int {
	r := len(z) / c
	labels := make([]int, r)
	for i := range r {
		p := softmaxT(z[i*c:(i+1)*c], T)
		u, j := rng.Float64(), 0
		for ; j < c-1; j++ {
			u -= p[j]
			if u < 0 {
				break
			}
		}
		labels[i] = j
	}
	return labels
}

// nllAt is the mean NLL at temperature T, computed directly.
func nllAt(z []float64, c int, labels []int, T float64) float64 {
	var s float64
	for i, y := range labels {
		p := softmaxT(z[i*c:(i+1)*c], T)
		s -= math.Log(p[y])
	}
	return s / float64(len(labels))
}

// TestFitTemperatureRecoversT0: labels drawn at softmax(z/T0) make T0 the
// population optimum. The estimate's standard error is 1/sqrt(n I(β)) in
// β = 1/T, I the mean variance of z under softmax(βz) (the Fisher
// information of the one-parameter family); the fit must be within 5 of
// them, and it must be the minimizer of the sample NLL to 1e-8 in T,
// checked by golden-section search on log T.
func TestFitTemperatureRecoversT0(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c = 20000, 6
	z := randLogits(rng, n, c, 3)
	for _, T0 := range []float64{0.7, 1, 2.5} {
		labels := sampleLabels(rng, z, c, T0)
		T, err := FitTemperature(z, c, labels)
		require.NoError(t, err)
		var info float64
		for i := range n {
			p := softmaxT(z[i*c:(i+1)*c], T0)
			var ez, ez2 float64
			for j := range c {
				ez += p[j] * z[i*c+j]
				ez2 += p[j] * z[i*c+j] * z[i*c+j]
			}
			info += (ez2 - ez*ez) / n
		}
		seBeta := 1 / math.Sqrt(n*info)
		seT := seBeta * T0 * T0
		assert.InDelta(t, T0, T, 5*seT, "T0 = %g (se %.4f)", T0, seT)
		// Golden section on log T around the fit.
		a, b := math.Log(T)-0.2, math.Log(T)+0.2
		g := (math.Sqrt(5) - 1) / 2
		for b-a > 1e-11 {
			x1, x2 := b-g*(b-a), a+g*(b-a)
			if nllAt(z, c, labels, math.Exp(x1)) < nllAt(z, c, labels, math.Exp(x2)) {
				b = x2
			} else {
				a = x1
			}
		}
		// The NLL is flat at the minimum, so golden section resolves log T
		// only to about sqrt(ε) relative to its curvature: 1e-7 in T.
		assert.InDelta(t, math.Exp((a+b)/2), T, 1e-7*T, "T0 = %g: the sample-NLL minimizer", T0)
	}
}

func TestFitTemperatureErrors(t *testing.T) {
	_, err := FitTemperature([]float64{1, 1, 2, 2}, 2, []int{0, 1})
	assert.ErrorContains(t, err, "do not vary")
	_, err = FitTemperature([]float64{1, 2, 3}, 2, []int{0})
	assert.ErrorContains(t, err, "not rows of 2")
	_, err = FitTemperature([]float64{1, math.NaN()}, 2, []int{0})
	assert.ErrorContains(t, err, "logits[1] = NaN")
	_, err = FitTemperature([]float64{1, 2}, 2, []int{2})
	assert.ErrorContains(t, err, "labels[0] = 2")
	// Labels always on the lowest logit: the NLL falls toward negative β.
	_, err = FitTemperature([]float64{0, 1, 0, 2, 0, 3}, 2, []int{0, 0, 0})
	assert.ErrorContains(t, err, "no positive temperature")
}

// TestECE: a classifier whose labels are drawn from its own probabilities
// is calibrated, and its ECE is only binning noise: below 3 times
// Σ_b (n_b/n) sqrt(conf_b (1 − conf_b)/n_b), the expected noise of the
// bins' accuracies. Overconfident logits (labels drawn at T0 = 2.5) have a
// large ECE, and temperature scaling removes most of it.
func TestECE(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, c = 30000, 5
	z := randLogits(rng, n, c, 3)
	labels := sampleLabels(rng, z, c, 1)
	cal, err := Calibrate(z, c, labels, 1, 15)
	require.NoError(t, err)
	var noise float64
	total := 0
	for _, b := range cal.Bins {
		total += b.Count
		if b.Count > 0 {
			noise += float64(b.Count) / n * math.Sqrt(b.Confidence*(1-b.Confidence)/float64(b.Count))
		}
	}
	require.Equal(t, n, total, "every prediction is in a bin")
	assert.Less(t, cal.ECE, 3*noise, "ECE of a calibrated classifier (noise %.4f)", noise)
	assert.GreaterOrEqual(t, cal.MCE, cal.ECE)

	over := sampleLabels(rng, z, c, 2.5)
	raw, err := Calibrate(z, c, over, 1, 0)
	require.NoError(t, err)
	assert.Len(t, raw.Bins, 15, "15 bins by default")
	assert.Greater(t, raw.ECE, 0.1, "ECE of the overconfident classifier")
	T, err := FitTemperature(z, c, over)
	require.NoError(t, err)
	fixed, err := Calibrate(z, c, over, T, 0)
	require.NoError(t, err)
	assert.Less(t, fixed.ECE, 3*noise+0.01, "ECE after temperature scaling")
	assert.Less(t, fixed.NLL, raw.NLL, "temperature scaling lowers the NLL")
	assert.Equal(t, raw.Accuracy, fixed.Accuracy, "a temperature does not change the top class")
}

// TestVectorScaling recovers per-class scales from labels drawn at
// softmax(W ⊙ z + B) and beats temperature scaling's NLL on them.
func TestVectorScaling(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, c = 20000, 4
	z := randLogits(rng, n, c, 2)
	w, b := []float64{0.5, 1, 1.5, 0.8}, []float64{0.3, -0.2, 0, 0.5}
	zz := VectorScaling{W: w, B: b}.Apply(nil, z)
	labels := sampleLabels(rng, zz, c, 1)
	vs, err := FitVectorScaling(z, c, labels)
	require.NoError(t, err)
	for j := range c {
		assert.InDelta(t, w[j], vs.W[j], 0.08, "W[%d]", j)
	}
	// B is identified up to a common shift.
	for j := 1; j < c; j++ {
		assert.InDelta(t, b[j]-b[0], vs.B[j]-vs.B[0], 0.1, "B[%d] - B[0]", j)
	}
	T, err := FitTemperature(z, c, labels)
	require.NoError(t, err)
	cv, err := Calibrate(vs.Apply(nil, z), c, labels, 1, 0)
	require.NoError(t, err)
	ct, err := Calibrate(z, c, labels, T, 0)
	require.NoError(t, err)
	assert.Less(t, cv.NLL, ct.NLL, "vector scaling fits better than one temperature here")
}

// FuzzCalibration: the validators and fits never panic on hostile logits
// and labels; what they accept gives a finite positive temperature and
// an ECE in [0, 1].
func FuzzCalibration(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(2), uint8(1))
	f.Add([]byte{0, 0, 0, 0}, uint8(2), uint8(0))
	f.Add([]byte{255, 0, 128, 7, 9, 200}, uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, raw []byte, cols, lab uint8) {
		c := int(cols%6) + 1
		z := make([]float64, len(raw))
		for i, b := range raw {
			z[i] = (float64(b) - 128) / 8
		}
		r := len(z) / max(c, 1)
		labels := make([]int, r)
		for i := range labels {
			labels[i] = (int(lab) + i) % (c + 1) // sometimes out of range
		}
		if T, err := FitTemperature(z, c, labels); err == nil {
			if !(T > 0) || math.IsInf(T, 0) {
				t.Fatalf("temperature %v", T)
			}
			cal, err := Calibrate(z, c, labels, T, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !(cal.ECE >= 0 && cal.ECE <= 1) {
				t.Fatalf("ECE %v", cal.ECE)
			}
		}
	})
}
