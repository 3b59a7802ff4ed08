package dist

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kldiv/kldiv/ad"
)

// concreteBinaryDiscrete is the binary Concrete density of Maddison et al.
// (2017), τ α x^(-τ-1) (1-x)^(-τ-1) / (α x^(-τ) + (1-x)^(-τ))², written
// independently of the family's logistic form.
func concreteBinaryDiscrete(x, tau, p float64) float64 {
	a := p / (1 - p)
	den := a*math.Pow(x, -tau) + math.Pow(1-x, -tau)
	return tau * a * math.Pow(x, -tau-1) * math.Pow(1-x, -tau-1) / (den * den)
}

// sigmoidDiscrete is σ(y).
func sigmoidDiscrete(y float64) float64 { return 1 / (1 + math.Exp(-y)) }

func TestRelaxedBernoulliDensity(t *testing.T) {
	for _, c := range [][2]float64{{0.5, 0.3}, {1, 0.5}, {2.5, 0.85}, {0.2, 0.05}} {
		tau, p := c[0], c[1]
		for fi, d := range []RelaxedBernoulli{Must(NewRelaxedBernoulli(tau, p)), Must(RelaxedBernoulliLogits(tau, math.Log(p/(1-p))))} {
			for _, x := range []float64{0.01, 0.2, 0.5, 0.77, 0.999} {
				want := math.Log(concreteBinaryDiscrete(x, tau, p))
				assert.InDelta(t, want, logProbAt(d, x), 1e-12*math.Max(1, math.Abs(want)), "τ=%v p=%v form %d x=%v", tau, p, fi, x)
			}
			// Normalization and the CDF by quadrature in logit space
			// (x = σ(y), dx = σ(y)σ(-y) dy), where the integrand is smooth:
			// y = (logit p + L)/τ for standard logistic L, so the pieces
			// span logit p/τ ± 40/τ.
			l := math.Log(p / (1 - p))
			breaks := []float64{(l - 40) / tau, (l - 10) / tau, l / tau, (l + 10) / tau, (l + 40) / tau}
			dens := func(y float64) float64 {
				x := sigmoidDiscrete(y)
				if x <= 0 || x >= 1 {
					return 0
				}
				return math.Exp(logProbAt(d, x)) * x * sigmoidDiscrete(-y)
			}
			// Above y0 = 12, 1 - σ(y) has lost digits to rounding (x is
			// stored, not 1-x); the mass there is
			// P(L > τ y0 - logit p) = σ(logit p - τ y0).
			const y0 = 12
			assert.InDelta(t, 1, integrate(dens, math.Inf(-1), y0, breaks...)+sigmoidDiscrete(l-tau*y0), 1e-10, "normalized τ=%v p=%v", tau, p)
			for _, x := range []float64{0.1, 0.5, 0.9} {
				want := integrate(dens, math.Inf(-1), math.Log(x/(1-x)), breaks...)
				assert.InDelta(t, want, d.CDF(ad.Scalar(x)).Scalar(), 1e-9, "cdf τ=%v p=%v x=%v", tau, p, x)
			}
		}
	}
	d := Must(NewRelaxedBernoulli(0.5, 0.3))
	for _, x := range []float64{0, 1, -0.5, 2} {
		assert.True(t, math.IsInf(logProbAt(d, x), -1), "outside (0, 1) at %v", x)
	}
	assert.Equal(t, 0.0, d.CDF(ad.Scalar(0)).Scalar())
	assert.Equal(t, 1.0, d.CDF(ad.Scalar(1)).Scalar())
}

func TestRelaxedBernoulliBatchAndGradients(t *testing.T) {
	tau := ad.Col([]float64{0.5, 2})
	probs := ad.Row([]float64{0.2, 0.7, 0.5})
	d := Must(RelaxedBernoulliOf(tau, probs))
	b, c := d.Shape()
	require.Equal(t, [2]int{2, 3}, [2]int{b, c})
	x := ad.Const(4, 3, []float64{0.1, 0.5, 0.9, 0.3, 0.3, 0.3, 0.99, 0.01, 0.6, 0.2, 0.8, 0.4})
	lp := d.LogProb(x).Value()
	for i := 0; i < 4; i++ {
		var want float64
		for j := 0; j < 3; j++ {
			want += math.Log(concreteBinaryDiscrete(x.At(i, j), tau.At(i%2, 0), probs.At(0, j)))
		}
		assertRel(t, want, lp[i], 1e-12, "row %d", i)
	}
	build := func(ps []ad.Var) Distribution { return RelaxedBernoulli{Temperature: ps[0], Probs: ps[1]} }
	checkLogProbGrad(t, build, []ad.Matrix{col(0.5, 2), row(0.2, 0.7, 0.5)}, x.Matrix(), nil)
	buildL := func(ps []ad.Var) Distribution { return RelaxedBernoulli{Temperature: ps[0], Logits: ps[1]} }
	checkLogProbGrad(t, buildL, []ad.Matrix{mat(0.8), {Rows: 2, Cols: 3, Data: []float64{-1, 0, 1, 2, 0.3, -0.4}}}, x.Matrix(), nil)
	checkCDFGrad(t, func(ps []ad.Var) Distribution { return RelaxedBernoulli{Temperature: ps[0], Logits: ps[1]} }, []ad.Matrix{mat(0.7), row(-0.5, 0.1, 1.2)}, row(0.2, 0.5, 0.9), nil)
}

func TestRelaxedBernoulliSampling(t *testing.T) {
	rng := rngDiscrete(91)
	for _, c := range [][2]float64{{0.4, 0.3}, {1.7, 0.6}} {
		d := Must(NewRelaxedBernoulli(c[0], c[1]))
		checkKS(t, d, func(x float64) float64 { return d.CDF(ad.Scalar(x)).Scalar() }, rng, 20000)
	}
	// Pathwise gradient of E[z²] with respect to the logit against the
	// derivative of the quadrature value (central difference, h = 1e-4),
	// within 5 standard errors from 40 batch means.
	tau, logit := 0.7, 0.4
	ez2 := func(l float64) float64 {
		d := Must(RelaxedBernoulliLogits(tau, l))
		return integrate(func(y float64) float64 {
			x := sigmoidDiscrete(y)
			if x <= 0 || x >= 1 {
				return 0
			}
			return x * x * math.Exp(logProbAt(d, x)) * x * sigmoidDiscrete(-y)
		}, math.Inf(-1), math.Inf(1))
	}
	want := (ez2(logit+1e-4) - ez2(logit-1e-4)) / 2e-4
	const batches, per = 40, 10000
	var gs []float64
	for range batches {
		tp := ad.NewTape()
		l := ad.NewParam("logit", 1, 1, []float64{logit})
		z := RelaxedBernoulli{Temperature: ad.Scalar(tau), Logits: tp.Param(l)}.Rsample(rng, per)
		tp.Backward(ad.Mean(ad.Square(z)))
		gs = append(gs, l.Grad[0])
	}
	m, se := meanSEDiscrete(gs)
	assert.InDelta(t, want, m, 5*se, "pathwise d/dlogit E[z²] (se %v)", se)
}

// meanSEDiscrete returns the mean of xs and its standard error.
func meanSEDiscrete(xs []float64) (float64, float64) {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	v /= float64(len(xs) - 1)
	return m, math.Sqrt(v / float64(len(xs)))
}

func TestRelaxedBernoulliValidate(t *testing.T) {
	var pe *ParamError
	_, err := NewRelaxedBernoulli(0, 0.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "temperature", pe.Param)
	_, err = NewRelaxedBernoulli(1, 1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	_, err = RelaxedBernoulliLogits(1, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "logits", pe.Param)
}

// simplexGridDiscrete returns the rows x = softmax(0, y1, y2) for y on an
// m x m grid of spacing h centred at 0, with the Jacobian factor
// x1 x2 x3 h² of the additive logistic map (x2, x3) <- (y1, y2).
func simplexGridDiscrete(m int, h float64) (ad.Var, []float64) {
	xs := make([]float64, 0, 3*m*m)
	ws := make([]float64, 0, m*m)
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			y1, y2 := (float64(a)-float64(m-1)/2)*h, (float64(b)-float64(m-1)/2)*h
			mx := math.Max(0, math.Max(y1, y2))
			e0, e1, e2 := math.Exp(-mx), math.Exp(y1-mx), math.Exp(y2-mx)
			s := e0 + e1 + e2
			x0, x1, x2 := e0/s, e1/s, e2/s
			xs = append(xs, x0, x1, x2)
			ws = append(ws, x0*x1*x2*h*h)
		}
	}
	return ad.Const(m*m, 3, xs), ws
}

func TestRelaxedOneHotCategoricalDensity(t *testing.T) {
	// K = 2 in the first coordinate is the relaxed Bernoulli with
	// logit l1 - l2.
	for _, tau := range []float64{0.3, 1, 2.2} {
		d := Must(RelaxedOneHotCategoricalLogits(tau, 0.4, -0.9))
		rb := Must(RelaxedBernoulliLogits(tau, 1.3))
		for _, x := range []float64{0.05, 0.5, 0.92} {
			got := d.LogProb(ad.Row([]float64{x, 1 - x})).Value()[0]
			assertRel(t, logProbAt(rb, x), got, 1e-12, "K=2 τ=%v x=%v", tau, x)
		}
	}
	// K = 3: the Concrete density of Maddison et al. (eq. 6) written out,
	// and normalization by the trapezoid rule in additive-logistic
	// coordinates (smooth, exponentially decaying integrand: the rule
	// converges geometrically).
	alpha := []float64{0.2, 0.5, 0.3}
	for _, tau := range []float64{0.6, 1.5} {
		for fi, d := range []RelaxedOneHotCategorical{
			Must(NewRelaxedOneHotCategorical(tau, 2, 5, 3)), // normalized by the sum
			Must(RelaxedOneHotCategoricalLogits(tau, math.Log(0.2)+1, math.Log(0.5)+1, math.Log(0.3)+1)),
		} {
			x := []float64{0.1, 0.6, 0.3}
			num, den := 2*tau*tau, 0.0
			for k := range x {
				num *= alpha[k] * math.Pow(x[k], -tau-1)
				den += alpha[k] * math.Pow(x[k], -tau)
			}
			assertRel(t, math.Log(num/(den*den*den)), d.LogProb(ad.Row(x)).Value()[0], 1e-12, "K=3 τ=%v form %d", tau, fi)
			grid, ws := simplexGridDiscrete(801, 0.1)
			lp := d.LogProb(grid).Value()
			var z kahan
			for i, w := range ws {
				z.add(math.Exp(lp[i]) * w)
			}
			assert.InDelta(t, 1, z.sum(), 1e-8, "normalized τ=%v form %d", tau, fi)
		}
	}
	d := Must(NewRelaxedOneHotCategorical(0.5, 0.2, 0.5, 0.3))
	for _, bad := range [][]float64{{0, 0.5, 0.5}, {0.2, 0.2, 0.2}, {-0.1, 0.6, 0.5}} {
		assert.True(t, math.IsInf(d.LogProb(ad.Row(bad)).Value()[0], -1), "%v is off the simplex", bad)
	}
}

func TestRelaxedOneHotCategoricalGradients(t *testing.T) {
	x := ad.Matrix{Rows: 4, Cols: 3, Data: []float64{0.1, 0.6, 0.3, 0.3, 0.3, 0.4, 0.8, 0.15, 0.05, 0.2, 0.2, 0.6}}
	// The value's partial: a small step keeps perturbed rows within the
	// simplex tolerance of 1e-6.
	opt := &ad.CheckOptions{Step: 1e-8, AbsTol: 1e-5, RelTol: 1e-5}
	checkLogProbGrad(t, func(ps []ad.Var) Distribution {
		return RelaxedOneHotCategorical{Temperature: ps[0], Probs: ps[1]}
	}, []ad.Matrix{col(0.5, 1.4), {Rows: 2, Cols: 3, Data: []float64{0.2, 0.5, 0.3, 1, 2, 3}}}, x, opt)
	checkLogProbGrad(t, func(ps []ad.Var) Distribution {
		return RelaxedOneHotCategorical{Temperature: ps[0], Logits: ps[1]}
	}, []ad.Matrix{mat(0.9), row(0.3, -1, 2)}, x, opt)
}

func TestRelaxedOneHotCategoricalSampling(t *testing.T) {
	rng := rngDiscrete(101)
	d := Must(RelaxedOneHotCategoricalOf(ad.Col([]float64{0.5, 2}), ad.Const(2, 3, []float64{0.2, 0.5, 0.3, 0.6, 0.1, 0.3})))
	s := d.Sample(rng, 20000)
	require.Equal(t, [2]int{40000, 3}, [2]int{s.Rows(), s.Cols()})
	require.NoError(t, Simplex{}.Check(s))
	// The argmax of a Concrete sample is an exact categorical draw.
	for b, probs := range [][]float64{{0.2, 0.5, 0.3}, {0.6, 0.1, 0.3}} {
		var idx []float64
		for i := b; i < s.Rows(); i += 2 {
			row := s.Value()[i*3 : (i+1)*3]
			at := 0
			for j := range row {
				if row[j] > row[at] {
					at = j
				}
			}
			idx = append(idx, float64(at))
		}
		checkFrequenciesDiscrete(t, idx, func(k int) float64 {
			if k < 3 {
				return probs[k]
			}
			return 0
		}, "Concrete argmax")
	}
	// K = 2: the first coordinate follows the relaxed Bernoulli (KS test).
	d2 := Must(RelaxedOneHotCategoricalLogits(0.8, 0.4, -0.9))
	rb := Must(RelaxedBernoulliLogits(0.8, 1.3))
	s2 := d2.Sample(rng, 20000)
	first := make([]float64, s2.Rows())
	for i := range first {
		first[i] = s2.At(i, 0)
	}
	xs := sortedDiscrete(first)
	var dmax float64
	for i, x := range xs {
		f := rb.CDF(ad.Scalar(x)).Scalar()
		dmax = math.Max(dmax, math.Max(math.Abs(f-float64(i)/float64(len(xs))), math.Abs(f-float64(i+1)/float64(len(xs)))))
	}
	assert.Less(t, dmax, 1.95/math.Sqrt(float64(len(xs))), "KS statistic of the first coordinate")
	var pe *ParamError
	_, err := NewRelaxedOneHotCategorical(-1, 0.5, 0.5)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "temperature", pe.Param)
	_, err = NewRelaxedOneHotCategorical(1, 0, 1)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "probs", pe.Param)
	_, err = RelaxedOneHotCategoricalOf(ad.Row([]float64{1, 1}), ad.Row([]float64{0.5, 0.5}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "one column")
}

func TestRelaxedSampleIsConstantRsampleIsRecorded(t *testing.T) {
	tp := ad.NewTape()
	p := tp.Input(1, 2, []float64{0.3, 0.6})
	tau := tp.Input(1, 1, []float64{0.5})
	rb := RelaxedBernoulli{Temperature: tau, Probs: p}
	assert.Nil(t, rb.Sample(rngDiscrete(1), 3).Tape())
	assert.Equal(t, tp, rb.Rsample(rngDiscrete(1), 3).Tape())
	rc := RelaxedOneHotCategorical{Temperature: tau, Probs: p}
	assert.Nil(t, rc.Sample(rngDiscrete(1), 3).Tape())
	z := rc.Rsample(rngDiscrete(1), 3)
	assert.Equal(t, tp, z.Tape())
	// Same noise, same numbers.
	assert.Equal(t, rc.Sample(rngDiscrete(1), 3).Value(), z.Value())
}
